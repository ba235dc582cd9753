"""Which sub-group differences in the annex tables are significant.

For every column of every table (one item, within one provider split) the item is
regressed on the table's sub-group variables by :func:`caseinspect.stats.subgroup_significance`;
a variable kept in the model marks all of its cells in that column as significant, as
the shaded cells of the published annexes do.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from ..errors import InvalidArgument, UnknownName
from ..framework import Framework, TableSpec

__all__ = [
    "FDR_FAMILIES",
    "SIGNIFICANCE_METHODS",
    "ModelSummary",
    "OddsRatio",
    "ShadingRule",
    "StepSummary",
    "TermSummary",
    "significance_for_tables",
]

T = TypeVar("T")

SIGNIFICANCE_METHODS = ("stepwise", "full", "gee", "none")

#: Families over which Benjamini-Hochberg is applied: every test of one annex table (all
#: its columns and provider blocks, the default: the tests a reader scans together), the
#: tests of one table column, or every test of the report.
FDR_FAMILIES = ("table", "question", "all")


def _num(x: float | None) -> float | None:
    """JSON has no NaN or infinity: map them to ``None``."""
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


@dataclass(frozen=True)
class ShadingRule:
    """How the shading of a table column was decided: say it wherever shading is shown.

    Attributes
    ----------
    method : {"stepwise", "full", "gee"}
        The ``significance`` setting.
    model : {"fstep-lr", "enter"}
        The model search behind it.
    test : str
        The test whose p decides (``"lr"``, ``"robust-wald"``; for stepwise entry
        ``"score"`` and removal ``"lr"``, written ``"score/lr"``).
    level : float
        The level compared with: ``alpha`` for full / gee and for BH, ``pin`` for stepwise.
    pin, pout : float or None
        Stepwise entry and removal thresholds (``None`` otherwise).
    fdr : bool
        Whether Benjamini-Hochberg adjusted p-values decide the shading.
    fdr_family : {"table", "question", "all"} or None
        The BH family (``None`` without ``fdr``).
    cluster : str or None
        The clustering column (``"provider"`` for gee).
    cluster_correction : str or None
        The small-sample correction of the cluster-robust covariance, e.g. ``"CR2"``.
    description : str
        One plain-English sentence for reading notes, table notes and the appendix.
    """

    method: str
    model: str
    test: str
    level: float
    pin: float | None = None
    pout: float | None = None
    fdr: bool = False
    fdr_family: str | None = None
    cluster: str | None = None
    cluster_correction: str | None = None
    description: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "model": self.model,
            "test": self.test,
            "level": self.level,
            "pin": self.pin,
            "pout": self.pout,
            "fdr": self.fdr,
            "fdr_family": self.fdr_family,
            "cluster": self.cluster,
            "cluster_correction": self.cluster_correction,
            "description": self.description,
        }


@dataclass(frozen=True)
class TermSummary:
    """One sub-group variable of one model, as the appendix prints it.

    For a term in the final model ``test``/``statistic``/``df``/``p`` are the test that
    kept it (likelihood ratio for stepwise and full, cluster-robust Wald for gee); for a
    term not in it, the score test of adding it (SPSS's "Variables not in the Equation";
    cluster-robust Wald for gee). When ``testable`` is false nothing could be computed:
    ``statistic``, ``df`` and ``p`` are ``None`` and ``reason`` says why -- print
    "not testable" and the reason, never a p-value.

    Attributes
    ----------
    term : str
        Profile variable code (e.g. ``"likelihood_of_reoffending"``).
    variable : str
        Its name in the tidy tables (``cells["variable"]``, e.g. ``"likelihood"``).
    in_model : bool
    significant : bool
        Whether its cells are shaded (after BH when ``fdr``).
    test, statistic, df, p
    p_adjusted : float or None
        Benjamini-Hochberg adjusted p (``fdr`` only).
    testable : bool
    reason : str or None
    df_denominator : float or None
        For the gee (cluster-robust) F test, its denominator df: p is from
        F(``df``, ``df_denominator``); ``statistic`` is the Wald chi-square form W
        (F = W / df for ``stata``; the HTZ scaling (nu - q + 1)/(nu q) W for CR2).
    """

    term: str
    variable: str
    in_model: bool
    significant: bool
    test: str | None
    statistic: float | None
    df: int | None
    p: float | None
    p_adjusted: float | None = None
    testable: bool = True
    reason: str | None = None
    df_denominator: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "term": self.term,
            "variable": self.variable,
            "in_model": self.in_model,
            "significant": self.significant,
            "test": self.test,
            "statistic": _num(self.statistic),
            "df": self.df,
            "df_denominator": _num(self.df_denominator),
            "p": _num(self.p),
            "p_adjusted": _num(self.p_adjusted),
            "testable": self.testable,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class StepSummary:
    """One step of the stepwise path: which term entered or left, on which test."""

    step: int
    action: str
    term: str
    test: str
    statistic: float
    df: int
    p: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "action": self.action,
            "term": self.term,
            "test": self.test,
            "statistic": _num(self.statistic),
            "df": self.df,
            "p": _num(self.p),
        }


@dataclass(frozen=True)
class OddsRatio:
    """The odds ratio of one level against its reference, final model, with its interval.

    ``ci_low``/``ci_high`` are the ``level`` (95%) interval: model-based (Wald) for
    stepwise and full; for gee from the cluster-robust covariance and a t reference.
    ``None`` where not estimable (e.g. quasi-complete separation).
    """

    term: str
    level: str
    reference: str | None
    odds_ratio: float | None
    ci_low: float | None
    ci_high: float | None
    p: float | None
    estimate: float | None
    se: float | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "term": self.term,
            "level": self.level,
            "reference": self.reference,
            "odds_ratio": _num(self.odds_ratio),
            "ci_low": _num(self.ci_low),
            "ci_high": _num(self.ci_high),
            "p": _num(self.p),
            "estimate": _num(self.estimate),
            "se": _num(self.se),
        }


@dataclass(frozen=True)
class ModelSummary:
    """The model behind one table column's significance flags, for disclosure.

    One per (table, provider split, question) tested. Renderers (the model appendix in
    HTML / PDF / XLSX, ``models.json``, the bulletin's methods annex) should read these
    typed fields and :meth:`as_dict`, not ``result`` (kept for older readers).

    Attributes
    ----------
    table, question, provider_split, item : str
        Where the column is: table id, column question, ``"all"`` or a provider type,
        and the framework item analysed.
    method : str
        The ``significance`` setting (``"stepwise"``, ``"full"``, ``"gee"``).
    retained : tuple of str
        Terms whose cells are shaded (after BH when ``fdr``), in the order tested.
    result : dict
        ``SignificanceResult.to_dict()`` of the engine (raw; prefer the fields below).
    n_table : int
        Cases in the table column: the applicable cases ("All cases" n of the split).
    n_model : int
        Cases in the model (after listwise deletion).
    n_missing_subgroup : int
        Cases left out of the model because a sub-group value is not recorded (listwise
        deletion; they still count in "All cases" and in the rows they have a value for).
        For example 289 of 3,209 for C3 needs_delivery on the 2018-19 synthetic round.
    n_missing_cluster : int
        Cases left out for a missing provider (gee only).
    events : int or None
        Cases with the event ("yes") in the model.
    minus2ll, null_minus2ll : float or None
        -2 log-likelihood of the final and the intercept-only model (case level).
    steps : tuple of StepSummary
        The stepwise path (empty for full / gee).
    terms : tuple of TermSummary
        Every sub-group variable of the table, in the model or not, tested or not.
    odds_ratios : tuple of OddsRatio
        Final model, one per non-reference level (no intercept).
    ci_level : float
        Confidence level of the odds-ratio intervals.
    shading : ShadingRule or None
        Method, test, level and BH family used for the shading.
    n_clusters : int or None
        Clusters used (gee).
    warnings : tuple of str
        Separation, few or unbalanced clusters, collinearity, why no model was fitted.
    fitted : bool
        False when no model could be fitted (no events, no non-events, too few cases).
    """

    table: str
    question: str
    provider_split: str
    item: str
    method: str
    retained: tuple[str, ...]
    result: dict[str, Any]
    n_table: int = 0
    n_model: int = 0
    n_missing_subgroup: int = 0
    n_missing_cluster: int = 0
    events: int | None = None
    minus2ll: float | None = None
    null_minus2ll: float | None = None
    steps: tuple[StepSummary, ...] = ()
    terms: tuple[TermSummary, ...] = ()
    odds_ratios: tuple[OddsRatio, ...] = ()
    ci_level: float = 0.95
    shading: ShadingRule | None = None
    n_clusters: int | None = None
    warnings: tuple[str, ...] = field(default=())
    fitted: bool = True

    def term(self, name: str) -> TermSummary:
        """The summary of sub-group variable ``name`` (its code)."""
        for t in self.terms:
            if t.term == name:
                return t
        raise UnknownName(name)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (no NaN): one entry of ``models.json``.

        Examples
        --------
        >>> m = ModelSummary("C3", "needs_delivery", "all", "needs_delivery", "stepwise", (), {})
        >>> sorted(m.as_dict())[:4]
        ['ci_level', 'events', 'fitted', 'item']
        """
        return {
            "table": self.table,
            "question": self.question,
            "provider_split": self.provider_split,
            "item": self.item,
            "method": self.method,
            "fitted": self.fitted,
            "n_table": self.n_table,
            "n_model": self.n_model,
            "n_missing_subgroup": self.n_missing_subgroup,
            "n_missing_cluster": self.n_missing_cluster,
            "events": self.events,
            "minus2ll": _num(self.minus2ll),
            "null_minus2ll": _num(self.null_minus2ll),
            "n_clusters": self.n_clusters,
            "retained": list(self.retained),
            "steps": [s.as_dict() for s in self.steps],
            "terms": [t.as_dict() for t in self.terms],
            "odds_ratios": [o.as_dict() for o in self.odds_ratios],
            "ci_level": self.ci_level,
            "shading": None if self.shading is None else self.shading.as_dict(),
            "warnings": list(self.warnings),
        }


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
    fdr_family: str = "table",
    cluster_correction: str = "cr2",
    progress: Any = None,
    fitted: FittedColumns | None = None,
) -> tuple[pd.DataFrame, list[ModelSummary]]:
    """Add ``significant``, ``p`` and ``p_adjusted`` columns to tidy table cells.

    Parameters
    ----------
    cells : pandas.DataFrame
        Tidy cells of :func:`caseinspect.analysis.compute_tables`.
    cases : pandas.DataFrame
    framework : Framework
    method : {"stepwise", "full", "gee", "none"}
    fdr : bool
        Shade on Benjamini-Hochberg adjusted p-values (``p_adjusted < alpha``).
    alpha, pin, pout : float
    fdr_family : {"table", "question", "all"}
        The tests adjusted together: every test of one annex table (default), of one
        table column, or of the whole report. Recorded in each summary's ``shading``.
    cluster_correction : {"cr2", "stata"}
        For ``gee``: CR2 with Satterthwaite / HTZ degrees of freedom (default) or the
        older Stata-style G/(G-1) sandwich with F(q, G-1). Recorded in ``shading``.
    progress : callable, optional
        ``progress(done, total, label)``.
    fitted : FittedColumns, optional
        The models, fitted already by a :class:`FittingPlan` of the same cases and
        settings (:func:`caseinspect.analysis.build_report` fits them while it counts);
        without it they are fitted here.

    Returns
    -------
    cells : pandas.DataFrame
    models : list of ModelSummary
        One per (table, split, question) with an applicable case: see
        :class:`ModelSummary` for the disclosure fields.
    """
    if fdr_family not in FDR_FAMILIES:
        from ..errors import UsageError

        raise UsageError(f"FDR family '{fdr_family}' is not one of {', '.join(FDR_FAMILIES)}.")
    cells = cells.copy()
    cells["significant"] = False
    cells["p"] = np.nan
    cells["p_adjusted"] = np.nan
    if method == "none":
        return cells, []
    if fitted is not None and fitted.method != method:
        raise InvalidArgument(f"the models were fitted for '{fitted.method}', not '{method}'")
    return _significance(
        cells,
        cases,
        framework,
        method=method,
        fdr=fdr,
        fdr_family=fdr_family,
        cluster_correction=cluster_correction,
        alpha=alpha,
        pin=pin,
        pout=pout,
        progress=progress,
        fitted=fitted,
    )


