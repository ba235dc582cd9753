"""A fingerprint of case data, recorded in every output so numbers can be traced."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

__all__ = ["fingerprint_cases"]


def fingerprint_cases(frame: pd.DataFrame) -> str:
    """SHA-256 of the cases' content, independent of row and column order.

    Two tables holding the same cases (same columns, same values) get the same
    fingerprint however they were sorted; any changed cell changes it.

    Examples
    --------
    >>> import pandas as pd
    >>> a = pd.DataFrame({"case_id": ["1", "2"], "x": ["yes", "no"]})
    >>> fingerprint_cases(a) == fingerprint_cases(a.iloc[::-1][["x", "case_id"]])
    True
    """
    columns = sorted(frame.columns)
    order = None
    if "case_id" in columns:
        keys = ["inspection_id", "case_id"] if "inspection_id" in columns else ["case_id"]
        # Sort the keys alone and take each column in that order: sorting the whole
        # table copied every column twice and cost half the fingerprint (issue #12).
        order = (
            frame[keys].reset_index(drop=True).sort_values(keys, kind="mergesort").index.to_numpy()
        )
    digest = hashlib.sha256()
    digest.update("\x1f".join(columns).encode())
    for column in columns:
        digest.update(b"\x1e")
        series = frame[column]
        try:
            # Cases are strings already; joining them fails on any value that is not one.
            text = "\x1f".join(_in_order(series, order))  # type: ignore[arg-type]
        except TypeError:
            # astype(str) keeps missing values missing (pandas 3): they print as str does.
            shown = _in_order(series.astype(str), order)
            text = "\x1f".join(v if isinstance(v, str) else str(v) for v in shown)
        digest.update(text.encode())
    return digest.hexdigest()


def _in_order(series: pd.Series, order: np.ndarray | None) -> list[object]:
    values = series.to_numpy(dtype=object)
    return (values if order is None else values[order]).tolist()
