"""Public entry for logistic regression on a case table: :func:`fit_logistic`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from ..errors import UsageError
from ._cluster import CORRECTIONS
from ._design import check_columns, code_outcome
from ._engine import METHODS, analyse, prepare
from ._results import LogisticResult

__all__ = ["fit_logistic"]


def check_request(
    data: pd.DataFrame,
    outcomes: Sequence[str],
    terms: Sequence[str],
    *,
    cluster: str | None,
    pin: float,
    pout: float,
) -> list[str]:
    """Validate what every public entry shares; return the terms as a list."""
    if isinstance(terms, str):
        terms = [t.strip() for t in terms.split(",") if t.strip()]
    terms = list(terms)
    if not terms:
        raise UsageError("Give at least one term (a predictor column).")
    dupes = sorted({t for t in terms if terms.count(t) > 1})
    if dupes:
        raise UsageError(f"Term '{dupes[0]}' is given more than once.")
    for outcome in outcomes:
        if outcome in terms:
            raise UsageError(f"Column '{outcome}' cannot be both the outcome and a term.")
    if cluster is not None and (cluster in terms or cluster in outcomes):
        raise UsageError(f"Column '{cluster}' cannot be both the cluster and a term or outcome.")
    roles = {o: "outcome" for o in outcomes}
    roles.update({t: "term" for t in terms})
    if cluster is not None:
        roles[cluster] = "cluster"
    check_columns(data, roles)
    if not (0.0 < pin < 1.0 and 0.0 < pout < 1.0):
        raise UsageError(f"PIN and POUT must lie between 0 and 1 (got {pin} and {pout}).")
    if pin > pout:
        raise UsageError(
            f"PIN ({pin}) must not exceed POUT ({pout}), or a term could enter and leave forever."
        )
    return terms


def check_correction(correction: str) -> None:
    """Refuse an unknown cluster correction."""
    if correction not in CORRECTIONS:
        raise UsageError(
            f"Cluster correction '{correction}' is not one of {', '.join(CORRECTIONS)}."
        )


def fit_logistic(
    data: pd.DataFrame,
    outcome: str,
    event: object,
    terms: Sequence[str],
    *,
    categorical: Sequence[str] | None = None,
    levels: Mapping[str, Sequence[str]] | None = None,
    reference: Mapping[str, str] | None = None,
    method: str = "enter",
    pin: float = 0.05,
    pout: float = 0.10,
    cluster: str | None = None,
    collapse: bool | None = None,
    cluster_correction: str = "cr2",
) -> LogisticResult:
    """Binary logistic regression of a case-level outcome, optionally stepwise.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per case.
    outcome : str
        Outcome column: 1 where it equals ``event``, 0 for any other non-missing value.
    event : object
        The value marking the event (e.g. ``"Yes"``); compared as text.
    terms : sequence of str
        Candidate predictor columns, in the order used for output and for breaking ties.
    categorical : sequence of str, optional
        Terms to treat as categorical; the others are numeric (their values must be
        numbers). By default a term is categorical unless its column has a numeric dtype.
    levels : mapping of str to sequence of str, optional
        Level order of categorical terms; the first level present is the reference. A
        value not in the list is an error.
    reference : mapping of str to str, optional
        Reference level of categorical terms, overriding the default. The default is the
        first level of ``levels`` when given, otherwise the most frequent level among the
        cases analysed (ties: the alphabetically first).
    method : {"enter", "fstep-lr", "fstep-wald"}
        ``enter``: all terms at once. ``fstep-lr``: SPSS's FSTEP(LR) -- forward stepwise
        with score-test entry and likelihood-ratio removal, categorical terms as blocks.
        ``fstep-wald``: the same with Wald removal.
    pin, pout : float
        Entry (p < pin) and removal (p > pout) thresholds; SPSS's defaults.
    cluster : str, optional
        Column identifying clusters (providers). Inference becomes cluster-robust:
        sandwich standard errors, Wald block tests against F(q, G - 1); in stepwise mode
        both entry and removal use the robust Wald test (see ``docs/statistics.md``).
    cluster_correction : {"cr2", "stata"}
        Small-sample correction of the cluster-robust covariance: ``"cr2"`` (default),
        Bell & McCaffrey's CR2 with Satterthwaite degrees of freedom per coefficient and
        the HTZ test (Pustejovsky & Tipton 2018) for blocks, as R's clubSandwich;
        ``"stata"``, the sandwich times G/(G - 1) (Stata's ``vce(cluster)`` factor for
        ``logit``) with t(G - 1) and F(q, G - 1) references.
    collapse : bool, optional
        Fit on covariate patterns (events / trials) instead of cases. Default: whenever
        every term is categorical. Estimates, standard errors and tests are the same.

    Returns
    -------
    LogisticResult

    Raises
    ------
    caseinspect.errors.CaseinspectError
        For a missing column, a value that is not a number in a numeric term, a value not
        in the given ``levels``, an event value that no case has, or an analysis sample
        with no events or no non-events.

    Notes
    -----
    Cases with a missing outcome, a missing value in any candidate term, or a missing
    cluster are left out of the whole procedure (listwise deletion, as SPSS does); their
    number is ``n_excluded``. Missing means null or an empty / blank string.

    The stepwise methods are SPSS's ``FSTEP`` written out in
    :mod:`caseinspect.stats._stepwise`: no maintained Python library does forward
    stepwise logistic regression with block entry of categorical variables, score-test
    entry and SPSS's removal re-tests.

    Examples
    --------
    >>> import pandas as pd
    >>> cases = pd.DataFrame({
    ...     "sufficient": ["Yes", "No", "Yes", "Yes", "No", "Yes", "No", "Yes"],
    ...     "provider": ["CRC", "CRC", "CRC", "NPS", "NPS", "NPS", "CRC", "NPS"],
    ... })
    >>> result = fit_logistic(cases, "sufficient", "Yes", ["provider"])
    >>> result.n, [c.name for c in result.coefficients]
    (8, ['Intercept', 'provider[T.NPS]'])
    >>> round(result.coefficient("provider[T.NPS]").odds_ratio, 4)  # (3/1) / (2/2)
    3.0
    """
    terms = check_request(data, [outcome], terms, cluster=cluster, pin=pin, pout=pout)
    if method not in METHODS:
        raise UsageError(f"Method '{method}' is not one of {', '.join(METHODS)}.")
    y = code_outcome(data[outcome], outcome, event)
    check_correction(cluster_correction)
    prepared = prepare(
        data,
        terms,
        categorical=categorical,
        levels=levels,
        reference=reference,
        cluster=cluster,
        collapse=collapse,
        correction=cluster_correction,
    )
    return analyse(prepared, y, outcome=outcome, event=event, method=method, pin=pin, pout=pout)
