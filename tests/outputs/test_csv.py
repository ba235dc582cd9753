"""CSV outputs: OWASP formula neutralisation, quoting, line ends, lossless interchange."""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caseinspect.outputs import FORMULA_PREFIXES, csv_bytes, neutralise_cell, write_csv


@pytest.mark.parametrize("prefix", list(FORMULA_PREFIXES))
def test_formula_cells_are_neutralised_and_quoted(prefix: str) -> None:
    # Defect 4 of #13: "=cmd|' /C calc'!A0" came out raw.
    value = f"{prefix}cmd|' /C calc'!A0"
    text = csv_bytes(pd.DataFrame({"rationale": [value]})).decode()
    body = text.split("\n", 1)[1]
    assert body.startswith("\"'")
    row = next(csv.reader(io.StringIO(body, newline="")))
    assert row == ["'" + value]


def test_numbers_and_ordinary_text_are_unchanged() -> None:
    frame = pd.DataFrame({"n": [-1, 2], "x": ["-2.5", "Alexander"], "s": ["-", "a-b"]})
    assert csv_bytes(frame) == frame.to_csv(index=False, lineterminator="\n").encode()


def test_header_cells_are_neutralised() -> None:
    assert csv_bytes(pd.DataFrame({"=A1": [1]})).decode() == '"\'=A1"\n1\n'


def test_line_ends_are_newline_and_no_index() -> None:
    data = csv_bytes(pd.DataFrame({"a": ["x", "y"]}, index=[5, 6]))
    assert data == b"a\nx\ny\n"


def test_lone_carriage_return_is_quoted_in_the_interchange_format() -> None:
    # pandas' to_csv with "\n" line ends leaves "a\rb" unquoted: a reader splits the row.
    data = csv_bytes(pd.DataFrame({"a": ["a\rb", "c"]}), neutralise=False)
    assert data == b'a\n"a\rb"\nc\n'


def test_missing_values_are_empty_fields() -> None:
    frame = pd.DataFrame({"a": ["x", None], "b": [1.5, np.nan]})
    assert csv_bytes(frame) == b"a,b\nx,1.5\n,\n"


def test_a_row_of_one_empty_cell_is_kept() -> None:
    assert csv_bytes(pd.DataFrame({"a": ["", "x"]})) == b'a\n""\nx\n'


def test_write_csv_writes_atomically(tmp_path) -> None:
    path = write_csv(pd.DataFrame({"a": ["=1"]}), tmp_path / "out.csv", bom=True)
    assert path.read_bytes() == b'\xef\xbb\xbfa\n"\'=1"\n'
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_long_fields_beyond_the_csv_module_limit() -> None:
    big = "x" * 200_000
    assert csv_bytes(pd.DataFrame({"a": [big]})) == f"a\n{big}\n".encode()


text_cells = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=0, max_size=20)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(text_cells, text_cells), min_size=1, max_size=6))
def test_interchange_round_trip_is_lossless(rows: list[tuple[str, str]]) -> None:
    frame = pd.DataFrame(rows, columns=["a", "b"])
    data = csv_bytes(frame, neutralise=False)
    back = pd.read_csv(
        io.BytesIO(data), dtype=str, keep_default_na=False, na_filter=False, engine="python"
    )
    assert back.to_numpy().tolist() == frame.to_numpy().tolist()


@settings(max_examples=60, deadline=None)
@given(st.lists(text_cells, min_size=1, max_size=6))
def test_neutralised_cells_never_start_a_formula(cells: list[str]) -> None:
    data = csv_bytes(pd.DataFrame({"a": cells}))
    back = list(csv.reader(io.StringIO(data.decode(), newline="")))[1:]
    for (value,), original in zip(back, cells, strict=True):
        assert value == neutralise_cell(original)
        if value.startswith(FORMULA_PREFIXES):
            assert value == "-" or value.lstrip("+-").replace(".", "", 1).isdigit()
