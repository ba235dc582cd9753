"""Build the bulletin: analysis → cells → templates → a document model the renderers read.

:func:`build_bulletin` runs the analysis (:func:`caseinspect.analysis.build_report`),
adds the bulletin's own cells (profile, number per case, co-occurrence, method settings,
themes, the trend table), applies disclosure control to all of them, renders the
framework's templates through the small context of :mod:`._context`, and returns a
frozen :class:`Bulletin`: sections of blocks (paragraphs, bullet lists, figures, tables)
plus every number of the prose with its cell. HTML, PDF and DOCX renderers only read it.
"""

from __future__ import annotations

import dataclasses
import re
import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from .. import __version__
from ..analysis import TablesReport, build_report, suppress_report
from ..errors import UsageError
from ..framework import Framework
from ._cells import extra_cells
from ._context import (
    Cell,
    Cells,
    ComparisonView,
    Figures,
    Models,
    Profile,
    TemplateRuleError,
    comparison_views,
    filters,
)
from ._numbers import SIG_MARK, NumberRef, Recorder, resolve, split_sentences

__all__ = [
    "Block",
    "Bulletin",
    "FigureBlock",
    "Section",
    "SimpleTable",
    "build_bulletin",
]

Role = Literal["prose", "placeholder", "example", "note"]


@dataclass(frozen=True)
class Block:
    """A paragraph (``kind="p"``), a bullet list (``"ul"``, ``items``) or a heading (``"h"``)."""

    kind: Literal["p", "ul", "h", "figure", "table"]
    text: str = ""
    items: tuple[str, ...] = ()
    role: Role = "prose"
    level: int = 3
    ref: str = ""  # figure key or table id for "figure" / "table" blocks


@dataclass(frozen=True)
class FigureBlock:
    key: str
    number: int
    title: str
    alt: str
    png: bytes

    @property
    def caption(self) -> str:
        return f"Figure {self.number}: {self.title}"


@dataclass(frozen=True)
class SimpleTable:
    """A small table of the bulletin (A1 inspections, the trend table, number per case)."""

    id: str
    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    notes: tuple[str, ...] = ()
    numeric: tuple[bool, ...] = ()


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    blocks: tuple[Block, ...]
    placeholder: bool = False
    annex: bool = False


@dataclass(frozen=True)
class Bulletin:
    """A built bulletin: what the renderers read (they compute nothing).

    Attributes
    ----------
    sections : tuple of Section
        In print order, each a tuple of :class:`Block`.
    figures : dict
        Placed figures by key, numbered in order of first reference.
    tables : dict
        :class:`SimpleTable` by id (``A1``, ``TR``, ``N…``).
    report : TablesReport
        The annex tables (suppressed when disclosure control was asked for).
    cells : pandas.DataFrame
        Every cell the prose may quote (annex and bulletin cells) in the tidy layout.
    numbers : tuple of NumberRef
        Every number in the prose with its cell and sentence (``numbers.csv``).
    labels : tuple of str
        Names that contain digits but are not data (round, framework version).
    """

    title: str
    subtitle: str
    framework: Framework
    sections: tuple[Section, ...]
    figures: dict[str, FigureBlock]
    tables: dict[str, SimpleTable]
    report: TablesReport
    cells: pd.DataFrame
    numbers: tuple[NumberRef, ...]
    provenance: dict[str, Any]
    labels: tuple[str, ...]
    withheld: tuple[tuple[str, int], ...] = ()  # (section id, sentences left out under SDC)


#: The document skeleton: (section id, template, annex?). A section whose template the
#: framework lacks is left out; titles come from each template's first '# ' line.
SKELETON = (
    ("summary", "summary.j2", False),
    ("introduction", "introduction.j2", False),
    ("findings", "findings.j2", False),
    ("comparison", "comparison.j2", False),
    ("conclusion", "conclusion.j2", False),
    ("methodology", "methodology.j2", True),
    ("outputs", "outputs.j2", True),
)
_UNNUMBERED = {"summary"}
#: Wording with digits that is not data (skipped by the numbers check, like the round name).
FIXED_PHRASES = ("95% interval", "95% confidence interval", "95% Wilson interval")
#: Sections where "significant" must come from the ``significant`` helper.
_CHECKED_SIGNIFICANCE = {"summary", "introduction", "findings", "comparison", "conclusion"}


def template_dir(framework: Framework) -> Path:
    """Where a framework's bulletin templates live: ``<companion_dir>/bulletin/``."""
    return framework.companion_dir / "bulletin"


