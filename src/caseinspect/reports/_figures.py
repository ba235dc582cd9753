"""The bulletin figures, drawn from a report's table cells.

Which figures a report gets follows from the framework's tables, in the way the
bulletins use them (2020/03 Figures 2–11; 2018/01 Figure 1):

* a prevalence table broken down by provider → prevalence by provider (CRC vs NPS);
* a prevalence table with a mean row → the mean number by risk levels (likelihood of
  reoffending and risk of serious harm);
* two "stage" tables whose columns are the same stages (item labels 'Assessment: …',
  'Planning: …', 'Delivery: …'), e.g. needs and strengths → sufficiency of each stage
  for both; each of them by provider; their last stage by likelihood of reoffending;
* any other sufficiency table → its 'All cases' row;
* tables split into provider column blocks → every question, CRC vs NPS.

:func:`report_figures` reads the numbers out of the report (it computes nothing);
:func:`render_figure` draws one with matplotlib (Agg, no pyplot state), and
:func:`write_figures` writes PNG (and SVG) files that are identical for identical reports.
"""

from __future__ import annotations

import io
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from ..analysis import TablesReport
from ..errors import InvalidArgument
from ..framework import Framework, TableSpec
from ..outputs import write_bytes_atomic

__all__ = [
    "CellRef",
    "FigureData",
    "FigureSpec",
    "figure_png",
    "plan_figures",
    "render_figure",
    "report_figures",
    "table_number",
    "write_figures",
]

#: Okabe & Ito's colour-blind-safe palette (blue, orange) for unordered series; a single
#: blue ramp for ordered ones (Low → High), which stays readable in greyscale too.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")
ORDERED = {
    2: ("#6BAED6", "#08519C"),
    3: ("#9ECAE1", "#4292C6", "#08306B"),
    4: ("#C6DBEF", "#6BAED6", "#2171B5", "#08306B"),
}

#: The mark after the value of a bar resting on too few cases (as in the tables).
UNRELIABLE = "†"

# Everything matplotlib would otherwise take from the user's matplotlibrc or the clock.
_RC = {
    "svg.hashsalt": "caseinspect",
    "svg.fonttype": "path",
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.titlesize": 12,
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "path.simplify": True,
}


@dataclass(frozen=True)
class CellRef:
    """One cell of the report: which number a bar shows."""

    table: str
    question: str
    split: str
    variable: str
    category: str


@dataclass(frozen=True)
class FigureSpec:
    """What one figure shows: ``refs[s][g]`` is series ``s`` in group ``g``."""

    id: str
    number: int
    title: str
    orientation: Literal["horizontal", "vertical"]
    measure: Literal["pct", "mean"]
    groups: tuple[str, ...]
    series: tuple[str, ...]
    refs: tuple[tuple[CellRef, ...], ...]
    ordered: bool = False  # series are ordered levels (Low … High): a sequential palette
    source: str = ""


