"""Reading case files: formats, and broken files rejected with their line."""

from __future__ import annotations

import pandas as pd
import pytest

from caseinspect.cases import read_case_file, read_notes
from caseinspect.errors import ValidationError

HEADER = "case_id,inspection_id,provider,provider_type,gender\n"


def write(tmp_path, content: bytes | str, name: str = "cases.csv"):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def problems_of(path):
    with pytest.raises(ValidationError) as info:
        read_case_file(path)
    return info.value.problems


def test_values_come_back_exactly_as_written(tmp_path):
    path = write(tmp_path, HEADER + "007,I1,P,CRC, Male\nA2,I1,P,NPS,\n")
    frame = read_case_file(path)
    assert frame.loc[2, "case_id"] == "007"  # leading zeros kept
    assert frame.loc[2, "gender"] == " Male"  # not stripped: the validator reports it
    assert frame.loc[3, "gender"] == ""
    assert list(frame.index) == [2, 3]  # spreadsheet row numbers


def test_byte_order_mark_is_accepted(tmp_path):
    frame = read_case_file(
        write(tmp_path, b"\xef\xbb\xbf" + HEADER.encode() + b"A1,I1,P,CRC,Male\n")
    )
    assert list(frame.columns)[0] == "case_id"


def test_wrong_encoding_names_the_line(tmp_path):
    content = HEADER.encode() + b"A1,I1,P,CRC,Male\nA2,I1,Caf\xe9,CRC,Male\n"
    (problem,) = problems_of(write(tmp_path, content))
    assert problem.rule == "encoding" and problem.row == 3
    assert "UTF-8" in problem.message


def test_truncated_file_is_rejected(tmp_path):
    (problem,) = problems_of(write(tmp_path, HEADER + "A1,I1,P,CRC,Male\nA2,I1,P"))
    assert problem.rule == "field-count" and problem.row == 3
    assert "truncated" in problem.message


def test_extra_fields_are_rejected(tmp_path):
    (problem,) = problems_of(write(tmp_path, HEADER + "A1,I1,P,CRC,Male,extra\n"))
    assert problem.rule == "field-count" and problem.row == 2


def test_duplicate_and_blank_headers(tmp_path):
    rules = {
        p.rule for p in problems_of(write(tmp_path, "case_id,gender,gender,\nA1,Male,Male,x\n"))
    }
    assert rules == {"duplicate-column", "blank-header"}


def test_empty_and_missing_files(tmp_path):
    assert problems_of(write(tmp_path, ""))[0].rule == "empty-file"
    assert problems_of(tmp_path / "nope.csv")[0].rule == "file-not-found"
    assert problems_of(write(tmp_path, "x", "cases.txt"))[0].rule == "unsupported-format"


def test_xlsx_and_parquet_read_the_same_as_csv(tmp_path):
    csv_path = write(tmp_path, HEADER + "A1,I1,P,CRC,Male\nA2,I1,P,NPS,\n")
    expected = read_case_file(csv_path)
    pd.DataFrame(expected).to_excel(tmp_path / "cases.xlsx", index=False)
    pd.DataFrame(expected).to_parquet(tmp_path / "cases.parquet", index=False)
    for name in ("cases.xlsx", "cases.parquet"):
        got = read_case_file(tmp_path / name)
        assert got.values.tolist() == expected.values.tolist(), name
        assert list(got.index) == [2, 3]


