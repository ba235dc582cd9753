"""Writing rounds to CSV and Parquet, from the library and the command line."""

from __future__ import annotations

import pandas as pd
import pytest

from caseinspect.cases import read_case_file, validate_cases
from caseinspect.cli import main
from caseinspect.errors import UsageError
from caseinspect.framework import load_framework
from caseinspect.synth import truth_path, write_round

FRAMEWORK = {"2018-19": "hmip-2018", "2016-17": "qi-2016"}


@pytest.mark.parametrize("round_id", ["2018-19", "2016-17"])
@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_written_files_pass_the_validator(tmp_path, round_id, suffix):
    out = write_round(round_id, tmp_path / f"cases{suffix}", n_cases=300, seed=2)
    frame = read_case_file(out)
    assert len(frame) == 300
    framework = load_framework(FRAMEWORK[round_id])
    # Import mode: in a file a blank judgement means "not applicable / not recorded"; the
    # submit-mode completeness rule is the web form's, where "not applicable" is a choice.
    assert validate_cases(frame, framework, source=str(out), mode="import") == []
    truth = pd.read_csv(truth_path(out), dtype=str, keep_default_na=False)
    assert list(truth.columns) == ["case_id", "item", "theme", "polarity"]
    assert set(truth["case_id"]) <= set(frame["case_id"])


def test_csv_and_parquet_hold_the_same_cases(tmp_path):
    a = read_case_file(write_round("2018-19", tmp_path / "a.csv", n_cases=250, seed=5))
    b = read_case_file(write_round("2018-19", tmp_path / "b.parquet", n_cases=250, seed=5))
    pd.testing.assert_frame_equal(a, b)


def test_empty_csv_fields_are_bare(tmp_path):
    out = write_round("2018-19", tmp_path / "a.csv", n_cases=50, seed=0, text=False)
    line = out.read_text(encoding="utf-8").splitlines()[1]
    assert ",," in line or line.endswith(",")  # not '""'
    assert '""' not in line


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_same_seed_same_bytes(tmp_path, suffix):
    first = write_round("2018-19", tmp_path / f"one{suffix}", seed=7)
    second = write_round("2018-19", tmp_path / f"two{suffix}", seed=7)
    assert first.read_bytes() == second.read_bytes()
    assert truth_path(first).read_bytes() == truth_path(second).read_bytes()
    third = write_round("2018-19", tmp_path / f"three{suffix}", seed=8)
    assert third.read_bytes() != first.read_bytes()


def test_cli_writes_csv_and_parquet(tmp_path, capsys):
    csv_out = tmp_path / "r.csv"
    assert (
        main(
            ["synth", "--round", "2016-17", "--cases", "120", "--seed", "3", "--out", str(csv_out)]
        )
        == 0
    )
    assert "Wrote" in capsys.readouterr().out
    parquet_out = tmp_path / "r.parquet"
    assert (
        main(
            [
                "synth",
                "--round",
                "2016-17",
                "--cases",
                "120",
                "--seed",
                "3",
                "--out",
                str(parquet_out),
                "--quiet",
            ]
        )
        == 0
    )
    pd.testing.assert_frame_equal(read_case_file(csv_out), read_case_file(parquet_out))
    assert truth_path(parquet_out).is_file()
    no_text = tmp_path / "plain.csv"
    assert (
        main(
            [
                "synth",
                "--round",
                "2018-19",
                "--cases",
                "40",
                "--out",
                str(no_text),
                "--no-text",
                "-q",
            ]
        )
        == 0
    )
    assert "practice_note" not in read_case_file(no_text).columns
    assert not truth_path(no_text).exists()


def test_cli_default_size_is_the_published_round(tmp_path):
    out = tmp_path / "full.csv"
    assert main(["synth", "--round", "2016-17", "--out", str(out), "-q"]) == 0
    assert len(read_case_file(out)) == 1066


def test_cli_rejects_bad_output(tmp_path, capsys):
    assert main(["synth", "--round", "2018-19", "--out", str(tmp_path / "x.txt")]) == 2
    assert ".csv, .parquet" in capsys.readouterr().err
    assert main(["synth", "--round", "2018-19", "--out", str(tmp_path / "nope" / "x.csv")]) == 2
    assert main(["synth", "--round", "1999-00", "--out", str(tmp_path / "x.csv")]) == 2


def test_write_round_rejects_bad_suffix(tmp_path):
    with pytest.raises(UsageError):
        write_round("2018-19", tmp_path / "x.xlsx")
