"""The engine behind :func:`fit_logistic` and :func:`subgroup_significance`.

``prepare`` codes the terms (and clusters) of a case table once; ``analyse_many`` then
runs any number of outcomes: listwise deletion, collapsing to covariate patterns, the
design, the model search (enter / FSTEP) and the result.

Speed. Every model is fitted on the cells of its own terms (a model of two terms has a
handful of cells whatever the number of cases) by the lean Newton-Raphson of
:mod:`caseinspect.stats._irls`, which reproduces statsmodels' IRLS; fits are cached per
set of terms (a stepwise search keeps coming back to the same models), and the outcomes
of a table advance through their searches in lock-step, so that the fits each round of
tests needs, across all outcomes, are made in one batch.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, cast

import numpy as np
import pandas as pd

from ..errors import CaseinspectError
from ._cluster import CR2, cr2, cr2_wald_test, robust_cov, robust_wald_test
from ._design import CodedTerm, Design, build_design, code_cluster, code_terms
from ._distributions import chi2_sf, normal_quantile, normal_two_sided_p
from ._irls import CellFit, cells_of, fit_many
from ._logistic import (
    NO_INFORMATION,
    SPANNED,
    BlockTest,
    independent_indices,
    not_testable,
)
from ._patterns import collapse as collapse_patterns
from ._results import Coefficient, LogisticResult, Step, TermTest, TestName
from ._stepwise import stepwise_search

__all__ = ["DegenerateOutcome", "Prepared", "analyse", "analyse_many", "prepare", "METHODS"]

METHODS = ("enter", "fstep-lr", "fstep-wald")

# Below this many clusters the sandwich estimator is known to be unreliable.
FEW_CLUSTERS = 30

# Cluster sizes with a coefficient of variation above this are reported as unbalanced
# (MacKinnon & Webb 2017 show over-rejection grows with it); a level whose cases lie in
# fewer than this many clusters is named.
_UNBALANCED_CV = 0.5
_FEW_LEVEL_CLUSTERS = 10

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
    pattern: np.ndarray | None = None  # mixed-radix pattern code per case; ``total`` if incomplete
    pattern_sizes: tuple[int, ...] = ()
    correction: str = "cr2"


def prepare(
    data: pd.DataFrame,
    terms: Sequence[str],
    *,
    categorical: Sequence[str] | None = None,
    levels: Mapping[str, Sequence[str]] | None = None,
    reference: Mapping[str, str] | None = None,
    cluster: str | None = None,
    collapse: bool | None = None,
    correction: str = "cr2",
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
    pattern: np.ndarray | None = None
    sizes: tuple[int, ...] = ()
    if collapse:
        # One code per case for its whole pattern (terms, then cluster), computed once for
        # every outcome: each outcome then collapses with two bincounts, no row selection.
        sizes = tuple(max(len(t.labels), 1) for t in coded)
        keys = [t.codes for t in coded]
        if cluster_codes is not None:
            sizes += (max(n_labels, 1),)
            keys.append(cluster_codes)
        total = int(np.prod(sizes, dtype=np.int64)) if sizes else 1
        if 0 < total <= 1 << 24:
            pattern = np.zeros(len(data), dtype=np.int64)
            for key, size in zip(keys, sizes, strict=True):
                pattern = pattern * size + np.maximum(key, 0)
            pattern[~complete] = total
    return Prepared(
        coded,
        complete,
        cluster,
        cluster_codes,
        n_labels,
        len(data),
        bool(collapse),
        pattern,
        sizes,
        correction,
    )


_BOUNDARY = 1e-8  # fitted probabilities this close to 0 or 1: an estimate ran off
_EPS = float(np.finfo(float).eps)


class _Fit:
    """A model fitted on its cells, seen from the design's rows."""

    def __init__(self, columns: np.ndarray, cell: CellFit, inverse: np.ndarray, used: np.ndarray):
        self.columns = columns
        self.cell = cell
        self.params = cell.params
        self.llf = cell.llf
        self.converged = cell.converged
        self.mu = cell.mu[inverse]
        self.boundary = bool(np.any((self.mu[used] < _BOUNDARY) | (self.mu[used] > 1 - _BOUNDARY)))

    @cached_property
    def cov(self) -> np.ndarray:
        return self.cell.cov()