@dataclass(frozen=True)
class FigureData:
    """A figure's numbers, read from the report. ``values[s][g]`` is ``None`` when not shown;
    ``markers[s][g]`` is then '-' (no case) or '*' (suppressed).

    ``ns[s][g]`` is the number of cases behind each bar (applicable cases, or cases in the
    row for a mean), ``significant[s][g]`` whether its cell is shaded in the table (its
    sub-group variable differed significantly) and ``unreliable[s][g]`` whether it rests on
    fewer cases than the framework's ``layout.unreliable_below``; the drawing marks both
    and the figure's note gives the n.
    """

    spec: FigureSpec
    values: tuple[tuple[float | None, ...], ...]
    markers: tuple[tuple[str, ...], ...]
    ns: tuple[tuple[int | None, ...], ...] = ()
    significant: tuple[tuple[bool, ...], ...] = ()
    unreliable: tuple[tuple[bool, ...], ...] = ()
    significance_rule: str = ""
    unreliable_below: int = 0

    def _flag(self, grid: tuple[tuple[bool, ...], ...], s: int, g: int) -> bool:
        return bool(grid) and bool(grid[s][g])

    @property
    def any_significant(self) -> bool:
        return any(v for row in self.significant for v in row)

    @property
    def any_unreliable(self) -> bool:
        return any(v for row in self.unreliable for v in row)

    @property
    def n_note(self) -> str:
        """The bases, as printed under the figure: ``n = 2,345 (CRC), 963 (NPS)`` when each
        series has one n, else the n of every bar, group by group."""
        spec = self.spec
        if not self.ns:
            return ""
        label = "cases" if spec.measure == "mean" else "applicable cases"
        per_series = [{n for n in row if n is not None} for row in self.ns]
        if all(len(ns) <= 1 for ns in per_series):
            parts = [
                f"{next(iter(ns)):,}" + (f" ({series})" if len(spec.series) > 1 else "")
                for series, ns in zip(spec.series, per_series, strict=True)
                if ns
            ]
            return f"n ({label}): {', '.join(parts)}."
        groups = []
        for g, group in enumerate(spec.groups):
            values = [self.ns[s][g] for s in range(len(spec.series))]
            shown = ", ".join(
                ("-" if n is None else f"{n:,}") + (f" {series}" if len(spec.series) > 1 else "")
                for n, series in zip(values, spec.series, strict=True)
            )
            groups.append(f"{group} {shown}")
        return f"n ({label}): {'; '.join(groups)}."

    @property
    def notes(self) -> tuple[str, ...]:
        """What the figure's note says: its source, the n, and what the marks mean."""
        out = []
        if self.spec.source:
            suppressed = " (* suppressed)" if any("*" in m for m in self.markers) else ""
            out.append(f"Source: {self.spec.source}{suppressed}.")
        if self.n_note:
            out.append(self.n_note)
        if self.any_significant:
            out.append(
                "Hatched bars with bold labels: significant differences between sub-groups"
                + (
                    f" ({self.significance_rule.removeprefix('Shaded: ').rstrip('.')})."
                    if self.significance_rule
                    else "."
                )
            )
        if self.any_unreliable:
            out.append(f"{UNRELIABLE} fewer than {self.unreliable_below} cases: unreliable.")
        return tuple(out)

    @property
    def caption(self) -> str:
        return f"Figure {self.spec.number}: {self.spec.title}"

    @property
    def alt_text(self) -> str:
        """A text equivalent of the chart: every number it shows."""
        spec = self.spec
        kind = "Horizontal" if spec.orientation == "horizontal" else "Vertical"
        parts = [f"{kind} bar chart. {spec.title}."]
        for g, group in enumerate(spec.groups):
            shown = [
                f"{series} {self._label(s, g)}" if len(spec.series) > 1 else self._label(s, g)
                for s, series in enumerate(spec.series)
            ]
            parts.append(f"{group}: {', '.join(shown)}.")
        if any("*" in row for row in self.markers):
            parts.append("* suppressed to protect confidentiality.")
        if self.any_significant:
            parts.append(
                "Significant sub-group differences: "
                + "; ".join(
                    f"{series} {spec.groups[g]}" if len(spec.series) > 1 else spec.groups[g]
                    for s, series in enumerate(spec.series)
                    for g in range(len(spec.groups))
                    if self._flag(self.significant, s, g)
                )
                + "."
            )
        if self.n_note:
            parts.append(self.n_note)
        return " ".join(parts)

    def _label(self, s: int, g: int) -> str:
        value = self.values[s][g]
        if value is None:
            return "no cases" if self.markers[s][g] == "-" else "suppressed"
        text = _value_label(value, self.spec.measure)
        return text + (" (unreliable)" if self._flag(self.unreliable, s, g) else "")


# --- which figures -------------------------------------------------------------------------
def plan_figures(framework: Framework) -> tuple[FigureSpec, ...]:
    """The figures a report under ``framework`` gets, numbered in bulletin order."""
    drafts: list[dict] = []
    tables = framework.tables
    for spec in tables:
        if spec.kind == "prevalence" and "all" in spec.provider_splits:
            drafts += _prevalence_figures(framework, spec)
    pairs = _stage_pairs(framework)
    paired = {t.id for pair in pairs for t in pair}
    for a, b in pairs:
        drafts.append(_stages_figure(framework, a, b))
    for spec in tables:
        if (
            spec.kind == "sufficiency"
            and spec.provider_splits == ("all",)
            and spec.id not in paired
        ):
            drafts.append(_all_cases_figure(framework, spec))
    for a, b in pairs:
        for spec in (a, b):
            if "provider_type" in spec.breakdowns:
                drafts.append(_stages_by_provider(framework, spec))
    for a, b in pairs:
        if (
            "likelihood_of_reoffending" in a.breakdowns
            and "likelihood_of_reoffending" in b.breakdowns
        ):
            drafts.append(_last_stage_by_likelihood(framework, a, b))
    split_tables = [s for s in tables if "all" in s.provider_splits and len(s.provider_splits) >= 3]
    if split_tables:
        drafts.append(_by_split_figure(framework, split_tables))
    # Numbered as the framework's layout says (2020/03 starts its case-level figures at 2).
    first = framework.layout.first_figure_number
    return tuple(
        FigureSpec(id=f"figure-{i:02d}", number=i, **draft)
        for i, draft in enumerate(drafts, start=first)
    )


