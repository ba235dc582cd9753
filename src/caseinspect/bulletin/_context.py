"""The context the findings templates see: ``cells``, ``models``, ``profile``, ``comparisons``.

Templates never see a DataFrame or a model object. They get four small read-only views
and a handful of filters that print numbers (documented in ``docs/bulletin.md``):

``cells.get(table, question, category="All cases", variable="all", split="all")``
    one :class:`Cell` (``label``, ``n``, ``yes``, ``share``, ``shown``, ``significant``);
``cells.columns(table, ...)`` / ``cells.ranked(table, ...)``
    the cells of every column of a table in one row, in print order / largest share first;
``models.get(table, question, split="all")``
    a :class:`ModelView` (``tested``, ``retained``, ``has(variable)``, ``labels``);
``profile.get(variable, category)``
    a profile cell (``yes`` cases in the category of ``n`` in the round);
``comparisons``
    the list of :class:`ComparisonView` (empty without a previous round).

Filters: ``pct`` ("84%"), ``phrase`` ("over four-fifths (84%)"), ``n`` and ``cases``
(counts), ``value`` (one decimal), ``p`` (a p-value). Every printed number is recorded
with its cell for ``numbers.csv``. A cell that is suppressed, has no case, or belongs to
a ranking one of whose cells is suppressed prints a *withheld* mark, and the sentence
holding it is dropped: no suppressed value, and no number that would reveal one, reaches
the text. ``significant(model, variable)`` prints "significant" only when the model
retained the variable, and raises otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import pandas as pd

from ..errors import CaseinspectError
from ..framework import Framework
from ._numbers import SIG_MARK, WITHHELD, Recorder, format_value

__all__ = ["Cell", "Cells", "ComparisonView", "ModelView", "Models", "TemplateRuleError", "filters"]

Key = tuple[str, str, str, str, str]


class TemplateRuleError(CaseinspectError):
    """A template broke a language rule (e.g. "significant" without a retained term)."""


@dataclass(frozen=True)
class Cell:
    """One table cell as a template sees it."""

    key: Key
    label: str
    n: int | None
    yes: int | None
    value: float | None
    significant: bool
    suppressed: bool
    tainted: bool = False
    absent: bool = False  # no such cell: quoting it is a template error, testing it is not

    @property
    def table(self) -> str:
        return self.key[0]

    @property
    def question(self) -> str:
        return self.key[1]

    @property
    def category(self) -> str:
        return self.key[4]

    @property
    def shown(self) -> bool:
        """Whether the cell may be quoted (not suppressed, has cases, not in a tainted set)."""
        return not (self.suppressed or self.tainted) and bool(self.n) and self.value is not None

    @property
    def share(self) -> Fraction | None:
        """The exact share ``yes / n`` (``None`` when not shown); compare with this."""
        if not self.shown or self.yes is None or not self.n:
            return None
        return Fraction(int(self.yes), int(self.n))

    @property
    def pct(self) -> float:
        """The share in percent, for comparisons in templates (0 when not shown)."""
        share = self.share
        return float(share * 100) if share is not None else 0.0


class Cells:
    """Look-up of every cell the bulletin may quote."""

    def __init__(self, frame: pd.DataFrame, framework: Framework) -> None:
        self._framework = framework
        self._labels = {
            (spec.id, c.question): c.label for spec in framework.tables for c in spec.columns
        }
        self._order = {spec.id: [c.question for c in spec.columns] for spec in framework.tables}
        self._index: dict[Key, Cell] = {}
        suppressed = (
            frame["suppressed"].fillna("").astype(str).ne("").to_numpy()
            if "suppressed" in frame.columns
            else [False] * len(frame)
        )
        significant = (
            frame["significant"].fillna(False).astype(bool).to_numpy()
            if "significant" in frame.columns
            else [False] * len(frame)
        )
        for row, hidden, sig in zip(
            frame.itertuples(index=False), suppressed, significant, strict=True
        ):
            key = (row.table, row.question, row.provider_split, row.variable, row.category)
            self._index[key] = Cell(
                key,
                self._labels.get((row.table, row.question), str(row.question)),
                _int(row.n),
                _int(row.yes),
                None if pd.isna(row.pct) else float(row.pct),
                bool(sig),
                bool(hidden),
            )

    def get(
        self,
        table: str,
        question: str,
        category: str = "All cases",
        variable: str = "all",
        split: str = "all",
    ) -> Cell:
        key = (table, question, split, variable, category)
        cell = self._index.get(key)
        if cell is None:
            # A template may test for a cell (``.value is none``); printing it raises.
            return Cell(key, question, None, None, None, False, False, absent=True)
        return cell

    def columns(
        self, table: str, category: str = "All cases", variable: str = "all", split: str = "all"
    ) -> list[Cell]:
        return [self.get(table, q, category, variable, split) for q in self._order.get(table, [])]

    def ranked(
        self, table: str, category: str = "All cases", variable: str = "all", split: str = "all"
    ) -> list[Cell]:
        """Columns largest share first. If any is not shown, all are tainted: a ranking
        with a hidden member could reveal it (or be wrong)."""
        cells = self.columns(table, category, variable, split)
        if any(not c.shown for c in cells):
            return [_taint(c) for c in cells]
        return sorted(cells, key=lambda c: (-(c.share or 0), self._order[table].index(c.question)))

    def rows(self, table: str, question: str, variable: str, split: str = "all") -> list[Cell]:
        """The cells of one breakdown (e.g. every age group) in one column."""
        code = self._variable_code(variable)
        categories = self._framework.profile_variable(code).categories if code else ()
        return [self.get(table, question, c, variable, split) for c in categories]

    def _variable_code(self, table_variable: str) -> str | None:
        for v in self._framework.profile:
            if v.table_variable == table_variable:
                return v.code
        return None

    def pairs(self, table: str) -> list[Cell]:
        """Co-occurrence cells of a prevalence table, most frequent first (tainted if any hidden)."""
        cells = [c for k, c in self._index.items() if k[0] == f"J{table}"]
        if any(not c.shown for c in cells):
            return [_taint(c) for c in cells]
        return sorted(cells, key=lambda c: (-(c.share or 0), c.question))

    def pair_labels(self, cell: Cell) -> tuple[str, str]:
        table = cell.table[1:]
        a, b = cell.question.split("__")
        return self._labels.get((table, a), a), self._labels.get((table, b), b)


def _taint(cell: Cell) -> Cell:
    return Cell(
        cell.key,
        cell.label,
        cell.n,
        cell.yes,
        cell.value,
        cell.significant,
        cell.suppressed,
        True,
        cell.absent,
    )


def _int(value: Any) -> int | None:
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return None
    return int(value)


@dataclass(frozen=True)
class ModelView:
    """The model behind one table column's shading."""

    table: str
    question: str
    split: str
    method: str
    tested: bool
    retained: tuple[str, ...]
    labels: tuple[str, ...]
    n: int | None
    n_excluded: int | None

    def has(self, variable: str) -> bool:
        """Whether the model retained ``variable`` (a profile code such as ``provider_type``)."""
        return variable in self.retained