def shading_rule(
    method: str,
    *,
    fdr: bool,
    fdr_family: str,
    alpha: float,
    pin: float,
    pout: float,
    cluster_correction: str = "cr2",
) -> ShadingRule:
    """The :class:`ShadingRule` for a ``significance`` setting, with its description.

    Examples
    --------
    >>> rule = shading_rule("full", fdr=True, fdr_family="table", alpha=0.05, pin=0.05, pout=0.1)
    >>> rule.test, rule.fdr_family
    ('lr', 'table')
    """
    family = {
        "table": "all tests of the same table",
        "question": "the tests of the same table column",
        "all": "every test of the report",
    }[fdr_family]
    bh = f" Benjamini-Hochberg adjusted p < {alpha:g}, adjusting together {family}." if fdr else ""
    if method == "stepwise":
        text = (
            "Shaded: sub-group variable retained in the final model of a forward stepwise "
            f"logistic regression (entry by score test p < {pin:g}, removal by "
            f"likelihood-ratio test p > {pout:g})."
        )
        if fdr:
            text = (
                "Shaded: forward stepwise logistic regression (entry by score test p < "
                f"{pin:g}, removal by likelihood-ratio test p > {pout:g}); each variable's "
                "final test (likelihood ratio if retained, score if not) with" + bh
            )
        return ShadingRule(
            "stepwise",
            "fstep-lr",
            "score/lr",
            alpha if fdr else pin,
            pin,
            pout,
            fdr,
            fdr_family if fdr else None,
            None,
            None,
            text,
        )
    if method == "full":
        text = (
            "Shaded: likelihood-ratio test of the sub-group variable in a logistic regression "
            "with every sub-group variable entered"
            + (f", with{bh}" if fdr else f", p < {alpha:g}.")
        )
        return ShadingRule(
            "full",
            "enter",
            "lr",
            alpha,
            None,
            None,
            fdr,
            fdr_family if fdr else None,
            None,
            None,
            text,
        )
    correction = cluster_correction
    how = (
        "CR2 (Bell-McCaffrey) standard errors, HTZ F test with Satterthwaite-type degrees "
        "of freedom"
        if correction == "cr2"
        else "sandwich with Stata's G/(G-1) factor, F(q, G-1) reference"
    )
    text = (
        f"Shaded: cluster-robust Wald test (clustered by provider; {how}) of the sub-group "
        "variable in a logistic regression with every sub-group variable entered"
        + (f", with{bh}" if fdr else f", p < {alpha:g}.")
    )
    return ShadingRule(
        "gee",
        "enter",
        "robust-wald",
        alpha,
        None,
        None,
        fdr,
        fdr_family if fdr else None,
        "provider",
        correction,
        text,
    )


