"""``caseinspect ogrs3``: one person, JSON, batch, and errors (exit 2)."""

from __future__ import annotations

import json

import pandas as pd

from caseinspect.cli import main

SCENARIO_1 = [
    "ogrs3",
    "--sex",
    "male",
    "--birth-date",
    "1965-12-07",
    "--conviction-date",
    "2025-05-13",
    "--first-sanction-date",
    "2013-06-01",
    "--assessment-date",
    "2026-12-06",
    "--previous-sanctions",
    "1",
    "--offence",
    "soliciting",
]


def test_json_output_matches_the_issue(capsys):
    assert main([*SCENARIO_1, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "one_year": 0.0832,
        "two_year": 0.1571,
        "band": "low",
    }


def test_text_output(capsys):
    assert main(SCENARIO_1) == 0
    out = capsys.readouterr().out
    assert "8% within one year" in out and "16% within two years" in out and "low" in out


def test_invalid_input_exits_1_with_named_problems(capsys):
    args = [a if a != "2013-06-01" else "2025-06-01" for a in SCENARIO_1]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "--first-sanction-date" in err and "first-sanction-after-conviction" in err


def test_missing_options_exit_2(capsys):
    assert main(["ogrs3", "--sex", "male"]) == 2
    assert "--birth-date" in capsys.readouterr().err


HEADER = "sex,birth_date,conviction_date,first_sanction_date,assessment_date,previous_sanctions,offence\n"
GOOD = "male,1991-07-17,2021-08-05,2013-01-01,2021-12-12,1,other\n"


def test_batch_round_trip_at_full_precision(tmp_path, capsys):
    src = tmp_path / "in.csv"
    src.write_text(HEADER + GOOD, encoding="utf-8")
    out = tmp_path / "out.csv"
    assert main(["ogrs3", "--batch", str(src), "--out", str(out)]) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].endswith("one_year,two_year,band")
    one, two, band = lines[1].split(",")[-3:]
    assert (round(float(one), 4), round(float(two), 4), band) == (0.0881, 0.1654, "low")
    assert abs(float(two) - 0.1654088255061861) < 1e-15  # fixtures/ogrs3_reference.R, r10
    assert not (tmp_path / "out-problems.csv").exists()


def test_batch_scores_valid_rows_and_lists_the_others(tmp_path, capsys):
    src = tmp_path / "in.csv"
    src.write_text(
        HEADER + GOOD + "male,1991-07-17,2021-08-05,2013-01-01,2021-12-12,-1,other\n" + GOOD,
        encoding="utf-8",
    )
    out = tmp_path / "o.csv"
    assert main(["ogrs3", "--batch", str(src), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "row 3" in err and "previous_sanctions" in err  # spreadsheet row: header is row 1
    scored = pd.read_csv(out, keep_default_na=False)
    assert scored.band.tolist() == ["low", "", "low"]
    problems = pd.read_csv(tmp_path / "o-problems.csv")
    assert problems[["row", "column", "rule"]].values.tolist() == [
        [3, "previous_sanctions", "negative-sanctions"]
    ]


def test_batch_problems_file_can_be_named(tmp_path, capsys):
    src = tmp_path / "in.csv"
    src.write_text(HEADER + "MALE ,1991-07-17,2021-08-05,2013-01-01,2021-12-12,1,other\n")
    where = tmp_path / "p.csv"
    args = [
        "ogrs3",
        "--batch",
        str(src),
        "--out",
        str(tmp_path / "o.csv"),
        "--problems",
        str(where),
    ]
    assert main(args) == 1
    assert "did you mean 'male'?" in pd.read_csv(where).message[0]


def test_strict_batch_is_all_or_nothing(tmp_path, capsys):
    src = tmp_path / "in.csv"
    src.write_text(
        HEADER + GOOD + "male,1991-07-17,2021-08-05,2013-01-01,2021-12-12,-1,other\n",
        encoding="utf-8",
    )
    out = tmp_path / "o.csv"
    assert main(["ogrs3", "--batch", str(src), "--out", str(out), "--strict"]) == 1
    assert "row 3" in capsys.readouterr().err
    assert not out.exists()
    assert not (tmp_path / "o-problems.csv").exists()


def test_digits_is_for_display_only(tmp_path, capsys):
    assert main([*SCENARIO_1, "--json", "--digits", "6"]) == 0
    assert json.loads(capsys.readouterr().out)["two_year"] == 0.157102
    src = tmp_path / "in.csv"
    src.write_text(HEADER + GOOD, encoding="utf-8")
    args = ["ogrs3", "--batch", str(src), "--out", str(tmp_path / "o.csv"), "--digits", "2"]
    assert main(args) == 2
    assert "full precision" in capsys.readouterr().err


def test_single_person_values_are_not_normalised(capsys):
    args = [a if a != "male" else "Male" for a in SCENARIO_1]
    assert main(args) == 1
    assert "did you mean 'male'?" in capsys.readouterr().err


def test_single_person_options_are_read_as_typed(capsys):
    args = [a if a != "1" else " 1 " for a in SCENARIO_1]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "--previous-sanctions" in err and "did you mean '1'?" in err
    args = [a if a != "2025-05-13" else "２０２５-05-13" for a in SCENARIO_1]  # full-width
    assert main(args) == 1
    assert "did you mean '2025-05-13'?" in capsys.readouterr().err


def test_single_person_implausible_input(capsys):
    args = [a if a != "1" else "250" for a in SCENARIO_1]
    assert main(args) == 1
    assert "implausible-sanctions" in capsys.readouterr().err
