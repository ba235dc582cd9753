"""Consistency checks on tidy tables, including the known misprint of bulletin 2018/01."""

from __future__ import annotations

import pandas as pd
import pytest

from caseinspect.analysis import check_tables, read_tables_csv
from caseinspect.errors import ValidationError
from caseinspect.published import published_path


def test_finds_the_known_misprint_in_table_7():
    found = check_tables(read_tables_csv(published_path("2016-17")), source="t.csv")
    split = [i for i in found if i.rule == "split-sum"]
    assert [(i.table, i.category, i.provider_split) for i in split] == [("T7", "25-29", "all")]
    assert "253" in split[0].message and "146" in split[0].message and "235" in split[0].message
    # The same misprint pushes the age rows above the total (60+153+253+306+184+117 = 1073 > 1058).
    assert {(i.table, i.rule) for i in found} == {
        ("T7", "split-sum"),
        ("T7", "breakdown-above-total"),
    }


def test_bulletin_2020_03_annex_is_consistent():
    assert check_tables(read_tables_csv(published_path("2018-19"))) == []


def frame(rows):
    columns = ["table", "question", "provider_split", "variable", "category", "n", "pct"]
    return pd.DataFrame(rows, columns=columns, index=range(2, len(rows) + 2))


def test_subgroup_above_total_and_range():
    found = check_tables(
        frame(
            [
                ("X", "q", "all", "all", "All cases", 10, 50.0),
                ("X", "q", "all", "gender", "Male", 12, 50.0),
                ("X", "q", "all", "gender", "Female", 0, 20.0),
                ("X", "q", "all", "age_group", "18-20", 5, 120.0),
            ]
        )
    )
    assert {i.rule for i in found} == {"subgroup-above-total", "breakdown-above-total", "range"}


def test_percentage_inconsistent_with_split():
    # CRC 10/20 = 50 %, NPS 10/10 = 100 %: All must be 20/30 = 66.7 %, not 70 %.
    rows = [
        ("X", "q", s, "all", "All cases", n, p)
        for s, n, p in (("all", 30, 70.0), ("CRC", 20, 50.0), ("NPS", 10, 100.0))
    ]
    (found,) = check_tables(frame(rows))
    assert found.rule == "split-sum" and "percentage" in found.message
    rows[0] = ("X", "q", "all", "all", "All cases", 30, 66.7)
    assert check_tables(frame(rows)) == []


def test_provider_rows_must_add_up():
    found = check_tables(
        frame(
            [
                ("C", "q", "all", "all", "All cases", 100, 50.0),
                ("C", "q", "all", "provider", "CRC", 60, 50.0),
                ("C", "q", "all", "provider", "NPS", 30, 50.0),
            ]
        )
    )
    assert [i.rule for i in found] == ["provider-sum"]


def test_bad_numbers_are_reported(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(
        "table,question,provider_split,variable,category,n,pct\nX,q,all,all,All cases,ten,5\n"
    )
    with pytest.raises(ValidationError) as info:
        read_tables_csv(path)
    assert (info.value.problems[0].row, info.value.problems[0].column) == (2, "n")


# --- issue #13: check-tables on files it cannot read ---------------------------------------
def test_check_tables_on_an_empty_or_latin1_file_exits_2_with_the_reason(tmp_path, capsys):
    from caseinspect.cli import main

    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    latin = tmp_path / "latin.csv"
    latin.write_bytes(
        b"table,question,provider_split,variable,category,n,pct\nT1,Caf\xe9,all,all,all,1,2\n"
    )
    assert main(["check-tables", str(empty)]) == 2
    assert "the file is empty" in capsys.readouterr().err
    assert main(["check-tables", str(latin)]) == 2
    assert "not UTF-8" in capsys.readouterr().err