@dataclass
class _Column:
    """One analysed table column, before BH decides its shading."""

    table: str
    question: str
    split: str
    item: str
    terms: list[str]
    result: Any  # caseinspect.stats.SignificanceResult or None (nothing testable)
    n_table: int
    n_missing_subgroup: int
    n_missing_cluster: int
    untestable: dict[str, str]


def _significance(
    cells: pd.DataFrame,
    cases: pd.DataFrame,
    framework: Framework,
    *,
    method: str,
    fdr: bool,
    fdr_family: str,
    cluster_correction: str,
    alpha: float,
    pin: float,
    pout: float,
    progress: Any,
    fitted: FittedColumns | None = None,
) -> tuple[pd.DataFrame, list[ModelSummary]]:
    from ..stats import benjamini_hochberg

    rule = shading_rule(
        method,
        fdr=fdr,
        fdr_family=fdr_family,
        alpha=alpha,
        pin=pin,
        pout=pout,
        cluster_correction=cluster_correction,
    )
    if fitted is None:
        plan = FittingPlan(
            framework, cases, method, cluster_correction, alpha, pin, pout, progress=progress
        )
        fitted = plan.fit_all()
    columns_done = list(fitted.columns)
    # (column index, term, table, question, split, variable, p)
    tests: list[tuple[int, str, str, str, str, str, float]] = []
    masks: list[np.ndarray] = []  # the cells each test shades (boolean)
    # Cell lookups by (table, question, split, variable) from one grouping, and the new
    # columns as arrays written once at the end: per-test pandas masks and .loc writes
    # cost more than the models.
    where = cells.groupby(["table", "question", "provider_split", "variable"], sort=False).indices
    n_cells = len(cells)
    significant = np.zeros(n_cells, dtype=bool)
    p_values = np.full(n_cells, np.nan)
    p_adjusted = np.full(n_cells, np.nan)
    specs = {spec.id: spec for spec in framework.tables}

    def cell_mask(table: str, question: str, split: str, variable: str) -> np.ndarray:
        mask = np.zeros(n_cells, dtype=bool)
        mask[where.get((table, question, split, variable), [])] = True
        return mask

    for index, column in enumerate(columns_done):
        result = column.result
        if result is None:
            continue
        for term in result.terms:
            variable = framework.profile_variable(term.term).table_variable
            mask = cell_mask(column.table, column.question, column.split, variable)
            if term.term == "provider_type" and not mask.any():
                # No provider rows: the difference shows between the provider-type
                # blocks of a split table (CRC and NPS in the shipped frameworks).
                mask = (
                    cells["table"].eq(column.table)
                    & cells["question"].eq(column.question)
                    & cells["provider_split"].isin(_type_splits(specs[column.table]))
                    & cells["variable"].eq("all")
                )
            mask = np.asarray(mask, dtype=bool)
            if term.p is not None:
                tests.append(
                    (
                        index,
                        term.term,
                        column.table,
                        column.question,
                        column.split,
                        variable,
                        float(term.p),
                    )
                )
                masks.append(mask)
                p_values[mask] = float(term.p)
            if term.retained and not fdr:
                significant[mask] = True
    adjusted: dict[tuple[int, str], float] = {}
    if fdr and tests:
        families: dict[tuple[str, ...], list[int]] = {}
        for i, (_, _, table, question, split, _, _) in enumerate(tests):
            key = {"table": (table,), "question": (table, question, split), "all": ()}[fdr_family]
            families.setdefault(key, []).append(i)
        for members in families.values():
            qs = benjamini_hochberg(np.array([tests[i][6] for i in members]))
            for i, q in zip(members, qs, strict=True):
                index, term_name, *_ = tests[i]
                adjusted[(index, term_name)] = float(q)
                mask = masks[i]
                p_adjusted[mask] = float(q)
                significant[mask] = bool(q < alpha)
    cells["significant"] = significant
    cells["p"] = p_values
    cells["p_adjusted"] = p_adjusted
    models = [
        _summary(framework, column, index, method, rule, fdr, alpha, adjusted)
        for index, column in enumerate(columns_done)
    ]
    return cells, models