def _prevalence_figures(framework: Framework, spec: TableSpec) -> list[dict]:
    drafts = []
    thing = _mean_noun(spec)
    if "provider_type" in spec.breakdowns:
        provider = framework.profile_variable("provider_type")
        drafts.append(
            dict(
                title=f"Prevalence of {thing} by provider ({' vs '.join(reversed(provider.categories))})",
                orientation="horizontal",
                measure="pct",
                groups=tuple(c.label for c in spec.columns),
                series=provider.categories,
                refs=tuple(
                    tuple(
                        CellRef(spec.id, c.question, "all", provider.table_variable, cat)
                        for c in spec.columns
                    )
                    for cat in provider.categories
                ),
                source=f"Table {table_number(spec.id)}",
            )
        )
    # The framework's "risk levels" (its figures layout), in the order it lists them.
    risks = [
        framework.profile_variable(code)
        for code in framework.figures.risk_variables
        if code in spec.breakdowns
    ]
    if spec.mean_row is not None and risks:
        levels = risks[0].categories
        risks = [v for v in risks if v.categories == levels]
        drafts.append(
            dict(
                title=f"{spec.mean_row.label} by risk levels – {' and '.join(v.label.lower() for v in risks)}",
                orientation="vertical",
                measure="mean",
                groups=levels,
                series=tuple(v.label for v in risks),
                refs=tuple(
                    tuple(
                        CellRef(spec.id, spec.mean_row.question, "all", v.table_variable, cat)
                        for cat in levels
                    )
                    for v in risks
                ),
                source=f"Table {table_number(spec.id)}",
            )
        )
    return drafts


def _mean_noun(spec: TableSpec) -> str:
    """'Mean number of needs' -> 'needs' (what the table counts)."""
    if spec.mean_row is not None:
        match = re.match(r"mean number of (.+)", spec.mean_row.label, flags=re.IGNORECASE)
        if match:
            return match.group(1)
    return spec.title[:1].lower() + spec.title[1:]


def _stages(framework: Framework, spec: TableSpec) -> tuple[str, ...] | None:
    """The stage of each column ('Assessment', 'Planning', 'Delivery') if it is a stage table."""
    labels = [framework.item(c.item).label for c in spec.columns]
    if len(labels) < 2 or not all(":" in label for label in labels):
        return None
    stages = tuple(label.split(":", 1)[0].strip() for label in labels)
    return stages if len(set(stages)) == len(stages) else None


def _stage_pairs(framework: Framework) -> list[tuple[TableSpec, TableSpec]]:
    candidates = [
        s for s in framework.tables if s.kind == "sufficiency" and s.provider_splits == ("all",)
    ]
    pairs = []
    i = 0
    while i < len(candidates) - 1:
        a, b = candidates[i], candidates[i + 1]
        if _stages(framework, a) is not None and _stages(framework, a) == _stages(framework, b):
            pairs.append((a, b))
            i += 2
        else:
            i += 1
    return pairs


def _pair_titles(a: TableSpec, b: TableSpec) -> tuple[str, str, str]:
    """Joint title and series labels: '… in addressing needs and building upon strengths'."""
    head_a, sep_a, tail_a = a.title.rpartition(" in ")
    head_b, sep_b, tail_b = b.title.rpartition(" in ")
    if sep_a and sep_b and head_a == head_b:
        return (
            f"{head_a} in {tail_a} and {tail_b}",
            tail_a[:1].upper() + tail_a[1:],
            tail_b[:1].upper() + tail_b[1:],
        )
    return f"{a.title}; {b.title}", f"Table {a.id}", f"Table {b.id}"


def _stages_figure(framework: Framework, a: TableSpec, b: TableSpec) -> dict:
    title, label_a, label_b = _pair_titles(a, b)
    return dict(
        title=title,
        orientation="vertical",
        measure="pct",
        groups=_stages(framework, a),
        series=(label_a, label_b),
        refs=tuple(
            tuple(CellRef(t.id, c.question, "all", "all", "All cases") for c in t.columns)
            for t in (a, b)
        ),
        source=f"Tables {table_number(a.id)} and {table_number(b.id)}",
    )


