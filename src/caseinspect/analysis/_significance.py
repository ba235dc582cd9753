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
    from threadpoolctl import threadpool_limits

    # The fits run on a few hundred covariate patterns: BLAS threads only add overhead and,
    # on a busy two-core machine, made the analysis several times slower.
    with threadpool_limits(limits=1, user_api="blas"):
        return _significance(
            cells,
            cases,
            framework,
            method=method,
            fdr=fdr,
            alpha=alpha,
            pin=pin,
            pout=pout,
            progress=progress,
        )


def _significance(cells, cases, framework, *, method, fdr, alpha, pin, pout, progress):
    from ..stats import benjamini_hochberg, significance_table

    jobs = _jobs(framework, cases)
    models: list[ModelSummary] = []
    tests: list[tuple[str, str, str, str, float]] = []  # table, question, split, variable, p
    total = sum(len(job[2]) for job in jobs)
    done = 0
    for spec, split, columns, terms, data in jobs:
        done += len(columns)
        if progress is not None:
            progress(done, total, f"{spec.id} ({split})")
        levels = {
            t: [c for c in framework.profile_variable(t).categories if data[t].eq(c).any()]
            for t in terms
        }
        usable = [t for t in terms if len(levels[t]) >= 2]
        items = [c for c in columns if c.item in data.columns and data[c.item].ne("").any()]
        if not usable or not items:
            continue
        keep = (
            [c.item for c in items] + usable + (["provider"] if "provider" in data.columns else [])
        )
        frame = data[keep].replace("", np.nan)
        results = significance_table(
            frame,
            [c.item for c in items],
            "yes",
            usable,
            levels={t: levels[t] for t in usable},
            method="full" if method == "gee" else method,
            cluster="provider" if method == "gee" else None,
            pin=pin,
            pout=pout,
            alpha=alpha,
        )
        for column in items:
            result = results[column.item]
            retained = []
            for term in result.terms:
                variable = framework.profile_variable(term.term).table_variable
                mask = _cell_mask(cells, spec.id, column.question, split, variable)
                if term.term == "provider_type" and not mask.any():
                    # No provider rows: the difference shows between the CRC and NPS blocks.
                    mask = (
                        cells["table"].eq(spec.id)
                        & cells["question"].eq(column.question)
                        & cells["provider_split"].isin(["CRC", "NPS"])
                        & cells["variable"].eq("all")
                    )
                if term.p is not None:
                    tests.append((spec.id, column.question, split, variable, float(term.p)))
                    cells.loc[mask, "p"] = float(term.p)
                if term.retained:
                    retained.append(term.term)
                    cells.loc[mask, "significant"] = True
            models.append(
                ModelSummary(
                    spec.id,
                    column.question,
                    split,
                    column.item,
                    method,
                    tuple(retained),
                    result.to_dict(),
                )
            )
    if fdr and tests:
        adjusted = benjamini_hochberg(np.array([t[4] for t in tests]))
        cells["significant"] = False
        for (table, question, split, variable, _), q in zip(tests, adjusted, strict=True):
            mask = _cell_mask(cells, table, question, split, variable)
            cells.loc[mask, "p_adjusted"] = float(q)
            cells.loc[mask, "significant"] = bool(q < alpha)
    return cells, models


def _jobs(framework: Framework, cases: pd.DataFrame) -> list:
    jobs = []
    provider_type = (
        cases["provider_type"]
        if "provider_type" in cases.columns
        else pd.Series("", index=cases.index)
    )
    for spec in framework.tables:
        for split in spec.provider_splits:
            data = cases if split == "all" else cases[provider_type.eq(split)]
            terms = [
                t
                for t in spec.breakdowns
                if t in data.columns and not (split != "all" and t == "provider_type")
            ]
            if (
                split == "all"
                and len(spec.provider_splits) > 1
                and "provider_type" in data.columns
                and "provider_type" not in terms
            ):
                # Split tables show CRC and NPS as column blocks rather than rows, but the
                # bulletins' models of all cases still include provider type.
                terms = ["provider_type", *terms]
            jobs.append((spec, split, spec.columns, terms, data))
    return jobs


def _cell_mask(
    cells: pd.DataFrame, table: str, question: str, split: str, variable: str
) -> pd.Series:
    return (
        cells["table"].eq(table)
        & cells["question"].eq(question)
        & cells["provider_split"].eq(split)
        & cells["variable"].eq(variable)
    )
