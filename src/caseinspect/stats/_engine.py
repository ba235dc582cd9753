"""The engine behind :func:`fit_logistic` and :func:`subgroup_significance`.

``prepare`` codes the terms (and clusters) of a case table once; ``analyse`` then runs one
outcome: listwise deletion, collapsing to covariate patterns, the design, the model
search (enter / FSTEP) and the result. Fits are cached per set of terms, because a
stepwise search keeps coming back to the same models (the removal test of the term just
entered compares with the previous model, which is already fitted).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import cast

import numpy as np
from scipy import stats

from ..errors import CaseinspectError
from ._cluster import robust_cov, robust_wald_test, t_p, t_quantile
from ._design import CodedTerm, Design, build_design, code_cluster, code_terms
from ._logistic import (
    BlockTest,
    GLMFit,
    fit_binomial,
    lr_test,
    model_wald_test,
    score_test,
)
from ._patterns import collapse as collapse_patterns
from ._results import Coefficient, LogisticResult, TermTest, TestName
from ._stepwise import forward_stepwise

__all__ = ["DegenerateOutcome", "Prepared", "analyse", "prepare", "METHODS"]

METHODS = ("enter", "fstep-lr", "fstep-wald")

# Below this many clusters the sandwich estimator is known to be unreliable.
FEW_CLUSTERS = 30

# An estimate this large on the logit scale (an odds ratio beyond e^15) is separation.
_HUGE = 15.0


class DegenerateOutcome(CaseinspectError):
    """The analysis sample has no cases, no events or no non-events: nothing to fit."""


@dataclass(frozen=True, eq=False)
class Prepared:
    """A case table's terms (and clusters) coded once, for any number of outcomes."""

    terms: tuple[CodedTerm, ...]
    complete: np.ndarray
    cluster: str | None
    cluster_codes: np.ndarray | None
    n_cluster_labels: int
    n_cases: int
    collapse: bool


def prepare(
    data,
    terms: Sequence[str],
    *,
    categorical: Sequence[str] | None = None,
    levels: Mapping[str, Sequence[str]] | None = None,
    reference: Mapping[str, str] | None = None,
    cluster: str | None = None,
    collapse: bool | None = None,
) -> Prepared:
    """Code the terms and the cluster column of ``data`` (already checked to exist)."""
    coded = tuple(
        code_terms(data, terms, categorical=categorical, levels=levels, reference=reference)
    )
    complete = np.ones(len(data), dtype=bool)
    for term in coded:
        complete &= term.codes >= 0
    cluster_codes, n_labels = None, 0
    if cluster is not None:
        cluster_codes, labels = code_cluster(data[cluster])
        complete &= cluster_codes >= 0
        n_labels = len(labels)
    if collapse is None:
        collapse = all(term.kind == "categorical" for term in coded)
    return Prepared(coded, complete, cluster, cluster_codes, n_labels, len(data), bool(collapse))