def _all_cases_figure(framework: Framework, spec: TableSpec) -> dict:
    return dict(
        title=spec.title,
        orientation="horizontal",
        measure="pct",
        groups=tuple(c.label for c in spec.columns),
        series=("All cases",),
        refs=(
            tuple(CellRef(spec.id, c.question, "all", "all", "All cases") for c in spec.columns),
        ),
        source=f"Table {table_number(spec.id)}",
    )


def _stages_by_provider(framework: Framework, spec: TableSpec) -> dict:
    provider = framework.profile_variable("provider_type")
    return dict(
        title=f"{spec.title}, by provider ({' vs '.join(provider.categories)})",
        orientation="vertical",
        measure="pct",
        groups=_stages(framework, spec),
        series=provider.categories,
        refs=tuple(
            tuple(
                CellRef(spec.id, c.question, "all", provider.table_variable, cat)
                for c in spec.columns
            )
            for cat in provider.categories
        ),
        source=f"Table {table_number(spec.id)}",
    )


def _last_stage_by_likelihood(framework: Framework, a: TableSpec, b: TableSpec) -> dict:
    variable = framework.profile_variable("likelihood_of_reoffending")
    _, label_a, label_b = _pair_titles(a, b)
    stage = _stages(framework, a)[-1].lower()
    return dict(
        title=f"Tailoring of {stage} by service user's {variable.label.lower()}",
        orientation="vertical",
        measure="pct",
        groups=(label_a, label_b),
        series=variable.categories,
        ordered=True,
        refs=tuple(
            tuple(
                CellRef(t.id, t.columns[-1].question, "all", variable.table_variable, cat)
                for t in (a, b)
            )
            for cat in variable.categories
        ),
        source=f"Tables {table_number(a.id)} and {table_number(b.id)}",
    )


def _by_split_figure(framework: Framework, specs: list[TableSpec]) -> dict:
    splits = tuple(s for s in specs[0].provider_splits if s != "all")
    columns = [(spec, c) for spec in specs for c in spec.columns]
    title = framework.figures.title(
        "by-split", f"Sufficiency by provider - {' vs '.join(splits)} cases"
    )
    return dict(
        title=title,
        orientation="horizontal",
        measure="pct",
        groups=tuple(framework.item(c.item).label for _, c in columns),
        series=splits,
        refs=tuple(
            tuple(CellRef(spec.id, c.question, split, "all", "All cases") for spec, c in columns)
            for split in splits
        ),
        source=(
            f"Tables {table_number(specs[0].id)}–{table_number(specs[-1].id)}"
            if len(specs) > 1
            else f"Table {table_number(specs[0].id)}"
        ),
    )


# --- the numbers ---------------------------------------------------------------------------
def report_figures(report: TablesReport) -> tuple[FigureData, ...]:
    """The report's bulletin figures with their numbers, ready to draw.

    Which figures a report gets follows from its framework's tables (see the module
    notes); the numbers are read from the report's cells, nothing is computed.

    Parameters
    ----------
    report : TablesReport
        As built by :func:`caseinspect.analysis.build_report`.

    Returns
    -------
    tuple of FigureData
        In figure order. Each holds its :class:`FigureSpec` (title, groups, series and the
        :class:`CellRef` of every bar), ``values[s][g]`` (``None`` where a bar is not
        shown) and ``markers[s][g]`` ('-' no applicable case, '*' suppressed), with its
        ``caption`` and ``alt_text``. Figures without any number are left out.

    Examples
    --------
    >>> from caseinspect.analysis import build_report
    >>> from caseinspect.framework import load_framework
    >>> from caseinspect.synth import synth_round
    >>> framework = load_framework("qi-2016")
    >>> report = build_report(synth_round("2016-17", n_cases=200, seed=1, text=False), framework,
    ...                       significance="none")
    >>> figure = report_figures(report)[0]
    >>> figure.spec.series, len(figure.values[0]) == len(figure.spec.groups)
    (('CRC', 'NPS'), True)
    """
    lookup = {
        (r.table, r.question, r.provider_split, r.variable, r.category): r
        for r in report.cells.itertuples(index=False)
    }
    below = report.framework.layout.unreliable_below
    rule = report.shading.description if report.shading is not None else ""
    figures = []
    for spec in plan_figures(report.framework):
        values, markers, ns, significant, unreliable = [], [], [], [], []
        for series_refs in spec.refs:
            row_values, row_markers, row_ns, row_sig, row_unrel = [], [], [], [], []
            for ref in series_refs:
                record = lookup.get(
                    (ref.table, ref.question, ref.split, ref.variable, ref.category)
                )
                value, marker = _read(record)
                n = None if value is None else int(record.n)
                row_values.append(value)
                row_markers.append(marker)
                row_ns.append(n)
                row_sig.append(
                    value is not None
                    and spec.measure == "pct"
                    and bool(getattr(record, "significant", False))
                )
                row_unrel.append(n is not None and n < below)
            values.append(tuple(row_values))
            markers.append(tuple(row_markers))
            ns.append(tuple(row_ns))
            significant.append(tuple(row_sig))
            unreliable.append(tuple(row_unrel))
        if any(v is not None for row in values for v in row):
            figures.append(
                FigureData(
                    spec,
                    tuple(values),
                    tuple(markers),
                    tuple(ns),
                    tuple(significant),
                    tuple(unreliable),
                    rule,
                    below,
                )
            )
    return tuple(figures)


