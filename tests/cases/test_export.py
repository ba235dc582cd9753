"""Exports: each format round-trips; SPSS and Stata files keep the framework's labels and coding."""

from __future__ import annotations

import doctest
import json
import re

import numpy as np
import pandas as pd
import pyreadstat
import pytest

from caseinspect.cases import (
    EXPORT_FORMATS,
    _export,
    _variables,
    export_cases,
    export_cases_bytes,
    export_names,
    export_variables,
    load_cases,
)
from caseinspect.errors import UsageError, ValidationError
from caseinspect.framework import load_framework
from caseinspect.synth import write_round

HMIP = load_framework("hmip-2018")
QI = load_framework("qi-2016")
READ = {"sav": pyreadstat.read_sav, "dta": pyreadstat.read_dta}


@pytest.fixture(scope="module")
def round_file(tmp_path_factory):
    """A synthetic 2018-19 round with rationales and practice notes, as a user's file."""
    path = tmp_path_factory.mktemp("round") / "round.csv"
    write_round("2018-19", path, n_cases=80, seed=4)
    return path


@pytest.fixture(scope="module")
def cases(round_file):
    return load_cases(round_file, HMIP)


def small_frame() -> pd.DataFrame:
    """Known values, written by hand: the reference the coded files are checked against."""
    return pd.DataFrame(
        {
            "case_id": ["A1", "A2", "A3"],
            "inspection_id": ["I-1", "I-1", "I-2"],
            "provider": ["Provider A", "Provider A", "Provider B"],
            "provider_type": ["CRC", "CRC", "NPS"],
            "gender": ["Female", "", "Male"],
            "rosh": ["Low", "Medium", "High/Very high"],
            "need_drug_misuse": ["yes", "no", ""],
            "delivery_need_family_relationships": ["", "yes", "no"],
            "delivery_need_family_relationships__rationale": [
                "",
                "Saw the family twice — good",
                "=1+1",
            ],
            "practice_note": ["Étienne's officer visited", "", ""],
        }
    )


# --- round trips ---------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet"])
def test_plain_formats_read_back_identical(cases, tmp_path, fmt):
    path = export_cases(cases, HMIP, tmp_path / f"cases.{fmt}")
    back = load_cases(path, HMIP)  # the same reader and validator as any user file
    pd.testing.assert_frame_equal(back.reset_index(drop=True), cases.reset_index(drop=True))


@pytest.mark.parametrize("fmt", ["sav", "dta"])
def test_coded_formats_read_back_as_coded(cases, tmp_path, fmt):
    path = export_cases(cases, HMIP, tmp_path / f"cases.{fmt}")
    data, meta = READ[fmt](str(path))
    names = {v.column: v.name for v in export_variables(cases, HMIP, fmt)}
    assert len(data) == len(cases) and meta.column_names == [names[c] for c in cases.columns]
    original = cases.reset_index(drop=True)
    for column in cases.columns:
        got = data[names[column]]
        if column in HMIP.item_codes:
            expected = original[column].map({"yes": 1.0, "no": 0.0, "": np.nan})
        elif column in {v.code for v in HMIP.profile}:
            categories = HMIP.profile_variable(column).categories
            expected = original[column].map(
                lambda v: float(categories.index(v) + 1) if v else np.nan  # noqa: B023
            )
        else:
            assert got.tolist() == original[column].tolist(), column  # free text kept as text
            continue
        np.testing.assert_array_equal(
            got.to_numpy(dtype=float), expected.to_numpy(dtype=float), err_msg=column
        )


def test_format_comes_from_the_extension_unless_given(cases, tmp_path):
    path = export_cases(cases, HMIP, tmp_path / "CASES.SAV")
    assert READ["sav"](str(path))[0].shape[0] == len(cases)
    path = export_cases(cases, HMIP, tmp_path / "cases.data", format="dta")
    assert READ["dta"](str(path))[0].shape[0] == len(cases)
    with pytest.raises(UsageError, match="cannot tell the export format"):
        export_cases(cases, HMIP, tmp_path / "cases.txt")
    with pytest.raises(UsageError, match="unknown export format"):
        export_cases_bytes(cases, HMIP, "xls")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "CASES.SAV",
        "cases.data",
    ]  # no partial files


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_bytes_are_the_file(cases, tmp_path, fmt):
    data = export_cases_bytes(cases, HMIP, fmt)
    path = tmp_path / f"from-bytes.{fmt}"
    path.write_bytes(data)
    if fmt in READ:
        assert READ[fmt](str(path))[0].shape == (len(cases), len(cases.columns))
    else:
        assert len(load_cases(path, HMIP)) == len(cases)
    if fmt == "csv":
        assert data == export_cases(cases, HMIP, tmp_path / "file.csv").read_bytes()