class Models:
    def __init__(self, summaries: tuple[Any, ...], framework: Framework, method: str) -> None:
        self._framework = framework
        self._method = method
        self._index: dict[tuple[str, str, str], ModelView] = {}
        for m in summaries:
            result = getattr(m, "result", {}) or {}
            retained = tuple(getattr(m, "retained", ()) or ())
            self._index[(m.table, m.question, m.provider_split)] = ModelView(
                m.table,
                m.question,
                m.provider_split,
                str(getattr(m, "method", method)),
                True,
                retained,
                tuple(framework.profile_variable(t).label for t in retained),
                _int(result.get("n")),
                _int(
                    getattr(m, "n_missing_subgroup", None)
                    if getattr(m, "n_missing_subgroup", None) is not None
                    else result.get("n_excluded")
                ),
            )

    def get(self, table: str, question: str, split: str = "all") -> ModelView:
        view = self._index.get((table, question, split))
        if view is None:
            return ModelView(table, question, split, self._method, False, (), (), None, None)
        return view

    def __iter__(self) -> Iterator[ModelView]:
        return iter(self._index.values())

    @property
    def excluded(self) -> int:
        """The largest listwise-deletion count of any model (a sub-group value missing)."""
        return max((m.n_excluded or 0 for m in self._index.values()), default=0)