def build_bulletin(
    cases: pd.DataFrame,
    framework: Framework,
    *,
    previous: pd.DataFrame | None = None,
    previous_framework: Framework | None = None,
    title: str | None = None,
    suppress: int | None = None,
    themes: pd.DataFrame | None = None,
    examples: pd.DataFrame | None = None,
    significance: str = "stepwise",
    round_name: str | None = None,
    previous_round_name: str | None = None,
    inspections: pd.DataFrame | None = None,
    report: TablesReport | None = None,
) -> Bulletin:
    """Build the research bulletin of one round.

    Parameters
    ----------
    cases : pandas.DataFrame
        The round's validated cases (interchange format).
    framework : Framework
        Its framework; the templates are ``<companion_dir>/bulletin/*.j2``.
    previous, previous_framework : optional
        An earlier round and its framework: adds "Compared with the previous round" and a
        trend table through the crosswalk between the two frameworks.
    title : str, optional
        Default: the framework's title.
    suppress : int, optional
        Disclosure control: cells of fewer than this many cases are suppressed in the
        tables (with secondary suppression) and never mentioned in the text, nor is any
        number that would reveal them.
    themes : pandas.DataFrame, optional
        Enablers and barriers (columns ``theme``, ``kind`` enabler/barrier, ``n`` cases,
        ``quote``); without it the section is a marked placeholder.
    examples : pandas.DataFrame, optional
        Approved, pseudonymised practice examples (``case_id``, ``kind`` good/poor,
        ``text``); without it the section is a marked placeholder.
    significance : {"stepwise", "full", "gee", "none"}
        As for :func:`caseinspect.analysis.build_report`.
    round_name, previous_round_name : str, optional
        Default: the frameworks' ``round``.
    inspections : pandas.DataFrame, optional
        ``inspection_id`` with ``fieldwork`` (e.g. "March 2019") for Table A1.
    report : TablesReport, optional
        An already computed report of ``cases`` (saves computing it twice).

    Returns
    -------
    Bulletin

    Raises
    ------
    caseinspect.errors.UsageError
        For a framework without bulletin templates, a previous round without its
        framework or without a crosswalk.
    TemplateRuleError
        When a template breaks a language rule.
    """
    folder = template_dir(framework)
    if not (folder / "findings.j2").is_file():
        raise UsageError(
            f"framework {framework.id} has no bulletin templates: looked for {folder}/findings.j2",
            hint="see docs/bulletin.md for the templates a framework needs",
        )
    if (previous is None) != (previous_framework is None):
        raise UsageError("a previous round needs both its cases and its framework")
    round_name = round_name or framework.round or framework.id
    if report is None:
        report = build_report(cases, framework, significance=significance)  # type: ignore[arg-type]
    method_cells = _method_cells(cases, framework, report, suppress)
    bulletin_cells = extra_cells(cases, framework)
    theme_cells = _theme_cells(themes, len(cases))
    comparisons: tuple[Any, ...] = ()
    crosswalk = None
    if previous is not None and previous_framework is not None:
        from ._compare import compare_rounds, load_crosswalk, trend_cells

        crosswalk = load_crosswalk(previous_framework, framework)
        comparisons = compare_rounds(previous, previous_framework, cases, framework, crosswalk)
        previous_round_name = (
            previous_round_name or previous_framework.round or previous_framework.id
        )
        trend = trend_cells(comparisons, previous_round_name, round_name)
    else:
        trend = None
    if suppress:
        report = suppress_report(report, suppress)
        bulletin_cells = suppress_bulletin_cells(bulletin_cells, suppress)
        theme_cells = _suppress_themes(theme_cells, suppress)
        if trend is not None:
            trend = _suppress_trend(trend, suppress)
    frames = [report.cells, bulletin_cells, theme_cells, method_cells]
    if trend is not None:
        frames.append(trend)
    cells = pd.concat([f for f in frames if len(f)], ignore_index=True)
    if "suppressed" not in cells.columns:
        cells["suppressed"] = ""
    cells["suppressed"] = cells["suppressed"].fillna("").astype(str)

    view = Cells(cells, framework)
    recorder = Recorder()
    available = _figure_keys(report)
    figures = Figures(available=tuple(available), first=report.framework.layout.first_figure_number)
    context = {
        "cells": view,
        "models": Models(report.models, framework, significance),
        "profile": Profile(view, framework),
        "comparisons": comparison_views(view, comparisons),
        "framework": {
            "id": framework.id,
            "title": framework.title,
            "version": framework.version,
            "round": round_name,
            "tables": [_table_context(framework, t) for t in framework.tables],
        },
        "round": round_name,
        "previous_round": previous_round_name,
        "significance": significance,
        "controlling": "when controlling for the other variables",
        "suppress": suppress,
        "themes": _theme_rows(themes, view),
        "examples": _example_rows(examples),
        "unmapped": [
            (f"{previous_framework.item(item).label} ({item})", reason)
            if previous_framework is not None and item in previous_framework.item_codes
            else (item, reason)
            for item, reason in (crosswalk.unmapped if crosswalk else ())
        ],
        "crosswalk": crosswalk.source.split("/framework/data/")[-1] if crosswalk else None,
        **filters(recorder, figures),
    }
    sections, numbers, withheld = _render_sections(folder, context, recorder, bool(comparisons))
    placed = _placed_figures(report, sections, figures)
    tables = _simple_tables(
        cases, framework, report, inspections, comparisons, view, round_name, previous_round_name
    )
    provenance = {
        **report.provenance.as_dict(),
        "bulletin": {
            "title": title or framework.title,
            "round": round_name,
            "previous_round": previous_round_name,
            "previous_framework": (
                {**previous_framework.provenance} if previous_framework is not None else None
            ),
            "crosswalk": crosswalk.source.split("/framework/data/")[-1] if crosswalk else None,
            "suppress": suppress,
            "themes": themes is not None,
            "examples": examples is not None,
            "numbers": len(numbers),
        },
    }
    if previous is not None:
        from ..cases import fingerprint_cases

        details: dict[str, Any] = provenance["bulletin"]  # type: ignore[assignment]
        details["previous_data_fingerprint"] = fingerprint_cases(previous)
    tables["A2"] = _provenance_table(provenance)
    named = {round_name, previous_round_name or "", framework.id, framework.version, __version__}
    named |= {framework.title, *FIXED_PHRASES}
    if previous_framework is not None:
        named.add(previous_framework.title)
    if previous_framework is not None:
        named |= {previous_framework.id, previous_framework.version}
    for fw in (framework, previous_framework):
        for variable in fw.profile if fw is not None else ():
            named |= {c for c in variable.categories if re.search(r"\d", c)}
    labels = tuple(sorted(named - {""}))
    return Bulletin(
        title=title or framework.title,
        subtitle=f"Research bulletin: the {round_name} round",
        framework=framework,
        sections=sections,
        figures=placed,
        tables=tables,
        report=report,
        cells=cells,
        numbers=tuple(numbers),
        provenance=provenance,
        labels=labels,
        withheld=tuple(withheld),
    )