# --- labels and coding -------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["sav", "dta"])
def test_variable_and_value_labels_and_known_values(tmp_path, fmt):
    path = export_cases(small_frame(), HMIP, tmp_path / f"small.{fmt}")
    data, meta = READ[fmt](str(path))
    labels = meta.column_names_to_labels
    assert labels["need_drug_misuse"] == "Drug misuse"
    assert labels["rosh"] == "Risk of serious harm"
    assert labels["gender"] == "Gender" and labels["case_id"] == "Case id (pseudonymous)"
    assert meta.variable_value_labels["gender"] == {1: "Male", 2: "Female"}
    assert meta.variable_value_labels["provider_type"] == {1: "CRC", 2: "NPS"}
    assert meta.variable_value_labels["rosh"] == {1: "Low", 2: "Medium", 3: "High/Very high"}
    assert meta.variable_value_labels["need_drug_misuse"] == {0: "No", 1: "Yes"}
    assert (
        "case_id" not in meta.variable_value_labels
        and "practice_note" not in meta.variable_value_labels
    )
    # yes = 1, no = 0, empty = missing; categories 1..k in framework order
    assert data["need_drug_misuse"].tolist()[:2] == [1.0, 0.0] and np.isnan(
        data["need_drug_misuse"][2]
    )
    assert data["gender"][0] == 2.0 and np.isnan(data["gender"][1]) and data["gender"][2] == 1.0
    assert data["rosh"].tolist() == [1.0, 2.0, 3.0]
    assert data["case_id"].tolist() == ["A1", "A2", "A3"]
    assert data["practice_note"][0] == "Étienne's officer visited"
    rationale = export_names(list(small_frame().columns), fmt)[
        "delivery_need_family_relationships__rationale"
    ]
    assert data[rationale].tolist() == ["", "Saw the family twice — good", "=1+1"]


def test_spss_keeps_full_names_and_documents_the_coding(tmp_path):
    path = export_cases(
        small_frame(), HMIP, tmp_path / "small.sav", provenance={"inspections": "I-1, I-2"}
    )
    _, meta = pyreadstat.read_sav(str(path))
    assert "delivery_need_family_relationships__rationale" in meta.column_names
    assert meta.column_names_to_labels["delivery_need_family_relationships__rationale"] == (
        "Rationale: Delivery: Family and relationships"
    )
    notes = " ".join(meta.notes)
    assert "1 = Yes, 0 = No, system-missing = not applicable or not recorded" in notes
    assert "framework_version: 2018.1" in notes and "inspections: I-1, I-2" in notes
    assert meta.variable_measure["gender"] == "nominal"
    assert all(len(line) <= 80 for line in meta.notes)


def test_stata_names_fit_and_the_label_keeps_the_full_name(cases, tmp_path):
    path = export_cases(cases, HMIP, tmp_path / "cases.dta")
    _, meta = pyreadstat.read_dta(str(path))
    coded = set(HMIP.item_codes) | {v.code for v in HMIP.profile}
    too_long = [c for c in cases.columns if len(c) > (29 if c in coded else 32)]
    assert len(too_long) >= 5  # the 2018 framework has item codes too long for Stata
    assert all(len(n) <= 32 for n in meta.column_names)
    assert all(
        len(n) <= 29 for n in meta.variable_value_labels
    )  # room for pyreadstat's label-set counter
    assert len(set(meta.column_names)) == len(meta.column_names) == len(cases.columns)
    assert all(len(label) <= 80 for label in meta.column_labels)
    names = export_names(
        list(cases.columns), "dta", labelled=[c for c in cases.columns if c in coded]
    )
    assert meta.column_names == [names[c] for c in cases.columns]
    for column in cases.columns:
        if column in too_long:
            assert names[column] != column and meta.column_names_to_labels[
                names[column]
            ].startswith(f"{column}: ")
        else:
            assert names[column] == column and not meta.column_names_to_labels[column].startswith(
                f"{column}: "
            )
    assert meta.file_label.startswith("caseinspect") and "hmip-2018" in meta.file_label


def test_long_labels_are_cut_to_stata_limit():
    variables = export_variables(
        pd.DataFrame(columns=["risk_of_harm_known_adults_sufficient__rationale"]), QI, "dta"
    )
    (variable,) = variables
    assert len(variable.label) == 80 and variable.label.endswith("...")
    assert variable.label.startswith("risk_of_harm_known_adults_sufficient__rationale: Rationale: ")
    full = export_variables(
        pd.DataFrame(columns=["risk_of_harm_known_adults_sufficient__rationale"]), QI, "xlsx"
    )
    assert (
        full[0].label == "Rationale: Risk of harm: known adults" and full[0].name == full[0].column
    )