class Profile:
    def __init__(self, cells: Cells, framework: Framework) -> None:
        self._cells = cells
        self._framework = framework

    def get(self, variable: str, category: str) -> Cell:
        table_variable = self._framework.profile_variable(variable).table_variable
        return self._cells.get("P", "cases", category, table_variable)

    @property
    def total(self) -> Cell:
        first = self._framework.profile[0]
        return self.get(first.code, first.categories[0])


@dataclass(frozen=True)
class ComparisonView:
    """One mapped item compared across rounds; numbers are cells of the trend table."""

    id: str
    label: str
    comparability: str
    note: str
    previous_item: str
    current_item: str
    previous: Cell
    current: Cell
    change: Cell
    ci_low: Cell
    ci_high: Cell
    p_unadjusted: Cell
    odds_ratio: Cell
    or_ci_low: Cell
    or_ci_high: Cell
    p_adjusted: Cell
    alpha: float = 0.05

    @property
    def adjusted_significant(self) -> bool:
        return self.p_adjusted.value is not None and self.p_adjusted.value < self.alpha

    @property
    def unadjusted_significant(self) -> bool:
        return self.p_unadjusted.value is not None and self.p_unadjusted.value < self.alpha

    @property
    def shown(self) -> bool:
        return self.previous.shown and self.current.shown


def comparison_views(cells: Cells, comparisons: tuple[Any, ...]) -> list[ComparisonView]:
    views = []
    for c in comparisons:
        m = c.mapping
        prev_label, cur_label = _round_labels(cells, m.id)

        def test(cat: str, _id: str = m.id) -> Cell:
            return cells.get("TR", _id, cat, "test")

        views.append(
            ComparisonView(
                m.id,
                m.label,
                m.comparability,
                m.note,
                m.previous,
                m.current,
                cells.get("TR", m.id, prev_label, "round"),
                cells.get("TR", m.id, cur_label, "round"),
                test("change"),
                test("ci_low"),
                test("ci_high"),
                test("p_unadjusted"),
                test("odds_ratio"),
                test("or_ci_low"),
                test("or_ci_high"),
                test("p_adjusted"),
            )
        )
    return views


def _round_labels(cells: Cells, question: str) -> tuple[str, str]:
    keys = [k for k in cells._index if k[0] == "TR" and k[1] == question and k[3] == "round"]
    return keys[0][4], keys[1][4]


@dataclass
class Figures:
    """Numbers figures in the order the text first refers to (or places) them.

    Numbering starts at the framework's ``layout.first_figure_number``, as the annex
    figures do (2020/03 numbers its case-level figures from 2).
    """

    keys: dict[str, int] = field(default_factory=dict)
    available: tuple[str, ...] = ()
    first: int = 1

    def number(self, key: str) -> int:
        if key not in self.available:
            raise TemplateRuleError(
                f"the template refers to figure {key!r}, which this bulletin has not got (has: {', '.join(self.available)})"
            )
        if key not in self.keys:
            self.keys[key] = self.first + len(self.keys)
        return self.keys[key]


