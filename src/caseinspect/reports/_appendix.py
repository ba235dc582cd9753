"""The model appendix: every model behind the significance shading, laid out for print.

:func:`model_blocks` turns the report's :class:`~caseinspect.analysis.ModelSummary`
values into what the XLSX ``Models`` sheet and the HTML / PDF appendix print, per table
column: how shading was decided; cases in the table, in the model and left out for a
missing sub-group value; events and -2 log-likelihood; the steps taken; every sub-group
variable's test against the final model (likelihood ratio for terms in it, score for terms
out, or "not testable" with the reason); odds ratios with their intervals. Numbers stay
numbers (the workbook stores them as such); :func:`format_value` gives the printed text.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from ..analysis import ModelSummary, TablesReport
from ._figures import table_number
from ._layout import split_label

__all__ = ["ModelBlock", "SmallTable", "format_value", "model_blocks"]

#: How a column of a small table is printed: whole number, statistic (2 dp), p-value,
#: odds ratio (2 dp) or text.
ValueKind = Literal["int", "stat", "p", "ratio", "text"]
Value = str | int | float | None

_TESTS = {
    "lr": "LR",
    "score": "Score",
    "wald": "Wald",
    "robust-wald": "Robust Wald",
    "score/lr": "Score / LR",
}


@dataclass(frozen=True)
class SmallTable:
    """One small table of a model block: a caption, headers, column kinds and rows."""

    caption: str
    headers: tuple[str, ...]
    kinds: tuple[ValueKind, ...]
    rows: tuple[tuple[Value, ...], ...]

    def text_rows(self) -> tuple[tuple[str, ...], ...]:
        """The rows as printed (see :func:`format_value`)."""
        return tuple(
            tuple(format_value(v, k) for v, k in zip(row, self.kinds, strict=True))
            for row in self.rows
        )


@dataclass(frozen=True)
class ModelBlock:
    """One table column's model as printed in the appendix.

    ``facts`` are (label, value) pairs: cases in the table, in the model, left out for a
    missing sub-group value (and for a missing provider, gee), events, -2 log-likelihood
    of the final and the intercept-only model, clusters.
    """

    heading: str
    method: str
    facts: tuple[tuple[str, Value, ValueKind], ...]
    retained: tuple[str, ...]
    tables: tuple[SmallTable, ...]
    warnings: tuple[str, ...]
    fitted: bool = True

    @property
    def n(self) -> int | None:
        """Cases in the model."""
        for label, value, _ in self.facts:
            if label == "Cases in the model" and isinstance(value, int):
                return value
        return None


def format_value(value: Value, kind: ValueKind) -> str:
    """A value as printed: ``''`` for missing, ``<0.001`` for tiny p-values.

    Examples
    --------
    >>> format_value(0.0004, "p"), format_value(0.0412, "p"), format_value(12.345, "stat")
    ('<0.001', '0.041', '12.35')
    >>> format_value(2891, "int"), format_value(None, "ratio")
    ('2,891', '')
    >>> format_value(3969.2214, "stat")
    '3,969.22'
    """
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    if kind == "text" or isinstance(value, str):
        return str(value)
    if kind == "int":
        return f"{int(value):,}"
    if kind == "p":
        return "<0.001" if float(value) < 0.001 else f"{float(value):.3f}"
    return f"{float(value):,.2f}"


def model_blocks(report: TablesReport) -> tuple[ModelBlock, ...]:
    """The models behind the shading, laid out for the appendix (XLSX, HTML and PDF)."""
    labels = {
        (spec.id, c.question): c.label for spec in report.framework.tables for c in spec.columns
    }
    names = {v.code: v.label for v in report.framework.profile}
    return tuple(_block(model, labels, names) for model in report.models)


def _block(
    model: ModelSummary, labels: dict[tuple[str, str], str], names: dict[str, str]
) -> ModelBlock:
    heading = (
        f"Table {table_number(model.table)} ({split_label(model.provider_split)}): "
        f"{labels.get((model.table, model.question), model.question)}"
    )
    rule = model.shading
    method = rule.description if rule is not None else model.method
    facts: list[tuple[str, Value, ValueKind]] = [
        ("Cases in the table", model.n_table, "int"),
        ("Cases in the model", model.n_model, "int"),
        ("Left out: a sub-group value not recorded", model.n_missing_subgroup, "int"),
    ]
    if model.n_missing_cluster:
        facts.append(("Left out: provider not recorded", model.n_missing_cluster, "int"))
    facts += [
        ("Events (yes)", model.events, "int"),
        ("-2 log-likelihood, final model", model.minus2ll, "stat"),
        ("-2 log-likelihood, intercept only", model.null_minus2ll, "stat"),
    ]
    if model.n_clusters is not None:
        facts.append(("Clusters (providers)", model.n_clusters, "int"))
    tables: list[SmallTable] = []
    fdr = bool(rule is not None and rule.fdr)
    if model.terms:
        headers: tuple[str, ...] = ("Variable", "In model", "Test", "Chi-square", "df", "p")
        kinds: tuple[ValueKind, ...] = ("text", "text", "text", "stat", "int", "p")
        if fdr:
            headers += ("BH-adjusted p",)
            kinds += ("p",)
        headers += ("Shaded",)
        kinds += ("text",)
        rows = []
        for t in model.terms:
            test: Value = _TESTS.get(t.test or "", t.test or "")
            if not t.testable:
                test = f"not testable: {t.reason}" if t.reason else "not testable"
            row: tuple[Value, ...] = (
                names.get(t.term, t.term),
                "yes" if t.in_model else "no",
                test,
                t.statistic,
                t.df,
                t.p,
            )
            if fdr:
                row += (t.p_adjusted,)
            row += ("yes" if t.significant else "no",)
            rows.append(row)
        tables.append(
            SmallTable(
                "Tests against the final model",
                headers,
                kinds,
                tuple(rows),
            )
        )
    if model.odds_ratios:
        level = f"{model.ci_level:.0%}"
        tables.append(
            SmallTable(
                "Final model: odds ratios",
                (
                    "Variable: level",
                    "Reference",
                    "Odds ratio",
                    f"{level} CI low",
                    f"{level} CI high",
                    "p",
                ),
                ("text", "text", "ratio", "ratio", "ratio", "p"),
                tuple(
                    (
                        f"{names.get(o.term, o.term)}: {o.level}",
                        o.reference or "",
                        o.odds_ratio,
                        o.ci_low,
                        o.ci_high,
                        o.p,
                    )
                    for o in model.odds_ratios
                ),
            )
        )
    # Steps last: the two wide tables then sit side by side on a printed page.
    if model.steps:
        tables.append(
            SmallTable(
                "Steps",
                ("Step", "Action", "Variable", "Test", "Chi-square", "df", "p"),
                ("int", "text", "text", "text", "stat", "int", "p"),
                tuple(
                    (
                        s.step,
                        "entered" if s.action == "enter" else "removed",
                        names.get(s.term, s.term),
                        _TESTS.get(s.test, s.test),
                        s.statistic,
                        s.df,
                        s.p,
                    )
                    for s in model.steps
                ),
            )
        )
    return ModelBlock(
        heading,
        method,
        tuple(facts),
        tuple(names.get(t, t) for t in model.retained),
        tuple(tables),
        tuple(str(w) for w in model.warnings),
        model.fitted,
    )
