"""The annex tables laid out as printed, shared by the XLSX and HTML renderers.

:func:`annex_layout` turns a report's tidy cells into the grid of each printed annex
(header rows with their spans, row groups per breakdown, one :class:`GridCell` per
printed cell with its text, '-' and '*' cells, shading). It only looks cells up and
formats them; the XLSX workbook and the HTML page both read this grid, so they cannot
disagree. (The model appendix both print is laid out in ``_appendix.py``.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from ..analysis import TablesReport
from ..framework import TableSpec
from ._figures import table_number

__all__ = [
    "OGL_NOTE",
    "AnnexTable",
    "CellKind",
    "CellStatus",
    "GridCell",
    "GridRow",
    "HeaderCell",
    "IntervalTable",
    "RowGroup",
    "UNRELIABLE_MARK",
    "annex_layout",
    "interval_layout",
    "crown_copyright",
    "split_label",
]

#: Printed under reproduced published figures (never needed for synthetic or own data).
OGL_NOTE = (
    "Contains public sector information licensed under the Open Government Licence v3.0 "
    "(https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/). © Crown copyright."
)

_SIGNIFICANCE_NOTE = (
    "Shaded cells indicate that the sub-group differences were significant "
    "(based upon logistic regression analysis)."
)

#: Printed after a percentage (or mean) of fewer applicable cases than the framework's
#: ``layout.unreliable_below``: too few cases for the number to be relied on.
UNRELIABLE_MARK = "†"

#: How the intervals are computed, named wherever they are printed.
INTERVAL_METHOD = "95% Wilson score interval"

CellKind = Literal["n", "pct", "mean"]
CellStatus = Literal["value", "empty", "suppressed"]


# --- the grid ------------------------------------------------------------------------------
@dataclass(frozen=True)
class GridCell:
    """One printed data cell.

    ``value`` is what a spreadsheet stores (a count, a fraction 0–1 for percentages, a
    mean) or ``None`` when the cell prints '-' (no applicable case) or '*' (suppressed).
    ``n`` is the number of applicable cases behind a percentage or mean; ``unreliable``
    marks one of fewer cases than the framework's ``layout.unreliable_below`` (printed
    with :data:`UNRELIABLE_MARK`, shaded or not).
    """

    kind: CellKind
    value: float | None
    status: CellStatus
    significant: bool = False
    ci: tuple[float, float] | None = None
    n: int | None = None
    unreliable: bool = False

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

    @property
    def ci_text(self) -> str:
        """The interval as printed in the interval annex: ``79.1–85.3``."""
        if self.ci is None or self.status != "value":
            return ""
        return f"{self.ci[0]:.1f}–{self.ci[1]:.1f}"


@dataclass(frozen=True)
class GridRow:
    """One printed row: its label, the tidy-table ``variable`` and ``category`` it reads,
    and a cell per data column."""

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
class IntervalTable:
    """One annex table's percentages with their intervals and bases, for the interval annex.

    ``columns`` labels each percentage column (with its provider block where the table
    has several); every row's cells are the table's ``pct`` cells, in the same order,
    each with its ``ci`` and ``n``.
    """

    id: str
    number: str
    title: str
    columns: tuple[str, ...]
    groups: tuple[RowGroup, ...]

    @property
    def caption(self) -> str:
        return f"Table {self.number}: {self.title}"


@dataclass(frozen=True)
class HeaderCell:
    """A header label spanning ``span`` data columns."""

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
    """'all' -> 'All cases', 'CRC' -> 'CRC cases' (the column block headings).

    Examples
    --------
    >>> split_label("all"), split_label("NPS")
    ('All cases', 'NPS cases')
    """
    return "All cases" if split == "all" else f"{split} cases"


def annex_layout(report: TablesReport) -> tuple[AnnexTable, ...]:
    """Lay out every table of ``report`` as its printed annex.

    The layout only looks the report's cells up and formats them; the XLSX workbook, the
    HTML page (and the PDF printed from it) and the web application all read it, so they
    print the same numbers.

    Parameters
    ----------
    report : TablesReport
        As built by :func:`caseinspect.analysis.build_report`.

    Returns
    -------
    tuple of AnnexTable
        One per framework table, in framework order. Each holds its header rows (tuples
        of :class:`HeaderCell` spanning data columns), its row groups (:class:`RowGroup`:
        'All cases' first, then one per breakdown) of :class:`GridRow`, each with one
        :class:`GridCell` per data column, and the notes printed under it.

    Examples
    --------
    >>> from caseinspect.analysis import build_report
    >>> from caseinspect.framework import load_framework
    >>> from caseinspect.synth import synth_round
    >>> framework = load_framework("qi-2016")
    >>> report = build_report(synth_round("2016-17", n_cases=200, seed=1, text=False), framework,
    ...                       significance="none")
    >>> table = annex_layout(report)[0]
    >>> table.caption
    'Table 1: Inspector judgements regarding the identification of barriers to effective engagement'
    >>> row = table.groups[0].rows[0]
    >>> row.label, row.cells[0].kind, row.cells[0].text
    ('All cases', 'n', '160')
    """
    lookup = _index_cells(report.cells)
    settings = dict(report.provenance.settings)
    tested = settings.get("significance", "none") != "none"
    threshold = settings.get("suppress")
    return tuple(
        _layout_table(spec, report, lookup, tested, threshold) for spec in report.framework.tables
    )


def interval_layout(report: TablesReport) -> tuple[IntervalTable, ...]:
    """Every table's percentages with their 95% Wilson intervals and applicable cases.

    What the interval annex of the HTML / PDF and the workbook's ``Intervals`` sheet
    print: the same rows as :func:`annex_layout`, only the percentage columns, each cell
    with its interval (``ci_text``) and its ``n`` (which tables printed without ``n``
    columns, such as 2020/03's C5 and C6, do not show otherwise).

    Examples
    --------
    >>> from caseinspect.analysis import build_report
    >>> from caseinspect.framework import load_framework
    >>> from caseinspect.synth import synth_round
    >>> framework = load_framework("qi-2016")
    >>> report = build_report(synth_round("2016-17", n_cases=200, seed=1, text=False), framework,
    ...                       significance="none")
    >>> table = interval_layout(report)[0]
    >>> table.columns
    ('All cases', 'CRC cases', 'NPS cases')
    >>> cell = table.groups[0].rows[0].cells[0]
    >>> cell.n == int(annex_layout(report)[0].groups[0].rows[0].cells[0].text), cell.ci_text != ""
    (True, True)
    """
    out = []
    for table in annex_layout(report):
        keep = [i for i, kind in enumerate(table.column_kinds) if kind == "pct"]
        labels = _column_labels(table)
        single = len(table.header) > 1 and len(table.header[0]) == 1
        columns = tuple(
            " – ".join(labels[i][1:] if single and len(labels[i]) > 1 else labels[i]) for i in keep
        )
        groups = tuple(
            RowGroup(
                group.label,
                tuple(
                    GridRow(
                        row.label,
                        row.variable,
                        row.category,
                        tuple(row.cells[i] for i in keep),
                    )
                    for row in group.rows
                ),
            )
            for group in table.groups
        )
        out.append(IntervalTable(table.id, table.number, table.title, columns, groups))
    return tuple(out)


def _column_labels(table: AnnexTable) -> list[list[str]]:
    """Each data column's header labels, top to bottom, without the 'n' / '% yes' row."""
    labels: list[list[str]] = [[] for _ in table.column_kinds]
    for header_row in table.header:
        position = 0
        for head in header_row:
            for i in range(position, position + head.span):
                if head.label not in ("n", "% yes"):
                    labels[i].append(head.label)
            position += head.span
    return labels


def _index_cells(cells: pd.DataFrame) -> dict[tuple[str, str, str, str, str], dict]:
    records = cells.to_dict("records")
    return {
        (r["table"], r["question"], r["provider_split"], r["variable"], r["category"]): r
        for r in records
    }


def _row_keys(report: TablesReport, spec: TableSpec):
    """(group label, row label, variable, category) in printed order: 'All cases' first."""
    yield None, "All cases", "all", "All cases"
    for code in spec.breakdowns:
        variable = report.framework.profile_variable(code)
        for category in variable.categories:
            yield variable.label, category, variable.table_variable, category


def _layout_table(
    spec: TableSpec, report: TablesReport, lookup, tested: bool, threshold
) -> AnnexTable:
    prevalence = spec.kind == "prevalence"
    below = report.framework.layout.unreliable_below
    groups: list[RowGroup] = []
    current: tuple[str | None, list[GridRow]] | None = None
    for group, label, variable, category in _row_keys(report, spec):
        cells: list[GridCell] = []
        for split in spec.provider_splits:
            get = lambda question: lookup.get((spec.id, question, split, variable, category))  # noqa: E731, B023 - used only within this iteration
            if prevalence:
                cells += _prevalence_cells(spec, get, below)
            else:
                for column in spec.columns:
                    record = get(column.question)
                    if spec.print_n:
                        cells.append(_cell("n", record))
                    cells.append(_cell("pct", record, below))
        row = GridRow(label, variable, category, tuple(cells))
        if current is None or current[0] != group:
            if current is not None:
                groups.append(RowGroup(current[0], tuple(current[1])))
            current = (group, [])
        current[1].append(row)
    if current is not None:
        groups.append(RowGroup(current[0], tuple(current[1])))
    header, kinds = _header(spec)
    table = AnnexTable(
        spec.id, table_number(spec.id), spec.title, spec.kind, header, kinds, tuple(groups), ()
    )
    return _with_notes(table, spec, report, tested, threshold)


def _prevalence_cells(spec: TableSpec, get, below: int = 0) -> list[GridCell]:
    """'n' (cases in the row), a % per item, then the mean as a last column."""
    mean = get(spec.mean_row.question) if spec.mean_row is not None else None
    first = get(spec.columns[0].question)
    cells = [_cell("n", mean if mean is not None else first)]
    cells += [_cell("pct", get(column.question), below) for column in spec.columns]
    if spec.mean_row is not None:
        cells.append(_cell("mean", mean, below))
    return cells


def _cell(kind: CellKind, record: dict | None, below: int = 0) -> GridCell:
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
    unreliable = int(n) < below
    if kind == "mean":
        return GridCell("mean", float(pct), "value", n=int(n), unreliable=unreliable)
    low, high = record.get("ci_low"), record.get("ci_high")
    ci = None if _missing(low) or _missing(high) else (float(low), float(high))
    # Stored as a fraction so that a 0.0% number format shows the printed value.
    return GridCell("pct", round(float(pct) / 100, 6), "value", significant, ci, int(n), unreliable)


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value))


