"""Write a synthetic round to CSV or Parquet (streaming, chunk by chunk), with its truth."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from ..errors import UsageError
from ..outputs import atomic_outputs
from ._generate import CHUNK_SIZE, TRUTH_COLUMNS, iter_chunks

__all__ = ["write_round", "truth_path", "names_path", "OUTPUT_SUFFIXES"]

OUTPUT_SUFFIXES = (".csv", ".parquet")


def truth_path(out: str | Path) -> Path:
    """The ground-truth sidecar of a case file: ``<stem>.truth.csv`` next to it."""
    out = Path(out)
    return out.with_name(f"{out.stem}.truth.csv")


def names_path(out: str | Path) -> Path:
    """The names truth sidecar: ``<stem>.names.csv`` (case_id, item, start, end, name, role)."""
    out = Path(out)
    return out.with_name(f"{out.stem}.names.csv")


def _column(values, empty_as_null: bool) -> pa.Array:
    """One column for pyarrow: categoricals stay dictionary-encoded (decoded by the writer)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        categories = [None if empty_as_null and c == "" else str(c) for c in values.cat.categories]
        codes = pa.array(np.asarray(values.cat.codes, dtype=np.int32))
        return pa.DictionaryArray.from_arrays(codes, pa.array(categories, type=pa.string()))
    array = pa.array(values, type=pa.string(), from_pandas=True)
    if empty_as_null:
        array = pa.compute.if_else(pa.compute.equal(array, ""), pa.scalar(None, pa.string()), array)
    return array


def _table(frame: pd.DataFrame, empty_as_null: bool) -> pa.Table:
    return pa.table({name: _column(frame[name], empty_as_null) for name in frame.columns})


class _Writer:
    """CSV or Parquet, one chunk at a time."""

    def __init__(self, path: Path, kind: str):
        self.path, self.kind, self.writer = path, kind, None

    def write(self, frame: pd.DataFrame) -> None:
        # CSV: an empty value is written as an empty field (null), not as "".
        table = _table(frame, empty_as_null=self.kind == "csv")
        if self.writer is None:
            if self.kind == "csv":
                self.writer = pa_csv.CSVWriter(str(self.path), table.schema)
            else:
                # store_schema=False: readers see plain string columns, not dictionaries.
                self.writer = pq.ParquetWriter(
                    str(self.path), table.schema, compression="zstd", store_schema=False
                )
        self.writer.write_table(table)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


def write_round(
    round_id: str,
    out: str | Path,
    n_cases: int | None = None,
    seed: int = 0,
    *,
    chunk_size: int = CHUNK_SIZE,
    text: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Generate a synthetic round and write it to ``out`` (``.csv`` or ``.parquet``).

    The ground truth of the free text goes to :func:`truth_path` (``<stem>.truth.csv``)
    and the names in the practice notes to :func:`names_path` (``<stem>.names.csv``)
    when ``text`` is true. Files are written chunk by chunk, so memory stays flat however
    many cases are asked for.

    Parameters
    ----------
    round_id, n_cases, seed, chunk_size, text
        As for :func:`caseinspect.synth.generate_round`.
    out : str or Path
        The case file; its suffix picks the format.
    progress : callable, optional
        Called as ``progress(cases_done, cases_total)`` after each chunk.

    Returns
    -------
    Path
        The case file written.

    Raises
    ------
    UsageError
        For an unknown round, a bad number, or an unsupported suffix.
    """
    out = Path(out)
    kind = out.suffix.lower().lstrip(".")
    if f".{kind}" not in OUTPUT_SUFFIXES:
        raise UsageError(
            f"cannot write '{out.suffix}' files; use one of {', '.join(OUTPUT_SUFFIXES)}",
            hint="name the output e.g. cases.csv or cases.parquet",
        )
    if out.parent and not out.parent.exists():
        raise UsageError(f"the folder '{out.parent}' does not exist")
    chunks = iter_chunks(round_id, n_cases, seed, chunk_size=chunk_size, text=text)
    finals = [out] + ([truth_path(out), names_path(out)] if text else [])
    # Written under temporary names, renamed at the end: a failed or interrupted run (a
    # full disk) leaves no case file cut off mid-row under its final name.
    with atomic_outputs(finals) as temporary:
        cases = _Writer(temporary[0], kind)
        truth = _Writer(temporary[1], "csv") if text else None
        names = _Writer(temporary[2], "csv") if text else None
        done = 0
        total = None
        try:
            for chunk in chunks:
                cases.write(chunk.cases)
                if truth is not None:
                    truth.write(
                        chunk.truth
                        if len(chunk.truth)
                        else pd.DataFrame({c: pd.array([], dtype="str") for c in TRUTH_COLUMNS})
                    )
                if names is not None:
                    names.write(chunk.names.astype(str))
                done += len(chunk.cases)
                if progress is not None:
                    total = total or (n_cases if n_cases is not None else done)
                    progress(done, max(total, done))
        finally:
            cases.close()
            if truth is not None:
                truth.close()
            if names is not None:
                names.close()
    return out
