"""``caseinspect sample-size`` and ``caseinspect draw`` end to end."""

from __future__ import annotations

import json

import pandas as pd

from caseinspect.cli import main

from .conftest import STRATA_EXAMPLE, case, population, table


def test_sample_size_command(capsys):
    assert main(["sample-size", "--population", "500", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["n"] == 124
    assert main(["sample-size", "-N", "1000"]) == 0
    assert "Sample size: 142 of 1000" in capsys.readouterr().out
    assert main(["sample-size", "-N", "0"]) == 2


def write_list(tmp_path, frame):
    path = tmp_path / "eligible.csv"
    frame.to_csv(path, index=False)
    return path


def run_draw(tmp_path, src, out_name, seed="11", extra=()):
    out = tmp_path / out_name / "sample.csv"
    code = main(
        [
            "draw",
            str(src),
            "--framework",
            "hmip-2018",
            "--seed",
            seed,
            "--reference-date",
            "2024-07-15",
            "--out",
            str(out),
            *extra,
        ]
    )
    return code, out


def test_draw_writes_every_file_byte_identically_for_the_same_seed(tmp_path, capsys):
    frame = pd.concat(
        [
            population(STRATA_EXAMPLE, officers=7, offices=3),
            table(case(case_id="Z9", transferred="yes")),
        ],
        ignore_index=True,
    )
    src = write_list(tmp_path, frame)
    code, first = run_draw(tmp_path, src, "a")
    assert code == 0
    printed = capsys.readouterr().out
    assert "excluded 1" in printed and "officers covered 7 of 7" in printed
    code, second = run_draw(tmp_path, src, "b")
    assert code == 0
    names = [
        "sample.csv",
        "sample.exclusions.csv",
        "sample.reserve.csv",
        "sample.report.csv",
        "sample.allocation.csv",
        "sample.provenance.json",
    ]
    for name in names:
        assert (first.parent / name).read_bytes() == (second.parent / name).read_bytes(), name
    exclusions = pd.read_csv(
        first.parent / "sample.exclusions.csv", dtype=str, keep_default_na=False
    )
    assert exclusions.case_id.tolist() == ["Z9"] and exclusions.reasons.tolist() == ["transferred"]
    provenance = json.loads((first.parent / "sample.provenance.json").read_text())
    assert provenance["framework"] == "hmip-2018" and provenance["seed"] == 11
    code, third = run_draw(tmp_path, src, "c", seed="12")
    assert first.read_bytes() != third.read_bytes()


def test_draw_with_a_minimum_option(tmp_path, capsys):
    src = write_list(tmp_path, population(STRATA_EXAMPLE))
    code, out = run_draw(
        tmp_path, src, "m", extra=["--size", "20", "--minimum", "gender=Female:10"]
    )
    assert code == 0
    sample = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert (sample.gender == "Female").sum() >= 10


def test_draw_rejects_a_bad_list_naming_file_row_and_column(tmp_path, capsys):
    src = write_list(tmp_path, table(case(), case(case_id="C2", gender="Mle")))
    code, out = run_draw(tmp_path, src, "bad")
    assert code == 1  # the input was read and has problems
    err = capsys.readouterr().err
    assert f"{src}, row 3, column 'gender'" in err and "unknown-category" in err
    assert not out.exists()


def test_size_and_margin_together_is_a_usage_error(tmp_path, capsys):
    src = write_list(tmp_path, population(STRATA_EXAMPLE))
    code, _ = run_draw(tmp_path, src, "x", extra=["--size", "10", "--margin", "0.1"])
    assert code == 2


# --- issue #13: outputs -------------------------------------------------------------------
def _full_disk_after(monkeypatch, writes_before_failure: int):
    """Make the n-th bytes write in the output package fail with ENOSPC, mid-file."""
    import errno
    from pathlib import Path

    real = Path.write_bytes
    calls = {"n": 0}

    def write_bytes(self, data):
        calls["n"] += 1
        if calls["n"] > writes_before_failure:
            real(self, data[: len(data) // 2])
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", write_bytes)


def test_draw_on_a_full_disk_exits_2_and_leaves_no_file(tmp_path, capsys, monkeypatch):
    src = write_list(tmp_path, population(STRATA_EXAMPLE, officers=7, offices=3))
    (tmp_path / "a").mkdir()
    _full_disk_after(monkeypatch, 2)
    code, out = run_draw(tmp_path, src, "a")
    err = capsys.readouterr().err
    assert code == 2
    assert f"cannot write {out}: No space left on device" in err
    assert "Traceback" not in err
    assert list((tmp_path / "a").iterdir()) == []


def test_draw_neutralises_formulas_in_pass_through_columns(tmp_path, capsys):
    frame = population(STRATA_EXAMPLE, officers=7, offices=3)
    frame["note"] = '=HYPERLINK("http://x","y")'
    src = write_list(tmp_path, frame)
    code, out = run_draw(tmp_path, src, "a")
    assert code == 0
    text = out.read_text()
    assert '"\'=HYPERLINK(""http://x"",""y"")"' in text
    assert ",=HYPERLINK" not in text


def test_draw_writes_provenance_last(tmp_path, capsys, monkeypatch):
    import os

    from caseinspect.outputs import _atomic

    renamed = []
    real = _atomic.os.replace
    monkeypatch.setattr(
        _atomic.os, "replace", lambda a, b: (renamed.append(os.path.basename(b)), real(a, b))
    )
    src = write_list(tmp_path, population(STRATA_EXAMPLE, officers=7, offices=3))
    code, _ = run_draw(tmp_path, src, "a")
    assert code == 0 and renamed[-1] == "sample.provenance.json" and len(renamed) == 6


def test_draw_names_spreadsheet_rows_across_blank_lines(tmp_path, capsys):
    # Issue #13, defect 7: blank lines shifted every later row.
    frame = population(STRATA_EXAMPLE, officers=7, offices=3)
    lines = frame.to_csv(index=False, lineterminator="\n").splitlines()
    assert ",Male," in lines[3] or ",Female," in lines[3]
    lines[3] = lines[3].replace(",Male,", ",Mle,", 1).replace(",Female,", ",Mle,", 1)
    text = "\n".join(lines[:2] + ["", ""] + lines[2:]) + "\n"  # two blank lines before row 4
    src = tmp_path / "eligible.csv"
    src.write_text(text)
    code, _ = run_draw(tmp_path, src, "a")
    captured = capsys.readouterr()
    assert code == 1
    assert "row 6, column 'gender'" in captured.err


def test_draw_refuses_a_list_with_no_cases(tmp_path, capsys):
    src = tmp_path / "eligible.csv"
    src.write_text(",".join(case().keys()) + "\n")
    code, out = run_draw(tmp_path, src, "a")
    assert code == 1 and "no-cases" in capsys.readouterr().err
    assert not out.exists()


def test_draw_checks_the_profile_rules_for_the_provider_type(tmp_path, capsys):
    frame = population(STRATA_EXAMPLE, officers=7, offices=3)
    src = write_list(tmp_path, frame)
    if "High/Very high" not in set(frame["rosh"]):
        frame.loc[0, "rosh"] = "High/Very high"
        src = write_list(tmp_path, frame)
    code, _ = run_draw(tmp_path, src, "a", extra=("--provider-type", "CRC"))
    assert code == 1 and "crc-no-high-rosh" in capsys.readouterr().err
