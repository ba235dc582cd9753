"""tables.xlsx: sheets laid out as the printed annexes, numbers Excel users can compute with."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from caseinspect.analysis._disclosure import suppress_report
from caseinspect.reports import write_xlsx
from caseinspect.reports._html import OGL_NOTE

from .conftest import find_cell

SHADE = "00C9DCF0"


@pytest.fixture(scope="module")
def hmip_book(hmip_report, tmp_path_factory):
    path = write_xlsx(hmip_report, tmp_path_factory.mktemp("xlsx") / "tables.xlsx")
    return openpyxl.load_workbook(path)


@pytest.fixture(scope="module")
def qi_book(qi_report, tmp_path_factory):
    path = write_xlsx(qi_report, tmp_path_factory.mktemp("xlsx") / "tables.xlsx")
    return openpyxl.load_workbook(path)


def data_row(sheet, group: str | None, category: str) -> int:
    """Row of a sub-group (the breakdown label is printed on its group's first row only)."""
    current = None
    for row in range(1, sheet.max_row + 1):
        a, b = sheet.cell(row, 1).value, sheet.cell(row, 2).value
        if a is not None and b is not None:
            current = a
        if group is None and a == "All cases":
            return row
        if group is not None and current == group and b == category:
            return row
    raise AssertionError(f"no row {group}/{category}")


def sufficiency_column(spec, question: str, split: str = "all", part: str = "pct") -> int:
    width = 2 if spec.print_n else 1
    block = spec.provider_splits.index(split) * width * len(spec.columns)
    index = [c.question for c in spec.columns].index(question)
    return 3 + block + index * width + (1 if part == "pct" and spec.print_n else 0)


def test_one_sheet_per_table_then_models_and_about(hmip_book, qi_book):
    tail = ["Intervals", "Models", "About"]
    assert hmip_book.sheetnames == ["C1", "C2", "C3", "C4", "C5", "C6", *tail]
    assert qi_book.sheetnames == ["T1", "T2", "T3", "T4", "T5", "T6", "T7", *tail]
    assert hmip_book["C3"]["A1"].value.startswith("Table C3: Sufficiency of assessment")
    assert qi_book["T1"]["A1"].value.startswith("Table 1: Inspector judgements")


def test_percentages_are_numbers_with_a_percent_format(hmip_book, hmip_report, hmip):
    spec = hmip.table("C3")
    sheet = hmip_book["C3"]
    row = data_row(sheet, None, "All cases")
    expected = find_cell(hmip_report, "C3", "needs_assessment", "all", "All cases")
    n_cell = sheet.cell(row, sufficiency_column(spec, "needs_assessment", part="n"))
    pct_cell = sheet.cell(row, sufficiency_column(spec, "needs_assessment"))
    assert n_cell.value == expected["n"] and n_cell.number_format == "#,##0"
    assert pct_cell.value == pytest.approx(expected["pct"] / 100)
    assert pct_cell.number_format == "0.0%"
    # A breakdown row: label in column A on the group's first row, category in column B.
    row = data_row(sheet, "Age group", "50+")
    expected = find_cell(hmip_report, "C3", "needs_delivery", "age_group", "50+")
    assert sheet.cell(row, sufficiency_column(spec, "needs_delivery")).value == pytest.approx(
        expected["pct"] / 100
    )


def test_significant_cells_are_shaded_and_bold(hmip_book, hmip_report, hmip):
    cells = hmip_report.cells
    significant = cells[(cells.table == "C3") & cells.significant & (cells.n > 0)].iloc[0]
    plain = cells[
        (cells.table == "C3") & ~cells.significant & (cells.variable != "all") & (cells.n > 0)
    ].iloc[0]
    spec = hmip.table("C3")
    sheet = hmip_book["C3"]
    labels = {v.table_variable: v.label for v in hmip.profile}
    for record, shaded in ((significant, True), (plain, False)):
        row = data_row(sheet, labels[record.variable], record.category)
        for part in ("n", "pct"):
            cell = sheet.cell(row, sufficiency_column(spec, record.question, part=part))
            assert (cell.fill.fgColor.rgb == SHADE) is shaded
            assert bool(cell.font.b) is shaded
    note_rows = [sheet.cell(r, 1).value for r in range(1, sheet.max_row + 1)]
    assert any(str(v).startswith("N.B. Shaded cells indicate") for v in note_rows if v)


def test_no_case_cells_print_a_dash(qi_book, qi_report, qi):
    # CRCs held no high RoSH case: n and % yes print '-' in the CRC block.
    spec = qi.table("T1")
    sheet = qi_book["T1"]
    row = data_row(sheet, "RoSH level", "High/Very high")
    question = spec.columns[0].question
    assert find_cell(qi_report, "T1", question, "rosh", "High/Very high", "CRC")["n"] == 0
    for part in ("n", "pct"):
        assert sheet.cell(row, sufficiency_column(spec, question, "CRC", part)).value == "-"
    assert isinstance(sheet.cell(row, sufficiency_column(spec, question, "NPS")).value, float)


def test_split_tables_have_a_column_block_per_split(qi_book, qi):
    sheet = qi_book["T2"]
    assert sheet.cell(3, 3).value == qi.table("T2").columns[0].label
    assert [sheet.cell(4, c).value for c in (3, 5, 7)] == ["All cases", "CRC cases", "NPS cases"]
    assert [sheet.cell(5, c).value for c in range(3, 9)] == ["n", "% yes"] * 3
    assert "C4:H4" in {str(r) for r in sheet.merged_cells.ranges} or "C3:H3" in {
        str(r) for r in sheet.merged_cells.ranges
    }
    assert sheet.freeze_panes == "C6"


def test_prevalence_layout_with_one_n_and_the_mean_last(hmip_book, hmip_report, hmip):
    spec = hmip.table("C1")
    sheet = hmip_book["C1"]
    header = [sheet.cell(3, c).value for c in range(3, 3 + 2 + len(spec.columns))]
    assert header == ["n", *[c.label for c in spec.columns], "Mean number of needs"]
    row = data_row(sheet, "Provider", "NPS")
    mean = sheet.cell(row, 3 + 1 + len(spec.columns))
    expected = find_cell(hmip_report, "C1", "mean_number_of_needs", "provider", "NPS")
    assert mean.value == pytest.approx(expected["pct"]) and mean.number_format == "0.0"
    assert sheet.cell(row, 3).value == expected["n"]
    assert sheet.freeze_panes == "C4"


def test_tables_without_n_print_percentages_only(hmip_book, hmip):
    spec = hmip.table("C5")
    sheet = hmip_book["C5"]
    assert [sheet.cell(3, c).value for c in range(3, 3 + len(spec.columns))] == [
        c.label for c in spec.columns
    ]
    assert sheet.cell(4, 3).number_format == "0.0%"


def test_models_and_about_sheets(hmip_book, hmip_report):
    models = [
        v for row in hmip_book["Models"].iter_rows(values_only=True) for v in row if v is not None
    ]
    assert any(str(v).startswith("Table C3 (All cases): Does assessment identify") for v in models)
    assert "Odds ratio" in models and "Tests against the final model" in models
    assert "Cases in the model" in models and "Left out: a sub-group value not recorded" in models
    about = {row[0]: row[1] for row in hmip_book["About"].iter_rows(values_only=True) if row[0]}
    assert about["Shading: test"] == "score/lr"
    assert about["Shading rule"] == hmip_report.shading.description
    provenance = hmip_report.provenance
    assert about["Data fingerprint"] == provenance.data_fingerprint
    assert about["Framework"] == f"{provenance.framework_id} {provenance.framework_version}"
    assert about["Setting: significance"] == "stepwise"
    assert OGL_NOTE not in about  # synthetic data: no Crown copyright note


def test_crown_copyright_note_only_when_asked(qi_report, tmp_path):
    book = openpyxl.load_workbook(write_xlsx(qi_report, tmp_path / "t.xlsx", crown_copyright=True))
    values = [row[0] for row in book["About"].iter_rows(values_only=True)]
    assert OGL_NOTE in values


def test_suppressed_cells_print_a_star_with_a_note(qi_report, qi, tmp_path):
    report = suppress_report(qi_report, 30)
    book = openpyxl.load_workbook(write_xlsx(report, tmp_path / "t.xlsx"))
    cells = report.cells
    record = cells[(cells.table == "T1") & (cells.suppressed == "primary")].iloc[0]
    labels = {v.table_variable: v.label for v in qi.profile}
    sheet = book["T1"]
    row = data_row(sheet, labels[record.variable], record.category)
    spec = qi.table("T1")
    for part in ("n", "pct"):
        assert (
            sheet.cell(
                row, sufficiency_column(spec, record.question, record.provider_split, part)
            ).value
            == "*"
        )
    notes = [sheet.cell(r, 1).value for r in range(1, sheet.max_row + 1)]
    assert any(
        str(v).startswith("* Suppressed to protect confidentiality: fewer than 30 cases")
        for v in notes
    )


def test_byte_identical_for_identical_reports(qi_report, tmp_path):
    first = write_xlsx(qi_report, tmp_path / "a.xlsx").read_bytes()
    second = write_xlsx(qi_report, tmp_path / "b.xlsx").read_bytes()
    assert first == second
    # Nothing in the archive depends on the time of writing.
    archive = zipfile.ZipFile(io.BytesIO(first))
    assert {info.date_time for info in archive.infolist()} == {(2000, 1, 1, 0, 0, 0)}
    core = archive.read("docProps/core.xml").decode()
    assert "2000-01-01T00:00:00Z</dcterms:modified>" in core
    assert "2000-01-01T00:00:00Z</dcterms:created>" in core


def test_model_numbers_are_stored_as_numbers(hmip_book, hmip_report):
    sheet = hmip_book["Models"]
    by_label = {}
    for row in sheet.iter_rows():
        if row[0].value == "Cases in the table" and "n_table" not in by_label:
            by_label["n_table"] = row[1]
        if row[0].value == "-2 log-likelihood, final model" and "ll" not in by_label:
            by_label["ll"] = row[1]
    first = hmip_report.models[0]
    assert by_label["n_table"].value == first.n_table and isinstance(by_label["n_table"].value, int)
    assert by_label["ll"].value == pytest.approx(first.minus2ll)
    p_cells = [
        c
        for row in sheet.iter_rows()
        for c in row
        if c.number_format == '[<0.001]"<0.001";0.000' and c.value is not None
    ]
    assert p_cells and all(isinstance(c.value, float) for c in p_cells)
    assert any(c.value < 0.001 for c in p_cells)  # shown as <0.001, stored in full


def test_intervals_sheet_holds_every_percentage_with_n_and_interval(hmip_book, hmip_report):
    sheet = hmip_book["Intervals"]
    rows = [r for r in sheet.iter_rows(min_row=5, values_only=True) if r[0]]
    cells = hmip_report.cells
    percentages = cells[~cells.question.str.startswith("mean_number")]
    assert len(rows) == len(percentages)
    c5 = [r for r in rows if r[0] == "Table C5" and r[3] == "All cases"]
    expected = percentages[(percentages.table == "C5") & (percentages.variable == "all")]
    assert [r[4] for r in c5] == expected.n.tolist()  # the n that C5 itself does not print
    for r, (_, cell) in zip(c5, expected.iterrows(), strict=True):
        assert r[6] == pytest.approx(cell.ci_low / 100) and r[7] == pytest.approx(
            cell.ci_high / 100
        )
    assert "Wilson" in sheet["A2"].value
    notes = [c.value for c in hmip_book["C5"]["A"] if c.value]
    assert any("sheet 'Intervals'" in str(v) for v in notes)  # each table points to it


def test_unreliable_cells_keep_their_number_and_show_the_mark(hmip, tmp_path):
    from caseinspect.analysis import build_report

    from .conftest import random_cases

    report = build_report(random_cases(hmip, n=90, seed=3), hmip, significance="none")
    book = openpyxl.load_workbook(write_xlsx(report, tmp_path / "t.xlsx"))
    sheet = book["C3"]
    marked = [c for row in sheet.iter_rows() for c in row if c.number_format.endswith('"†"')]
    cells = report.cells
    small = cells[(cells.table == "C3") & (cells.n > 0) & (cells.n < 10)]
    assert len(marked) == len(small) > 0
    assert all(isinstance(c.value, (int, float)) for c in marked)  # 100% reads back as 1
