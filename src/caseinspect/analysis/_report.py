"""The report model: annex tables with intervals, significance, models and provenance.

Analysis builds one :class:`TablesReport`; the renderers in :mod:`caseinspect.reports`
(CSV, XLSX, HTML, PDF) only read it. Nothing here writes files or depends on the time of
day, so the same cases and settings give identical reports.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from .. import __version__
from ..cases import fingerprint_cases
from ..errors import InvalidArgument
from ..framework import Framework
from ._significance import (
    FDR_FAMILIES,
    SIGNIFICANCE_METHODS,
    FittingPlan,
    ModelSummary,
    ShadingRule,
    shading_rule,
    significance_for_tables,
)
from ._tables import compute_tables

__all__ = ["Provenance", "TablesReport", "build_report", "SIGNIFICANCE_METHODS"]


@dataclass(frozen=True)
class Provenance:
    """What made a report: recorded in every output so numbers can be traced."""

    software_version: str
    framework_id: str
    framework_version: str
    framework_fingerprint: str
    data_fingerprint: str
    n_cases: int
    settings: tuple[tuple[str, str], ...]

    def as_dict(self) -> dict[str, object]:
        return {
            "software": "caseinspect",
            "software_version": self.software_version,
            "framework": self.framework_id,
            "framework_version": self.framework_version,
            "framework_fingerprint": self.framework_fingerprint,
            "data_fingerprint": self.data_fingerprint,
            "n_cases": self.n_cases,
            "settings": dict(self.settings),
        }


@dataclass(frozen=True)
class TablesReport:
    """Annex tables of one round (or inspection) under one framework.

    Attributes
    ----------
    cells : pandas.DataFrame
        Tidy cells: ``table, question, provider_split, variable, category, n, pct`` then
        ``yes, ci_low, ci_high, significant, p, p_adjusted, test, df`` (``test`` and
        ``df``: the test ``p`` came from, e.g. ``lr`` with 2 df, ``score``, ``robust-wald``).
    models : tuple of ModelSummary
        One per (table, split, question) tested: the selection steps and final model.
    shading : ShadingRule or None
        How the shading was decided (method, test, level, BH family); ``None`` when
        nothing was tested. Every renderer says it where shading is shown.
    """

    title: str
    framework: Framework
    cells: pd.DataFrame
    models: tuple[ModelSummary, ...]
    provenance: Provenance
    notes: tuple[str, ...] = field(default=())
    shading: ShadingRule | None = None

    def table_cells(self, table_id: str) -> pd.DataFrame:
        return self.cells[self.cells["table"] == table_id]


def build_report(
    cases: pd.DataFrame,
    framework: Framework,
    *,
    significance: Literal["stepwise", "full", "gee", "none"] = "stepwise",
    fdr: bool = False,
    fdr_family: str = "table",
    cluster_correction: str = "cr2",
    alpha: float = 0.05,
    pin: float = 0.05,
    pout: float = 0.10,
    title: str | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    workers: int = 1,
) -> TablesReport:
    """Compute the annex tables of ``framework`` with intervals and significance.

    Parameters
    ----------
    cases : pandas.DataFrame
        Validated cases in the interchange format.
    framework : Framework
    significance : {"stepwise", "full", "gee", "none"}
        How sub-group differences are tested, per table column: ``stepwise`` is the
        bulletins' forward stepwise logistic regression (FSTEP(LR), entry p < ``pin``,
        removal p > ``pout``); ``full`` enters every sub-group variable at once and tests
        each by likelihood ratio; ``gee`` is the full model with inference clustered by
        provider; ``none`` skips testing.
    fdr : bool
        Also give Benjamini–Hochberg adjusted p-values across every test of the report
        (``p_adjusted``) and base ``significant`` on them at level ``alpha``.
    fdr_family : {"table", "question", "all"}
        The tests Benjamini-Hochberg adjusts together: every test of one table (default),
        of one table column, or of the whole report (recorded in each model's ``shading``).
    cluster_correction : {"cr2", "stata"}
        For ``gee``: CR2 (Bell-McCaffrey) with Satterthwaite / HTZ degrees of freedom
        (default), or Stata's G/(G-1) sandwich with F(q, G-1) (see docs/statistics.md).
    progress : callable, optional
        Called as ``progress(done, total, label)`` while models are fitted.
    workers : int
        Processes fitting the models: with 2, a forked child fits some of them while this
        process counts the tables (where forking is safe: see
        :func:`caseinspect.analysis._parallel.can_share`). The models are the same with
        any number; the command line uses 2, a library caller or the web application 1.

    Returns
    -------
    TablesReport
    """
    if significance not in SIGNIFICANCE_METHODS:
        raise InvalidArgument(f"significance must be one of {', '.join(SIGNIFICANCE_METHODS)}")
    if fdr_family not in FDR_FAMILIES:
        raise InvalidArgument(f"fdr_family must be one of {', '.join(FDR_FAMILIES)}")
    if workers < 1:
        raise InvalidArgument(f"workers must be at least 1 (got {workers})")
    plan = FittingPlan(
        framework, cases, significance, cluster_correction, alpha, pin, pout, progress=progress
    )

    def count() -> tuple[pd.DataFrame, str]:
        cells = compute_tables(cases, framework)
        return _add_intervals(cells, _mean_questions(framework)), fingerprint_cases(cases)

    if workers > 1 and plan.jobs:
        fitted, (cells, data_fingerprint) = plan.fit_shared(count)
    else:
        cells, data_fingerprint = count()
        fitted = plan.fit_all()
    cells, models = significance_for_tables(
        cells,
        cases,
        framework,
        method=significance,
        fdr=fdr,
        fdr_family=fdr_family,
        cluster_correction=cluster_correction,
        alpha=alpha,
        pin=pin,
        pout=pout,
        fitted=fitted,
    )
    settings = (
        ("significance", significance),
        ("fdr", str(fdr).lower()),
        ("fdr_family", fdr_family),
        ("cluster_correction", cluster_correction),
        ("alpha", repr(alpha)),
        ("pin", repr(pin)),
        ("pout", repr(pout)),
    )
    provenance = Provenance(
        software_version=__version__,
        framework_id=framework.id,
        framework_version=framework.version,
        framework_fingerprint=framework.fingerprint,
        data_fingerprint=data_fingerprint,
        n_cases=len(cases),
        settings=settings,
    )
    rule = (
        None
        if significance == "none"
        else shading_rule(
            significance,
            fdr=fdr,
            fdr_family=fdr_family,
            alpha=alpha,
            pin=pin,
            pout=pout,
            cluster_correction=cluster_correction,
        )
    )
    cells = _add_test_columns(cells, models)
    notes = []
    if rule is not None:
        notes.append(rule.description)
        if significance == "stepwise":
            notes.append(
                "Stepwise p-values are optimistic and cases are clustered within providers: "
                "see the 'full' and 'gee' alternatives."
            )
    if rule is not None and rule.cluster:
        # Few or unbalanced clusters make the cluster-robust tests approximate: say so
        # where the reader starts, not only in each model of the appendix.
        seen: list[str] = []
        for model in models:
            for warning in model.warnings:
                if "cluster" in warning.lower() and warning not in seen:
                    seen.append(warning)
        notes.extend(seen)
    notes.append("Cases with a sub-group value not recorded count in 'All cases' only.")
    below = framework.layout.unreliable_below
    if below:
        notes.append(
            f"Percentages of fewer than {below} applicable cases are unreliable; they are "
            "marked wherever they are printed."
        )
    return TablesReport(
        title=title or framework.title,
        framework=framework,
        cells=cells,
        models=tuple(models),
        provenance=provenance,
        notes=tuple(notes),
        shading=rule,
    )


def _add_test_columns(cells: pd.DataFrame, models: list[ModelSummary]) -> pd.DataFrame:
    """``test`` and ``df`` of every cell's ``p``: which test of which model it came from.

    The cells of a sub-group variable carry the p of that variable's test against the
    final model (:attr:`ModelSummary.terms`); provider type in a table split into
    provider blocks shades the blocks' 'All cases' cells instead.
    """
    cells = cells.copy()
    test = np.full(len(cells), "", dtype=object)
    df = np.full(len(cells), np.nan)
    key = list(
        zip(
            cells["table"],
            cells["question"],
            cells["provider_split"],
            cells["variable"],
            strict=True,
        )
    )
    position: dict[tuple[str, str, str, str], list[int]] = {}
    for i, k in enumerate(key):
        position.setdefault(k, []).append(i)
    splits_of: dict[tuple[str, str], list[str]] = {}
    for table, question, split, _ in key:
        seen = splits_of.setdefault((table, question), [])
        if split != "all" and split not in seen:
            seen.append(split)
    for model in models:
        for term in model.terms:
            if term.p is None:
                continue
            rows = position.get((model.table, model.question, model.provider_split, term.variable))
            if not rows and model.provider_split == "all":
                rows = [
                    i
                    for s in splits_of.get((model.table, model.question), [])
                    for i in position.get((model.table, model.question, s, "all"), [])
                ]
            for i in rows or ():
                test[i] = term.test or ""
                df[i] = np.nan if term.df is None else float(term.df)
    cells["test"] = test
    cells["df"] = pd.array([None if np.isnan(v) else int(v) for v in df], dtype="Int64")
    return cells


def _mean_questions(framework: Framework) -> frozenset[str]:
    """The questions of the tables' mean rows (means, not percentages: no interval)."""
    return frozenset(t.mean_row.question for t in framework.tables if t.mean_row is not None)


def _add_intervals(cells: pd.DataFrame, mean_questions: frozenset[str]) -> pd.DataFrame:
    from ..stats import wilson_interval

    cells = cells.copy()
    is_mean = cells["question"].isin(mean_questions)
    n = cells["n"].to_numpy(dtype=float)
    yes = cells["yes"].to_numpy(dtype=float)
    low = np.full(len(cells), np.nan)
    high = np.full(len(cells), np.nan)
    ok = (~is_mean.to_numpy()) & (n > 0)
    if ok.any():
        lo, hi = wilson_interval(yes[ok], n[ok])
        low[ok] = np.round(np.asarray(lo, dtype=float) * 100, 1)
        high[ok] = np.round(np.asarray(hi, dtype=float) * 100, 1)
    cells["ci_low"] = low
    cells["ci_high"] = high
    return cells
