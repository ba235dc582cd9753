"""The numbers check: every number in the prose is in numbers.csv and equals its cell.

:func:`check_bulletin` re-reads ``bulletin.html`` (paragraphs and list items marked
``data-prose``) and ``bulletin.docx`` (paragraphs in the styles 'Normal' and 'List
Bullet'), splits them into sentences and finds the numbers in each (figure and table
references, round and framework names are not data). Then:

1. every row of ``numbers.csv`` is re-derived from its cell (``cells.csv``, or cells
   recomputed from the cases when given): the printed text must follow from the cell by
   the row's rule;
2. a sentence found in ``numbers.csv`` (the same words, numbers aside) must hold the
   numbers recorded for it, in order;
3. any other sentence (an analyst's rewrite) may only quote numbers that numbers.csv
   holds.

Each failure is a :class:`Drift` naming the file, the sentence, the number and the cell.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import UsageError
from ._numbers import format_value, number_tokens, skeleton, split_sentences

__all__ = ["Drift", "check_bulletin", "docx_prose", "html_prose"]


@dataclass(frozen=True)
class Drift:
    """One number of the text that does not match its table cell (or has none)."""

    source: str
    sentence: str
    number: str
    expected: str
    cell: str
    problem: str

    def __str__(self) -> str:
        where = f" (cell {self.cell}" + (f", expected {self.expected!r})" if self.expected else ")")
        return f'{self.source}: {self.problem}: {self.number!r} in "{self.sentence}"' + (
            where if self.cell else ""
        )


class _ProseParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._depth = 0
        self._current: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._depth:
            self._depth += 1
        elif any(name == "data-prose" for name, _ in attrs):
            self._depth = 1
            self._current = []

    def handle_endtag(self, tag: str) -> None:
        if self._depth:
            self._depth -= 1
            if not self._depth:
                self.texts.append(" ".join("".join(self._current).split()))

    def handle_data(self, data: str) -> None:
        if self._depth:
            self._current.append(data)


def html_prose(path: Path) -> list[str]:
    """The generated prose of ``bulletin.html``: one string per paragraph or list item."""
    parser = _ProseParser()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.texts


def docx_prose(path: Path) -> list[str]:
    """The prose paragraphs of ``bulletin.docx`` (styles 'Normal' and 'List Bullet')."""
    from docx import Document

    from ._docx import PROSE_STYLES

    document = Document(str(path))
    return [
        " ".join(p.text.split())
        for p in document.paragraphs
        if p.style is not None and p.style.name in PROSE_STYLES and p.text.strip()
    ]


def _plain(text: str) -> str:
    # numbers.csv is written with the CSV-injection rule: undo its leading quote.
    return text[1:] if text.startswith("'") and text[1:2] in ("=", "+", "-", "@") else text


def _norm(token: str) -> str:
    return token.replace("\u2212", "-").rstrip("%")


def check_bulletin(out_dir: str | Path, *, cells: pd.DataFrame | None = None) -> list[Drift]:
    """Check the bulletin in ``out_dir``; return every drift found (empty: all is well).

    Parameters
    ----------
    out_dir : str or Path
        A folder written by :func:`caseinspect.bulletin.write_bulletin`.
    cells : pandas.DataFrame, optional
        Cells recomputed from the cases (tidy layout with ``n``, ``yes``, ``pct``). Cells
        it does not hold are read from ``out_dir/cells.csv``.

    Raises
    ------
    caseinspect.errors.UsageError
        When ``numbers.csv`` or both documents are missing.
    """
    out = Path(out_dir)
    numbers_path = out / "numbers.csv"
    if not numbers_path.is_file():
        raise UsageError(f"{numbers_path} not found: is {out} a bulletin folder?")
    numbers = pd.read_csv(numbers_path, dtype=str, keep_default_na=False)
    for column in ("sentence", "text"):
        numbers[column] = numbers[column].map(_plain)
    stored = _read_cells(out / "cells.csv")
    lookup = _index(stored)
    if cells is not None:
        lookup.update(_index(cells))
    labels: tuple[str, ...] = ()
    provenance = out / "provenance.json"
    if provenance.is_file():
        labels = tuple(json.loads(provenance.read_text(encoding="utf-8")).get("labels", ()))

    drifts: list[Drift] = []
    expected: dict[str, str] = {}
    for row in numbers.itertuples(index=False):
        key = (row.table, row.question, row.provider_split, row.variable, row.category)
        cell_name = "/".join(key)
        cell = lookup.get(key)
        if cell is None:
            drifts.append(
                Drift(
                    "numbers.csv",
                    row.sentence,
                    row.text,
                    "",
                    cell_name,
                    "its cell is not in the tables",
                )
            )
            continue
        try:
            text = format_value(row.rule, n=cell[0], yes=cell[1], value=cell[2])
        except ValueError:
            drifts.append(
                Drift(
                    "numbers.csv", row.sentence, row.text, "", cell_name, "its cell holds no value"
                )
            )
            continue
        expected[row.id] = text
        if text != row.text:
            drifts.append(
                Drift(
                    "numbers.csv",
                    row.sentence,
                    row.text,
                    text,
                    cell_name,
                    "numbers.csv disagrees with its cell",
                )
            )

    by_skeleton: dict[str, list[list[Any]]] = {}
    for _, group in numbers.groupby("sentence_id", sort=False):
        rows = sorted(group.itertuples(index=False), key=lambda r: int(r.position))
        by_skeleton.setdefault(skeleton(str(rows[0].sentence), labels), []).append(rows)
    known = {_norm(t) for text in numbers["text"] for t in number_tokens(text)}

    documents = [
        (name, reader)
        for name, reader in (("bulletin.html", html_prose), ("bulletin.docx", docx_prose))
    ]
    found_any = False
    for name, reader in documents:
        path = out / name
        if not path.is_file():
            continue
        found_any = True
        for paragraph in reader(path):
            for sentence in split_sentences(paragraph):
                drifts += _check_sentence(name, sentence, labels, by_skeleton, known, expected)
    if not found_any:
        raise UsageError(f"neither bulletin.html nor bulletin.docx is in {out}")
    return drifts


def _check_sentence(
    name: str,
    sentence: str,
    labels: tuple[str, ...],
    by_skeleton: dict[str, list[list[Any]]],
    known: set[str],
    expected: dict[str, str],
) -> list[Drift]:
    tokens = number_tokens(sentence, labels)
    if not tokens:
        return []
    groups = by_skeleton.get(skeleton(sentence, labels))
    if groups:
        best = None
        for rows in groups:
            wanted = [(r, t) for r in rows for t in number_tokens(r.text)]
            mismatches = [
                (token, r, t)
                for token, (r, t) in zip(tokens, wanted, strict=False)
                if _norm(token) != _norm(t)
            ]
            if len(wanted) != len(tokens):
                mismatches.append(("", None, ""))
            if best is None or len(mismatches) < len(best):
                best = mismatches
            if not mismatches:
                return []
        out = []
        for token, r, _t in best or ():
            if r is None:
                out.append(
                    Drift(
                        name,
                        sentence,
                        token,
                        "",
                        "",
                        "the sentence holds a different count of numbers than numbers.csv records",
                    )
                )
                continue
            cell = "/".join((r.table, r.question, r.provider_split, r.variable, r.category))
            out.append(
                Drift(
                    name,
                    sentence,
                    token,
                    expected.get(r.id, r.text),
                    cell,
                    "the number differs from its table cell",
                )
            )
        return out
    return [
        Drift(name, sentence, token, "", "", "the number is not in numbers.csv")
        for token in tokens
        if _norm(token) not in known
    ]


def _read_cells(path: Path) -> pd.DataFrame:
    if not path.is_file():
        return pd.DataFrame(
            columns=[
                "table",
                "question",
                "provider_split",
                "variable",
                "category",
                "n",
                "yes",
                "pct",
            ]
        )
    frame = pd.read_csv(
        path,
        dtype={
            "table": str,
            "question": str,
            "provider_split": str,
            "variable": str,
            "category": str,
        },
        keep_default_na=False,
        na_values={"n": [""], "yes": [""], "pct": [""]},
    )
    return frame


def _index(
    cells: pd.DataFrame,
) -> dict[tuple[str, ...], tuple[int | None, int | None, float | None]]:
    out: dict[tuple[str, ...], tuple[int | None, int | None, float | None]] = {}
    suppressed = (
        cells["suppressed"].fillna("").astype(str) if "suppressed" in cells.columns else None
    )
    for i, row in enumerate(cells.itertuples(index=False)):
        hidden = suppressed is not None and bool(suppressed.iloc[i])
        out[
            (
                str(row.table),
                str(row.question),
                str(row.provider_split),
                str(row.variable),
                str(row.category),
            )
        ] = (
            None if hidden else _opt_int(row.n),
            None if hidden else _opt_int(row.yes),
            None if hidden or pd.isna(row.pct) else float(row.pct),
        )
    return out


def _opt_int(value: object) -> int | None:
    if value is None or value is pd.NA or value == "":
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return int(float(value))  # type: ignore[arg-type]
