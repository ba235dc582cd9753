"""Functional tests of the command line: exit codes scripts can trust, outputs on disk."""

from __future__ import annotations

import json
import shutil

import pandas as pd

from caseinspect.cli import cli, main
from caseinspect.published import published_path


def run(args, capsys):
    code = main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_every_command_has_help(capsys):
    for name, command in cli.commands.items():
        assert command.help and len(command.help.strip()) > 20, name
        code, out, _ = run([name, "--help"], capsys)
        assert code == 0 and "Usage" in out
        for param in command.params:
            if param.param_type_name == "option" and param.name not in ("help",):
                assert param.help, f"{name} --{param.name} has no help text"


def test_validate_clean_file(data_dir, capsys):
    code, out, _ = run(
        ["validate", str(data_dir / "hmip_small.csv"), "--framework", "hmip-2018"], capsys
    )
    assert code == 0 and "6 cases, valid" in out


def test_validate_bad_file_lists_problems_and_exits_1(tmp_path, data_dir, capsys):
    bad = tmp_path / "bad.csv"
    text = (
        (data_dir / "hmip_small.csv")
        .read_text()
        .replace("T-2,I-A,Provider A,CRC,Male", "T-2,I-A,Provider A,CRC,Mle")
    )
    bad.write_text(text)
    code, out, err = run(["validate", str(bad), "--framework", "hmip-2018"], capsys)
    assert code == 1
    assert f"{bad}, row 3, column 'gender'" in out and "1 problem found" in err
    code, out, _ = run(
        ["validate", str(bad), "--framework", "hmip-2018", "--format", "json"], capsys
    )
    report = json.loads(out)
    assert (
        code == 1
        and report["problems"][0]["row"] == 3
        and report["problems"][0]["rule"] == "unknown-category"
    )


def test_validate_unreadable_inputs_exit_2_or_1(tmp_path, capsys):
    code, out, _ = run(
        ["validate", str(tmp_path / "missing.csv"), "--framework", "hmip-2018"], capsys
    )
    # Issue #13: a missing input file means the command could not be used (exit 2).
    assert code == 2 and "file not found" in out
    code, _, err = run(["validate", str(tmp_path / "x.csv"), "--framework", "no-such"], capsys)
    assert code == 2 and "no framework named" in err


def test_tables_writes_csv_xlsx_html_and_provenance(tmp_path, data_dir, capsys):
    out_dir = tmp_path / "out"
    code, out, _ = run(
        [
            "tables",
            str(data_dir / "hmip_small.csv"),
            "--framework",
            "hmip-2018",
            "--out",
            str(out_dir),
            "--significance",
            "none",
            "--format",
            "csv",
            "-q",
        ],
        capsys,
    )
    assert code == 0, out
    tidy = pd.read_csv(out_dir / "tables.csv", dtype=str, keep_default_na=False)
    assert list(tidy.columns[:7]) == [
        "table",
        "question",
        "provider_split",
        "variable",
        "category",
        "n",
        "pct",
    ]
    row = tidy[
        (tidy.table == "C5") & (tidy.question == "accommodation") & (tidy.category == "All cases")
    ]
    assert row[["n", "pct"]].values.tolist() == [["4", "50.0"]]
    empty = tidy[
        (tidy.table == "C1") & (tidy.question == "accommodation") & (tidy.category == "25-29")
    ]
    assert empty[["n", "pct"]].values.tolist() == [["0", ""]]
    provenance = json.loads((out_dir / "provenance.json").read_text())
    assert provenance["framework"] == "hmip-2018" and len(provenance["data_fingerprint"]) == 64


def test_tables_is_byte_identical_on_rerun(tmp_path, data_dir, capsys):
    for name in ("a", "b"):
        run(
            [
                "tables",
                str(data_dir / "hmip_small.csv"),
                "-f",
                "hmip-2018",
                "--out",
                str(tmp_path / name),
                "--significance",
                "none",
                "--format",
                "csv",
                "-q",
            ],
            capsys,
        )
    assert (tmp_path / "a" / "tables.csv").read_bytes() == (
        tmp_path / "b" / "tables.csv"
    ).read_bytes()


def test_tables_refuses_an_invalid_file_and_writes_nothing(tmp_path, data_dir, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text((data_dir / "hmip_small.csv").read_text().replace(",NPS,", ",PNS,", 1))
    code, _, err = run(
        ["tables", str(bad), "-f", "hmip-2018", "--out", str(tmp_path / "out")], capsys
    )
    assert code == 1 and "'PNS' is not one of CRC, NPS" in err
    assert not (tmp_path / "out").exists()


def test_check_tables_finds_the_known_misprint(tmp_path, capsys):
    copy = tmp_path / "t.csv"
    shutil.copy(published_path("2016-17"), copy)
    code, out, _ = run(["check-tables", str(copy)], capsys)
    assert code == 1 and "T7" in out and "25-29" in out and "253" in out
    code, out, _ = run(["check-tables", str(published_path("2018-19"))], capsys)
    assert code == 0 and "no inconsistencies" in out


def test_version(capsys):
    code, out, _ = run(["--version"], capsys)
    assert code == 0 and "caseinspect" in out


def test_tables_with_disclosure_control(tmp_path, data_dir, capsys):
    out_dir = tmp_path / "out"
    code, _, _ = run(
        [
            "tables",
            str(data_dir / "hmip_small.csv"),
            "-f",
            "hmip-2018",
            "--out",
            str(out_dir),
            "--significance",
            "none",
            "--suppress",
            "3",
            "-q",
        ],
        capsys,
    )
    assert code == 0
    tidy = pd.read_csv(out_dir / "tables.csv", dtype=str, keep_default_na=False)
    # Female has n = 2 for accommodation prevalence: below 3, so suppressed (primary).
    female = tidy[
        (tidy.table == "C1") & (tidy.question == "accommodation") & (tidy.category == "Female")
    ]
    assert female[["n", "pct", "suppressed"]].values.tolist() == [["", "", "primary"]]
    assert "*" in (out_dir / "tables.html").read_text()


def test_frameworks_and_check_framework(tmp_path, capsys):
    from caseinspect.framework import framework_path

    code, out, _ = run(["frameworks"], capsys)
    assert code == 0 and "hmip-2018" in out and "qi-2016" in out and "C1, C2" in out
    code, out, _ = run(["check-framework", str(framework_path("qi-2016"))], capsys)
    assert code == 0 and "is valid: 7 items" in out
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        framework_path("qi-2016")
        .read_text()
        .replace('section: "engagement"', 'section: "engagment"', 1)
    )
    code, out, _ = run(["check-framework", str(broken)], capsys)
    assert code == 1 and "no section 'engagment'" in out and "broken.yaml, row" in out
