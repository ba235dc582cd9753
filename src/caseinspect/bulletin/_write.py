"""Write a built bulletin: HTML, PDF, DOCX, numbers.csv, cells.csv, provenance.json."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from ..errors import UsageError
from ._document import Bulletin

__all__ = ["FORMATS", "NUMBERS_COLUMNS", "numbers_frame", "write_bulletin"]

FORMATS = ("html", "pdf", "docx")

#: Columns of numbers.csv: the number, where it is, and the cell it came from.
NUMBERS_COLUMNS = (
    "id",
    "section",
    "sentence_id",
    "sentence",
    "position",
    "text",
    "rule",
    "table",
    "question",
    "provider_split",
    "variable",
    "category",
    "n",
    "yes",
    "value",
)


def numbers_frame(bulletin: Bulletin) -> pd.DataFrame:
    """``numbers.csv`` as a frame: one row per number printed in the prose."""
    index = {
        (r.table, r.question, r.provider_split, r.variable, r.category): r
        for r in bulletin.cells.itertuples(index=False)
    }
    rows = []
    for ref in bulletin.numbers:
        cell = index.get((ref.table, ref.question, ref.provider_split, ref.variable, ref.category))
        rows.append(
            {
                "id": ref.id,
                "section": ref.section,
                "sentence_id": ref.sentence_id,
                "sentence": ref.sentence,
                "position": ref.position,
                "text": ref.text,
                "rule": ref.rule,
                "table": ref.table,
                "question": ref.question,
                "provider_split": ref.provider_split,
                "variable": ref.variable,
                "category": ref.category,
                "n": _int(getattr(cell, "n", None)),
                "yes": _int(getattr(cell, "yes", None)),
                "value": None if cell is None or pd.isna(cell.pct) else float(cell.pct),
            }
        )
    frame = pd.DataFrame(rows, columns=list(NUMBERS_COLUMNS))
    for column in ("n", "yes"):
        frame[column] = frame[column].astype("Int64")
    return frame


def _int(value: object) -> int | None:
    if value is None or value is pd.NA:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return int(value)  # type: ignore[call-overload]


def cells_frame(bulletin: Bulletin) -> pd.DataFrame:
    """``cells.csv``: every cell the prose may quote, as the check re-reads them."""
    columns = [
        "table",
        "question",
        "provider_split",
        "variable",
        "category",
        "n",
        "yes",
        "pct",
        "suppressed",
    ]
    frame = bulletin.cells.reindex(columns=columns).copy()
    for column in ("n", "yes"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("Int64")
    return frame


def write_bulletin(
    bulletin: Bulletin, out_dir: str | Path, formats: tuple[str, ...] = FORMATS
) -> list[Path]:
    """Write the bulletin into ``out_dir`` (created if needed); return the paths written.

    Always writes ``numbers.csv``, ``cells.csv`` and ``provenance.json``; ``formats``
    chooses among ``html``, ``pdf`` and ``docx`` (default all three). Every file is
    written atomically: a failure never leaves a half-written file under its name.
    """
    from ..outputs import write_bytes_atomic, write_csv, write_text_atomic

    unknown = set(formats) - set(FORMATS)
    if unknown:
        raise UsageError(
            f"unknown bulletin format(s) {sorted(unknown)}; choose from {', '.join(FORMATS)}"
        )
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    html = None
    if "html" in formats or "pdf" in formats:
        from ._html import render_html

        html = render_html(bulletin)
    if "html" in formats and html is not None:
        written.append(write_text_atomic(out / "bulletin.html", html))
    if "pdf" in formats:
        from ._html import render_pdf

        written.append(write_bytes_atomic(out / "bulletin.pdf", render_pdf(bulletin, html)))
    if "docx" in formats:
        from ._docx import render_docx

        written.append(write_bytes_atomic(out / "bulletin.docx", render_docx(bulletin)))
    written.append(write_csv(numbers_frame(bulletin), out / "numbers.csv"))
    written.append(write_csv(cells_frame(bulletin), out / "cells.csv"))
    provenance = {**bulletin.provenance, "labels": list(bulletin.labels)}
    written.append(
        write_text_atomic(
            out / "provenance.json",
            json.dumps(provenance, indent=2, sort_keys=True, default=str) + "\n",
        )
    )
    return written
