"""tables.html: the annex layout and the accessible, self-contained page."""

from __future__ import annotations

import re

import pytest

from caseinspect.analysis._disclosure import suppress_report
from caseinspect.reports import write_html
from caseinspect.reports._html import OGL_NOTE, annex_layout, render_html

from .conftest import find_cell, parse_html


@pytest.fixture(scope="module")
def hmip_html(hmip_report):
    return render_html(hmip_report)


@pytest.fixture(scope="module")
def qi_html(qi_report):
    return render_html(qi_report)


def table_node(html: str, table_id: str):
    section = parse_html(html).find("section", id=f"table-{table_id}")
    return section.find("table")


def row_cells(table, group: str | None, category: str):
    """The <td>s of one row, found by its row headers (rowgroup label spans its rows)."""
    current = None
    for body in table.find_all("tbody"):
        for tr in body.find_all("tr"):
            heads = tr.find_all("th")
            for th in heads:
                if th.attrs.get("scope") == "rowgroup":
                    current = th.text().strip()
            label = heads[-1].text().strip()
            if (group is None and label == "All cases") or (current == group and label == category):
                return tr.find_all("td")
    raise AssertionError(f"no row {group}/{category}")


# --- the layout ------------------------------------------------------------------------------
def test_layout_of_a_split_table(qi_report):
    t1 = annex_layout(qi_report)[0]
    assert t1.caption.startswith("Table 1: Inspector judgements regarding the identification")
    assert [[(h.label, h.span) for h in row] for row in t1.header] == [
        [("Were barriers to effective engagement sufficiently identified?", 6)],
        [("All cases", 2), ("CRC cases", 2), ("NPS cases", 2)],
        [("n", 1), ("% yes", 1)] * 3,
    ]
    assert t1.column_kinds == ("n", "pct") * 3
    assert [g.label for g in t1.groups] == [
        None,
        "Gender",
        "Age group",
        "Ethnic group",
        "Supervision type",
        "OGRS band",
        "RoSH level",
    ]
    assert [r.label for r in t1.groups[-1].rows] == ["Low", "Medium", "High/Very high"]


def test_layout_of_prevalence_and_percent_only_tables(hmip_report, hmip):
    tables = {t.id: t for t in annex_layout(hmip_report)}
    c1 = tables["C1"]
    assert [h.label for h in c1.header[0]] == [
        "n",
        *[c.label for c in hmip.table("C1").columns],
        "Mean number of needs",
    ]
    assert c1.column_kinds == ("n",) + ("pct",) * 8 + ("mean",)
    all_row = c1.groups[0].rows[0]
    mean = find_cell(hmip_report, "C1", "mean_number_of_needs", "all", "All cases")
    assert all_row.cells[0].text == f"{mean['n']:,}"
    assert all_row.cells[-1].text == f"{mean['pct']:.1f}"
    assert tables["C5"].column_kinds == ("pct",) * 8
    assert len(tables["C5"].header) == 1


# --- the page ------------------------------------------------------------------------------
def test_tables_are_accessible(qi_html):
    table = table_node(qi_html, "T1")
    assert table.find("caption").text().startswith("Table 1:")
    head = table.find("thead")
    scopes = [th.attrs.get("scope") for th in head.find_all("th")]
    assert scopes.count("colgroup") == 4 and scopes.count("col") == 6
    rowgroups = [th.text() for th in table.find_all("th", scope="rowgroup")]
    assert rowgroups == [
        "Gender",
        "Age group",
        "Ethnic group",
        "Supervision type",
        "OGRS band",
        "RoSH level",
    ]
    assert table.find("th", scope="rowgroup").attrs["rowspan"] == "2"  # Male, Female
    assert len(table.find_all("tbody")) == 7  # 'All cases' + 6 breakdowns


def test_values_and_dash_cells(qi_html, qi_report):
    table = table_node(qi_html, "T1")
    question = "barriers_to_engagement_identified"
    tds = row_cells(table, "RoSH level", "High/Very high")
    crc_n, crc_pct = tds[2], tds[3]
    assert crc_n.visible_text() == "-" and crc_pct.visible_text() == "-"
    assert (
        "empty" in crc_pct.classes()
        and crc_pct.find("span", **{"class": "vh"}).text() == "no cases"
    )
    expected = find_cell(qi_report, "T1", question, "rosh", "High/Very high", "NPS")
    assert tds[4].visible_text() == f"{expected['n']:,}"
    assert tds[5].visible_text() == f"{expected['pct']:.1f}%"
    # Hover text gives the 95% interval.
    assert (
        tds[5].attrs["title"]
        == f"95% confidence interval {expected['ci_low']:.1f}% to {expected['ci_high']:.1f}%"
    )


def test_significant_cells_are_shaded_bold_and_announced(hmip_html, hmip_report, hmip):
    cells = hmip_report.cells
    record = cells[(cells.table == "C3") & cells.significant & (cells.n > 0)].iloc[0]
    labels = {v.table_variable: v.label for v in hmip.profile}
    tds = row_cells(table_node(hmip_html, "C3"), labels[record.variable], record.category)
    index = [c.question for c in hmip.table("C3").columns].index(record.question)
    n_td, pct_td = tds[2 * index], tds[2 * index + 1]
    assert "sig" in n_td.classes() and "sig" in pct_td.classes()
    assert pct_td.visible_text() == f"{record.pct:.1f}%"
    assert "(significant difference)" in pct_td.text()  # for screen readers
    # ...and colour is not the only cue: the style sheet makes them bold.
    assert re.search(r"td\.sig \{[^}]*font-weight: bold", hmip_html)
    plain = cells[
        (cells.table == "C3") & ~cells.significant & (cells.variable != "all") & (cells.n > 0)
    ].iloc[0]
    tds = row_cells(table_node(hmip_html, "C3"), labels[plain.variable], plain.category)
    index = [c.question for c in hmip.table("C3").columns].index(plain.question)
    assert "sig" not in tds[2 * index + 1].classes()


