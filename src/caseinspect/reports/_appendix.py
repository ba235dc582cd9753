"""The model appendix: the models behind the significance shading, formatted for print.

:func:`model_blocks` turns the report's fitted models into the rows the XLSX ``Models``
sheet and the HTML appendix print (steps taken, odds ratios with confidence intervals).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ..analysis import TablesReport
from ._figures import table_number
from ._layout import split_label

__all__ = ["ModelBlock", "model_blocks"]


@dataclass(frozen=True)
class ModelBlock:
    """One table column's model as printed in the appendix."""

    heading: str
    method: str
    n: int | None
    retained: tuple[str, ...]
    steps: tuple[tuple[str, ...], ...]
    coefficients: tuple[tuple[str, ...], ...]
    warnings: tuple[str, ...]


_METHODS = {
    "fstep-lr": "forward stepwise logistic regression (entry by score test, removal by likelihood ratio)",
    "fstep-wald": "forward stepwise logistic regression (removal by Wald test)",
    "enter": "logistic regression with every sub-group variable entered",
}


def model_blocks(report: TablesReport) -> tuple[ModelBlock, ...]:
    """The models behind the shading, formatted for the appendix (XLSX and HTML)."""
    labels = {
        (spec.id, c.question): c.label for spec in report.framework.tables for c in spec.columns
    }
    names = {v.code: v.label for v in report.framework.profile}
    blocks = []
    for model in report.models:
        result = model.result or {}
        fitted = result.get("model") or {}
        steps = tuple(
            (
                str(s.get("step", "")),
                str(s.get("action", "")),
                names.get(s.get("term"), str(s.get("term"))),
                str(s.get("test", "")).upper(),
                _num(s.get("statistic"), 2),
                str(s.get("df", "")),
                _p(s.get("p")),
            )
            for s in fitted.get("steps", ())
        )
        references = {c.get("name"): c.get("reference") for c in fitted.get("codings", ())}
        coefficients = tuple(
            (
                _coefficient_name(c.get("name", ""), names, references),
                _num(c.get("odds_ratio"), 2),
                f"{_num(c.get('or_ci_low'), 2)} to {_num(c.get('or_ci_high'), 2)}",
                _p(c.get("p")),
            )
            for c in fitted.get("coefficients", ())
        )
        heading = (
            f"Table {table_number(model.table)} ({split_label(model.provider_split)}): "
            f"{labels.get((model.table, model.question), model.question)}"
        )
        method = _METHODS.get(fitted.get("method"), str(result.get("method", model.method)))
        if fitted.get("cluster"):
            method += f", standard errors clustered by {fitted['cluster']}"
        blocks.append(
            ModelBlock(
                heading,
                method,
                result.get("n"),
                tuple(names.get(t, t) for t in model.retained),
                steps,
                coefficients,
                tuple(str(w) for w in result.get("warnings", ())),
            )
        )
    return tuple(blocks)


def _coefficient_name(name: str, names: dict[str, str], references: dict[str, str | None]) -> str:
    """'age_group[T.50+]' -> 'Age group: 50+ (vs 18-20)', naming the reference level."""
    match = re.fullmatch(r"(.+)\[T\.(.+)\]", name)
    if match:
        term, level = match.groups()
        reference = references.get(term)
        return f"{names.get(term, term)}: {level}" + (f" (vs {reference})" if reference else "")
    return names.get(name, name)


def _num(value, decimals: int) -> str:
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return ""
    return f"{float(value):.{decimals}f}"


def _p(value) -> str:
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return ""
    return "<0.001" if float(value) < 0.001 else f"{float(value):.3f}"