def _summary(
    framework: Framework,
    column: _Column,
    index: int,
    method: str,
    rule: ShadingRule,
    fdr: bool,
    alpha: float,
    adjusted: dict[tuple[int, str], float],
) -> ModelSummary:
    result = column.result
    model = None if result is None else result.model
    flags = {} if result is None else {t.term: t for t in result.terms}
    terms = []
    for name in column.terms:
        variable = framework.profile_variable(name).table_variable
        flag = flags.get(name)
        if flag is None or not flag.testable or flag.p is None:
            reason = (
                column.untestable.get(name)
                or (None if flag is None else flag.reason)
                or (
                    "no model could be fitted"
                    if model is None
                    else "the test could not be computed"
                )
            )
            in_model = bool(model is not None and name in model.terms)
            terms.append(
                TermSummary(
                    name,
                    variable,
                    in_model,
                    False,
                    None if flag is None else flag.test,
                    None,
                    None,
                    None,
                    None,
                    False,
                    reason,
                )
            )
            continue
        q = adjusted.get((index, name))
        significant = (q is not None and q < alpha) if fdr else flag.retained
        in_model = bool(model is not None and name in model.terms)
        terms.append(
            TermSummary(
                name,
                variable,
                in_model,
                bool(significant),
                flag.test,
                flag.statistic,
                flag.df,
                flag.p,
                q,
                True,
                None,
                flag.df_denominator,
            )
        )
    steps: tuple[StepSummary, ...] = ()
    odds: list[OddsRatio] = []
    if model is not None:
        steps = tuple(
            StepSummary(s.step, s.action, s.term, s.test, s.statistic, s.df, s.p)
            for s in model.steps
        )
        references = {c.name: c.reference for c in model.codings}
        for c in model.coefficients:
            if "[T." not in c.name:
                continue
            term_name, level = c.name[:-1].split("[T.", 1)
            odds.append(
                OddsRatio(
                    term_name,
                    level,
                    references.get(term_name),
                    c.odds_ratio,
                    c.or_ci_low,
                    c.or_ci_high,
                    c.p,
                    c.estimate,
                    c.se,
                )
            )
    n_model = 0 if result is None else result.n
    return ModelSummary(
        table=column.table,
        question=column.question,
        provider_split=column.split,
        item=column.item,
        method=method,
        retained=tuple(t.term for t in terms if t.significant),
        result={} if result is None else result.to_dict(),
        n_table=column.n_table,
        n_model=n_model
        if model is not None
        else column.n_table - column.n_missing_subgroup - column.n_missing_cluster,
        n_missing_subgroup=column.n_missing_subgroup,
        n_missing_cluster=column.n_missing_cluster,
        events=None if model is None else model.n_events,
        minus2ll=None if model is None else model.deviance,
        null_minus2ll=None if model is None else model.null_deviance,
        steps=steps,
        terms=tuple(terms),
        odds_ratios=tuple(odds),
        ci_level=0.95,
        shading=rule,
        n_clusters=None if model is None else model.n_clusters,
        warnings=() if result is None else tuple(result.warnings),
        fitted=model is not None,
    )


