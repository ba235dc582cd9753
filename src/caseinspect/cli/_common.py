"""Helpers shared by the workflow commands (sampling, ratings, OGRS3, agreement)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import click

_DATE = click.DateTime(formats=["%Y-%m-%d"])


def _write_csv(frame, path: Path) -> None:
    # "\n" line ends and no index: the same data give byte-identical files on every system;
    # written atomically, formula-like cells neutralised (these files are for people).
    from ..outputs import write_csv

    path.parent.mkdir(parents=True, exist_ok=True)
    write_csv(frame, path)


def _load_framework(name: str):
    from ..framework import load_framework

    return load_framework(name)


def _read_table(path: Path, *, sheet: str | None = None):
    from ..cases import read_case_file

    return read_case_file(path, sheet=sheet)


def _load_cases(path: Path, framework):
    from ..cases import load_cases

    return load_cases(path, framework)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _pct(x: float | None, digits: int = 1) -> str:
    return "-" if x is None else f"{100 * x:.{digits}f}%"


def _num(x: float | None, digits: int = 3) -> str:
    return "-" if x is None else f"{x:.{digits}f}"
