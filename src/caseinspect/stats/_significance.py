"""Which sub-group differences are significant: the shading of the annex tables."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..errors import CaseinspectError, UsageError
from ._design import code_outcome
from ._engine import DegenerateOutcome, Prepared, analyse_many, prepare
from ._regress import check_correction, check_request
from ._results import LogisticResult, SignificanceResult, TermSignificance

__all__ = ["SIGNIFICANCE_METHODS", "significance_table", "subgroup_significance"]

SIGNIFICANCE_METHODS = ("stepwise", "full", "none")


def subgroup_significance(
    data: pd.DataFrame,
    outcome: str,
    event: object,
    terms: Sequence[str],
    *,
    levels: Mapping[str, Sequence[str]] | None = None,
    method: str = "stepwise",
    cluster: str | None = None,
    pin: float = 0.05,
    pout: float = 0.10,
    alpha: float = 0.05,
    cluster_correction: str = "cr2",
) -> SignificanceResult:
    """Flag the sub-group variables that differ significantly for one outcome.

    Every term is treated as categorical (the sub-group variables are).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per case.
    outcome : str
        The Yes/No question (one column of an annex table); cases where it is missing
        (not applicable) are left out.
    event : object
        The value counted as the event, e.g. ``"Yes"``.
    terms : sequence of str
        The sub-group variables.
    levels : mapping of str to sequence of str, optional
        Category order per term (the first level present is the reference).
    method : {"stepwise", "full", "none"}
        ``"stepwise"`` (the bulletins' method): forward stepwise FSTEP(LR) with PIN / POUT;
        ``retained`` means in the final model; ``p`` is the term's likelihood-ratio removal
        p in the final model, or for a term left out its score-test entry p.
        ``"full"``: all terms entered together; ``p`` is the likelihood-ratio test of
        dropping the term's block; ``retained`` means ``p < alpha``.
        ``"none"``: no test (``retained`` all false, ``p`` all ``None``).
    cluster : str, optional
        Column of the provider: cluster-robust Wald block tests by provider replace the
        likelihood-ratio and score tests (``method="full", cluster="provider"`` is the
        cluster-aware pre-specified model).
    pin, pout : float
        Stepwise entry and removal thresholds.
    alpha : float
        Significance level for ``method="full"``.
    cluster_correction : {"cr2", "stata"}
        Small-sample correction with ``cluster`` (see :func:`fit_logistic`): CR2 with
        Satterthwaite / HTZ degrees of freedom (default) or Stata's G/(G - 1).

    Returns
    -------
    SignificanceResult
        Per term ``retained`` and ``p``; ``model`` holds the model behind them (steps,
        odds ratios) for the appendix. An outcome with no events (or no non-events)
        among the cases analysed gives no model, nothing retained and a warning.

    Examples
    --------
    >>> import pandas as pd
    >>> cases = pd.DataFrame({
    ...     "q": ["Yes"] * 40 + ["No"] * 10 + ["Yes"] * 15 + ["No"] * 35,
    ...     "provider_type": ["NPS"] * 50 + ["CRC"] * 50,
    ...     "gender": ["Male", "Female"] * 50,
    ... })
    >>> result = subgroup_significance(cases, "q", "Yes", ["provider_type", "gender"])
    >>> result.retained_terms
    ('provider_type',)
    >>> [s.action + " " + s.term for s in result.model.steps]
    ['enter provider_type']
    """
    return significance_table(
        data,
        [outcome],
        event,
        terms,
        levels=levels,
        method=method,
        cluster=cluster,
        pin=pin,
        pout=pout,
        alpha=alpha,
        cluster_correction=cluster_correction,
    )[outcome]


def significance_table(
    data: pd.DataFrame,
    outcomes: Sequence[str],
    event: object,
    terms: Sequence[str],
    *,
    levels: Mapping[str, Sequence[str]] | None = None,
    method: str = "stepwise",
    cluster: str | None = None,
    pin: float = 0.05,
    pout: float = 0.10,
    alpha: float = 0.05,
    cluster_correction: str = "cr2",
) -> dict[str, SignificanceResult]:
    """:func:`subgroup_significance` for many outcomes over the same sub-group variables.

    The same results as calling :func:`subgroup_significance` once per outcome, but the
    sub-group columns are coded once for the whole table, which matters with many
    outcomes on large data.

    Returns
    -------
    dict of str to SignificanceResult
        In the order of ``outcomes``.

    Examples
    --------
    >>> import pandas as pd
    >>> cases = pd.DataFrame({
    ...     "q1": ["Yes", "No"] * 30, "q2": ["Yes", "Yes", "No"] * 20,
    ...     "gender": ["Male"] * 30 + ["Female"] * 30,
    ... })
    >>> table = significance_table(cases, ["q1", "q2"], "Yes", ["gender"])
    >>> {q: r.retained_terms for q, r in table.items()}
    {'q1': (), 'q2': ()}
    """
    if isinstance(outcomes, str):
        outcomes = [outcomes]
    outcomes = list(outcomes)
    if len(set(outcomes)) != len(outcomes):
        raise UsageError("An outcome is given more than once.")
    terms = check_request(data, outcomes, terms, cluster=cluster, pin=pin, pout=pout)
    if method not in SIGNIFICANCE_METHODS:
        raise UsageError(
            f"Significance method '{method}' is not one of {', '.join(SIGNIFICANCE_METHODS)}."
        )
    if not 0.0 < alpha < 1.0:
        raise UsageError(f"alpha must lie between 0 and 1 (got {alpha}).")
    check_correction(cluster_correction)
    prepared = prepare(
        data,
        terms,
        categorical=terms,
        levels=levels,
        cluster=cluster,
        correction=cluster_correction,
    )
    out: dict[str, SignificanceResult] = {}
    coded: list[tuple[str, np.ndarray]] = []
    for outcome in outcomes:
        try:
            y = code_outcome(data[outcome], outcome, event)
        except CaseinspectError as exc:  # no case has the event value at all
            out[outcome] = _empty(prepared, outcome, terms, method, 0, (str(exc),))
            continue
        if method == "none":
            n = int((prepared.complete & (y >= 0)).sum())
            out[outcome] = _empty(prepared, outcome, terms, method, n, ())
            continue
        coded.append((outcome, y))
    if coded:
        models = analyse_many(
            prepared,
            coded,
            event=event,
            method="fstep-lr" if method == "stepwise" else "enter",
            pin=pin,
            pout=pout,
        )
        for (outcome, y), model in zip(coded, models, strict=True):
            if isinstance(model, DegenerateOutcome):
                n = int((prepared.complete & (y >= 0)).sum())
                out[outcome] = _empty(prepared, outcome, terms, method, n, (str(model),))
            elif isinstance(model, Exception):
                raise model
            else:
                out[outcome] = SignificanceResult(
                    outcome,
                    method,
                    model.n,
                    model.n_excluded,
                    _flags(model, terms, method, alpha),
                    model,
                    model.warnings,
                )
    return {outcome: out[outcome] for outcome in outcomes}


def _empty(
    prepared: Prepared,
    outcome: str,
    terms: list[str],
    method: str,
    n: int,
    warnings: tuple[str, ...],
) -> SignificanceResult:
    flags = tuple(TermSignificance(t, False, None) for t in terms)
    return SignificanceResult(outcome, method, n, prepared.n_cases - n, flags, None, warnings)


def _flags(
    model: LogisticResult, terms: list[str], method: str, alpha: float
) -> tuple[TermSignificance, ...]:
    tests = {t.term: t for t in model.term_tests}
    flags = []
    for term in terms:
        t = tests.get(term)
        if t is None:  # a term with a single level among the cases: nothing to test
            flags.append(
                TermSignificance(
                    term, False, None, testable=False, reason="only one level among the cases"
                )
            )
            continue
        if not t.testable:
            flags.append(
                TermSignificance(term, t.in_model, None, t.test, None, None, False, t.reason)
            )
            continue
        retained = t.in_model if method == "stepwise" else bool(np.isfinite(t.p) and t.p < alpha)
        flags.append(
            TermSignificance(
                term, retained, t.p, t.test, t.statistic, t.df, df_denominator=t.df_denominator
            )
        )
    return tuple(flags)