class _Models:
    """Fits and tests on one design, cached by the set of terms in the model."""

    def __init__(self, design: Design, clustered: bool):
        self.design = design
        self.clustered = clustered
        self._fits: dict[frozenset[str], GLMFit] = {}
        self._robust: dict[frozenset[str], np.ndarray] = {}

    def fit(self, terms: frozenset[str]) -> GLMFit:
        if terms not in self._fits:
            d = self.design
            self._fits[terms] = fit_binomial(d.X, d.events, d.trials, d.columns(terms))
        return self._fits[terms]

    def cov(self, terms: frozenset[str]) -> np.ndarray:
        """Covariance used for inference: cluster-robust when clustered."""
        fit = self.fit(terms)
        if not self.clustered:
            return fit.cov
        if terms not in self._robust:
            d = self.design
            self._robust[terms] = robust_cov(fit, d.X, d.events, d.trials, d.groups, d.n_groups)
        return self._robust[terms]

    def positions(self, terms: frozenset[str], term: str) -> np.ndarray:
        columns = self.design.columns(terms)
        return np.flatnonzero(np.isin(columns, self.design.blocks[term]))

    # Entry tests -------------------------------------------------------------------
    def score_entry(self, model: frozenset[str], term: str) -> BlockTest:
        extra = self.design.X[:, self.design.blocks[term]]
        return score_test(self.fit(model), extra)

    def robust_entry(self, model: frozenset[str], term: str) -> BlockTest:
        bigger = model | {term}
        return self._robust_wald(bigger, term)

    # Removal tests -----------------------------------------------------------------
    def lr_removal(self, model: frozenset[str], term: str) -> BlockTest:
        return lr_test(self.fit(model), self.fit(model - {term}))

    def wald_removal(self, model: frozenset[str], term: str) -> BlockTest:
        return model_wald_test(self.fit(model), self.positions(model, term))

    def robust_removal(self, model: frozenset[str], term: str) -> BlockTest:
        return self._robust_wald(model, term)

    def _robust_wald(self, model: frozenset[str], term: str) -> BlockTest:
        fit = self.fit(model)
        return robust_wald_test(
            fit.params, self.cov(model), self.positions(model, term), self.design.n_groups
        )


def _rows(prepared: Prepared, y: np.ndarray) -> tuple[Design, int, int, int]:
    """Listwise deletion, optional collapsing, and the design."""
    valid = prepared.complete & (y >= 0)
    n = int(valid.sum())
    yv = y[valid].astype(float)
    n_events = int(yv.sum())
    keys = [term.codes[valid] for term in prepared.terms]
    sizes = [len(term.labels) for term in prepared.terms]
    if prepared.cluster_codes is not None:
        keys.append(prepared.cluster_codes[valid])
        sizes.append(prepared.n_cluster_labels)
    n_terms = len(prepared.terms)
    if prepared.collapse:
        pattern_keys, events, trials = collapse_patterns(keys, sizes, yv)
    else:
        pattern_keys, events, trials = keys, yv, np.ones(n)
    groups = pattern_keys[n_terms] if prepared.cluster_codes is not None else None
    design = build_design(prepared.terms, pattern_keys[:n_terms], events, trials, groups)
    return design, n, prepared.n_cases - n, n_events


def _separation_warnings(models: _Models, final: frozenset[str], fit: GLMFit) -> list[str]:
    d = models.design
    out = []
    for coding in d.codings:
        if coding.name in final and coding.name in d.level_problems:
            out.append(
                f"Quasi-complete separation in '{coding.name}': "
                + "; ".join(d.level_problems[coding.name])
                + ". Its odds ratios are not estimable (the estimates drift towards infinity)."
            )
    if not out and (fit.boundary or np.any(np.abs(fit.params) > _HUGE)):
        out.append(
            "Possible (quasi-)complete separation: some fitted probabilities are 0 or 1; the "
            "estimates and standard errors of the terms involved are unreliable."
        )
    if not fit.converged and not out:
        out.append("The final model's fit did not converge; treat its estimates with caution.")
    return out


