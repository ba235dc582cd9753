"""Issue #13 at the command line: import, and the "no cases" rule across commands."""

from __future__ import annotations

import pytest

from caseinspect.cli import main

pytest.importorskip("django")


def test_import_into_a_database_without_tables_leaves_no_sqlite_file(tmp_path, data_dir, capsys):
    db = tmp_path / "new.sqlite3"
    code = main(
        ["import", str(data_dir / "hmip_small.csv"), "-f", "hmip-2018", "--db", f"sqlite:///{db}"]
    )
    assert code == 2 and "caseinspect migrate" in capsys.readouterr().err
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