def _table_context(framework: Framework, spec: Any) -> dict[str, Any]:
    from ..reports._figures import table_number

    first = spec.columns[0]
    return {
        "id": spec.id,
        "number": table_number(spec.id),
        "title": spec.title,
        "kind": spec.kind,
        "question": first.question,
        "label": framework.item(first.item).label,
        "columns": [c.label for c in spec.columns],
    }


# --- rendering the templates -----------------------------------------------------------------
def _environment(folder: Path) -> Any:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    return Environment(
        loader=FileSystemLoader(str(folder)),
        autoescape=False,  # noqa: S701 - plain text out; the HTML renderer escapes it
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _render_sections(
    folder: Path, context: dict[str, Any], recorder: Recorder, compare: bool
) -> tuple[tuple[Section, ...], list[NumberRef], list[tuple[str, int]]]:
    env = _environment(folder)
    for name in ("pct", "phrase", "n", "cases", "value", "magnitude", "p", "ratio", "whole"):
        if name in context:
            env.filters[name] = context[name]
    env.filters["lc"] = lower_label
    sections = []
    numbers: list[NumberRef] = []
    withheld: list[tuple[str, int]] = []
    number = 0
    annex = 0
    for section_id, template, is_annex in SKELETON:
        if section_id == "comparison" and not compare:
            continue
        if not (folder / template).is_file():
            continue
        recorder.section = section_id
        text = env.get_template(template).render(**context)
        title, blocks = _parse(text)
        if section_id in _CHECKED_SIGNIFICANCE:
            _check_significance(blocks, template)
        resolved = []
        before = recorder.withheld
        for block in blocks:
            new, refs = _resolve_block(block, recorder)
            numbers += refs
            if new is not None:
                resolved.append(new)
        if recorder.withheld > before:
            withheld.append((section_id, recorder.withheld - before))
        if is_annex:
            title = f"Annex {chr(ord('A') + annex)}: {title}"
            annex += 1
        elif section_id not in _UNNUMBERED:
            number += 1
            title = f"{number}. {title}"
            resolved = _number_subsections(resolved, number)
        placeholder = bool(resolved) and all(
            b.role == "placeholder" for b in resolved if b.kind in ("p", "ul")
        )
        sections.append(Section(section_id, title, tuple(resolved), placeholder, is_annex))
    return tuple(sections), numbers, withheld


def _number_subsections(blocks: list[Block], number: int) -> list[Block]:
    """'2.1 The cases inspected', '2.2.1 Needs': subsection numbers as the bulletins print."""
    out, sub, subsub = [], 0, 0
    for block in blocks:
        if block.kind == "h" and block.level == 3:
            sub, subsub = sub + 1, 0
            block = dataclasses.replace(block, text=f"{number}.{sub} {block.text}")
        elif block.kind == "h" and block.level == 4 and sub:
            subsub += 1
            block = dataclasses.replace(block, text=f"{number}.{sub}.{subsub} {block.text}")
        out.append(block)
    return out


def lower_label(label: str) -> str:
    """'Thinking and behaviour' -> 'thinking and behaviour'; 'ETE' stays 'ETE'.

    Examples
    --------
    >>> lower_label("Drug misuse"), lower_label("ETE"), lower_label("RoSH level")
    ('drug misuse', 'ETE', 'RoSH level')
    """
    first = label.split(" ", 1)[0]
    if any(c.isupper() for c in first[1:]):  # an acronym (ETE, NPS, OGRS, RoSH) keeps its case
        return label
    return label[:1].lower() + label[1:]


_SIG = re.compile(r"\bsignifican", re.I)


def _check_significance(blocks: list[Block], template: str) -> None:
    for block in blocks:
        if block.role != "prose":
            continue  # quotes, examples and notes are others' words, not findings
        for text in (block.text, *block.items):
            for sentence in split_sentences(text):
                if _SIG.search(sentence.replace(SIG_MARK + "significant", "")):
                    raise TemplateRuleError(
                        f"{template}: 'significant' printed without the significant() helper in: "
                        f"{sentence.replace(SIG_MARK, '')!r}"
                    )


def _resolve_block(block: Block, recorder: Recorder) -> tuple[Block | None, list[NumberRef]]:
    if block.kind == "p":
        text, refs = resolve(block.text, recorder)
        if not text.strip():
            return None, refs
        return dataclasses.replace(block, text=text), refs
    if block.kind == "ul":
        items: list[str] = []
        item_refs: list[NumberRef] = []
        for item in block.items:
            text, found = resolve(item, recorder)
            if text.strip():
                items.append(text)
                item_refs += found
        if not items:
            return None, item_refs
        return dataclasses.replace(block, items=tuple(items)), item_refs
    return block, []


def _parse(text: str) -> tuple[str, list[Block]]:
    """Template output → title and blocks (see docs/bulletin.md, "Template syntax")."""
    title = ""
    blocks: list[Block] = []
    paragraph: list[str] = []
    bullets: list[str] = []
    role: Role = "prose"

    def flush() -> None:
        nonlocal paragraph, bullets, role
        if paragraph:
            blocks.append(Block("p", " ".join(paragraph), role=role))
        if bullets:
            blocks.append(Block("ul", items=tuple(bullets), role=role))
        paragraph, bullets, role = [], [], "prose"

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith("# ") and not title:
            title = line[2:].strip()
        elif line.startswith("### "):
            flush()
            blocks.append(Block("h", line[4:].strip(), level=4))
        elif line.startswith("## "):
            flush()
            blocks.append(Block("h", line[3:].strip(), level=3))
        elif line.startswith("::figure "):
            flush()
            blocks.append(Block("figure", ref=line.split(maxsplit=1)[1]))
        elif line.startswith("::table "):
            flush()
            blocks.append(Block("table", ref=line.split(maxsplit=1)[1]))
        elif line.startswith("::placeholder"):
            flush()
            role = "placeholder"
            rest = line[len("::placeholder") :].strip()
            if rest:
                paragraph.append(rest)
        elif line.startswith("::note"):
            flush()
            role = "note"
            rest = line[len("::note") :].strip()
            if rest:
                paragraph.append(rest)
        elif line.startswith("::example"):
            flush()
            role = "example"
            rest = line[len("::example") :].strip()
            if rest:
                paragraph.append(rest)
        elif line.startswith("- "):
            if paragraph:
                current_role = role
                flush()
                role = current_role
            bullets.append(line[2:].strip())
        else:
            if bullets:
                current_role = role
                flush()
                role = current_role
            paragraph.append(line)
    flush()
    return title or "Untitled", blocks


# --- figures -------------------------------------------------------------------------------
def figure_key(spec: Any) -> str:
    """The key templates use for a figure: its tables and what its bars compare.

    ``C1:provider`` (CRC vs NPS), ``C1:risk`` (mean by risk levels), ``C3+C4:stages``,
    ``C5:all`` (all cases), ``C3+C4:likelihood`` (by likelihood of reoffending).
    """
    tables = "+".join(sorted({r.table for s in spec.refs for r in s}))
    if spec.series == ("CRC", "NPS"):
        kind = "provider"
    elif spec.measure == "mean":
        kind = "risk"
    elif spec.series == ("All cases",):
        kind = "all"
    elif spec.refs and spec.refs[0] and spec.refs[0][0].variable == "likelihood_of_reoffending":
        kind = "likelihood"
    else:
        kind = "stages"
    return f"{tables}:{kind}"


def _figure_keys(report: TablesReport) -> list[str]:
    from ..reports._figures import plan_figures

    return [figure_key(spec) for spec in plan_figures(report.framework)]


def _placed_figures(
    report: TablesReport, sections: tuple[Section, ...], figures: Figures
) -> dict[str, FigureBlock]:
    from ..reports import figure_png, report_figures

    wanted = {b.ref for s in sections for b in s.blocks if b.kind == "figure"}
    for key in wanted:
        figures.number(key)
    placed = {}
    for data in report_figures(report):
        key = figure_key(data.spec)
        if key in wanted:
            number = figures.keys[key]
            alt = data.alt_text
            placed[key] = FigureBlock(
                key, number, data.spec.title, alt, figure_png(data, title=False)
            )
    return placed


# --- the bulletin's own cells ---------------------------------------------------------------
def _method_cells(
    cases: pd.DataFrame, framework: Framework, report: TablesReport, threshold: int | None
) -> pd.DataFrame:
    """Settings and design facts the methodology quotes, as cells of table ``M``."""
    settings = dict(report.provenance.settings)
    rows: list[tuple[str, float | None, int | None]] = []
    sampling = framework.sampling
    if sampling is not None:
        from ..sampling import sample_size

        rows.append(("confidence", 100 * sampling.confidence, None))
        rows.append(("margin", 100 * sampling.margin, None))
        size = sample_size(
            10**9,
            confidence=sampling.confidence,
            margin=sampling.margin,
            proportion=sampling.proportion,
        )
        rows.append(("sample_size_large", float(size.n), None))
    per_inspection = (
        cases.groupby("inspection_id").size()
        if "inspection_id" in cases.columns and len(cases)
        else pd.Series(dtype=int)
    )
    rows.append(("inspections", float(len(per_inspection)), None))
    rows.append(
        (
            "providers",
            float(cases["provider"].nunique()) if "provider" in cases.columns else 0.0,
            None,
        )
    )
    if len(per_inspection):
        rows.append(("cases_min", float(per_inspection.min()), None))
        rows.append(("cases_median", float(statistics.median(per_inspection.tolist())), None))
        rows.append(("cases_max", float(per_inspection.max()), None))
    rows.append(("cases", float(len(cases)), None))
    for key in ("pin", "pout", "alpha"):
        if key in settings:
            rows.append((key, float(settings[key]), None))
    # Listwise deletion for a sub-group value not recorded (ModelSummary.n_missing_subgroup;
    # older summaries only carry the engine's n_excluded).
    excluded = [_missing_subgroup(m) for m in report.models]
    if excluded:
        rows.append(("excluded_max", float(max(excluded)), None))
        rows.append(("excluded_min", float(min(excluded)), None))
    rows.append(("models", float(len(report.models)), None))
    if threshold:
        rows.append(("suppress", float(threshold), None))
    frame = pd.DataFrame(
        [("M", q, "all", "all", "All cases", None, None, v) for q, v, _ in rows],
        columns=["table", "question", "provider_split", "variable", "category", "n", "yes", "pct"],
    )
    frame["n"] = frame["n"].astype("Int64")
    frame["yes"] = frame["yes"].astype("Int64")
    return frame


def _missing_subgroup(model: Any) -> int:
    count = getattr(model, "n_missing_subgroup", None)
    if count is None:
        count = (model.result or {}).get("n_excluded")
    return int(count or 0)


def _theme_overall(themes: pd.DataFrame) -> pd.DataFrame:
    """The 'All cases' rows of a themes table (``caseinspect themes``' themes.csv layout:
    ``theme, label, kind, variable, category, n, count, pct, mentions, suppressed``); a
    plain ``theme, kind, n`` table is taken as it is (``n`` then counts the cases)."""
    if "variable" in themes.columns:
        themes = themes[themes["variable"].astype(str).eq("all")]
    return themes.reset_index(drop=True)


def _theme_cells(themes: pd.DataFrame | None, total: int) -> pd.DataFrame:
    columns = ["table", "question", "provider_split", "variable", "category", "n", "yes", "pct"]
    if themes is None or not len(themes):
        return pd.DataFrame(columns=[*columns, "suppressed"])
    from ..analysis import round_half_up

    rows = []
    for row in _theme_overall(themes).to_dict("records"):
        if "count" in row:
            count, base = _opt_count(row.get("count")), _opt_count(row.get("n"))
        else:
            count, base = _opt_count(row.get("n")), total
        hidden = str(row.get("suppressed", "") or "") not in ("", "nan") or count is None
        pct = (
            float(round_half_up(count, base))
            if base and count is not None and not hidden
            else np.nan
        )
        rows.append(
            (
                "TH",
                str(row["theme"]),
                "all",
                "all",
                "All cases",
                base,
                None if hidden else count,
                pct,
                "primary" if hidden else "",
            )
        )
    frame = pd.DataFrame(rows, columns=[*columns, "suppressed"])
    frame["n"] = frame["n"].astype("Int64")
    frame["yes"] = frame["yes"].astype("Int64")
    return frame


def _opt_count(value: Any) -> int | None:
    try:
        return None if value is None or value == "" or pd.isna(value) else int(float(value))
    except (TypeError, ValueError):
        return None


def _theme_rows(themes: pd.DataFrame | None, view: Cells) -> list[dict[str, Any]]:
    if themes is None:
        return []
    out = []
    for row in _theme_overall(themes).to_dict("records"):
        quote = row.get("quote", row.get("text", "")) or ""
        out.append(
            {
                "theme": str(row["theme"]),
                "kind": str(row.get("kind", "")),
                "label": str(row.get("label", row["theme"])),
                "quote": "" if pd.isna(quote) else " ".join(str(quote).split()),
                "cell": view.get("TH", str(row["theme"])),
            }
        )
    return out


def _example_rows(examples: pd.DataFrame | None) -> list[dict]:
    if examples is None:
        return []
    return [
        {"case_id": str(r.case_id), "kind": str(r.kind), "text": " ".join(str(r.text).split())}
        for r in examples.itertuples(index=False)
    ]


def _suppress_themes(cells: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """A theme coded in fewer than ``threshold`` cases is not mentioned (themes overlap, so
    no total reveals one: primary suppression only)."""
    cells = cells.copy()
    small = cells["yes"].fillna(0).astype(int).lt(threshold) & cells["yes"].notna()
    cells.loc[small, "suppressed"] = "primary"
    cells.loc[small, "pct"] = np.nan
    cells.loc[small, "yes"] = pd.NA
    return cells


def suppress_bulletin_cells(cells: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """Primary suppression of counts below ``threshold``; secondary within a profile variable
    or a number-per-case distribution (their categories add up to the total)."""
    cells = cells.copy()
    if not len(cells):
        cells["suppressed"] = pd.Series(dtype=str)
        return cells
    yes = cells["yes"].fillna(0).astype(int).to_numpy()
    status = np.where((yes > 0) & (yes < threshold), "primary", "").astype(object)
    exclusive = cells["table"].eq("P") | (
        cells["table"].str.startswith("N") & cells["question"].ne("two_or_more")
    )
    for _, group in cells[exclusive].groupby(["table", "variable"]).groups.items():
        positions = [cells.index.get_loc(i) for i in group]
        hidden = [p for p in positions if status[p]]
        if len(hidden) == 1:
            rest = sorted(
                (p for p in positions if not status[p] and yes[p] > 0), key=lambda p: (yes[p], p)
            )
            if rest:
                status[rest[0]] = "secondary"
    # "Two or more" = total - none - one: hide it when either of those is hidden.
    for table in cells.loc[cells["table"].str.startswith("N"), "table"].unique():
        mask = cells["table"].eq(table)
        parts = cells.index[mask & cells["question"].isin(["none", "one"])]
        if any(status[cells.index.get_loc(i)] for i in parts):
            for i in cells.index[mask & cells["question"].eq("two_or_more")]:
                status[cells.index.get_loc(i)] = status[cells.index.get_loc(i)] or "secondary"
    hidden_mask = status != ""
    cells.loc[hidden_mask, "pct"] = np.nan
    cells["n"] = cells["n"].astype("Int64")
    cells["yes"] = cells["yes"].astype("Int64")
    cells.loc[hidden_mask, "yes"] = pd.NA
    cells["suppressed"] = status.astype(str)
    return cells


def _suppress_trend(trend: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """A comparison of a round with fewer than ``threshold`` applicable cases is withheld whole."""
    trend = trend.copy()
    trend["suppressed"] = ""
    rounds = trend[trend["variable"].eq("round")]
    small = set(rounds.loc[rounds["n"].fillna(0).astype(int) < threshold, "question"])
    hide = trend["question"].isin(small)
    trend.loc[hide, "suppressed"] = "primary"
    trend.loc[hide, "pct"] = np.nan
    return trend


# --- small tables ----------------------------------------------------------------------------
def _simple_tables(
    cases: pd.DataFrame,
    framework: Framework,
    report: TablesReport,
    inspections: pd.DataFrame | None,
    comparisons: tuple[Any, ...],
    view: Cells,
    round_name: str,
    previous_round_name: str | None,
) -> dict[str, SimpleTable]:
    tables: dict[str, SimpleTable] = {}
    tables["A1"] = _inspections_table(cases, inspections, view, framework)
    for spec in framework.tables:
        if spec.kind == "prevalence" and view.get(f"N{spec.id}", "none").n is not None:
            from ._cells import PER_CASE

            noun = spec.mean_row.label.replace("Mean number of ", "") if spec.mean_row else "items"
            rows = []
            for question, label, _, _ in PER_CASE:
                cell = view.get(f"N{spec.id}", question)
                rows.append((label, _count_text(cell), _pct_text(cell)))
            tables[f"N{spec.id}"] = SimpleTable(
                f"N{spec.id}",
                f"Table N{spec.id}: Number of {noun} per case",
                (f"Number of {noun}", "Cases", "% of cases"),
                tuple(rows),
                (
                    f"Base: all {view.get(f'N{spec.id}', 'none').n or 0:,} cases."
                    if not view.get(f"N{spec.id}", "none").suppressed
                    else "",
                ),
                (False, True, True),
            )
    if comparisons:
        trend_rows: list[tuple[str, ...]] = []
        for c in comparison_views(view, comparisons):
            trend_rows.append(
                (
                    c.label,
                    f"{c.previous_item} → {c.current_item}",
                    c.comparability,
                    _count_text(c.previous, base=True),
                    _pct_text(c.previous),
                    _count_text(c.current, base=True),
                    _pct_text(c.current),
                    _value_text(c.change, signed=True),
                    _interval_text(c.ci_low, c.ci_high),
                    _p_text(c.p_unadjusted),
                    _or_text(c),
                    _p_text(c.p_adjusted),
                )
            )
        tables["TR"] = SimpleTable(
            "TR",
            f"Table TR: Trend between the {previous_round_name} and {round_name} rounds (items mapped by the crosswalk)",
            (
                "Item",
                "Items (previous → current)",
                "Comparability",
                f"n {previous_round_name}",
                f"% yes {previous_round_name}",
                f"n {round_name}",
                f"% yes {round_name}",
                "Change (points)",
                "95% interval",
                "p (two-proportion, unadjusted)",
                "Odds ratio, current vs previous (95% CI), adjusted",
                "p (round term, adjusted)",
            ),
            tuple(trend_rows),
            (
                "Change: current minus previous percentage of applicable cases judged sufficient, with "
                "Newcombe's 95% interval. Unadjusted: pooled two-proportion z test. Adjusted: logistic "
                "regression of the judgement on a round term and the sub-group profile the frameworks share "
                "(likelihood-ratio test of the round term); cases with a sub-group value not recorded are "
                "left out of the adjusted model only.",
            ),
            (False, False, False, True, True, True, True, True, True, True, True, True),
        )
    return tables


def _provenance_table(provenance: dict[str, Any]) -> SimpleTable:
    bulletin = provenance["bulletin"]
    rows = [
        ("Framework", f"{provenance['framework']} version {provenance['framework_version']}"),
        ("Framework fingerprint", str(provenance["framework_fingerprint"])),
        ("Data fingerprint", str(provenance["data_fingerprint"])),
        ("Cases", f"{provenance['n_cases']:,}"),
        ("Software", f"caseinspect {provenance['software_version']}"),
        ("Significance", str(provenance["settings"].get("significance", ""))),
        (
            "Disclosure control",
            f"cells under {bulletin['suppress']} cases suppressed"
            if bulletin["suppress"]
            else "none",
        ),
    ]
    if bulletin.get("previous_framework"):
        prev = bulletin["previous_framework"]
        rows += [
            (
                "Previous round",
                f"{bulletin['previous_round']}: {prev['framework']} version {prev['framework_version']}",
            ),
            ("Previous framework fingerprint", str(prev["framework_fingerprint"])),
            ("Previous data fingerprint", str(bulletin.get("previous_data_fingerprint", ""))),
            ("Crosswalk", str(bulletin["crosswalk"])),
        ]
    return SimpleTable(
        "A2", "Table A2: Versions and fingerprints", ("", ""), tuple(rows), (), (False, False)
    )


def _inspections_table(
    cases: pd.DataFrame, inspections: pd.DataFrame | None, view: Cells, framework: Framework
) -> SimpleTable:
    columns = [c for c in ("inspection_id", "provider", "provider_type") if c in cases.columns]
    if not columns:
        return SimpleTable("A1", "Table A1: Inspections in the round", ("Inspection",), ())
    counts = cases.groupby(columns, sort=False).size().reset_index(name="cases")
    fieldwork = {}
    if inspections is not None and "fieldwork" in inspections.columns:
        fieldwork = dict(zip(inspections["inspection_id"], inspections["fieldwork"], strict=False))
    rows = []
    for row in counts.itertuples(index=False):
        d = row._asdict()
        rows.append(
            (
                str(d.get("provider", "")),
                str(d.get("provider_type", "")),
                str(fieldwork.get(d.get("inspection_id"), "not recorded")),
                f"{int(d['cases']):,}",
            )
        )
    rows.sort(key=lambda r: (r[1], r[0]))
    notes = (
        ()
        if fieldwork
        else (
            "Fieldwork months are not held in the case file; a named round of the web application records them.",
        )
    )
    return SimpleTable(
        "A1",
        "Table A1: Inspections in the round",
        ("Provider", "Type", "Fieldwork", "Cases"),
        tuple(rows),
        notes,
        (False, False, False, True),
    )


def _count_text(cell: Cell, base: bool = False) -> str:
    if cell.suppressed:
        return "*"
    value = cell.n if base else cell.yes
    return "-" if value is None else f"{int(value):,}"


def _pct_text(cell: Cell) -> str:
    if cell.suppressed:
        return "*"
    return "-" if cell.value is None else f"{cell.value:.1f}%"


def _value_text(cell: Cell, signed: bool = False) -> str:
    if cell.suppressed:
        return "*"
    if cell.value is None:
        return "-"
    from ._numbers import format_value

    text = format_value("value1", n=None, yes=None, value=cell.value)
    return f"+{text}" if signed and not text.startswith("-") and text != "0.0" else text


def _interval_text(low: Cell, high: Cell) -> str:
    if low.suppressed or high.suppressed:
        return "*"
    if low.value is None or high.value is None:
        return "-"
    return f"{_value_text(low)} to {_value_text(high)}"


def _p_text(cell: Cell) -> str:
    if cell.suppressed:
        return "*"
    if cell.value is None:
        return "-"
    from ._numbers import format_value

    return (
        format_value("p", n=None, yes=None, value=cell.value)
        .removeprefix("p = ")
        .removeprefix("p ")
    )


def _or_text(c: ComparisonView) -> str:
    if c.odds_ratio.suppressed:
        return "*"
    if c.odds_ratio.value is None:
        return "not estimable"
    from ._numbers import format_value

    def f(x: float | None) -> str:
        return "-" if x is None else format_value("value2", n=None, yes=None, value=x)

    return f"{f(c.odds_ratio.value)} ({f(c.or_ci_low.value)} to {f(c.or_ci_high.value)})"
