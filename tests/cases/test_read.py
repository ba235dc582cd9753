"""Reading case files: formats, and broken files rejected with their line."""

from __future__ import annotations

import pandas as pd
import pytest

from caseinspect.cases import read_case_file
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
