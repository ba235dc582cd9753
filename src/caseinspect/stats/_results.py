"""Frozen result values handed out by :mod:`caseinspect.stats`.

Everything that leaves the statistics engine is one of these dataclasses: immutable,
comparable, and convertible to plain JSON-ready dictionaries with ``to_dict()`` so that
the CLI, the reports and the web layer never see a statsmodels object.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

from ..errors import UnknownName

__all__ = [
    "Coefficient",
    "LogisticResult",
    "SignificanceResult",
    "Step",
    "TermCoding",
    "TermSignificance",
    "TermTest",
]

#: Names of the tests a step or term test can use.
TestName = Literal["score", "lr", "wald", "robust-wald"]


def _num(x: float | None) -> float | None:
    """JSON has no NaN or infinity: map them to ``None``."""
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


@dataclass(frozen=True)
class Step:
    """One step of a stepwise selection: a term entered or removed.

    Attributes
    ----------
    step : int
        1-based step number, counting entries and removals alike (as SPSS does).
    action : {"enter", "remove"}
    term : str
        The term (a whole block for a categorical variable).
    test : {"score", "lr", "wald", "robust-wald"}
        The test that justified the step.
    statistic : float
        Chi-square form of the statistic.
    df : int
        Degrees of freedom (levels - 1 for a categorical term).
    p : float
        Its p-value.
    """

    step: int
    action: Literal["enter", "remove"]
    term: str
    test: TestName
    statistic: float
    df: int
    p: float

    def to_dict(self) -> dict[str, Any]:
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
class TermTest:
    """The test of one candidate term against the final model.

    For a term in the final model this is the test of removing its block (the likelihood
    ratio test, a Wald test for ``fstep-wald``, a cluster-robust Wald test when clustered);
    for a term left out it is the test of adding it (the score test, or a cluster-robust
    Wald test when clustered) -- SPSS's "Variables not in the Equation".

    ``df_denominator`` is set for the cluster-robust F tests: p comes from
    F(``df``, ``df_denominator``) (G - 1 for ``stata``, the HTZ nu - q + 1 for CR2).

    ``testable`` is false when the test cannot be computed at all (for example every
    column of the term is already spanned by the model, or every case it would add
    information on has a fitted probability of 0 or 1); then ``statistic`` and ``p`` are
    NaN, ``df`` is 0 and ``reason`` says why. A failed test is never reported as p = 1.
    """

    term: str
    in_model: bool
    test: TestName
    statistic: float
    df: int
    p: float
    testable: bool = True
    reason: str | None = None
    df_denominator: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "term": self.term,
            "in_model": self.in_model,
            "test": self.test,
            "statistic": _num(self.statistic),
            "df": self.df,
            "df_denominator": _num(self.df_denominator),
            "p": _num(self.p),
            "testable": self.testable,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Coefficient:
    """One estimated coefficient with its odds ratio and confidence interval.

    ``name`` is ``"Intercept"``, a numeric term's column name, or ``"term[T.level]"`` for a
    level of a categorical term (treatment coding against the term's reference level).
    """

    name: str
    estimate: float
    se: float
    z: float
    p: float
    odds_ratio: float
    or_ci_low: float
    or_ci_high: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "estimate": _num(self.estimate),
            "se": _num(self.se),
            "z": _num(self.z),
            "p": _num(self.p),
            "odds_ratio": _num(self.odds_ratio),
            "or_ci_low": _num(self.or_ci_low),
            "or_ci_high": _num(self.or_ci_high),
        }


@dataclass(frozen=True)
class TermCoding:
    """How a term entered the design.

    ``levels`` lists a categorical term's levels present in the analysis, reference first,
    then the levels that have a dummy column, in column order; it is empty for a numeric
    term.
    """

    name: str
    kind: Literal["categorical", "numeric"]
    reference: str | None = None
    levels: tuple[str, ...] = ()

    @property
    def df(self) -> int:
        """Degrees of freedom of the term's block."""
        return max(len(self.levels) - 1, 0) if self.kind == "categorical" else 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "reference": self.reference,
            "levels": list(self.levels),
        }


