"""``caseinspect regress``: exit codes, JSON output and error messages."""

from __future__ import annotations

import json

import pytest

from caseinspect.cli import main

from .conftest import make_cases


@pytest.fixture()
def csv_file(tmp_path):
    cases = make_cases(300, seed=5)
    cases.loc[cases.index[:4], "gender"] = ""  # missing: left out
    path = tmp_path / "cases.csv"
    cases.to_csv(path, index=False)
    return path


def test_regress_json(csv_file, capsys):
    code = main(
        [
            "regress",
            str(csv_file),
            "--outcome",
            "q1",
            "--event",
            "Yes",
            "--terms",
            "provider_type,gender,likelihood_of_reoffending,score",
            "--categorical",
            "provider_type,gender,likelihood_of_reoffending",
            "--reference",
            "likelihood_of_reoffending=Low",
            "--method",
            "fstep-lr",
            "--format",
            "json",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    data = json.loads(out)
    assert (data["n"], data["n_excluded"]) == (296, 4)
    assert data["method"] == "fstep-lr"
    assert data["coefficients"][0]["name"] == "Intercept"
    coding = {c["name"]: c for c in data["codings"]}
    assert coding["likelihood_of_reoffending"]["reference"] == "Low"


def test_regress_text_with_levels_and_cluster(csv_file, capsys):
    code = main(
        [
            "regress",
            str(csv_file),
            "--outcome",
            "q1",
            "--event",
            "Yes",
            "--terms",
            "likelihood_of_reoffending",
            "--levels",
            "likelihood_of_reoffending=Low,Medium,High/Very high",
            "--cluster",
            "provider",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "Coefficients" in out and "likelihood_of_reoffending[T.Medium]" in out
    assert "Clustered by 'provider'" in out and "Only 12 clusters" in out


@pytest.mark.parametrize("suffix", [".parquet", ".xlsx"])
def test_regress_reads_parquet_and_xlsx(tmp_path, capsys, suffix):
    cases = make_cases(120, seed=6)
    path = tmp_path / f"cases{suffix}"
    (cases.to_parquet if suffix == ".parquet" else cases.to_excel)(path, index=False)
    code = main(
        [
            "regress",
            str(path),
            "--outcome",
            "q2",
            "--event",
            "Yes",
            "--terms",
            "gender",
            "--categorical",
            "gender",
            "--format",
            "json",
        ]
    )
    assert code == 0
    assert json.loads(capsys.readouterr().out)["n"] == 120


def test_regress_bad_column_exit_2(csv_file, capsys):
    code = main(
        [
            "regress",
            str(csv_file),
            "--outcome",
            "q1",
            "--event",
            "Yes",
            "--terms",
            "gendr",
            "--categorical",
            "gendr",
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "Column 'gendr'" in err and "Did you mean 'gender'" in err


def test_regress_text_value_in_numeric_term_exit_2(csv_file, capsys):
    code = main(
        ["regress", str(csv_file), "--outcome", "q1", "--event", "Yes", "--terms", "gender"]
    )
    err = capsys.readouterr().err
    assert code == 2 and "Column 'gender'" in err and "is not a number" in err


def test_regress_bad_reference_syntax_exit_2(csv_file, capsys):
    code = main(
        [
            "regress",
            str(csv_file),
            "--outcome",
            "q1",
            "--event",
            "Yes",
            "--terms",
            "gender",
            "--categorical",
            "gender",
            "--reference",
            "gender",
        ]
    )
    assert code == 2 and "TERM=VALUE" in capsys.readouterr().err


def test_regress_unknown_extension_exit_2(tmp_path, capsys):
    path = tmp_path / "cases.txt"
    path.write_text("q,g\nYes,a\n")
    code = main(["regress", str(path), "--outcome", "q", "--event", "Yes", "--terms", "g"])
    assert code == 2 and "unknown file type" in capsys.readouterr().err


def test_regress_help_mentions_methods(capsys):
    assert main(["regress", "--help"]) == 0
    out = capsys.readouterr().out
    assert "fstep-lr" in out and "--cluster" in out