@dataclass(frozen=True)
class FittedColumns:
    """The fitted models of a report's table columns, in the report's order."""

    method: str
    columns: tuple[_Column, ...]


class FittingPlan:
    """The models behind a report's shading, as jobs: one per table and provider split.

    :meth:`fit_all` fits them in order; :meth:`fit_shared` shares the jobs with a forked
    child process while this one does other work. Each job is fitted by the same code,
    whoever takes it, so both give identical models.
    """

    def __init__(
        self,
        framework: Framework,
        cases: pd.DataFrame,
        method: str,
        cluster_correction: str,
        alpha: float,
        pin: float,
        pout: float,
        *,
        progress: Any = None,
    ) -> None:
        self.framework = framework
        self.cases = cases
        self.method = method
        self.cluster_correction = cluster_correction
        self.alpha, self.pin, self.pout = alpha, pin, pout
        self.progress = progress
        self.jobs = _jobs(framework, cases) if method != "none" else []
        self.total = sum(len(job[2]) for job in self.jobs)
        self._coded: _CodedCases | None = None

    def _coded_cases(self) -> _CodedCases:
        if self._coded is None:
            self._coded = _CodedCases(self.cases, _columns_used(self.jobs, self.cases))
        return self._coded

    def fit_job(self, number: int) -> list[_Column]:
        """Fit the models of job ``number`` (every column of one table and split)."""
        return _fit_job(
            self.jobs[number],
            self._coded_cases(),
            self.cases,
            self.framework,
            method=self.method,
            cluster_correction=self.cluster_correction,
            alpha=self.alpha,
            pin=self.pin,
            pout=self.pout,
        )

    def _report(self, done: int, label: str) -> None:
        if self.progress is not None:
            self.progress(done, self.total, label)

    def fit_all(self) -> FittedColumns:
        """Fit every job here, in order."""
        columns: list[_Column] = []
        done = 0
        with _one_blas_thread():
            for number, (spec, split, job_columns, _, _) in enumerate(self.jobs):
                columns += self.fit_job(number)
                done += len(job_columns)
                self._report(done, f"{spec.id} ({split})")
        return FittedColumns(self.method, tuple(columns))

    def fit_shared(self, meanwhile: Callable[[], T]) -> tuple[FittedColumns, T]:
        """Fit every job, sharing them with a forked child; run ``meanwhile()`` here first.

        Falls back to :meth:`fit_all` after ``meanwhile()`` where processes cannot be
        forked. See :func:`caseinspect.analysis._parallel.share_jobs`.
        """
        from ._parallel import share_jobs

        def done_one(number: int, done: int) -> None:
            spec, split = self.jobs[number][0], self.jobs[number][1]
            self._report(done, f"{spec.id} ({split})")

        weights = [len(job[2]) for job in self.jobs]
        if self.jobs:
            # Before the fork, so that both processes share them rather than each
            # importing SciPy (a tenth of a second) and coding the cases.
            import caseinspect.stats._significance  # noqa: F401

            self._coded_cases()
        with _one_blas_thread():  # entered before the fork: the child inherits it
            per_job, other = share_jobs(self.fit_job, weights, meanwhile, on_done=done_one)
        columns = tuple(column for job in per_job for column in job)
        return FittedColumns(self.method, columns), other


