"""The bulletin figures: which figures, which numbers, and the files written."""

from __future__ import annotations

import pytest

from caseinspect.analysis._disclosure import suppress_report
from caseinspect.reports import write_figures, write_report
from caseinspect.reports._figures import figure_png, plan_figures, render_figure, report_figures

from .conftest import find_cell

HMIP_TITLES = [  # as 2020/03 titles its Figures 2-11
    "Prevalence of needs by provider (NPS vs CRC)",
    "Mean number of needs by risk levels – likelihood of reoffending and risk of serious harm",
    "Prevalence of strengths by provider (NPS vs CRC)",
    "Mean number of strengths by risk levels – likelihood of reoffending and risk of serious harm",
    "Sufficiency of assessment, planning and delivery in addressing needs and building upon strengths",
    "Sufficiency of delivery against identified needs",
    "Sufficiency of delivery in building upon identified strengths",
    "Sufficiency of assessment, planning and delivery in addressing needs, by provider (CRC vs NPS)",
    "Sufficiency of assessment, planning and delivery in building upon strengths, by provider (CRC vs NPS)",
    "Tailoring of delivery by service user's likelihood of reoffending",
]


def test_plans_follow_the_bulletins(hmip, qi):
    assert [f.title for f in plan_figures(hmip)] == HMIP_TITLES
    (qi_figure,) = plan_figures(qi)
    assert qi_figure.title == "Quality and sufficiency of assessment - CRC vs NPS cases"
    assert qi_figure.series == ("CRC", "NPS")
    assert qi_figure.groups[:2] == ("Barriers to engagement", "Diversity")


def test_prevalence_by_provider_reads_the_c1_cells(hmip_report, hmip):
    data = report_figures(hmip_report)[0]
    assert data.spec.series == ("CRC", "NPS")
    assert data.spec.groups == tuple(c.label for c in hmip.table("C1").columns)
    for s, provider in enumerate(("CRC", "NPS")):
        for g, column in enumerate(hmip.table("C1").columns):
            assert (
                data.values[s][g]
                == find_cell(hmip_report, "C1", column.question, "provider", provider)["pct"]
            )


def test_mean_by_risk_and_stages(hmip_report):
    figures = report_figures(hmip_report)
    means = figures[1]
    assert means.spec.measure == "mean" and means.spec.groups == ("Low", "Medium", "High/Very high")
    assert (
        means.values[1][2]
        == find_cell(hmip_report, "C1", "mean_number_of_needs", "rosh", "High/Very high")["pct"]
    )
    stages = figures[4]
    assert stages.spec.groups == ("Assessment", "Planning", "Delivery")
    assert stages.values[0] == tuple(
        find_cell(hmip_report, "C3", q, "all", "All cases")["pct"]
        for q in ("needs_assessment", "needs_planning", "needs_delivery")
    )
    assert (
        stages.values[1][2]
        == find_cell(hmip_report, "C4", "strengths_delivery", "all", "All cases")["pct"]
    )
    by_likelihood = figures[9]
    assert (
        by_likelihood.spec.series == ("Low", "Medium", "High/Very high")
        and by_likelihood.spec.ordered
    )
    assert (
        by_likelihood.values[2][0]
        == find_cell(
            hmip_report, "C3", "needs_delivery", "likelihood_of_reoffending", "High/Very high"
        )["pct"]
    )


def test_qi_figure_compares_the_provider_splits(qi_report):
    (data,) = report_figures(qi_report)
    assert (
        data.values[1][0]
        == find_cell(
            qi_report, "T1", "barriers_to_engagement_identified", "all", "All cases", "NPS"
        )["pct"]
    )


def test_bars_drawn_are_the_numbers(hmip_report):
    data = report_figures(hmip_report)[0]
    fig = render_figure(data)
    ax = fig.axes[0]
    widths = [round(p.get_width(), 6) for p in ax.patches]
    assert widths == [round(v, 6) for series in data.values for v in series]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["CRC", "NPS"]
    labels = [t.get_text() for t in ax.texts]
    assert f"{data.values[0][0]:.0f}%" in labels


