"""The public layout API: annex layout and figures through ``caseinspect.reports`` only."""

from __future__ import annotations

import ast
import doctest
from pathlib import Path

import pytest

import caseinspect.reports as reports
from caseinspect.reports import _figures, _layout

SRC = Path(reports.__file__).resolve().parents[1]


def test_public_names_are_exported_with_docstrings():
    for name in (
        "annex_layout",
        "report_figures",
        "figure_png",
        "AnnexTable",
        "GridCell",
        "GridRow",
        "HeaderCell",
        "RowGroup",
        "FigureData",
        "FigureSpec",
        "CellRef",
    ):
        assert name in reports.__all__
        assert getattr(reports, name).__doc__, name
    for name in ("annex_layout", "report_figures", "figure_png"):
        doc = getattr(reports, name).__doc__
        assert (
            "Parameters\n    ----------" in doc
            and "Returns\n    -------" in doc
            and "Examples" in doc
        ), name


def test_public_layout_is_what_the_renderers_print(hmip_report):
    tables = reports.annex_layout(hmip_report)
    assert [t.id for t in tables] == [spec.id for spec in hmip_report.framework.tables]
    assert all(isinstance(t, reports.AnnexTable) for t in tables)
    first = tables[0].groups[0]
    assert first.label is None and first.rows[0].label == "All cases"
    assert isinstance(first.rows[0].cells[0], reports.GridCell)


def test_public_figures_draw_png(hmip_report):
    figures = reports.report_figures(hmip_report)
    assert figures and all(isinstance(f, reports.FigureData) for f in figures)
    png = reports.figure_png(figures[0], title=False)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert png == reports.figure_png(figures[0], title=False)


@pytest.mark.parametrize("module", [_layout, _figures], ids=lambda m: m.__name__)
def test_docstring_examples(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


def _imports(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            names += [base] + [f"{base}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
    return names


def test_web_layer_uses_only_public_report_names():
    offenders = [
        (str(path.relative_to(SRC)), name)
        for path in (SRC / "web").rglob("*.py")
        for name in _imports(path)
        if "reports._" in name
    ]
    assert offenders == []


def test_xlsx_renderer_reads_the_shared_layout_not_the_html_module():
    names = _imports(SRC / "reports" / "_xlsx.py")
    assert "._layout" in names and "._html" not in names


def _framework_with_layout(tmp_path, layout):
    import yaml

    from caseinspect.framework import framework_path, load_framework

    doc = yaml.safe_load(framework_path("qi-2016").read_text(encoding="utf-8"))
    doc["layout"] = layout
    path = tmp_path / "fw.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return load_framework(path)


def test_layout_keys_are_framework_data(tmp_path):
    from caseinspect.analysis import build_report
    from caseinspect.reports._figures import plan_figures

    from .conftest import random_cases

    fw = _framework_with_layout(
        tmp_path,
        {"first_figure_number": 7, "unreliable_below": 0, "significance_note": "Own note."},
    )
    assert [f.number for f in plan_figures(fw)] == [7]
    report = build_report(random_cases(fw, n=40, seed=2), fw, significance="none")
    assert not any(cell.unreliable for t in _layout.annex_layout(report) for _, cell in t.cells())
    assert not any("unreliable" in note for note in report.notes)


def test_bad_layout_values_are_refused(tmp_path):
    from caseinspect.framework import FrameworkError

    with pytest.raises(FrameworkError) as info:
        _framework_with_layout(tmp_path, {"first_figure_number": 0, "unreliable_below": -1, "x": 1})
    text = str(info.value)
    assert "layout.first_figure_number" in text and "layout.unreliable_below" in text
    assert "unknown key 'x'" in text