# --- issue #13 ----------------------------------------------------------------------------
def _workbook(path, sheets, hidden=()):
    """Write sheets {name: rows} with openpyxl (which stores formulas without values)."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        if name in hidden:
            sheet.sheet_state = "hidden"
    book.save(path)
    return path


ROWS = [HEADER.strip().split(","), ["A1", "I1", "P", "CRC", "Male"]]
OTHER = [HEADER.strip().split(","), ["B1", "I1", "Q", "NPS", "Female"]]


def test_hidden_first_sheet_is_not_read(tmp_path):
    # Defect 2: a hidden first sheet was read and the visible one ignored.
    path = _workbook(tmp_path / "c.xlsx", {"old": OTHER, "cases": ROWS}, hidden=("old",))
    frame = read_case_file(path)
    assert frame.attrs["sheet"] == "cases" and frame["case_id"].tolist() == ["A1"]


def test_several_visible_sheets_are_named_and_sheet_chooses(tmp_path):
    path = _workbook(tmp_path / "c.xlsx", {"north": ROWS, "south": OTHER})
    (problem,) = problems_of(path)
    assert problem.rule == "several-sheets"
    assert "'north'" in problem.message and "'south'" in problem.message
    frame = read_case_file(path, sheet="south")
    assert frame.attrs["sheet"] == "south" and frame["case_id"].tolist() == ["B1"]
    with pytest.raises(ValidationError, match="no sheet 'east'"):
        read_case_file(path, sheet="east")


def test_formula_cells_without_a_cached_value_are_problems_not_blanks(tmp_path):
    # Defect 3: formula cells with no cached value became empty cells.
    rows = [
        ROWS[0],
        ["A1", "I1", "P", "CRC", '=IF(1,"Male","Female")'],
        ["A2", "I1", "P", "CRC", ""],
    ]
    (problem,) = problems_of(_workbook(tmp_path / "f.xlsx", {"cases": rows}))
    assert (problem.rule, problem.row, problem.column) == ("formula-without-value", 2, "gender")
    assert "E2" in problem.message


def test_csv_cut_in_the_middle_of_its_last_value_warns(tmp_path):
    # Defect 6: 'Alexander' stored as 'Alex' without a word.
    frame = read_case_file(write(tmp_path, "case_id,provider\nA1,Wessex\nA2,Alex"))
    (note,) = read_notes(frame)
    assert (note.rule, note.row, note.column, note.value) == (
        "no-final-newline",
        3,
        "provider",
        "Alex",
    )
    assert read_notes(read_case_file(write(tmp_path, "case_id,provider\nA1,Wessex\n"))) == []


def test_csv_cut_inside_a_quoted_last_value_is_refused_with_its_row(tmp_path):
    # Defect 6: the quoted variant crashed with a pandas ParserError.
    (problem,) = problems_of(write(tmp_path, 'case_id,note\nA1,"fine"\nA2,"Alexander was se'))
    assert problem.rule == "unclosed-quote" and problem.row == 3


def test_blank_lines_keep_spreadsheet_row_numbers(tmp_path):
    # Defect 7: blank lines shifted every later row (row 8 reported for row 10).
    text = HEADER + "A1,I1,P,CRC,Male\n\n\nA2,I1,P,CRC,Male\n\nA3,I1,P,CRC,Mle\n"
    frame = read_case_file(write(tmp_path, text))
    assert list(frame.index) == [2, 5, 7]


def test_csv_syntax_error_names_the_spreadsheet_row_not_the_line(tmp_path):
    # Defect 7: a value over three lines puts row 3 on line 5.
    text = 'case_id,note\nA1,"one\ntwo\nthree"\nA2,"bad"x\n'
    (problem,) = problems_of(write(tmp_path, text))
    assert problem.rule == "csv-syntax" and problem.row == 3 and "line 5" in problem.message


def test_field_count_check_lists_every_row(tmp_path):
    # Defect 8: the field-count check stopped at 100 rows, silently.
    text = "case_id,provider\n" + "".join(f"A{i}\n" for i in range(250))
    problems = problems_of(write(tmp_path, text))
    assert len(problems) == 250 and {p.rule for p in problems} == {"field-count"}
    assert [p.row for p in problems] == list(range(2, 252))


def test_old_mac_cr_only_files_are_read(tmp_path):
    frame = read_case_file(write(tmp_path, HEADER.replace("\n", "\r") + "A1,I1,P,CRC,Male\r"))
    assert frame.loc[2, "gender"] == "Male"


def test_mixed_line_ends_are_read_and_kept_inside_quotes(tmp_path):
    frame = read_case_file(write(tmp_path, 'case_id,note\r\nA1,"a\r\nb"\nA2,x\r'))
    assert frame["note"].tolist() == ["a\r\nb", "x"] and list(frame.index) == [2, 3]


@pytest.mark.parametrize(("separator", "word"), [(";", "semicolons"), ("\t", "tabs")])
def test_other_separators_are_detected_in_one_message(tmp_path, separator, word):
    text = HEADER.replace(",", separator) + "A1;I1;P;CRC;Male\n".replace(";", separator)
    (problem,) = problems_of(write(tmp_path, text))
    assert problem.rule == "wrong-separator" and word in problem.message


@pytest.mark.parametrize(
    ("content", "what"),
    [(b"PK\x03\x04rest", "zip archive (an XLSX workbook"), (b"\x89PNG\r\n\x1a\nrest", "PNG image")],
)
def test_a_csv_that_is_really_something_else_says_what_it_is(tmp_path, content, what):
    (problem,) = problems_of(write(tmp_path, content))
    assert problem.rule == "wrong-file-type" and what in problem.message


def test_parquet_duplicate_column_is_a_one_line_problem(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_arrays([pa.array(["A1"]), pa.array(["x"])], names=["case_id", "case_id"])
    pq.write_table(table, tmp_path / "d.parquet")
    (problem,) = problems_of(tmp_path / "d.parquet")
    assert problem.rule == "duplicate-column" and "\n" not in str(problem)


def test_a_title_row_above_the_header_is_named(tmp_path):
    text = "Case sample for Wessex CRC,,,,\n" + HEADER + "A1,I1,P,CRC,Male\n"
    (problem,) = problems_of(write(tmp_path, text))
    assert problem.rule == "header-not-on-first-row" and "row 2" in problem.message
    rows = [["Case sample"], [], ROWS[0], ROWS[1]]
    (problem,) = problems_of(_workbook(tmp_path / "t.xlsx", {"cases": rows}))
    assert problem.rule == "header-not-on-first-row" and "row 3" in problem.message


def test_a_value_longer_than_the_csv_module_limit_is_read(tmp_path):
    long = "x" * 200_000
    frame = read_case_file(write(tmp_path, f"case_id,note\nA1,{long}\n"))
    assert frame.loc[2, "note"] == long


def test_a_missing_file_is_unusable_not_a_problem_of_the_file(tmp_path):
    from caseinspect.cases import FileNotReadable

    with pytest.raises(FileNotReadable) as info:
        read_case_file(tmp_path / "nope.csv")
    assert info.value.exit_code == 2


def test_the_interchange_format_is_lossless_formulas_included(tmp_path):
    # Neutralisation is for files made for spreadsheet users, never for what is read back.
    text = 'case_id,note\nA1,=1+2\nA2,"@SUM(A1)"\nA3,-x\nA4,"\ttab"\n'
    frame = read_case_file(write(tmp_path, text))
    assert frame["note"].tolist() == ["=1+2", "@SUM(A1)", "-x", "\ttab"]
