"""Evaluation metrics against counts made by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from caseinspect.framework import load_framework
from caseinspect.text import evaluate_codes, format_evaluation, load_codebook

ITEM = "risk_of_harm_public_sufficient"


@pytest.fixture(scope="module")
def book():
    return load_codebook(load_framework("qi-2016"))


def _frame(pairs):
    return pd.DataFrame(pairs, columns=["case_id", "theme"]).assign(item=ITEM)


def test_counts_and_metrics_match_hand_counts(book):
    # Ten rationales. risk_analysed: truth in C1-C5, suggested in C1-C3 and C6:
    # tp 3, fp 1, fn 2, tn 4. precision 3/4, recall 3/5, F1 2*3/(6+1+2) = 2/3.
    # kappa: p_o = 7/10; p_e = (5*4 + 5*6)/100 = 0.5; kappa = 0.2/0.5 = 0.4.
    units = pd.DataFrame({"case_id": [f"C{i}" for i in range(1, 11)], "item": ITEM})
    truth = _frame(
        [(f"C{i}", "risk_analysed") for i in range(1, 6)] + [("C9", "risk_indicators_missed")]
    )
    codes = _frame(
        [(f"C{i}", "risk_analysed") for i in (1, 2, 3, 6)] + [("C9", "risk_indicators_missed")]
    )
    table = evaluate_codes(codes, truth, units, book).set_index("theme")
    row = table.loc["risk_analysed"]
    assert (row.rationales, row.truth, row.suggested) == (10, 5, 4)
    assert (row.tp, row.fp, row.fn, row.tn) == (3, 1, 2, 4)
    assert row.precision == pytest.approx(0.75)
    assert row.recall == pytest.approx(0.6)
    assert row.f1 == pytest.approx(2 / 3)
    assert row.kappa == pytest.approx(0.4)
    # AC1: pi_yes = (4 + 5)/20 = 0.45; p_e = 2 * 0.45 * 0.55 / 1 = 0.495; (0.7-0.495)/0.505
    assert row.ac1 == pytest.approx((0.7 - 0.495) / 0.505)
    perfect = table.loc["risk_indicators_missed"]
    assert (perfect.f1, perfect.kappa) == (1.0, 1.0)
    # Themes the truth never uses are left out of the macro mean.
    assert table.loc["macro", "f1"] == pytest.approx((2 / 3 + 1.0) / 2)
    assert math.isnan(table.loc["diversity_adapted", "precision"])
    assert table.loc["diversity_adapted", "rationales"] == 0  # the theme does not apply here


def test_rows_outside_the_units_are_ignored(book):
    units = pd.DataFrame({"case_id": ["A", "B"], "item": ITEM})
    truth = pd.concat(
        [
            _frame([("A", "risk_analysed")]),
            pd.DataFrame([{"case_id": "A", "item": "practice_note", "theme": "risk_analysed"}]),
        ]
    )
    codes = _frame([("A", "risk_analysed"), ("Z", "risk_analysed")])
    row = evaluate_codes(codes, truth, units, book).set_index("theme").loc["risk_analysed"]
    assert (row.tp, row.fp, row.fn, row.tn) == (1, 0, 0, 1)


def test_format_prints_dashes_for_undefined(book):
    units = pd.DataFrame({"case_id": ["A"], "item": ITEM})
    text = format_evaluation(evaluate_codes(_frame([]), _frame([]), units, book))
    assert "precision" in text and " - " in text