def analyse(
    prepared: Prepared,
    y: np.ndarray,
    *,
    outcome: str,
    event: object,
    method: str = "enter",
    pin: float = 0.05,
    pout: float = 0.10,
    level: float = 0.95,
) -> LogisticResult:
    """Fit one outcome ``y`` (1 event, 0 non-event, -1 missing) on the prepared terms."""
    design, n, n_excluded, n_events = _rows(prepared, y)
    if n == 0 or n_events in (0, n):
        what = "no case" if n == 0 else ("no event" if n_events == 0 else "only events")
        raise DegenerateOutcome(
            f"Outcome '{outcome}': the analysis has {what} ({n} cases used, {n_excluded} "
            "left out for missing values); a logistic regression cannot be fitted."
        )
    clustered = prepared.cluster is not None
    notes = list(design.notes)
    if clustered:
        if design.n_groups < 2:
            raise CaseinspectError(
                f"Column '{prepared.cluster}' has {design.n_groups} cluster among the cases "
                "used; cluster-robust inference needs at least two (and about 30 to be reliable)."
            )
        if design.n_groups < FEW_CLUSTERS:
            notes.append(
                f"Only {design.n_groups} clusters of '{prepared.cluster}': cluster-robust "
                f"standard errors are approximate with fewer than about {FEW_CLUSTERS}; tests "
                f"use F(q, {design.n_groups - 1}) and t({design.n_groups - 1}) references."
            )
    models = _Models(design, clustered)
    candidates = design.testable_terms
    steps: tuple = ()
    if method == "enter":
        final = frozenset(candidates)
    else:
        entry = models.robust_entry if clustered else models.score_entry
        if clustered:
            removal = models.robust_removal
        else:
            removal = models.lr_removal if method == "fstep-lr" else models.wald_removal
        steps, final, stop_notes = forward_stepwise(candidates, entry, removal, pin=pin, pout=pout)
        notes.extend(stop_notes)

    fit = models.fit(final)
    cov = models.cov(final)
    params = fit.params
    se = np.sqrt(np.clip(np.diag(cov), 0, None))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = params / se
    if clustered:
        p = t_p(z, design.n_groups)
        crit = t_quantile(level, design.n_groups)
    else:
        p = 2.0 * stats.norm.sf(np.abs(z))
        crit = float(stats.norm.ppf(0.5 + level / 2))
    names = [design.names[i] for i in fit.columns]
    with np.errstate(over="ignore"):
        coefficients = tuple(
            Coefficient(
                names[i],
                float(params[i]),
                float(se[i]),
                float(z[i]),
                float(p[i]),
                float(np.exp(params[i])),
                float(np.exp(params[i] - crit * se[i])),
                float(np.exp(params[i] + crit * se[i])),
            )
            for i in range(len(params))
        )

    term_tests = []
    for term in candidates:
        if term in final:
            if clustered:
                t = models.robust_removal(final, term)
            elif method == "fstep-wald":
                t = models.wald_removal(final, term)
            else:
                t = models.lr_removal(final, term)
        else:
            t = models.robust_entry(final, term) if clustered else models.score_entry(final, term)
        term_tests.append(
            TermTest(
                term,
                term in final,
                cast(TestName, t.test),
                t.statistic,
                t.df,
                t.p,
                t.testable,
                t.reason,
            )
        )

    notes.extend(_separation_warnings(models, final, fit))
    exog = design.X[:, fit.columns]
    gram = exog.T @ (exog * design.trials[:, None])
    if np.linalg.matrix_rank(gram) < len(fit.columns):
        notes.append(
            "The final model's columns are collinear (a level of one term coincides with "
            "levels of others); some estimates are not identified."
        )
    null = models.fit(frozenset())
    k = len(params)
    return LogisticResult(
        outcome=outcome,
        event=str(event),
        n=n,
        n_excluded=n_excluded,
        n_events=n_events,
        method=method,
        pin=None if method == "enter" else pin,
        pout=None if method == "enter" else pout,
        candidate_terms=tuple(c.name for c in design.codings),
        terms=tuple(c.name for c in design.codings if c.name in final),
        codings=design.codings,
        steps=tuple(steps),
        coefficients=coefficients,
        term_tests=tuple(term_tests),
        loglik=fit.llf,
        deviance=-2.0 * fit.llf,
        null_deviance=-2.0 * null.llf,
        aic=-2.0 * fit.llf + 2 * k,
        cluster=prepared.cluster,
        n_clusters=design.n_groups if clustered else None,
        fit_level="patterns" if prepared.collapse else "cases",
        n_rows=len(design.events),
        warnings=tuple(dict.fromkeys(notes)),
    )
