"""Percent agreement, Cohen's kappa and Gwet's AC1 against published and hand-computed values."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from statsmodels.stats.inter_rater import cohens_kappa

from caseinspect.agreement import agreement_coefficients


def test_gwet_handbook_abstractors_table():
    # Gwet, K.L. (2014) Handbook of Inter-Rater Reliability, 4th ed., and the irrCAC R
    # package's vignette (dataset cont3x3abstractors: 100 ectopic-pregnancy abstracts,
    # categories Ectopic / AIU / NIU): percent agreement 0.89, Cohen's kappa 0.7964094,
    # Gwet's AC1 0.8493305.
    table = [[13, 0, 0], [0, 20, 7], [0, 4, 56]]
    c = agreement_coefficients(table)
    assert c.n == 100
    assert c.agreement == pytest.approx(0.89)
    assert c.kappa == pytest.approx(0.7964094, abs=5e-8)
    assert c.ac1 == pytest.approx(0.8493305, abs=5e-8)


def test_cohen_kappa_textbook_example():
    # The 50 grant proposals read by two readers (yes/yes 20, yes/no 5, no/yes 10, no/no 15):
    # p_o = 0.70, p_e = 0.5 × 0.6 + 0.5 × 0.4 = 0.50, kappa = 0.40 (Wikipedia, "Cohen's kappa",
    # worked example; also in many statistics textbooks).
    c = agreement_coefficients([[20, 5], [10, 15]])
    assert c.agreement == pytest.approx(0.70)
    assert c.kappa_chance == pytest.approx(0.50)
    assert c.kappa == pytest.approx(0.40)


def test_high_agreement_paradox_by_hand():
    # 125 cases, both 'yes' 118, first yes/second no 5, first no/second yes 2, both no 0:
    # 94.4% agreement, but kappa is slightly negative; AC1 stays high (the situation Gwet
    # 2008 addresses). Exact fractions:
    #   p_o = 118/125; first says yes 123/125, second 120/125.
    #   kappa p_e = (123·120 + 2·5) / 125²;  AC1: π_yes = (123 + 120) / 250,
    #   p_e = 2 π_yes (1 − π_yes) / (2 − 1).
    p_o = Fraction(118, 125)
    pe_k = Fraction(123 * 120 + 2 * 5, 125 * 125)
    kappa = (p_o - pe_k) / (1 - pe_k)
    pi = Fraction(243, 250)
    pe_g = 2 * pi * (1 - pi)
    ac1 = (p_o - pe_g) / (1 - pe_g)
    c = agreement_coefficients([[118, 5], [2, 0]])
    assert c.kappa == pytest.approx(float(kappa), abs=1e-12)
    assert c.ac1 == pytest.approx(float(ac1), abs=1e-12)
    assert c.kappa < 0 < 0.94 < c.ac1


def test_one_category_only():
    c = agreement_coefficients([[0, 0], [0, 9]])
    assert c.kappa is None and "undefined" in c.note
    assert c.ac1 == 1.0 and c.agreement == 1.0


def test_nothing_to_compare():
    c = agreement_coefficients([[0, 0], [0, 0]])
    assert (c.n, c.agreement, c.kappa, c.ac1) == (0, None, None, None)


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
@given(st.lists(st.integers(0, 60), min_size=4, max_size=4))
def test_kappa_agrees_with_statsmodels(cells):
    table = np.array(cells).reshape(2, 2)
    c = agreement_coefficients(table)
    if c.kappa is None or c.n == 0:
        return
    assert c.kappa == pytest.approx(cohens_kappa(table).kappa, abs=1e-10)


@given(st.lists(st.integers(0, 40), min_size=9, max_size=9))
def test_ac1_by_its_definition_for_three_categories(cells):
    table = [cells[0:3], cells[3:6], cells[6:9]]
    n = sum(cells)
    if n == 0:
        return
    p_o = Fraction(sum(table[i][i] for i in range(3)), n)
    pis = [Fraction(sum(table[k]) + sum(row[k] for row in table), 2 * n) for k in range(3)]
    pe = sum(p * (1 - p) for p in pis) / 2
    assert agreement_coefficients(table).ac1 == pytest.approx(
        float((p_o - pe) / (1 - pe)), abs=1e-12
    )
