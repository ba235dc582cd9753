"""Atomic outputs: a failed write leaves nothing that looks complete."""

from __future__ import annotations

import errno
import os

import pytest

from caseinspect.errors import OutputError
from caseinspect.outputs import atomic_output, write_bytes_atomic


def test_success_renames_onto_the_final_name(tmp_path) -> None:
    with atomic_output(tmp_path / "a.csv") as tmp:
        assert tmp.parent == tmp_path
        assert tmp.name != "a.csv"
        tmp.write_text("x\n")
        assert not (tmp_path / "a.csv").exists()
    assert (tmp_path / "a.csv").read_text() == "x\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv"]


def test_full_disk_leaves_no_file_and_keeps_the_previous_one(tmp_path) -> None:
    final = tmp_path / "a.csv"
    final.write_text("previous\n")
    with (
        pytest.raises(OutputError, match="a.csv: No space left") as info,
        atomic_output(final) as tmp,
    ):
        tmp.write_text("half a ro")
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp))
    assert info.value.__cause__.errno == errno.ENOSPC
    assert final.read_text() == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv"]


def test_other_errors_pass_through_unchanged(tmp_path) -> None:
    with pytest.raises(KeyError), atomic_output(tmp_path / "a.csv") as tmp:
        tmp.write_text("x")
        raise KeyError("bug")
    assert list(tmp_path.iterdir()) == []


def test_missing_folder_is_an_output_error_naming_it(tmp_path) -> None:
    with pytest.raises(OutputError, match="does not exist"):
        write_bytes_atomic(tmp_path / "nope" / "a.csv", b"x")


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores permissions")
def test_read_only_folder_is_an_output_error(tmp_path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(OutputError, match=str(folder)):
            write_bytes_atomic(folder / "a.csv", b"x")
    finally:
        folder.chmod(0o700)


def test_permissions_are_those_of_a_plain_file(tmp_path) -> None:
    write_bytes_atomic(tmp_path / "a", b"x")
    (tmp_path / "b").write_bytes(b"x")
    assert (tmp_path / "a").stat().st_mode == (tmp_path / "b").stat().st_mode


def test_a_set_of_outputs_is_renamed_in_order_provenance_last(tmp_path, monkeypatch) -> None:
    from caseinspect.outputs import _atomic, atomic_outputs

    renamed: list[str] = []
    real = _atomic.os.replace

    def spy(src, dst):
        renamed.append(os.path.basename(dst))
        real(src, dst)

    monkeypatch.setattr(_atomic.os, "replace", spy)
    with atomic_outputs([tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "p.json"]) as tmps:
        for tmp in tmps:
            tmp.write_text("x")
    assert renamed == ["a.csv", "b.csv", "p.json"]


def test_a_failed_set_leaves_none_of_its_files(tmp_path) -> None:
    from caseinspect.outputs import atomic_outputs

    with pytest.raises(OutputError), atomic_outputs([tmp_path / "a.csv", tmp_path / "p.json"]) as t:
        t[0].write_text("complete")
        raise OSError(errno.ENOSPC, "No space left on device")
    assert list(tmp_path.iterdir()) == []
