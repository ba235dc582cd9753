"""A drawn sample on disk: the sample file and its companions."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from ..outputs import atomic_outputs, csv_bytes
from ._draw import SampleResult

__all__ = ["sample_paths", "write_sample"]

_COMPANIONS = ("exclusions.csv", "reserve.csv", "report.csv", "allocation.csv", "provenance.json")


def sample_paths(out: str | Path) -> dict[str, Path]:
    """Where :func:`write_sample` writes, by kind: ``sample`` is ``out`` itself, the others
    sit beside it (``SAMPLE.csv`` → ``SAMPLE.exclusions.csv`` …).

    Examples
    --------
    >>> {k: p.name for k, p in sample_paths("draw/sample.csv").items()}  # doctest: +NORMALIZE_WHITESPACE
    {'sample': 'sample.csv', 'exclusions': 'sample.exclusions.csv', 'reserve': 'sample.reserve.csv',
     'report': 'sample.report.csv', 'allocation': 'sample.allocation.csv', 'provenance': 'sample.provenance.json'}
    """
    out = Path(out)
    stem = out.name[:-4] if out.name.lower().endswith(".csv") else out.name
    paths = {"sample": out}
    for kind in _COMPANIONS:
        paths[kind.split(".")[0]] = out.with_name(f"{stem}.{kind}")
    return paths


def write_sample(
    result: SampleResult, out: str | Path, *, provenance: Mapping[str, object] | None = None
) -> dict[str, Path]:
    """Write a drawn sample: ``out`` and its companion files (see docs/sampling.md).

    Parameters
    ----------
    result : SampleResult
        As :func:`draw_sample` returns it.
    out : str or Path
        The sample file (CSV); its folder is created if needed.
    provenance : mapping, optional
        Written as ``<stem>.provenance.json`` (JSON, indented) when given.

    Returns
    -------
    dict of str to Path
        The files written, by kind (as :func:`sample_paths`). CSV files have ``\\n`` line
        ends and no index, so the same result gives byte-identical files on every system.

    Notes
    -----
    The files are made for people opening them in a spreadsheet: cells that would start
    a formula (``=``, ``+``, ``-``, ``@``, tab, carriage return) are written with a
    leading ``'`` (OWASP's CSV-injection rule, :func:`caseinspect.outputs.write_csv`).
    All files are written to temporary names first and renamed together at the end, the
    provenance last, so a failure (a full disk) leaves none of them behind.
    """
    paths = sample_paths(out)
    paths["sample"].parent.mkdir(parents=True, exist_ok=True)
    contents: dict[str, bytes] = {
        kind: csv_bytes(frame)
        for kind, frame in (
            ("sample", result.sample),
            ("exclusions", result.exclusions),
            ("reserve", result.reserve),
            ("report", result.report),
            ("allocation", result.allocation),
        )
    }
    if provenance is None:
        del paths["provenance"]
    else:
        contents["provenance"] = (json.dumps(dict(provenance), indent=2) + "\n").encode("utf-8")
    kinds = list(contents)  # provenance, when given, is last
    with atomic_outputs([paths[k] for k in kinds]) as temporary:
        for kind, tmp in zip(kinds, temporary, strict=True):
            tmp.write_bytes(contents[kind])
    return paths
