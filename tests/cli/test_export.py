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


def test_export_out_equal_to_its_input_is_refused(data_dir, tmp_path, capsys):
    # Issue #13: `export --out` equal to its own input silently overwrote the input.
    src = tmp_path / "cases.csv"
    src.write_bytes((data_dir / "hmip_small.csv").read_bytes())
    before = src.read_bytes()
    for out in (str(src), str(tmp_path / "." / "cases.csv")):
        code, _, err = run(["export", str(src), "--framework", "hmip-2018", "--out", out], capsys)
        assert code == 2 and "is the input file itself" in err
    assert src.read_bytes() == before


def test_export_csv_neutralises_formulas(data_dir, tmp_path, capsys):
    # Issue #13, defect 4: a rationale beginning '=' came out raw in export --out x.csv.
    src = tmp_path / "cases.csv"
    table = pd.read_csv(data_dir / "hmip_small.csv", dtype=str, keep_default_na=False)
    column = next(c for c in table.columns if c.endswith("__rationale"))
    table.loc[0, column] = "=cmd|' /C calc'!A0"
    table.to_csv(src, index=False)
    out = tmp_path / "x.csv"
    code, _, _ = run(["export", str(src), "--framework", "hmip-2018", "--out", str(out)], capsys)
    assert code == 0
    assert "\"'=cmd|' /C calc'!A0\"" in out.read_text(encoding="utf-8-sig")


@pytest.mark.parametrize("fmt", ["xlsx", "sav", "dta"])
def test_exports_are_byte_identical_for_the_same_input(
    data_dir, tmp_path, capsys, fmt, monkeypatch
):
    # Issue #13: .xlsx, .sav and .dta differed on every run because of write timestamps.
    import time

    outs = []
    for name in ("a", "b"):
        out = tmp_path / f"{name}.{fmt}"
        assert (
            main(["export", str(data_dir / "hmip_small.csv"), "-f", "hmip-2018", "-o", str(out)])
            == 0
        )
        outs.append(out.read_bytes())
        time.sleep(1.1)
    assert outs[0] == outs[1]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1551434400")
    out = tmp_path / f"c.{fmt}"
    assert (
        main(["export", str(data_dir / "hmip_small.csv"), "-f", "hmip-2018", "-o", str(out)]) == 0
    )
    assert out.read_bytes() != outs[0]