def _read(record) -> tuple[float | None, str]:
    if record is None:
        return None, "-"
    if str(getattr(record, "suppressed", "") or "") not in ("", "nan"):
        return None, "*"
    n, pct = record.n, record.pct
    if n is None or n is pd.NA or pd.isna(n) or int(n) == 0 or pd.isna(pct):
        return None, "-"
    return float(pct), ""


def table_number(table_id: str) -> str:
    """'C1' -> 'C1'; the 2018/01 tables 'T1'… print as 'Table 1'."""
    match = re.fullmatch(r"T(\d+)", table_id)
    return match.group(1) if match else table_id


def _value_label(value: float, measure: str) -> str:
    return f"{value:.1f}" if measure == "mean" else f"{value:.0f}%"


# --- drawing -------------------------------------------------------------------------------
def render_figure(data: FigureData, *, title: bool = True):
    """Draw one figure; returns a :class:`matplotlib.figure.Figure` (not registered with pyplot).

    ``title=False`` leaves the caption out of the image, for pages that print it as text.
    """
    import matplotlib

    with matplotlib.rc_context(_RC):
        return _draw(data, title)


def _draw(data: FigureData, title: bool = True):
    from matplotlib.figure import Figure

    spec = data.spec
    n_groups, n_series = len(spec.groups), len(spec.series)
    horizontal = spec.orientation == "horizontal"
    height = max(3.4, 1.4 + 0.27 * n_groups * max(n_series, 1.5)) if horizontal else 4.6
    fig = Figure(figsize=(8.0, height), layout="constrained")
    ax = fig.add_subplot()
    colours = ORDERED.get(n_series, PALETTE) if spec.ordered else PALETTE
    band = 0.8
    width = band / n_series
    positions = np.arange(n_groups, dtype=float)
    top = max((v for row in data.values for v in row if v is not None), default=1.0)
    limit = 100.0 if spec.measure == "pct" else max(top * 1.18, 1.0)
    for s, label in enumerate(spec.series):
        offsets = positions - band / 2 + width * (s + 0.5)
        heights = [0.0 if v is None else v for v in data.values[s]]
        colour = colours[s % len(colours)]
        if horizontal:
            bars = ax.barh(offsets, heights, height=width * 0.92, color=colour, label=label)
        else:
            bars = ax.bar(offsets, heights, width=width * 0.92, color=colour, label=label)
        texts = [
            data.markers[s][g]
            if v is None
            else _value_label(v, spec.measure)
            + (UNRELIABLE if data._flag(data.unreliable, s, g) else "")
            for g, v in enumerate(data.values[s])
        ]
        labels_drawn = ax.bar_label(
            bars, labels=texts, padding=3, fontsize=8.5 if n_series > 2 else 9
        )
        for g, (bar, text) in enumerate(zip(bars, labels_drawn, strict=True)):
            if data._flag(data.significant, s, g):
                # Hatching and a bold label: the mark survives greyscale printing.
                bar.set_hatch("///")
                bar.set_edgecolor("white")
                text.set_fontweight("bold")
    labels = [textwrap.fill(g, 28 if horizontal else 22) for g in spec.groups]
    if horizontal:
        ax.set_yticks(positions, labels)
        ax.invert_yaxis()  # first group at the top, as read
        ax.set_xlim(0, limit * (1.1 if spec.measure == "pct" else 1.0))
        _axis_format(ax.xaxis, spec.measure)
        ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    else:
        ax.set_xticks(positions, labels)
        ax.set_ylim(0, limit * (1.1 if spec.measure == "pct" else 1.0))
        _axis_format(ax.yaxis, spec.measure)
        ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(length=0)
    if n_series > 1:
        from matplotlib.patches import Patch

        # Plain swatches: the bars' own handles would carry the significance hatching.
        handles = [
            Patch(facecolor=colours[s % len(colours)], label=label)
            for s, label in enumerate(spec.series)
        ]
        ax.legend(
            handles=handles,
            loc="lower left",
            bbox_to_anchor=(0.0, 1.0),
            ncol=n_series,
            frameon=False,
            fontsize=9,
        )
    if title:
        fig.suptitle(
            textwrap.fill(data.caption, 80), fontsize=11.5, fontweight="bold", x=0.01, ha="left"
        )
    notes = data.notes
    if notes:
        # supxlabel, not fig.text: the constrained layout then makes room for it.
        fig.supxlabel(
            "\n".join(textwrap.fill(note, 150) for note in notes),
            x=0.01,
            ha="left",
            fontsize=7,
            color="#555555",
        )
    return fig