def _one_blas_thread() -> Any:
    """BLAS limited to one thread while the models are fitted.

    The fits run on a few hundred covariate patterns: BLAS threads only add overhead and,
    on a busy two-core machine, made the analysis several times slower.
    """
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="blas")


def _fit_job(
    job: tuple[Any, ...],
    coded: _CodedCases,
    cases: pd.DataFrame,
    framework: Framework,
    *,
    method: str,
    cluster_correction: str,
    alpha: float,
    pin: float,
    pout: float,
) -> list[_Column]:
    from ..stats import significance_table

    spec, split, columns, terms, rows = job
    seen = {t: coded.present(t, rows) for t in terms}
    levels = {
        t: [c for c in framework.profile_variable(t).categories if c in seen[t]] for t in terms
    }
    usable = [t for t in terms if len(levels[t]) >= 2]
    untestable = {
        t: (
            f"only one level ({levels[t][0]}) among the cases"
            if levels[t]
            else "no recorded value among the cases"
        )
        for t in terms
        if t not in usable
    }
    items = [c for c in columns if c.item in cases.columns and coded.any_value(c.item, rows)]
    if not items:
        return []
    keep = [c.item for c in items] + usable
    keep += ["provider"] if "provider" in cases.columns else []
    frame = coded.frame(keep, rows)
    sub_missing = (
        frame[usable].isna().any(axis=1).to_numpy() if usable else np.zeros(len(frame), dtype=bool)
    )
    cluster_missing = (
        frame["provider"].isna().to_numpy()
        if method == "gee" and "provider" in frame.columns
        else np.zeros(len(frame), dtype=bool)
    )
    results = (
        significance_table(
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
            cluster_correction=cluster_correction,
        )
        if usable
        else {}
    )
    done: list[_Column] = []
    for column in items:
        applicable = frame[column.item].notna().to_numpy()
        result = results.get(column.item)
        done.append(
            _Column(
                spec.id,
                column.question,
                split,
                column.item,
                list(terms),
                result,
                int(applicable.sum()),
                int((applicable & sub_missing).sum()),
                int((applicable & ~sub_missing & cluster_missing).sum()),
                untestable,
            )
        )
    return done


