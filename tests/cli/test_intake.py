"""Issue #13 at the command line: import, and the "no cases" rule across commands."""

from __future__ import annotations

import pytest

from caseinspect.cli import main

pytest.importorskip("django")


def test_import_into_a_database_without_tables_leaves_no_sqlite_file(tmp_path, data_dir):
    import os
    import subprocess
    import sys

    db = tmp_path / "new.sqlite3"
    # A fresh interpreter, as a user runs it: in the whole suite Django is already set up
    # in this process (the web tests' settings), which would ignore --db.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    args = [
        "import",
        str(data_dir / "hmip_small.csv"),
        "-f",
        "hmip-2018",
        "--db",
        f"sqlite:///{db}",
    ]
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from caseinspect.cli import main; sys.exit(main(sys.argv[1:]))",
            *args,
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 2 and "caseinspect migrate" in done.stderr
    assert not db.exists()


@pytest.mark.parametrize("command", ["validate", "import", "tables", "export"])
def test_a_file_with_no_cases_is_refused(tmp_path, data_dir, capsys, command):
    header = (data_dir / "hmip_small.csv").read_text().splitlines()[0]
    src = tmp_path / "header-only.csv"
    src.write_text(header + "\n")
    args = {
        "validate": ["validate", str(src), "-f", "hmip-2018"],
        "import": ["import", str(src), "-f", "hmip-2018", "--db", f"sqlite:///{tmp_path}/x.db"],
        "tables": ["tables", str(src), "--framework", "hmip-2018", "--out", str(tmp_path / "t")],
        "export": ["export", str(src), "-f", "hmip-2018", "--out", str(tmp_path / "x.csv")],
    }[command]
    code = main(args)
    captured = capsys.readouterr()
    assert code == 1 and "no-cases" in captured.out + captured.err
    assert not (tmp_path / "t" / "tables.csv").exists()


def test_validate_prints_a_cut_list_but_writes_every_problem(tmp_path, data_dir, capsys):
    # Defect 8: say when the printed list is cut; --problems FILE has every problem.
    import pandas as pd

    lines = (data_dir / "hmip_small.csv").read_text().splitlines()
    header, first = lines[0], lines[1]
    column = header.split(",").index("case_id")
    rows = []
    for i in range(450):
        cells = first.split(",")
        cells[column] = f"bad id {i}"  # spaces: not a pseudonymous id
        rows.append(",".join(cells))
    src = tmp_path / "many.csv"
    src.write_text("\n".join([header, *rows]) + "\n")
    out = tmp_path / "problems.csv"
    code = main(["validate", str(src), "-f", "hmip-2018", "--problems", str(out)])
    captured = capsys.readouterr()
    written = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert code == 1
    assert len(captured.out.splitlines()) == 200
    assert f"{len(written):,} problems found" in captured.err
    assert "the first 200 are printed above" in captured.err and str(out) in captured.err
    assert (written["rule"] == "pseudonymous-id").sum() == 450
    assert written.columns.tolist() == ["file", "row", "column", "value", "rule", "message"]


def test_validate_says_which_sheet_it_read(tmp_path, data_dir, capsys):
    import pandas as pd

    frame = pd.read_csv(data_dir / "hmip_small.csv", dtype=str, keep_default_na=False)
    path = tmp_path / "cases.xlsx"
    with pd.ExcelWriter(path) as writer:
        frame.to_excel(writer, sheet_name="Hidden", index=False)
        frame.to_excel(writer, sheet_name="Round 2019", index=False)
        writer.book["Hidden"].sheet_state = "hidden"
    assert main(["validate", str(path), "-f", "hmip-2018"]) == 0
    assert "Read sheet 'Round 2019'" in capsys.readouterr().err


def test_synth_on_a_full_disk_leaves_no_case_file(tmp_path, capsys, monkeypatch):
    # Issue #13, defect 5: a failed write must leave no file that looks complete.
    import errno

    from caseinspect.synth import _io

    calls = {"n": 0}
    real = _io._Writer.write

    def write(self, frame):
        calls["n"] += 1
        if calls["n"] > 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(self, frame)

    monkeypatch.setattr(_io._Writer, "write", write)
    out = tmp_path / "round.csv"
    code = main(
        [
            "synth",
            "--round",
            "2018-19",
            "--cases",
            "300",
            "--chunk-size",
            "100",
            "--out",
            str(out),
            "-q",
        ]
    )
    assert code == 2 and f"cannot write {out}" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_ogrs3_batch_names_spreadsheet_rows_across_blank_lines(tmp_path, capsys):
    # Issue #13, defect 7: blank lines shifted every later row in ogrs3 --batch too.
    header = "sex,birth_date,conviction_date,first_sanction_date,assessment_date,previous_sanctions,offence\n"
    good = "male,1991-07-17,2021-08-05,2013-01-01,2021-12-12,3,other\n"
    bad = "male,1991-07-17,2021-08-05,2013-01-01,2021-12-12,-1,other\n"
    src = tmp_path / "in.csv"
    src.write_text(header + good + "\n\n" + bad, encoding="utf-8")  # bad is on row 5
    assert main(["ogrs3", "--batch", str(src), "--out", str(tmp_path / "o.csv")]) == 1
    assert "row 5" in capsys.readouterr().err


def test_tables_on_a_full_disk_exits_2_and_writes_no_provenance(
    tmp_path, data_dir, capsys, monkeypatch
):
    # Issue #13, defect 5: a PDF/XLSX cut short beside a complete provenance.json.
    import errno
    from pathlib import Path

    real = Path.write_bytes

    def write_bytes(self, data):
        if self.name.startswith(".tables.xlsx"):
            real(self, data[: len(data) // 3])
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", write_bytes)
    out = tmp_path / "t"
    code = main(
        ["tables", str(data_dir / "hmip_small.csv"), "--framework", "hmip-2018", "--out", str(out)]
    )
    err = capsys.readouterr().err
    assert code == 2 and "No space left on device" in err and "tables.xlsx" in err
    assert not (out / "provenance.json").exists() and not (out / "tables.xlsx").exists()
    assert not [p for p in out.iterdir() if p.name.endswith(".part")]