@dataclass(frozen=True)
class LogisticResult:
    """A fitted (possibly stepwise-selected) binary logistic regression.

    Log-likelihood, deviances and AIC are always those of the case-level (Bernoulli)
    model, as SPSS and a per-case R ``glm`` report them, even when the fit was made on
    covariate patterns: ``deviance`` is ``-2 * loglik`` ("-2 Log likelihood" in SPSS).

    Attributes
    ----------
    outcome, event : str
        The outcome column and the value counted as the event (coded 1).
    n, n_excluded, n_events : int
        Cases used; cases left out by listwise deletion; events among the cases used.
    method : {"enter", "fstep-lr", "fstep-wald"}
    pin, pout : float or None
        Entry and removal thresholds (``None`` for ``enter``).
    candidate_terms : tuple of str
        Every term offered to the procedure, in the order given.
    terms : tuple of str
        Terms in the final model, in the order given.
    codings : tuple of TermCoding
        How each candidate term was coded (reference level, levels present).
    steps : tuple of Step
        Stepwise path (empty for ``enter``).
    coefficients : tuple of Coefficient
        Final model; model-based standard errors, or cluster-robust ones when clustered.
    term_tests : tuple of TermTest
        One per candidate term, against the final model.
    loglik, deviance, null_deviance, aic : float
    cluster : str or None
        The clustering column, if any; ``n_clusters`` how many clusters were used;
        ``cluster_correction`` the small-sample correction (``"cr2"`` or ``"stata"``).
    fit_level : {"patterns", "cases"}
        Whether the fits ran on covariate patterns or on cases; ``n_rows`` how many rows.
    warnings : tuple of str
        Things a reader must know (separation, levels without events, few clusters ...).
    """

    outcome: str
    event: str
    n: int
    n_excluded: int
    n_events: int
    method: str
    pin: float | None
    pout: float | None
    candidate_terms: tuple[str, ...]
    terms: tuple[str, ...]
    codings: tuple[TermCoding, ...]
    steps: tuple[Step, ...]
    coefficients: tuple[Coefficient, ...]
    term_tests: tuple[TermTest, ...]
    loglik: float
    deviance: float
    null_deviance: float
    aic: float
    cluster: str | None = None
    n_clusters: int | None = None
    cluster_correction: str | None = None
    fit_level: Literal["patterns", "cases"] = "cases"
    n_rows: int = 0
    warnings: tuple[str, ...] = field(default=())

    def coefficient(self, name: str) -> Coefficient:
        """Return the coefficient called ``name`` (e.g. ``"gender[T.Female]"``).

        Raises
        ------
        KeyError
            If the final model has no such coefficient.
        """
        for c in self.coefficients:
            if c.name == name:
                return c
        raise UnknownName(name)

    def term_test(self, term: str) -> TermTest:
        """Return the test of ``term`` against the final model."""
        for t in self.term_tests:
            if t.term == term:
                return t
        raise UnknownName(term)

    def to_dict(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome,
            "event": self.event,
            "n": self.n,
            "n_excluded": self.n_excluded,
            "n_events": self.n_events,
            "method": self.method,
            "pin": self.pin,
            "pout": self.pout,
            "cluster": self.cluster,
            "n_clusters": self.n_clusters,
            "cluster_correction": self.cluster_correction,
            "fit_level": self.fit_level,
            "n_rows": self.n_rows,
            "candidate_terms": list(self.candidate_terms),
            "terms": list(self.terms),
            "codings": [c.to_dict() for c in self.codings],
            "steps": [s.to_dict() for s in self.steps],
            "coefficients": [c.to_dict() for c in self.coefficients],
            "term_tests": [t.to_dict() for t in self.term_tests],
            "loglik": _num(self.loglik),
            "deviance": _num(self.deviance),
            "null_deviance": _num(self.null_deviance),
            "aic": _num(self.aic),
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True)
class TermSignificance:
    """Whether one sub-group variable differs significantly, for one outcome.

    Attributes
    ----------
    term : str
    retained : bool
        Stepwise: the term is in the final model. Full model: ``p < alpha``.
    p : float or None
        Stepwise: for a retained term its removal-test p in the final model (LR, or
        cluster-robust Wald); for a term left out its entry-test p (score, or
        cluster-robust Wald). Full model: the test of dropping the term's block.
        ``None`` when no test was run.
    test : str or None
        Which test ``p`` comes from (``"lr"``, ``"score"``, ``"robust-wald"``).
    statistic : float or None
    df : int or None
    testable : bool
        False when the term could not be tested (``p`` is then ``None``); ``reason``
        says why (one level only among the cases, or the test itself cannot be computed).
    reason : str or None
    """

    term: str
    retained: bool
    p: float | None
    test: str | None = None
    statistic: float | None = None
    df: int | None = None
    testable: bool = True
    reason: str | None = None
    df_denominator: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "term": self.term,
            "retained": self.retained,
            "p": _num(self.p),
            "test": self.test,
            "statistic": _num(self.statistic),
            "df": self.df,
            "df_denominator": _num(self.df_denominator),
            "testable": self.testable,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class SignificanceResult:
    """Sub-group significance for one outcome (one column of an annex table).

    ``model`` is the model behind the flags (final stepwise model or the full model), for
    the appendix: its steps, odds ratios and confidence intervals. It is ``None`` for
    ``method="none"`` or when the outcome has no events or no non-events.
    """

    outcome: str
    method: str
    n: int
    n_excluded: int
    terms: tuple[TermSignificance, ...]
    model: LogisticResult | None
    warnings: tuple[str, ...] = ()

    def __getitem__(self, term: str) -> TermSignificance:
        for t in self.terms:
            if t.term == term:
                return t
        raise UnknownName(term)

    @property
    def retained_terms(self) -> tuple[str, ...]:
        """Terms flagged as significant, in the order given."""
        return tuple(t.term for t in self.terms if t.retained)

    def to_dict(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome,
            "method": self.method,
            "n": self.n,
            "n_excluded": self.n_excluded,
            "terms": [t.to_dict() for t in self.terms],
            "model": None if self.model is None else self.model.to_dict(),
            "warnings": list(self.warnings),
        }