class _Models:
    """Fits and tests on one design, cached by the set of terms in the model."""

    def __init__(self, design: Design, clustered: bool, correction: str = "cr2"):
        self.design = design
        self.clustered = clustered
        self.correction = correction
        self._cr2: dict[frozenset[str], CR2] = {}
        self.position = {c.name: i for i, c in enumerate(design.codings)}
        self._fits: dict[frozenset[str], _Fit] = {}
        self._robust: dict[frozenset[str], np.ndarray] = {}
        self._grams: dict[frozenset[str], tuple[np.ndarray, np.ndarray, bool]] = {}
        self._scores: dict[tuple[frozenset[str], str], BlockTest] = {}
        self._used = design.trials > 0
        X, t = design.X, design.trials
        self._case_gram = X.T @ (X * t[:, None])

    # Fitting -------------------------------------------------------------------------
    def problem(
        self, terms: frozenset[str]
    ) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray], np.ndarray, np.ndarray]:
        """The cells of the model with ``terms``: (X, events, trials), cell of each row."""
        d = self.design
        wanted = sorted(self.position[t] for t in terms)
        first, inverse = cells_of(
            [d.codes[i] for i in wanted], [d.sizes[i] for i in wanted], len(d.events)
        )
        columns = d.columns(terms)
        n_cells = len(first)
        events = np.bincount(inverse, weights=d.events, minlength=n_cells)
        trials = np.bincount(inverse, weights=d.trials, minlength=n_cells)
        X = d.X[np.ix_(first, columns)]
        keep = trials > 0
        if not keep.all():  # cells with no case (rows kept only for clustering)
            X, events, trials = X[keep], events[keep], trials[keep]
            remap = np.cumsum(keep) - 1
            inverse = remap[inverse]
        return (X, events, trials), inverse, columns

    def prefetch(
        self, wanted: Sequence[frozenset[str]]
    ) -> list[tuple[_Models, frozenset[str], Any]]:
        """The problems still to fit among ``wanted`` (fitted by the caller in a batch)."""
        out = []
        for terms in dict.fromkeys(wanted):
            if terms not in self._fits:
                out.append((self, terms, self.problem(terms)))
        return out

    def store(
        self, terms: frozenset[str], cell: CellFit, inverse: np.ndarray, columns: np.ndarray
    ) -> None:
        self._fits[terms] = _Fit(columns, cell, inverse, self._used)

    def fit(self, terms: frozenset[str]) -> _Fit:
        if terms not in self._fits:
            problem, inverse, columns = self.problem(terms)
            self.store(terms, fit_many([problem])[0], inverse, columns)
        return self._fits[terms]

    def cov(self, terms: frozenset[str]) -> np.ndarray:
        """Covariance used for inference: cluster-robust when clustered."""
        fit = self.fit(terms)
        if not self.clustered:
            return fit.cov
        if terms not in self._robust:
            d = self.design
            assert d.groups is not None  # noqa: S101 (clustered designs have groups)
            if self.correction == "cr2":
                self._cr2[terms] = cr2(fit, d.X, d.events, d.trials, d.groups, d.n_groups)
                self._robust[terms] = self._cr2[terms].cov
            else:
                self._robust[terms] = robust_cov(fit, d.X, d.events, d.trials, d.groups, d.n_groups)
        return self._robust[terms]

    def coefficient_df(self, terms: frozenset[str]) -> np.ndarray:
        """Reference df of each coefficient: Satterthwaite (CR2) or G - 1 (stata)."""
        k = len(self.design.columns(terms))
        if self.correction != "cr2":
            return np.full(k, float(max(self.design.n_groups - 1, 1)))
        self.cov(terms)
        adjusted = self._cr2[terms]
        return np.array([adjusted.df_of(np.array([j])) for j in range(k)])

    def positions(self, terms: frozenset[str], term: str) -> np.ndarray:
        columns = self.design.columns(terms)
        return np.flatnonzero(np.isin(columns, self.design.blocks[term]))

    # Entry tests -------------------------------------------------------------------
    def _gram(self, model: frozenset[str]) -> tuple[np.ndarray, np.ndarray, bool]:
        """Information (statsmodels' clipped weights) and score of every column at ``model``."""
        if model not in self._grams:
            d = self.design
            fit = self.fit(model)
            mu = fit.mu
            p = np.minimum(np.maximum(mu, _EPS), 1.0 - _EPS)
            w = d.trials * p * (1.0 - p)
            gram = d.X.T @ (d.X * w[:, None])
            score = d.X.T @ (d.events - d.trials * mu)
            exact = bool(np.any((mu[self._used] == 0.0) | (mu[self._used] == 1.0)))
            self._grams[model] = (gram, score, exact)
        return self._grams[model]

    def score_entry(self, model: frozenset[str], term: str) -> BlockTest:
        """Rao score test of adding ``term``'s block, as :func:`._logistic.score_test`.

        The tests of every term outside ``model`` are computed together (one partitioned
        solve instead of one per term) and cached; where the model is ill-conditioned or
        on the boundary, each term takes the one-by-one route of :meth:`_score_one`.
        """
        key = (model, term)
        if key not in self._scores:
            self._scores.update(self._score_all(model))
            if key not in self._scores:
                self._scores[key] = self._score_one(model, term)
        return self._scores[key]

    def _score_all(self, model: frozenset[str]) -> dict[tuple[frozenset[str], str], BlockTest]:
        d = self.design
        outside = [c.name for c in d.codings if c.name not in model and len(d.blocks[c.name])]
        if not outside:
            return {}
        gram, score, exact = self._gram(model)
        if exact:
            return {}
        M = d.columns(model)
        blocks = [d.blocks[t] for t in outside]
        width = max(len(b) for b in blocks)
        out_cols = np.concatenate(blocks)
        # Index of each term's columns within out_cols, padded with -1.
        index = np.full((len(blocks), width), -1)
        start = 0
        for i, b in enumerate(blocks):
            index[i, : len(b)] = np.arange(start, start + len(b))
            start += len(b)
        padded = index < 0
        safe = np.where(padded, 0, index)

        def stacked(matrix: np.ndarray) -> np.ndarray:
            sub = matrix[safe[:, :, None], safe[:, None, :]]
            mask = padded[:, :, None] | padded[:, None, :]
            sub = np.where(mask, 0.0, sub)
            sub[:, np.arange(width), np.arange(width)] += padded
            return sub

        C = self._case_gram
        G = gram
        try:
            for matrix in (C, G):
                chol = np.linalg.cholesky(matrix[np.ix_(M, M)])
                diag = np.diag(chol)
                if diag.min() <= 1e-6 * diag.max():
                    return {}
            # Which blocks add to the span of the model (case-weighted information).
            A = np.linalg.solve(C[np.ix_(M, M)], C[np.ix_(M, out_cols)])
            eff_c = stacked(C[np.ix_(out_cols, out_cols)] - C[np.ix_(out_cols, M)] @ A)
            chol_c = np.linalg.cholesky(eff_c)
            diag_c = np.diagonal(chol_c, axis1=1, axis2=2)
            scale_c = np.sqrt(np.diagonal(stacked(C[np.ix_(out_cols, out_cols)]), axis1=1, axis2=2))
            if np.any((diag_c <= 1e-6 * scale_c) & ~padded):
                return {}
            B = np.linalg.solve(
                G[np.ix_(M, M)], np.column_stack([G[np.ix_(M, out_cols)], score[M]])
            )
            base = float(score[M] @ B[:, -1])
            eff_g = stacked(G[np.ix_(out_cols, out_cols)] - G[np.ix_(out_cols, M)] @ B[:, :-1])
            r = score[out_cols] - G[np.ix_(out_cols, M)] @ B[:, -1]
            r_blocks = np.where(padded, 0.0, r[safe])
            solved = np.linalg.solve(eff_g, r_blocks[:, :, None])[:, :, 0]
        except np.linalg.LinAlgError:
            return {}
        stats_ = base + np.sum(r_blocks * solved, axis=1)
        out = {}
        for t, b, statistic in zip(outside, blocks, stats_, strict=True):
            statistic = float(statistic)
            if not np.isfinite(statistic):
                continue
            out[(model, t)] = BlockTest("score", statistic, len(b), _chi2_p(statistic, len(b)))
        return out

    def _score_one(self, model: frozenset[str], term: str) -> BlockTest:
        """One term's score test, statsmodels' formula, pseudo-inverse on the boundary."""
        d = self.design
        cols = d.columns(model)
        block = self._kept_columns(cols, d.blocks[term])
        if len(block) == 0:
            return not_testable("score", SPANNED)
        gram, score, exact = self._gram(model)
        both = np.concatenate([cols, block])
        statistic = float("nan")
        if not exact:  # statsmodels' score test is NaN when a fitted p is exactly 0 or 1
            try:
                s = score[both]
                statistic = float(s @ np.linalg.solve(gram[np.ix_(both, both)], s))
            except np.linalg.LinAlgError:
                pass
        df = len(block)
        if not np.isfinite(statistic):
            statistic, df = self._score_pinv(model, cols, block)
            if df == 0 or not np.isfinite(statistic):
                return not_testable("score", NO_INFORMATION)
        return BlockTest("score", statistic, df, _chi2_p(statistic, df))

    def _kept_columns(self, cols: np.ndarray, block: np.ndarray) -> np.ndarray:
        """The columns of ``block`` that add to the span of ``cols`` (greedy, in order)."""
        both = np.concatenate([cols, block])
        sub = self._case_gram[np.ix_(both, both)]
        try:
            chol = np.linalg.cholesky(sub)
            diag = np.diag(chol)
            if diag.min() > 1e-6 * diag.max():
                return block
        except np.linalg.LinAlgError:
            pass
        # Rare (a level coinciding with levels of other terms): the exact rule on rows.
        d = self.design
        rows = self._used
        exog = d.X[np.ix_(rows, cols)]
        extra = d.X[np.ix_(rows, block)]
        kept = independent_indices(exog, extra)
        return block[kept]

    def _score_pinv(
        self, model: frozenset[str], cols: np.ndarray, block: np.ndarray
    ) -> tuple[float, int]:
        """``U' (I_zz - I_zx I_xx^+ I_xz)^+ U`` at the fit, and its rank (boundary fits)."""
        d = self.design
        mu = self.fit(model).mu
        w = d.trials * mu * (1.0 - mu)
        X, Z = d.X[:, cols], d.X[:, block]
        score = Z.T @ (d.events - d.trials * mu)
        i_xx = X.T @ (w[:, None] * X)
        i_xz = X.T @ (w[:, None] * Z)
        i_zz = Z.T @ (w[:, None] * Z)
        efficient = i_zz - i_xz.T @ np.linalg.pinv(i_xx) @ i_xz
        tol = 1e-8 * max(1.0, float(np.abs(efficient).max()))
        rank = int(np.linalg.matrix_rank(efficient, tol=tol))
        if rank == 0:
            return 0.0, 0
        return float(score @ np.linalg.pinv(efficient, rcond=1e-8) @ score), rank

    def robust_entry(self, model: frozenset[str], term: str) -> BlockTest:
        bigger = model | {term}
        return self._robust_wald(bigger, term)

    # Removal tests -----------------------------------------------------------------
    def lr_removal(self, model: frozenset[str], term: str) -> BlockTest:
        full, reduced = self.fit(model), self.fit(model - {term})
        df = len(full.columns) - len(reduced.columns)
        statistic = max(2.0 * (full.llf - reduced.llf), 0.0)
        return BlockTest("lr", statistic, df, _chi2_p(statistic, df))

    def wald_removal(self, model: frozenset[str], term: str) -> BlockTest:
        fit = self.fit(model)
        positions = self.positions(model, term)
        b = fit.params[positions]
        V = fit.cov[np.ix_(positions, positions)]
        try:
            statistic = float(b @ np.linalg.solve(V, b))
        except np.linalg.LinAlgError:
            statistic = float(b @ np.linalg.pinv(V) @ b)
        return BlockTest("wald", statistic, len(positions), _chi2_p(statistic, len(positions)))

    def robust_removal(self, model: frozenset[str], term: str) -> BlockTest:
        return self._robust_wald(model, term)

    def _robust_wald(self, model: frozenset[str], term: str) -> BlockTest:
        fit = self.fit(model)
        if self.correction == "cr2":
            self.cov(model)
            test, _ = cr2_wald_test(fit.params, self._cr2[model], self.positions(model, term))
            return test
        return robust_wald_test(
            fit.params, self.cov(model), self.positions(model, term), self.design.n_groups
        )


