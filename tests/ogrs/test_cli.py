"""``caseinspect ogrs3``: one person, JSON, batch, and errors (exit 2)."""

from __future__ import annotations

import json

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
    assert "first_sanction_date" in err and "first-sanction-after-conviction" in err


def test_missing_options_exit_2(capsys):
    assert main(["ogrs3", "--sex", "male"]) == 2
    assert "--birth-date" in capsys.readouterr().err


def test_batch_round_trip(tmp_path, capsys):
    src = tmp_path / "in.csv"
    src.write_text(
        "sex,birth_date,conviction_date,first_sanction_date,assessment_date,previous_sanctions,offence\n"
        "male,1991-07-17,2021-08-05,2013-01-01,2021-12-12,1,other\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    assert main(["ogrs3", "--batch", str(src), "--out", str(out)]) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].endswith("one_year,two_year,band")
    assert lines[1].endswith(",0.0881,0.1654,low")  # 9% / 17%, scenario 2 with "other"


def test_batch_errors_name_row_and_column(tmp_path, capsys):
    src = tmp_path / "in.csv"
    src.write_text(
        "sex,birth_date,conviction_date,first_sanction_date,assessment_date,previous_sanctions,offence\n"
        "male,1991-07-17,2021-08-05,2013-01-01,2021-12-12,1,other\n"
        "male,1991-07-17,2021-08-05,2013-01-01,2021-12-12,-1,other\n",
        encoding="utf-8",
    )
    assert main(["ogrs3", "--batch", str(src), "--out", str(tmp_path / "o.csv")]) == 1
    err = capsys.readouterr().err
    assert "row 3" in err and "previous_sanctions" in err  # spreadsheet row: header is row 1
    assert not (tmp_path / "o.csv").exists()