def test_alt_text_lists_every_number(hmip_report):
    data = report_figures(hmip_report)[0]
    alt = data.alt_text
    assert alt.startswith("Horizontal bar chart. Prevalence of needs by provider (NPS vs CRC).")
    assert f"Accommodation: CRC {data.values[0][0]:.0f}%, NPS {data.values[1][0]:.0f}%." in alt


def test_suppressed_values_are_not_drawn(qi_report):
    report = suppress_report(qi_report, 10_000)  # everything below 10,000 cases: all suppressed
    assert report_figures(report) == ()
    report = suppress_report(qi_report, 30)
    (data,) = report_figures(report)
    assert all(v is not None for series in data.values for v in series)  # 'All cases' rows stay


def test_write_figures_png_and_svg_deterministic(qi_report, tmp_path):
    paths = write_figures(qi_report, tmp_path / "a")
    assert [p.name for p in paths] == [
        "figure-01-quality-and-sufficiency-of-assessment-crc-vs-nps-cases.png",
        "figure-01-quality-and-sufficiency-of-assessment-crc-vs-nps-cases.svg",
    ]
    assert paths[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = paths[1].read_text()
    assert "<svg" in svg and "Quality and sufficiency of assessment" in svg
    again = write_figures(qi_report, tmp_path / "b")
    assert [p.read_bytes() for p in paths] == [p.read_bytes() for p in again]


def test_png_in_html_has_no_title(qi_report):
    (data,) = report_figures(qi_report)
    assert figure_png(data, title=False) != figure_png(data)
    assert render_figure(data, title=False)._suptitle is None


def test_write_report_figures_format(qi_report, tmp_path):
    written = write_report(qi_report, tmp_path, ("figures",))
    assert written["figures"] == tmp_path / "figures"
    assert len(list((tmp_path / "figures").glob("*.png"))) == 1
    with pytest.raises(ValueError):
        write_figures(qi_report, tmp_path, ("gif",))


def test_numbering_follows_the_framework_layout(hmip, qi):
    # 2020/03 numbers its case-level figures from 2; 2018/01 from 1 (framework data).
    assert [f.number for f in plan_figures(hmip)] == list(range(2, 12))
    assert plan_figures(hmip)[0].id == "figure-02"
    assert [f.number for f in plan_figures(qi)] == [1]


def test_notes_give_n_and_marks_follow_the_table_shading(hmip_report):
    figure = report_figures(hmip_report)[0]  # prevalence by provider, from C1
    crc = find_cell(hmip_report, "C1", "accommodation", "provider", "CRC")
    nps = find_cell(hmip_report, "C1", "accommodation", "provider", "NPS")
    assert f"{crc['n']:,} (CRC), {nps['n']:,} (NPS)" in figure.n_note
    for s, provider in enumerate(("CRC", "NPS")):
        for g, column in enumerate(hmip_report.framework.table("C1").columns):
            cell = find_cell(hmip_report, "C1", column.question, "provider", provider)
            assert figure.significant[s][g] == bool(cell["significant"])
    if figure.any_significant:
        assert any("Hatched bars" in note for note in figure.notes)
        assert "Significant sub-group differences" in figure.alt_text


def test_bars_of_few_cases_are_marked(hmip):
    from caseinspect.analysis import build_report

    from .conftest import random_cases

    report = build_report(random_cases(hmip, n=60, seed=3), hmip, significance="none")
    marked = 0
    for figure in report_figures(report):
        cells = [
            find_cell(report, ref.table, ref.question, ref.variable, ref.category, ref.split)
            for row in figure.spec.refs
            for ref in row
        ]
        expected = [0 < c["n"] < 10 for c in cells]
        assert [v for row in figure.unreliable for v in row] == expected
        if any(expected):
            marked += 1
            assert "(unreliable)" in figure.alt_text
            assert any("fewer than 10 cases" in note for note in figure.notes)
    assert marked > 0