def _chi2_p(statistic: float, df: int) -> float:
    """Upper tail of chi-square(df) (see :mod:`caseinspect.stats._distributions`)."""
    return chi2_sf(statistic, df)


def _rows(prepared: Prepared, y: np.ndarray) -> tuple[Design, int, int, int]:
    """Listwise deletion, optional collapsing, and the design."""
    if prepared.pattern is not None and prepared.terms:
        return _pattern_rows(prepared, y)
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


def _pattern_rows(prepared: Prepared, y: np.ndarray) -> tuple[Design, int, int, int]:
    """:func:`_rows` from the precomputed pattern codes (same patterns, same order)."""
    assert prepared.pattern is not None  # noqa: S101 (the caller checked)
    sizes = prepared.pattern_sizes
    total = int(np.prod(sizes, dtype=np.int64))
    # One unweighted count of (pattern, event) pairs rather than two weighted counts:
    # cases without an answer, or with a sub-group not recorded (pattern ``total``),
    # fall beyond the counted range.
    pair = np.where(y >= 0, prepared.pattern * 2 + (y == 1), 2 * total)
    counts = np.bincount(pair, minlength=2 * total + 2)
    events = counts[1 : 2 * total : 2].astype(float)
    trials = counts[0 : 2 * total : 2] + events
    index = np.flatnonzero(trials)
    trials, events = trials[index], events[index]
    n = int(trials.sum())
    n_events = int(events.sum())
    pattern_keys = []
    rest = index
    for size in reversed(sizes):
        pattern_keys.append(rest % size)
        rest = rest // size
    pattern_keys.reverse()
    n_terms = len(prepared.terms)
    groups = pattern_keys[n_terms] if prepared.cluster_codes is not None else None
    design = build_design(prepared.terms, pattern_keys[:n_terms], events, trials, groups)
    return design, n, prepared.n_cases - n, n_events


