"""Which sub-group differences in the annex tables are significant.

For every column of every table (one item, within one provider split) the item is
regressed on the table's sub-group variables by :func:`caseinspect.stats.subgroup_significance`;
a variable kept in the model marks all of its cells in that column as significant, as
the shaded cells of the published annexes do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..framework import Framework

__all__ = ["SIGNIFICANCE_METHODS", "ModelSummary", "significance_for_tables"]

SIGNIFICANCE_METHODS = ("stepwise", "full", "gee", "none")


@dataclass(frozen=True)
class ModelSummary:
    """The model behind one table column's significance flags (for the appendix)."""

    table: str
    question: str
    provider_split: str
    item: str
    method: str
    retained: tuple[str, ...]
    result: dict[str, Any]


def significance_for_tables(
    cells: pd.DataFrame,
    cases: pd.DataFrame,
    framework: Framework,
    *,
    method: str,
    fdr: bool,
    alpha: float,
    pin: float,
    pout: float,
    progress=None,
) -> tuple[pd.DataFrame, list[ModelSummary]]:
    """Add ``significant``, ``p`` and ``p_adjusted`` columns to tidy table cells."""
    cells = cells.copy()
    cells["significant"] = False
    cells["p"] = np.nan
    cells["p_adjusted"] = np.nan
    if method == "none":
        return cells, []
    from ..stats import benjamini_hochberg, subgroup_significance

    jobs = _jobs(framework, cases)
    models: list[ModelSummary] = []
    tests: list[tuple[str, str, str, str, float]] = []  # table, question, split, variable, p
    for done, (spec, split, column, terms, data) in enumerate(jobs, start=1):
        if progress is not None:
            progress(done, len(jobs), f"{spec.id} {column.question} ({split})")
        levels = {t: [c for c in framework.profile_variable(t).categories if (data[t] == c).any()] for t in terms}
        usable = [t for t in terms if len(levels[t]) >= 2]
        if not usable or column.item not in data.columns:
            continue
        frame = data[[column.item, *usable, "provider"]].replace("", np.nan)
        result = subgroup_significance(
            frame, column.item, "yes", usable, levels={t: levels[t] for t in usable}, method=method,
            cluster="provider" if method == "gee" else None, pin=pin, pout=pout,
        )
        retained = []
        for term in result.terms:
            variable = framework.profile_variable(term.term).table_variable
            if term.p is not None:
                tests.append((spec.id, column.question, split, variable, float(term.p)))
            if term.retained:
                retained.append(term.term)
                mask = _cell_mask(cells, spec.id, column.question, split, variable)
                cells.loc[mask, "significant"] = True
            mask = _cell_mask(cells, spec.id, column.question, split, variable)
            cells.loc[mask, "p"] = np.nan if term.p is None else float(term.p)
        models.append(ModelSummary(spec.id, column.question, split, column.item, method, tuple(retained),
                                   result.to_dict()))
    if fdr and tests:
        adjusted = benjamini_hochberg(np.array([t[4] for t in tests]))
        cells["significant"] = False
        for (table, question, split, variable, _), q in zip(tests, adjusted):
            mask = _cell_mask(cells, table, question, split, variable)
            cells.loc[mask, "p_adjusted"] = float(q)
            cells.loc[mask, "significant"] = bool(q < alpha)
    return cells, models


def _jobs(framework: Framework, cases: pd.DataFrame) -> list:
    jobs = []
    provider_type = cases["provider_type"] if "provider_type" in cases.columns else pd.Series("", index=cases.index)
    for spec in framework.tables:
        for split in spec.provider_splits:
            data = cases if split == "all" else cases[provider_type.eq(split)]
            terms = [t for t in spec.breakdowns if t in data.columns and not (split != "all" and t == "provider_type")]
            for column in spec.columns:
                jobs.append((spec, split, column, terms, data))
    return jobs


def _cell_mask(cells: pd.DataFrame, table: str, question: str, split: str, variable: str) -> pd.Series:
    return (
        cells["table"].eq(table)
        & cells["question"].eq(question)
        & cells["provider_split"].eq(split)
        & cells["variable"].eq(variable)
    )