def test_xlsx_has_variables_and_provenance_and_no_formulas(tmp_path):
    import openpyxl

    path = export_cases(small_frame(), HMIP, tmp_path / "small.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["cases", "variables", "provenance"]
    rows = {r[0]: r for r in book["variables"].iter_rows(min_row=2, values_only=True)}
    assert rows["gender"][1:4] == ("Gender", None, "1 = Male; 2 = Female")
    assert rows["need_drug_misuse"][3] == "0 = No; 1 = Yes"
    assert rows["need_drug_misuse"][2] == HMIP.item("need_drug_misuse").text
    provenance = dict(book["provenance"].iter_rows(min_row=2, values_only=True))
    assert provenance["framework"] == "hmip-2018" and provenance["cases"] == "3"
    assert all(cell.data_type != "f" for sheet in book for row in sheet.iter_rows() for cell in row)


def test_parquet_metadata_holds_labels_and_provenance(tmp_path):
    import pyarrow.parquet as pq

    path = export_cases(small_frame(), HMIP, tmp_path / "small.parquet")
    meta = json.loads(pq.read_schema(path).metadata[b"caseinspect"])
    assert meta["labels"]["need_drug_misuse"] == "Drug misuse"
    assert meta["value_labels"]["gender"] == {"1": "Male", "2": "Female"}
    assert (
        meta["provenance"]["framework_version"] == "2018.1"
        and len(meta["provenance"]["data_fingerprint"]) == 64
    )


def test_a_value_that_cannot_be_coded_is_an_error_not_a_missing(tmp_path):
    frame = small_frame()
    frame.loc[1, "gender"] = "Mle"
    frame.loc[2, "need_drug_misuse"] = "Yes"
    with pytest.raises(ValidationError) as info:
        export_cases(frame, HMIP, tmp_path / "bad.sav")
    problems = {(p.row, p.column, p.value) for p in info.value.problems}
    assert problems == {(3, "gender", "Mle"), (4, "need_drug_misuse", "Yes")}
    assert not list(tmp_path.iterdir())
    export_cases(frame, HMIP, tmp_path / "fine.csv")  # text formats write what they are given


# --- Stata names -----------------------------------------------------------------------------
def test_shortening_is_deterministic_and_order_independent():
    columns = list(
        HMIP.profile_columns + HMIP.item_codes + tuple(i.rationale_column for i in HMIP.items)
    )
    first = export_names(columns, "dta", labelled=HMIP.item_codes)
    assert first == export_names(columns, "dta", labelled=HMIP.item_codes)
    assert first == export_names(list(reversed(columns)), "dta", labelled=HMIP.item_codes)
    subset = columns[::3]
    sub = export_names(subset, "dta", labelled=[c for c in subset if c in HMIP.item_codes])
    assert all(sub[c] == first[c] for c in subset)


def test_shortening_stays_unique_under_clashes():
    columns = [f"{'a' * 40}{i}" for i in range(300)] + [
        f"{'a' * 40}{i}__rationale" for i in range(300)
    ]
    columns += ["A" * 33, "a" * 33, "aaaaaaaaaaaaaaaaaaaaaaaaaaa_e6c3"]
    for fmt, longest in (("dta", 32), ("sav", 64)):
        names = export_names(columns, fmt, labelled=columns[:300])
        assert len({n.casefold() for n in names.values()}) == len(columns)
        assert all(len(n) <= longest for n in names.values())
        assert all(re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", n) for n in names.values())
    names = export_names(columns, "dta", labelled=columns[:300])
    assert all(len(names[c]) <= 29 for c in columns[:300])
    assert all(names[c].endswith("_r") for c in columns[300:600])


def test_names_are_made_valid():
    names = export_names(["case id", "1st", "in", "str12", "to", "ok_name"], "dta")
    assert names == {
        "case id": "case_id",
        "1st": "v_1st",
        "in": "v_in",
        "str12": "v_str12",
        "to": "to",
        "ok_name": "ok_name",
    }
    assert export_names(["to", "By"], "sav") == {"to": "v_to", "By": "v_By"}
    assert export_names(["any name at all"], "csv") == {"any name at all": "any name at all"}


@pytest.mark.parametrize("module", [_export, _variables], ids=lambda m: m.__name__)
def test_docstring_examples(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