def _cluster_notes(prepared: Prepared, design: Design) -> list[str]:
    """Warnings about the clusters: few, unbalanced, or few behind a level of a term."""
    assert design.groups is not None  # noqa: S101 (clustered designs have groups)
    G = design.n_groups
    name = prepared.cluster
    notes = []
    if prepared.correction == "cr2":
        how = (
            "CR2 (Bell-McCaffrey) standard errors with Satterthwaite degrees of freedom "
            "(HTZ for blocks) are used, which keep tests close to their level with few "
            "clusters, but remain approximate"
        )
    else:
        how = (
            f"the sandwich with Stata's G/(G-1) factor and F(q, {G - 1}) / t({G - 1}) "
            "references is known to over-reject with few clusters"
        )
    if G < FEW_CLUSTERS:
        notes.append(f"Only {G} clusters of '{name}' (fewer than about {FEW_CLUSTERS}): {how}.")
    sizes = np.bincount(design.groups, weights=design.trials, minlength=G)
    cv = float(np.std(sizes) / np.mean(sizes)) if G and np.mean(sizes) > 0 else 0.0
    if cv > _UNBALANCED_CV:
        notes.append(
            f"Clusters of '{name}' are unbalanced: from {int(sizes.min()):,} to "
            f"{int(sizes.max()):,} cases (coefficient of variation {cv:.2f}); "
            "cluster-robust inference is less reliable when a few clusters dominate."
        )
    for coding in design.codings:
        if coding.kind != "categorical":
            continue
        block = design.blocks[coding.name]
        for j, level_name in zip(block, coding.levels[1:], strict=False):
            rows = (design.X[:, j] == 1) & (design.trials > 0)
            spanned = len(np.unique(design.groups[rows]))
            if spanned < _FEW_LEVEL_CLUSTERS:
                notes.append(
                    f"Level '{level_name}' of '{coding.name}' has cases in only {spanned} "
                    f"clusters of '{name}': its cluster-robust test rests on those few."
                )
    return notes