def _axis_format(axis, measure: str) -> None:
    from matplotlib.ticker import FuncFormatter, MultipleLocator

    if measure == "pct":
        axis.set_major_locator(MultipleLocator(20))
        axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0f}%" if v <= 100 else ""))


def figure_png(data: FigureData, *, title: bool = True) -> bytes:
    """Draw one figure as a PNG image.

    Parameters
    ----------
    data : FigureData
        One of :func:`report_figures`.
    title : bool
        Draw the caption into the image; ``False`` for pages that print it as text.

    Returns
    -------
    bytes
        The PNG file, identical for identical data (fixed style, no time stamp); its
        ``Title`` and ``Description`` metadata hold the caption and the alt text.

    Examples
    --------
    >>> from caseinspect.analysis import build_report
    >>> from caseinspect.framework import load_framework
    >>> from caseinspect.synth import synth_round
    >>> framework = load_framework("qi-2016")
    >>> report = build_report(synth_round("2016-17", n_cases=200, seed=1, text=False), framework,
    ...                       significance="none")
    >>> figure_png(report_figures(report)[0])[:8]
    b'\\x89PNG\\r\\n\\x1a\\n'
    """
    return _save(data, "png", title)


def _save(data: FigureData, fmt: str, title: bool = True) -> bytes:
    import matplotlib

    buffer = io.BytesIO()
    with matplotlib.rc_context(_RC):
        fig = _draw(data, title)
        if fmt == "png":
            metadata = {
                "Title": data.caption,
                "Description": data.alt_text,
                "Software": "caseinspect",
            }
        else:
            # No date, and a fixed creator: the file must not change from run to run.
            metadata = {
                "Title": data.caption,
                "Description": data.alt_text,
                "Date": None,
                "Creator": "caseinspect",
            }
        fig.savefig(buffer, format=fmt, metadata=metadata)
    return buffer.getvalue()


def write_figures(
    report: TablesReport, out_dir: str | Path, formats: tuple[str, ...] = ("png", "svg")
) -> list[Path]:
    """Write every figure of ``report`` into ``out_dir`` as ``figure-NN-<slug>.<fmt>``.

    Parameters
    ----------
    report : TablesReport
    out_dir : str or Path
        Created if needed.
    formats : tuple of {"png", "svg"}

    Returns
    -------
    list of Path
        The files written, figure by figure. The alt text of each figure is in its PNG
        ``Description`` / SVG ``<desc>`` and in :attr:`FigureData.alt_text`.
    """
    unknown = set(formats) - {"png", "svg"}
    if unknown:
        raise InvalidArgument(f"unknown figure format(s) {sorted(unknown)}; choose png and/or svg")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for data in report_figures(report):
        stem = f"{data.spec.id}-{_slug(data.spec.title)}"
        for fmt in formats:
            path = out / f"{stem}.{fmt}"
            write_bytes_atomic(path, _save(data, fmt))
            written.append(path)
    return written


def _slug(text: str, limit: int = 60) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if len(slug) <= limit:
        return slug
    return slug[: limit + 1].rsplit("-", 1)[0]  # whole words only
