"""Agreement of suggested codes with a truth: precision, recall, F1 and Cohen's kappa.

Each theme is scored as a yes/no code on every rationale it could be coded on (the
rationales of the items the codebook applies it to): a true positive is a rationale both
codings give the theme, and so on. Kappa and AC1 come from
:func:`caseinspect.agreement.agreement_coefficients` on that 2×2 table (truth in rows).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..agreement import agreement_coefficients
from ._codebook import Codebook

__all__ = ["EVALUATION_COLUMNS", "evaluate_codes", "format_evaluation"]

EVALUATION_COLUMNS = (
    "theme",
    "kind",
    "rationales",
    "truth",
    "suggested",
    "tp",
    "fp",
    "fn",
    "tn",
    "precision",
    "recall",
    "f1",
    "kappa",
    "ac1",
)


def evaluate_codes(
    codes: pd.DataFrame, truth: pd.DataFrame, units: pd.DataFrame, codebook: Codebook
) -> pd.DataFrame:
    """Per-theme agreement of ``codes`` with ``truth`` over the rationales in ``units``.

    Parameters
    ----------
    codes, truth : pandas.DataFrame
        ``case_id, item, theme`` (extra columns ignored). Rows of rationales not in
        ``units`` (e.g. practice notes) are left out.
    units : pandas.DataFrame
        The rationales coded (``case_id, item``), as :func:`rationale_units` returns.
    codebook : Codebook

    Returns
    -------
    pandas.DataFrame
        One row per theme (:data:`EVALUATION_COLUMNS`), then a ``macro`` row: the mean of
        precision, recall, F1, kappa and AC1 over the themes with at least one rationale
        in the truth. Undefined values are NaN.

    Examples
    --------
    >>> import pandas as pd
    >>> from caseinspect.framework import load_framework
    >>> from caseinspect.text import load_codebook
    >>> book = load_codebook(load_framework("qi-2016"))
    >>> units = pd.DataFrame({"case_id": ["A", "B", "C", "D"], "item": "diversity_considered"})
    >>> truth = pd.DataFrame({"case_id": ["A", "B"], "item": "diversity_considered",
    ...                       "theme": "diversity_adapted"})
    >>> codes = pd.DataFrame({"case_id": ["A", "C"], "item": "diversity_considered",
    ...                       "theme": "diversity_adapted"})
    >>> row = evaluate_codes(codes, truth, units, book).set_index("theme").loc["diversity_adapted"]
    >>> int(row.tp), int(row.fp), int(row.fn), int(row.tn), float(row.f1), float(row.kappa)
    (1, 1, 1, 1, 0.5, 0.0)
    """
    unit_keys = pd.MultiIndex.from_arrays([units["case_id"].astype(str), units["item"].astype(str)])
    unit_set = set(unit_keys)
    rows = []
    for theme in codebook.themes:
        applies = np.array([theme.applies_to(i) for i in units["item"].astype(str)], dtype=bool)
        population = set(unit_keys[applies])
        said = _keys(codes, theme.code) & population
        true = _keys(truth, theme.code) & population
        n = len(population)
        tp = len(said & true)
        fp = len(said - true)
        fn = len(true - said)
        tn = n - tp - fp - fn
        precision = tp / (tp + fp) if tp + fp else np.nan
        recall = tp / (tp + fn) if tp + fn else np.nan
        f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else np.nan
        if n:
            c = agreement_coefficients([[tp, fn], [fp, tn]])
            kappa = np.nan if c.kappa is None else c.kappa
            ac1 = np.nan if c.ac1 is None else c.ac1
        else:
            kappa = ac1 = np.nan
        rows.append(
            (theme.code, theme.kind, n, len(true), len(said), tp, fp, fn, tn)
            + (precision, recall, f1, kappa, ac1)
        )
    del unit_set
    table = pd.DataFrame(rows, columns=list(EVALUATION_COLUMNS))
    scored = table[table["truth"] > 0]
    macro = {c: scored[c].mean() for c in ("precision", "recall", "f1", "kappa", "ac1")}
    counts = {c: int(table[c].sum()) for c in ("truth", "suggested", "tp", "fp", "fn", "tn")}
    total = pd.DataFrame(
        [{"theme": "macro", "kind": "", "rationales": len(units), **counts, **macro}]
    )
    return pd.concat([table, total], ignore_index=True)[list(EVALUATION_COLUMNS)]


def _keys(frame: pd.DataFrame, theme: str) -> set[tuple[str, str]]:
    rows = frame[frame["theme"].astype(str) == theme]
    return set(zip(rows["case_id"].astype(str), rows["item"].astype(str), strict=True))


def format_evaluation(table: pd.DataFrame) -> str:
    """The evaluation as a fixed-width text table (3 decimals; '-' where undefined)."""
    shown = table.copy()
    for column in ("precision", "recall", "f1", "kappa", "ac1"):
        shown[column] = [("-" if pd.isna(v) else f"{v:.3f}") for v in shown[column]]
    return shown.to_string(index=False)