def _separation_warnings(models: _Models, final: frozenset[str], fit: _Fit) -> list[str]:
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
    result = analyse_many(
        prepared, [(outcome, y)], event=event, method=method, pin=pin, pout=pout, level=level
    )[0]
    if isinstance(result, Exception):
        raise result
    return result


def analyse_many(
    prepared: Prepared,
    outcomes: Sequence[tuple[str, np.ndarray]],
    *,
    event: object,
    method: str = "enter",
    pin: float = 0.05,
    pout: float = 0.10,
    level: float = 0.95,
) -> list[LogisticResult | CaseinspectError]:
    """:func:`analyse` for many outcomes, their fits made in batches.

    Each outcome's search runs as a generator that announces the models its next tests
    need; the driver fits what all outcomes need in one :func:`fit_many` call, then lets
    each search go on. The results are those of one :func:`analyse` call per outcome.
    An outcome that cannot be analysed gets its exception (e.g. :class:`DegenerateOutcome`)
    in its place in the list.
    """
    results: list[LogisticResult | CaseinspectError | None] = [None] * len(outcomes)
    running: dict[int, tuple[Generator[Any, None, LogisticResult], list[Any]]] = {}
    for i, (name, y) in enumerate(outcomes):
        search = _analysis(
            prepared, y, outcome=name, event=event, method=method, pin=pin, pout=pout, level=level
        )
        try:
            running[i] = (search, next(search))
        except StopIteration as stop:
            results[i] = stop.value
        except CaseinspectError as exc:
            results[i] = exc
    while running:
        batch = [item for _, wanted in running.values() for item in wanted]
        if batch:
            fits = fit_many([problem for _, _, (problem, _, _) in batch])
            for (models, terms, (_, inverse, columns)), cell in zip(batch, fits, strict=True):
                models.store(terms, cell, inverse, columns)
        for i in list(running):
            search, _ = running[i]
            try:
                running[i] = (search, search.send(None))
            except StopIteration as stop:
                results[i] = stop.value
                del running[i]
    return [r for r in results if r is not None]


