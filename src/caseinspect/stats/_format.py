"""Plain-text rendering of a :class:`LogisticResult` (what ``caseinspect regress`` prints)."""

from __future__ import annotations

import math

from ._results import LogisticResult

__all__ = ["format_result"]


def _p(p: float) -> str:
    if p is None or not math.isfinite(p):
        return "-"
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def _f(x: float, digits: int = 3) -> str:
    if x is None or not math.isfinite(x):
        return "-"
    if abs(x) >= 1e6:
        return f"{x:.3g}"
    text = f"{x:.{digits}f}"
    # Rounding a tiny negative number gives "-0.000", which reads as a sign that is not there.
    return text.lstrip("-") if float(text) == 0 else text


def _table(header: list[str], rows: list[list[str]], left: int = 1) -> list[str]:
    """Columns padded to width; the first ``left`` columns left-aligned, others right."""
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.ljust(w) if i < left else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return [line(header), line(["-" * w for w in widths]), *(line(r) for r in rows)]


def format_result(result: LogisticResult) -> str:
    """Render a fitted model as a readable text report: steps, then coefficients.

    Examples
    --------
    >>> import pandas as pd
    >>> from caseinspect.stats import fit_logistic
    >>> cases = pd.DataFrame({"q": ["Yes", "No", "Yes", "Yes"] * 5, "g": ["a", "b"] * 10})
    >>> print(format_result(fit_logistic(cases, "q", "Yes", ["g"])).splitlines()[0])
    Logistic regression of 'q' = 'Yes' (method: enter)
    """
    r = result
    out = [f"Logistic regression of '{r.outcome}' = '{r.event}' (method: {r.method})"]
    if r.pin is not None:
        out[0] += f", PIN {r.pin:g}, POUT {r.pout:g}"
    out.append(
        f"Cases used: {r.n:,} ({r.n_events:,} events); left out for missing values: "
        f"{r.n_excluded:,}; fitted on {r.n_rows:,} "
        f"{'covariate patterns' if r.fit_level == 'patterns' else 'cases'}."
    )
    if r.cluster is not None:
        g = r.n_clusters or 0
        if r.cluster_correction == "stata":
            how = (
                f"sandwich x G/(G-1) (Stata's convention); tests against F(q, {g - 1}) / t({g - 1})"
            )
        else:
            how = (
                "CR2 (Bell-McCaffrey) standard errors; t and F tests with Satterthwaite "
                "(HTZ) degrees of freedom, shown as 'df, denominator df'"
            )
        out.append(f"Clustered by '{r.cluster}' ({g} clusters): {how}.")
    refs = [f"{c.name} = {c.reference}" for c in r.codings if c.kind == "categorical"]
    if refs:
        out.append("Reference levels: " + "; ".join(refs) + ".")
    if r.method != "enter":
        out += ["", "Steps"]
        if r.steps:
            out += _table(
                ["step", "action", "term", "test", "statistic", "df", "p"],
                [
                    [str(s.step), s.action, s.term, s.test, _f(s.statistic), str(s.df), _p(s.p)]
                    for s in r.steps
                ],
                left=4,
            )
        else:
            out.append("No term met the entry criterion: the final model has the intercept only.")
    out += ["", "Coefficients (final model)"]
    out += _table(
        ["term", "B", "S.E.", "z", "p", "OR", "95% CI"],
        [
            [
                c.name,
                _f(c.estimate),
                _f(c.se),
                _f(c.z, 2),
                _p(c.p),
                _f(c.odds_ratio),
                f"{_f(c.or_ci_low)} - {_f(c.or_ci_high)}",
            ]
            for c in r.coefficients
        ],
    )
    out += ["", "Terms (tests against the final model)"]
    out += _table(
        ["term", "in model", "test", "statistic", "df", "p"],
        [
            [
                t.term,
                "yes" if t.in_model else "no",
                t.test,
                _f(t.statistic),
                str(t.df) if t.df_denominator is None else f"{t.df}, {t.df_denominator:.1f}",
                _p(t.p),
            ]
            if t.testable
            else [t.term, "yes" if t.in_model else "no", t.test, "-", "-", "not testable"]
            for t in r.term_tests
        ],
        left=3,
    )
    untestable = [t for t in r.term_tests if not t.testable]
    if untestable:
        out += [f"Not testable: {t.term}: {t.reason}." for t in untestable]
    out += [
        "",
        f"-2 log-likelihood {_f(r.deviance)} (intercept only {_f(r.null_deviance)}); "
        f"AIC {_f(r.aic)}.",
    ]
    if r.warnings:
        out += ["", "Warnings"] + [f"- {w}" for w in r.warnings]
    return "\n".join(out)