def _jobs(framework: Framework, cases: pd.DataFrame) -> list:
    """(table, split, columns, terms, rows) for every model family of the report.

    ``rows`` are the positions of the split's cases (``None``: every case).
    """
    jobs = []
    provider_type = (
        cases["provider_type"].to_numpy(dtype=object)
        if "provider_type" in cases.columns
        else np.full(len(cases), "", dtype=object)
    )
    for spec in framework.tables:
        for split in spec.provider_splits:
            rows = None if split == "all" else np.flatnonzero(provider_type == split)
            terms = [
                t
                for t in spec.breakdowns
                if t in cases.columns and not (split != "all" and t == "provider_type")
            ]
            if (
                split == "all"
                and len(spec.provider_splits) > 1
                and "provider_type" in cases.columns
                and "provider_type" not in terms
            ):
                # Split tables show CRC and NPS as column blocks rather than rows, but the
                # bulletins' models of all cases still include provider type.
                terms = ["provider_type", *terms]
            jobs.append((spec, split, spec.columns, terms, rows))
    return jobs


def _columns_used(jobs: list, cases: pd.DataFrame) -> list[str]:
    names: list[str] = []
    for _, _, columns, terms, _ in jobs:
        names += [c.item for c in columns if c.item in cases.columns] + list(terms)
    if "provider" in cases.columns:
        names.append("provider")
    return list(dict.fromkeys(names))