def _analysis(
    prepared: Prepared,
    y: np.ndarray,
    *,
    outcome: str,
    event: object,
    method: str,
    pin: float,
    pout: float,
    level: float,
) -> Generator[list[Any], None, LogisticResult]:
    """One outcome's analysis; yields the fit problems it needs next (see analyse_many)."""
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
        notes.extend(_cluster_notes(prepared, design))
    models = _Models(design, clustered, prepared.correction)
    candidates = design.testable_terms
    steps: tuple[Step, ...] = ()
    if method == "enter":
        final = frozenset(candidates)
    else:
        if clustered:
            entry, removal = models.robust_entry, models.robust_removal
        else:
            entry = models.score_entry
            removal = models.lr_removal if method == "fstep-lr" else models.wald_removal

        def entry_needs(model: frozenset[str], outside: Sequence[str]) -> list[frozenset[str]]:
            return [model | {t} for t in outside] if clustered else [model]

        def removal_needs(model: frozenset[str], inside: Sequence[str]) -> list[frozenset[str]]:
            if clustered or method == "fstep-wald":
                return [model]
            return [model, *(model - {t} for t in inside)]

        search = stepwise_search(
            candidates,
            entry,
            removal,
            pin=pin,
            pout=pout,
            entry_needs=entry_needs,
            removal_needs=removal_needs,
        )
        try:
            while True:
                yield models.prefetch(next(search))
        except StopIteration as stop:
            steps, final, stop_notes = stop.value
        notes.extend(stop_notes)

    outside = [t for t in candidates if t not in final]
    wanted = [final, frozenset()]
    if clustered:
        wanted += [final | {t} for t in outside]
    elif method != "fstep-wald":
        wanted += [final - {t} for t in final]
    yield models.prefetch(wanted)

    fit = models.fit(final)
    cov = models.cov(final)
    params = fit.params
    se = np.sqrt(np.clip(np.diag(cov), 0, None))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = params / se
    if clustered:
        dfs = models.coefficient_df(final)
        from scipy import special  # t tails with Satterthwaite-type df

        p = 2.0 * special.stdtr(dfs, -np.abs(z))
        crit = special.stdtrit(dfs, 0.5 + level / 2)
    else:
        p = normal_two_sided_p(z)
        crit = np.full(len(params), normal_quantile(0.5 + level / 2))
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
                float(np.exp(params[i] - crit[i] * se[i])),
                float(np.exp(params[i] + crit[i] * se[i])),
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
                t.df_denominator,
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
        cluster_correction=prepared.correction if clustered else None,
        fit_level="patterns" if prepared.collapse else "cases",
        n_rows=len(design.events),
        warnings=tuple(dict.fromkeys(notes)),
    )