def _header(spec: TableSpec) -> tuple[tuple[tuple[HeaderCell, ...], ...], tuple[CellKind, ...]]:
    splits = spec.provider_splits
    if spec.kind == "prevalence":
        block: list[HeaderCell] = [HeaderCell("n", 1)] + [
            HeaderCell(c.label, 1) for c in spec.columns
        ]
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
        rows = [
            (HeaderCell(spec.columns[0].label, width * len(splits)),),
            tuple(HeaderCell(split_label(s), width) for s in splits),
        ]
    else:
        rows = [
            tuple(HeaderCell(split_label(s), width * len(spec.columns)) for s in splits),
            columns * len(splits),
        ]
    if sub:
        rows.append(tuple(sub * len(spec.columns) * len(splits)))
    return tuple(rows), tuple(sub_kinds * len(spec.columns) * len(splits))


def _with_notes(
    table: AnnexTable, spec: TableSpec, report: TablesReport, tested: bool, threshold
) -> AnnexTable:
    statuses = {cell.status for _, cell in table.cells()}
    layout = report.framework.layout
    notes = []
    if tested:
        notes.append(f"N.B. {layout.significance_note or spec.note or _SIGNIFICANCE_NOTE}")
        if report.shading is not None:
            notes.append(report.shading.description)
    if any(cell.unreliable for _, cell in table.cells()):
        notes.append(
            f"{UNRELIABLE_MARK} Fewer than {layout.unreliable_below} applicable cases: "
            "the figure is unreliable."
        )
    if "empty" in statuses:
        notes.append("- No applicable cases.")
    if "suppressed" in statuses:
        from ..analysis._disclosure import suppression_note

        notes.append(
            suppression_note(int(threshold))
            if threshold
            else "* Suppressed to protect confidentiality."
        )
    return AnnexTable(
        table.id,
        table.number,
        table.title,
        table.kind,
        table.header,
        table.column_kinds,
        table.groups,
        tuple(notes),
    )


def crown_copyright(report: TablesReport, explicit: bool | None = None) -> bool:
    """Whether to print the Open Government Licence note: ``explicit`` if given, else the
    report's ``published_source`` setting (set only for reproduced published figures)."""
    if explicit is not None:
        return explicit
    return bool(dict(report.provenance.settings).get("published_source"))