class _CodedCases:
    """The report's answer and sub-group columns factorized once, blanks as missing.

    Every table and provider split then takes its rows as integer codes. Re-reading,
    re-blanking and re-factorizing the strings for each of the report's model families
    cost more than fitting the models (issue #12). The frames handed to the statistics
    are categorical with the same labels, in the same order of first appearance, as the
    strings would give, so the models are unchanged.
    """

    def __init__(self, cases: pd.DataFrame, names: list[str]) -> None:
        self.index = cases.index
        self.codes: dict[str, np.ndarray] = {}
        self.dtypes: dict[str, pd.CategoricalDtype] = {}
        for name in names:
            codes, uniques = pd.factorize(cases[name].to_numpy(dtype=object))
            remap = np.full(len(uniques) + 1, -1, dtype=np.int64)  # code -1 stays -1
            labels: list[object] = []
            for i, label in enumerate(uniques):
                if isinstance(label, str) and label == "":
                    continue  # blank: not applicable, or not recorded
                remap[i] = len(labels)
                labels.append(label)
            self.codes[name] = remap[codes]
            self.dtypes[name] = pd.CategoricalDtype(pd.Index(labels, dtype=object))

    def _codes(self, name: str, rows: np.ndarray | None) -> np.ndarray:
        codes = self.codes[name]
        return codes if rows is None else codes[rows]

    def present(self, name: str, rows: np.ndarray | None) -> set[object]:
        """The labels of ``name`` held by at least one of ``rows``."""
        codes = self._codes(name, rows)
        categories = self.dtypes[name].categories
        counts = np.bincount(codes[codes >= 0], minlength=len(categories))
        return {categories[i] for i in np.flatnonzero(counts)}

    def any_value(self, name: str, rows: np.ndarray | None) -> bool:
        return bool((self._codes(name, rows) >= 0).any())

    def frame(self, names: list[str], rows: np.ndarray | None) -> pd.DataFrame:
        return pd.DataFrame(
            {
                name: pd.Categorical.from_codes(self._codes(name, rows), dtype=self.dtypes[name])
                for name in names
            },
            index=self.index if rows is None else self.index[rows],
        )


def _type_splits(spec: TableSpec) -> list[str]:
    """A table's provider-type column blocks: its provider splits other than 'all'."""
    return [split for split in spec.provider_splits if split != "all"]
