"""Walk the exit-code table of docs/exit-codes.md: every command in it gives its code."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from caseinspect.cli import main
from caseinspect.errors import ExitCode

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "tests" / "data" / "hmip_small.csv"
ROW = re.compile(r"^\| (\d+) \| `(\w+)` \| [^|]+ \| (.+) \|$")


def _table() -> list[tuple[int, str, str]]:
    rows = []
    for line in (ROOT / "docs" / "exit-codes.md").read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if match:
            command = re.search(r"`caseinspect ([^`]+)`", match.group(3))
            assert command, line
            rows.append((int(match.group(1)), match.group(2), command.group(1)))
    return rows


def _simulate_a_bug(monkeypatch):
    import caseinspect.analysis._report

    def broken(*args, **kwargs):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(caseinspect.analysis._report, "compute_tables", broken)


def test_the_table_covers_every_code_and_names_them_as_the_code_does():
    rows = _table()
    assert {code for code, _, _ in rows} == {int(c) for c in ExitCode}
    for code, name, _ in rows:
        assert ExitCode[name] == code


@pytest.mark.parametrize("code,name,command", _table(), ids=lambda v: str(v)[:40])
def test_each_command_gives_its_code(code, name, command, tmp_path, monkeypatch, capsys):
    bad = tmp_path / "bad.csv"
    text = SMALL.read_text(encoding="utf-8")
    bad.write_text(text.replace(",CRC,Male,", ",CRC,Mle,", 1), encoding="utf-8")
    args = shlex.split(
        command.format(good=SMALL, bad=bad, missing=tmp_path / "nope.csv", out=tmp_path / "out")
    )
    if code == ExitCode.INTERNAL:
        _simulate_a_bug(monkeypatch)
    if code == ExitCode.INTERRUPTED:
        import caseinspect.synth._io

        def interrupted(*args, **kwargs):
            raise KeyboardInterrupt

        # Patched where it is defined and looked up at call time, so the command module
        # (imported lazily, perhaps first here) keeps the real function after the test.
        monkeypatch.setattr(caseinspect.synth._io, "iter_chunks", interrupted)
    assert main(args) == code
    err = capsys.readouterr().err
    if code == ExitCode.INTERNAL:
        # One line, no traceback, and a pointer to --debug.
        assert err.strip().count("\n") == 0 and "--debug" in err and "Traceback" not in err
    if code in (ExitCode.PROBLEMS, ExitCode.UNUSABLE):
        assert err.strip() and "Traceback" not in err


def test_debug_shows_the_traceback_of_an_internal_error(tmp_path, monkeypatch, capsys):
    _simulate_a_bug(monkeypatch)
    args = ["--debug", "tables", str(SMALL), "--framework", "hmip-2018", "--out", str(tmp_path)]
    assert main(args) == ExitCode.INTERNAL
    assert "Traceback" in capsys.readouterr().err
