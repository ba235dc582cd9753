"""Theme tables (hand counts, disclosure control), quotes, and the themes command."""

from __future__ import annotations

import importlib.util

import pandas as pd
import pytest

from caseinspect.cli import main
from caseinspect.framework import load_framework
from caseinspect.text import representative_quotes, theme_table

ITEM = "diversity_considered"


@pytest.fixture(scope="module")
def qi():
    return load_framework("qi-2016")


def _cases():
    # Six cases. C1-C4 answered yes (enablers apply), C5-C6 no (barriers apply).
    return pd.DataFrame(
        {
            "case_id": [f"C{i}" for i in range(1, 7)],
            "provider_type": ["CRC", "CRC", "NPS", "NPS", "CRC", "NPS"],
            "gender": ["Male", "Female", "Male", "", "Male", "Male"],
            ITEM: ["yes", "yes", "yes", "yes", "no", "no"],
            f"{ITEM}__rationale": [
                "Appointments were moved to fit around Kyle's childcare.",
                "Her dyslexia was picked up and written work replaced.",
                "He was involved.",
                "Adapted for faith.",
                "His illness was ignored.",
                "",
            ],
            "practice_pseudonym": ["Kyle", "", "", "", "", ""],
        }
    )


def _codes():
    return pd.DataFrame(
        {
            "case_id": ["C1", "C2", "C4", "C3", "C5"],
            "item": ITEM,
            "theme": [
                "diversity_adapted",
                "diversity_adapted",
                "diversity_adapted",
                "engaged_service_user_family",
                "diversity_overlooked",
            ],
            "score": [0.9, 0.8, 0.7, 0.6, 0.5],
            "source": "suggested",
        }
    )


def test_counts_and_shares_equal_hand_counts(qi):
    table = theme_table(_codes(), _cases(), qi).set_index(["theme", "variable", "category"])
    # diversity_adapted: eligible = yes cases with a rationale: C1-C4 (n 4); coded C1, C2, C4.
    row = table.loc[("diversity_adapted", "all", "All cases")]
    assert (row.n, row["count"], row.pct, row.mentions) == (4, 3, 75.0, 3)
    male = table.loc[("diversity_adapted", "gender", "Male")]  # C1, C3 eligible; C1 coded
    assert (male.n, male["count"], male.pct) == (2, 1, 50.0)
    female = table.loc[("diversity_adapted", "gender", "Female")]
    assert (female.n, female["count"]) == (1, 1)
    # C4's gender is not recorded: in All cases, in neither gender row.
    crc = table.loc[("diversity_adapted", "provider", "CRC")]
    assert (crc.n, crc["count"]) == (2, 2)
    # Barrier: only C5 has a 'no' with a rationale (C6 has no text).
    overlooked = table.loc[("diversity_overlooked", "all", "All cases")]
    assert (overlooked.n, overlooked["count"], overlooked.pct) == (1, 1, 100.0)
    assert set(table["suppressed"]) == {""}


def test_disclosure_control_as_for_the_tables(qi):
    table = theme_table(_codes(), _cases(), qi, suppress=2).set_index(
        ["theme", "variable", "category"]
    )
    female = table.loc[("diversity_adapted", "gender", "Female")]  # n 1 < 2: primary
    assert female.suppressed == "primary"
    assert pd.isna(female.n) and pd.isna(female["count"]) and pd.isna(female.pct)
    assert pd.isna(female.mentions)
    # Male (n 2) would give Female away from All cases (4) minus not recorded: secondary.
    assert table.loc[("diversity_adapted", "gender", "Male")].suppressed == "secondary"
    assert table.loc[("diversity_adapted", "all", "All cases")].suppressed == ""


def test_quotes_are_pseudonymised_and_ranked(qi):
    quotes = representative_quotes(_codes(), _cases(), qi, per_theme=2)
    adapted = quotes[quotes["theme"] == "diversity_adapted"]
    assert adapted["case_id"].tolist() == ["C1", "C2"]  # highest scores first
    assert adapted["rank"].tolist() == [1, 2]
    assert not quotes["text"].str.contains("Kyle").any()
    assert adapted.iloc[0]["names_replaced"] >= 1
    assert "childcare" in adapted.iloc[0]["text"]


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    from caseinspect.synth import write_round

    folder = tmp_path_factory.mktemp("themes")
    out = write_round("2016-17", folder / "cases.csv", 150, seed=4)
    return out, folder / "cases.truth.csv"


def test_command_writes_codes_tables_quotes_and_evaluates(synthetic, tmp_path, capsys):
    cases, truth = synthetic
    confirmed = pd.read_csv(truth, dtype=str)
    confirmed = confirmed[confirmed["case_id"].isin(confirmed["case_id"].unique()[:40])]
    confirmed.to_csv(tmp_path / "confirmed.csv", index=False)
    out = tmp_path / "out"
    args = ["themes", str(cases), "-f", "qi-2016", "--out", str(out), "-q"]
    code = main(args + ["--confirmed", str(tmp_path / "confirmed.csv"), "--evaluate", str(truth)])
    printed = capsys.readouterr().out
    assert code == 0
    assert "precision" in printed and "kappa" in printed and "macro" in printed
    codes = pd.read_csv(out / "codes.csv", dtype=str)
    assert list(codes.columns) == ["case_id", "item", "theme", "score", "source"]
    assert set(codes["source"]) == {"suggested", "confirmed"}
    themes = pd.read_csv(out / "themes.csv")
    assert {"theme", "variable", "category", "n", "count", "pct"} <= set(themes.columns)
    quotes = pd.read_csv(out / "quotes.csv", dtype=str)
    assert len(quotes) > 0
    assert (out / "evaluation.csv").is_file() and (out / "provenance.json").is_file()
    # Same input, same seed: the same bytes.
    again = tmp_path / "again"
    main(
        [
            "themes",
            str(cases),
            "-f",
            "qi-2016",
            "--out",
            str(again),
            "-q",
            "--confirmed",
            str(tmp_path / "confirmed.csv"),
        ]
    )
    assert (again / "codes.csv").read_bytes() == (out / "codes.csv").read_bytes()


def test_command_exit_codes(synthetic, tmp_path, monkeypatch, capsys):
    cases, truth = synthetic
    out = str(tmp_path / "o")
    assert main(["themes", str(cases), "-f", "no-such", "--out", out]) == 2
    assert (
        main(
            [
                "themes",
                str(cases),
                "-f",
                "qi-2016",
                "--out",
                out,
                "--confirmed",
                str(tmp_path / "none.csv"),
            ]
        )
        == 2
    )
    bad = tmp_path / "bad.csv"
    bad.write_text("case_id,item,theme\nC1,diversity_considered,not_a_theme\n")
    assert main(["themes", str(cases), "-f", "qi-2016", "--out", out, "--confirmed", str(bad)]) == 1
    assert "not_a_theme" in capsys.readouterr().err

    real = importlib.util.find_spec

    def find_spec(name, *args, **kwargs):
        return None if name == "model2vec" else real(name, *args, **kwargs)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    assert main(["themes", str(cases), "-f", "qi-2016", "--out", out]) == 2
    err = capsys.readouterr().err
    assert "caseinspect[text]" in err or "'text'" in err
