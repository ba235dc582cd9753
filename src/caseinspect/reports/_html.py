"""The annex tables laid out as printed, and the self-contained HTML page.

Two things live here because the renderers share the first:

* :func:`annex_layout` turns the report's tidy cells into the grid of a printed annex
  (header rows with their spans, row groups per breakdown, one :class:`GridCell` per
  printed cell with its text, '-' and '*' cells, shading). It only looks cells up and
  formats them; the XLSX renderer and the HTML template both read this grid, so the
  workbook and the page cannot disagree.
* :func:`render_html` / :func:`write_html` fill the Jinja2 template
  ``templates/tables.html.j2``: accessible tables, the figures, the model appendix and
  the provenance footer. The PDF renderer prints the same HTML.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from ..analysis import TablesReport
from ..framework import TableSpec
from ._figures import table_number

__all__ = [
    "AnnexTable",
    "GridCell",
    "GridRow",
    "HeaderCell",
    "RowGroup",
    "annex_layout",
    "model_blocks",
    "render_html",
    "write_html",
    "OGL_NOTE",
]

#: Printed under reproduced published figures (never needed for synthetic or own data).
OGL_NOTE = ("Contains public sector information licensed under the Open Government Licence v3.0 "
            "(https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/). © Crown copyright.")

_SIGNIFICANCE_NOTE = ("Shaded cells indicate that the sub-group differences were significant "
                      "(based upon logistic regression analysis).")

CellKind = Literal["n", "pct", "mean"]
CellStatus = Literal["value", "empty", "suppressed"]


# --- the grid ------------------------------------------------------------------------------
@dataclass(frozen=True)
class GridCell:
    """One printed data cell.

    ``value`` is what a spreadsheet stores (a count, a fraction 0–1 for percentages, a
    mean) or ``None`` when the cell prints '-' (no applicable case) or '*' (suppressed).
    """

    kind: CellKind
    value: float | None
    status: CellStatus
    significant: bool = False
    ci: tuple[float, float] | None = None

    @property
    def text(self) -> str:
        """The cell as printed in the annex: ``1,234``, ``82.4%``, ``3.6``, ``-`` or ``*``."""
        if self.status == "empty":
            return "-"
        if self.status == "suppressed":
            return "*"
        if self.kind == "n":
            return f"{int(self.value):,}"
        if self.kind == "pct":
            return f"{self.value * 100:.1f}%"
        return f"{self.value:.1f}"

    @property
    def title(self) -> str | None:
        """Hover text: the 95% interval of a percentage."""
        if self.ci is None or self.status != "value":
            return None
        return f"95% confidence interval {self.ci[0]:.1f}% to {self.ci[1]:.1f}%"


@dataclass(frozen=True)
class GridRow:
    label: str
    variable: str
    category: str
    cells: tuple[GridCell, ...]


@dataclass(frozen=True)
class RowGroup:
    """The rows of one breakdown ('Provider', 'Gender', …), or the 'All cases' row (label ``None``)."""

    label: str | None
    rows: tuple[GridRow, ...]


@dataclass(frozen=True)
class HeaderCell:
    label: str
    span: int


@dataclass(frozen=True)
class AnnexTable:
    """One annex table as printed.

    ``header`` holds the header rows top to bottom, each a tuple of spanning cells over the
    data columns (the two row-label columns come first and are left blank, as printed).
    """

    id: str
    number: str
    title: str
    kind: str
    header: tuple[tuple[HeaderCell, ...], ...]
    column_kinds: tuple[CellKind, ...]
    groups: tuple[RowGroup, ...]
    notes: tuple[str, ...]

    @property
    def caption(self) -> str:
        return f"Table {self.number}: {self.title}"

    @property
    def n_columns(self) -> int:
        return len(self.column_kinds)

    def cells(self):
        """Every data cell with its row (for tests and summaries)."""
        for group in self.groups:
            for row in group.rows:
                for cell in row.cells:
                    yield row, cell


def split_label(split: str) -> str:
    """'all' -> 'All cases', 'CRC' -> 'CRC cases' (the column block headings)."""
    return "All cases" if split == "all" else f"{split} cases"


def annex_layout(report: TablesReport) -> tuple[AnnexTable, ...]:
    """Lay out every table of ``report`` as its printed annex.

    Parameters
    ----------
    report : TablesReport

    Returns
    -------
    tuple of AnnexTable
        In framework order.
    """
    lookup = _index_cells(report.cells)
    settings = dict(report.provenance.settings)
    tested = settings.get("significance", "none") != "none"
    threshold = settings.get("suppress")
    return tuple(_layout_table(spec, report, lookup, tested, threshold) for spec in report.framework.tables)


def _index_cells(cells: pd.DataFrame) -> dict[tuple[str, str, str, str, str], dict]:
    records = cells.to_dict("records")
    return {(r["table"], r["question"], r["provider_split"], r["variable"], r["category"]): r for r in records}


def _row_keys(report: TablesReport, spec: TableSpec):
    """(group label, row label, variable, category) in printed order: 'All cases' first."""
    yield None, "All cases", "all", "All cases"
    for code in spec.breakdowns:
        variable = report.framework.profile_variable(code)
        for category in variable.categories:
            yield variable.label, category, variable.table_variable, category


def _layout_table(spec: TableSpec, report: TablesReport, lookup, tested: bool, threshold) -> AnnexTable:
    prevalence = spec.kind == "prevalence"
    groups: list[RowGroup] = []
    current: tuple[str | None, list[GridRow]] | None = None
    for group, label, variable, category in _row_keys(report, spec):
        cells: list[GridCell] = []
        for split in spec.provider_splits:
            get = lambda question: lookup.get((spec.id, question, split, variable, category))  # noqa: E731
            if prevalence:
                cells += _prevalence_cells(spec, get)
            else:
                for column in spec.columns:
                    record = get(column.question)
                    if spec.print_n:
                        cells.append(_cell("n", record))
                    cells.append(_cell("pct", record))
        row = GridRow(label, variable, category, tuple(cells))
        if current is None or current[0] != group:
            if current is not None:
                groups.append(RowGroup(current[0], tuple(current[1])))
            current = (group, [])
        current[1].append(row)
    if current is not None:
        groups.append(RowGroup(current[0], tuple(current[1])))
    header, kinds = _header(spec)
    table = AnnexTable(spec.id, table_number(spec.id), spec.title, spec.kind, header, kinds, tuple(groups), ())
    return _with_notes(table, spec, tested, threshold)


def _prevalence_cells(spec: TableSpec, get) -> list[GridCell]:
    """'n' (cases in the row), a % per item, then the mean as a last column."""
    mean = get(spec.mean_row.question) if spec.mean_row is not None else None
    first = get(spec.columns[0].question)
    cells = [_cell("n", mean if mean is not None else first)]
    cells += [_cell("pct", get(column.question)) for column in spec.columns]
    if spec.mean_row is not None:
        cells.append(_cell("mean", mean))
    return cells


def _cell(kind: CellKind, record: dict | None) -> GridCell:
    if record is None:
        return GridCell(kind, None, "empty")
    significant = bool(record.get("significant", False)) and kind != "mean"
    if str(record.get("suppressed", "") or "") not in ("", "nan"):
        return GridCell(kind, None, "suppressed", significant)
    n = record["n"]
    if _missing(n) or int(n) == 0:
        return GridCell(kind, None, "empty")
    if kind == "n":
        return GridCell("n", int(n), "value", significant)
    pct = record["pct"]
    if _missing(pct):
        return GridCell(kind, None, "empty")
    if kind == "mean":
        return GridCell("mean", float(pct), "value")
    low, high = record.get("ci_low"), record.get("ci_high")
    ci = None if _missing(low) or _missing(high) else (float(low), float(high))
    # Stored as a fraction so that a 0.0% number format shows the printed value.
    return GridCell("pct", round(float(pct) / 100, 6), "value", significant, ci)


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value))


def _header(spec: TableSpec) -> tuple[tuple[tuple[HeaderCell, ...], ...], tuple[CellKind, ...]]:
    splits = spec.provider_splits
    if spec.kind == "prevalence":
        block: list[HeaderCell] = [HeaderCell("n", 1)] + [HeaderCell(c.label, 1) for c in spec.columns]
        kinds: list[CellKind] = ["n"] + ["pct"] * len(spec.columns)
        if spec.mean_row is not None:
            block.append(HeaderCell(spec.mean_row.label, 1))
            kinds.append("mean")
        rows = [tuple(block * len(splits))]
        if len(splits) > 1:
            rows.insert(0, tuple(HeaderCell(split_label(s), len(block)) for s in splits))
        return tuple(rows), tuple(kinds * len(splits))
    width = 2 if spec.print_n else 1
    sub = [HeaderCell("n", 1), HeaderCell("% yes", 1)] if spec.print_n else []
    sub_kinds: list[CellKind] = ["n", "pct"] if spec.print_n else ["pct"]
    columns = tuple(HeaderCell(c.label, width) for c in spec.columns)
    if len(splits) == 1:
        rows = [columns]
    elif len(spec.columns) == 1:
        # As 2018/01 prints it: the question over everything, then a block per split.
        rows = [(HeaderCell(spec.columns[0].label, width * len(splits)),),
                tuple(HeaderCell(split_label(s), width) for s in splits)]
    else:
        rows = [tuple(HeaderCell(split_label(s), width * len(spec.columns)) for s in splits), columns * len(splits)]
    if sub:
        rows.append(tuple(sub * len(spec.columns) * len(splits)))
    return tuple(rows), tuple(sub_kinds * len(spec.columns) * len(splits))


def _with_notes(table: AnnexTable, spec: TableSpec, tested: bool, threshold) -> AnnexTable:
    statuses = {cell.status for _, cell in table.cells()}
    notes = []
    if tested:
        notes.append(f"N.B. {spec.note or _SIGNIFICANCE_NOTE}")
    if "empty" in statuses:
        notes.append("- No applicable cases.")
    if "suppressed" in statuses:
        from ..analysis._disclosure import suppression_note

        notes.append(suppression_note(int(threshold)) if threshold else "* Suppressed to protect confidentiality.")
    return AnnexTable(table.id, table.number, table.title, table.kind, table.header, table.column_kinds,
                      table.groups, tuple(notes))


# --- the model appendix --------------------------------------------------------------------
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
    labels = {(spec.id, c.question): c.label for spec in report.framework.tables for c in spec.columns}
    names = {v.code: v.label for v in report.framework.profile}
    blocks = []
    for model in report.models:
        result = model.result or {}
        fitted = result.get("model") or {}
        steps = tuple(
            (str(s.get("step", "")), str(s.get("action", "")), names.get(s.get("term"), str(s.get("term"))),
             str(s.get("test", "")).upper(), _num(s.get("statistic"), 2), str(s.get("df", "")), _p(s.get("p")))
            for s in fitted.get("steps", ())
        )
        references = {c.get("name"): c.get("reference") for c in fitted.get("codings", ())}
        coefficients = tuple(
            (_coefficient_name(c.get("name", ""), names, references), _num(c.get("odds_ratio"), 2),
             f"{_num(c.get('or_ci_low'), 2)} to {_num(c.get('or_ci_high'), 2)}", _p(c.get("p")))
            for c in fitted.get("coefficients", ())
        )
        heading = (f"Table {table_number(model.table)} ({split_label(model.provider_split)}): "
                   f"{labels.get((model.table, model.question), model.question)}")
        method = _METHODS.get(fitted.get("method"), str(result.get("method", model.method)))
        if fitted.get("cluster"):
            method += f", standard errors clustered by {fitted['cluster']}"
        blocks.append(ModelBlock(heading, method, result.get("n"),
                                 tuple(names.get(t, t) for t in model.retained), steps, coefficients,
                                 tuple(str(w) for w in result.get("warnings", ()))))
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


# --- the page ------------------------------------------------------------------------------
def render_html(report: TablesReport, *, figures: bool = True, crown_copyright: bool | None = None) -> str:
    """The report as one self-contained HTML page (no external assets, no JavaScript).

    Parameters
    ----------
    report : TablesReport
    figures : bool
        Include the bulletin figures as inline PNG images with alt text.
    crown_copyright : bool, optional
        Print the Open Government Licence note (only for reproduced published figures).
        By default read from the report's provenance setting ``published_source``.

    Returns
    -------
    str
        Identical for identical reports. Its print style sheet (A4 landscape, a table per
        page, header rows repeated) is what the PDF renderer prints.
    """
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(
        loader=PackageLoader("caseinspect.reports", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    provenance = report.provenance.as_dict()
    settings = provenance.pop("settings")
    context = {
        "title": report.title,
        "tables": annex_layout(report),
        "figures": _figure_context(report) if figures else (),
        "models": model_blocks(report),
        "notes": report.notes,
        "provenance": provenance,
        "settings": settings,
        "tested": settings.get("significance", "none") != "none",
        "crown_copyright": _crown_copyright(report, crown_copyright),
        "ogl_note": OGL_NOTE,
    }
    return env.get_template("tables.html.j2").render(**context)


def write_html(report: TablesReport, path: str | Path, **options) -> Path:
    """Write ``tables.html`` (see :func:`render_html` for the options); return its path."""
    path = Path(path)
    path.write_text(render_html(report, **options), encoding="utf-8", newline="\n")
    return path


def _crown_copyright(report: TablesReport, explicit: bool | None) -> bool:
    if explicit is not None:
        return explicit
    return bool(dict(report.provenance.settings).get("published_source"))


def _figure_context(report: TablesReport) -> tuple[dict, ...]:
    from ._figures import figure_png, report_figures

    return tuple(
        {"id": data.spec.id, "caption": data.caption, "alt": data.alt_text,
         "src": "data:image/png;base64," + base64.b64encode(figure_png(data, title=False)).decode("ascii")}
        for data in report_figures(report)
    )