def test_notes_under_the_table(qi_html):
    section = parse_html(qi_html).find("section", id="table-T1")
    notes = [li.text() for li in section.find("ul").find_all("li")]
    assert notes[0].startswith("N.B. Shaded cells indicate")
    assert "- No applicable cases." in notes


def test_self_contained_and_escaped(qi_html, qi_report):
    assert "<script" not in qi_html
    assert not re.search(r"""(src|href)=["']https?://""", qi_html)
    assert 'href="#table-T1"' in qi_html
    # Autoescaping: the apostrophe of "service user's" is escaped, not raw markup.
    assert "service user&#39;s individual diversity" in qi_html


def test_figures_inline_with_alt_text(hmip_html):
    page = parse_html(hmip_html)
    figures = page.find("section", id="figures").find_all("figure")
    assert len(figures) == 10
    img = figures[0].find("img")
    assert img.attrs["src"].startswith("data:image/png;base64,")
    assert img.attrs["alt"].startswith("Horizontal bar chart. Prevalence of needs by provider")
    assert (
        figures[0].find("figcaption").text()
        == "Figure 2: Prevalence of needs by provider (NPS vs CRC)"  # 2020/03 starts at 2
    )


def test_model_appendix_and_provenance(hmip_html, hmip_report):
    page = parse_html(hmip_html)
    models = page.find("section", id="models").find_all("div", **{"class": "model"})
    assert len(models) == len(hmip_report.models)
    assert any("Odds ratio" in m.text() for m in models)
    assert all("Cases in the model" in m.text() for m in models)
    assert all(hmip_report.shading.description in m.text() for m in models)
    footer = page.find("footer").text()
    assert hmip_report.provenance.data_fingerprint in footer
    assert hmip_report.provenance.framework_fingerprint in footer
    assert OGL_NOTE not in hmip_html


def test_crown_copyright_note_when_asked(qi_report):
    assert OGL_NOTE in render_html(qi_report, figures=False, crown_copyright=True)


def test_suppressed_cells(qi_report):
    report = suppress_report(qi_report, 30)
    html = render_html(report, figures=False)
    cells = report.cells
    record = cells[(cells.table == "T1") & (cells.suppressed == "primary")].iloc[0]
    labels = {v.table_variable: v.label for v in report.framework.profile}
    tds = row_cells(table_node(html, "T1"), labels[record.variable], record.category)
    block = ["all", "CRC", "NPS"].index(record.provider_split)
    assert tds[2 * block].visible_text() == "*" and tds[2 * block + 1].visible_text() == "*"
    assert "suppressed" in tds[2 * block + 1].text()
    assert "fewer than 30 cases" in html
    assert 'id="models"' not in html  # withheld under disclosure control


def test_byte_identical_for_identical_reports(qi_report, tmp_path):
    first = write_html(qi_report, tmp_path / "a.html").read_bytes()
    second = write_html(qi_report, tmp_path / "b.html").read_bytes()
    assert first == second


def test_reading_note_names_the_method_and_the_interval_annex(hmip_html, hmip_report):
    page = parse_html(hmip_html)
    reading = page.find("section", **{"aria-labelledby": "reading"}).text()
    assert hmip_report.shading.description in reading
    assert "95% Wilson score interval" in reading
    annex = page.find("section", id="intervals")
    c5 = annex.find("table", **{"class": "ci"})
    assert "n " in c5.text()


@pytest.mark.parametrize(
    ("settings", "words"),
    [
        ({"significance": "full"}, ("likelihood-ratio test", "every sub-group variable entered")),
        ({"significance": "gee"}, ("cluster-robust Wald", "provider")),
        ({"significance": "stepwise", "fdr": True}, ("Benjamini-Hochberg", "same table")),
    ],
)
def test_every_method_labels_itself(qi, settings, words):
    from caseinspect.analysis import build_report

    from .conftest import random_cases

    report = build_report(random_cases(qi, n=300, seed=5), qi, **settings)
    html = render_html(report, figures=False)
    page = parse_html(html)
    reading = page.find("section", **{"aria-labelledby": "reading"}).text()
    notes = page.find("section", id="table-T1").find("ul").text()
    appendix = page.find("section", id="models").text()
    for text in (reading, notes, appendix):
        for word in words:
            assert word in text
    if settings["significance"] != "stepwise":
        assert "retained in the final model" not in html


def test_small_cells_are_marked_unreliable(hmip):
    from caseinspect.analysis import build_report

    from .conftest import random_cases

    report = build_report(random_cases(hmip, n=90, seed=3), hmip, significance="none")
    html = render_html(report, figures=False)
    table = table_node(html, "C3")
    marked = [td for td in table.find_all("td") if "†" in td.visible_text()]
    cells = report.cells
    small = cells[(cells.table == "C3") & (cells.n > 0) & (cells.n < 10)]
    assert len(marked) == len(small) > 0
    assert all("unreliable" in td.text() for td in marked)
    assert "Fewer than 10 applicable cases" in table.parent.parent.text()


def test_few_clusters_are_warned_about_in_the_reading_note(qi):
    from caseinspect.analysis import build_report

    from .conftest import random_cases

    report = build_report(random_cases(qi, n=300, seed=5), qi, significance="gee")
    warnings = {w for m in report.models for w in m.warnings if "cluster" in w.lower()}
    assert warnings  # 6 providers in the fixture
    reading = parse_html(render_html(report, figures=False)).find(
        "section", **{"aria-labelledby": "reading"}
    )
    for warning in warnings:
        assert warning in reading.text()