def filters(recorder: Recorder, figures: Figures) -> dict[str, Any]:
    """The number-printing filters and helpers handed to the templates."""

    def _cell_key(cell: Cell) -> Key:
        if cell.absent:
            raise TemplateRuleError(
                f"the template quotes the cell {'/'.join(cell.key)}, which the tables do not hold"
            )
        return cell.key

    def pct(cell: Cell) -> str:
        _cell_key(cell)  # a template error if the cell does not exist
        if not cell.shown:
            return WITHHELD
        return recorder.mark(
            format_value("pct0", n=cell.n, yes=cell.yes, value=None), "pct0", _cell_key(cell)
        )

    def phrase(cell: Cell) -> str:
        _cell_key(cell)  # a template error if the cell does not exist
        if not cell.shown:
            return WITHHELD
        return recorder.mark(
            format_value("phrase", n=cell.n, yes=cell.yes, value=None), "phrase", _cell_key(cell)
        )

    def n(cell: Cell) -> str:
        _cell_key(cell)  # a template error if the cell does not exist
        if cell.suppressed or cell.tainted or cell.n is None:
            return WITHHELD
        return recorder.mark(
            format_value("count", n=cell.n, yes=None, value=None), "count", _cell_key(cell)
        )

    def cases(cell: Cell) -> str:
        _cell_key(cell)  # a template error if the cell does not exist
        if not cell.shown:
            return WITHHELD
        return recorder.mark(
            format_value("cases", n=None, yes=cell.yes, value=None), "cases", _cell_key(cell)
        )

    def value(cell: Cell) -> str:
        _cell_key(cell)  # a template error if the cell does not exist
        if cell.suppressed or cell.tainted or cell.value is None:
            return WITHHELD
        return recorder.mark(
            format_value("value1", n=None, yes=None, value=cell.value), "value1", _cell_key(cell)
        )

    def magnitude(cell: Cell) -> str:
        """The absolute value to one decimal (for "rose by 2.9 points")."""
        _cell_key(cell)  # a template error if the cell does not exist
        if cell.suppressed or cell.tainted or cell.value is None:
            return WITHHELD
        text = format_value("abs1", n=None, yes=None, value=cell.value)
        return recorder.mark(text, "abs1", _cell_key(cell))

    def whole(cell: Cell) -> str:
        """The cell's value as a whole number (settings such as the 80% confidence level)."""
        _cell_key(cell)  # a template error if the cell does not exist
        if cell.suppressed or cell.tainted or cell.value is None:
            return WITHHELD
        text = format_value("value0", n=None, yes=None, value=cell.value)
        return recorder.mark(text, "value0", _cell_key(cell))

    def p(cell: Cell) -> str:
        _cell_key(cell)  # a template error if the cell does not exist
        if cell.suppressed or cell.tainted or cell.value is None:
            return WITHHELD
        text = format_value("p", n=None, yes=None, value=cell.value)
        return recorder.mark(text, "p", _cell_key(cell))

    def ratio(cell: Cell) -> str:
        _cell_key(cell)  # a template error if the cell does not exist
        if cell.suppressed or cell.tainted or cell.value is None:
            return WITHHELD
        text = format_value("value2", n=None, yes=None, value=cell.value)
        return recorder.mark(text, "value2", _cell_key(cell))

    def significant(model: ModelView, variable: str) -> str:
        if not model.has(variable):
            raise TemplateRuleError(
                f"template calls the {variable} difference in {model.table}/{model.question} "
                "significant, but the model did not retain it"
            )
        return f"{SIG_MARK}significant"

    def significant_change(comparison: ComparisonView) -> str:
        if not comparison.adjusted_significant:
            raise TemplateRuleError(
                f"template calls the change in {comparison.id} significant, but the round "
                "term's adjusted p-value is not below the threshold"
            )
        return f"{SIG_MARK}significant"

    def fig(key: str) -> str:
        return f"Figure {figures.number(key)}"

    return {
        "pct": pct,
        "phrase": phrase,
        "n": n,
        "cases": cases,
        "value": value,
        "magnitude": magnitude,
        "whole": whole,
        "p": p,
        "ratio": ratio,
        "significant": significant,
        "significant_change": significant_change,
        "fig": fig,
    }
