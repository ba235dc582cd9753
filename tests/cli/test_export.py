"""``caseinspect export``: a checked case file out as CSV, XLSX, Parquet, .sav or .dta."""

from __future__ import annotations

import pandas as pd
import pyreadstat
import pytest

from caseinspect.cli import main


def run(args, capsys):
    code = main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet", "sav", "dta"])
def test_export_each_format(data_dir, tmp_path, capsys, fmt):
    out = tmp_path / "sub" / f"cases.{fmt}"
    code, stdout, _ = run(
        ["export", str(data_dir / "hmip_small.csv"), "--framework", "hmip-2018", "--out", str(out)],
        capsys,
    )
    assert code == 0 and out.is_file()
    assert f"Wrote 6 cases from {data_dir / 'hmip_small.csv'} (hmip-2018 2018.1) to {out}" in stdout
    if fmt == "sav":
        data, meta = pyreadstat.read_sav(str(out))
        assert len(data) == 6 and meta.variable_value_labels["gender"] == {1: "Male", 2: "Female"}
    elif fmt == "csv":
        original = pd.read_csv(data_dir / "hmip_small.csv", dtype=str, keep_default_na=False)
        pd.testing.assert_frame_equal(pd.read_csv(out, dtype=str, keep_default_na=False), original)


def test_export_refuses_an_invalid_file_and_writes_nothing(data_dir, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text((data_dir / "hmip_small.csv").read_text().replace("CRC,Male", "CRC,Mle", 1))
    code, _, err = run(
        ["export", str(bad), "--framework", "hmip-2018", "--out", str(tmp_path / "x.sav")], capsys
    )
    assert code == 1 and "'Mle' is not one of Male, Female" in err
    assert not (tmp_path / "x.sav").exists()


def test_export_usage_errors(data_dir, tmp_path, capsys):
    code, _, err = run(
        ["export", "--framework", "hmip-2018", "--out", str(tmp_path / "x.csv")], capsys
    )
    assert code == 2 and "either a case FILE or --db" in err
    code, _, err = run(
        [
            "export",
            str(data_dir / "hmip_small.csv"),
            "--framework",
            "hmip-2018",
            "--out",
            str(tmp_path / "x.txt"),
        ],
        capsys,
    )
    assert code == 2 and "cannot tell the export format" in err
    code, _, err = run(
        [
            "export",
            str(data_dir / "hmip_small.csv"),
            "--framework",
            "hmip-2018",
            "--inspection",
            "I-A",
            "--out",
            str(tmp_path / "x.csv"),
        ],
        capsys,
    )
    assert code == 2 and "use it with --db" in err
