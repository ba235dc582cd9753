"""Comparison with a previous round: crosswalk, interval, tests and the trend table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from caseinspect.bulletin import compare_rounds, load_crosswalk
from caseinspect.bulletin._compare import newcombe, shared_profile, two_proportion_p


def test_newcombe_interval_matches_the_published_example():
    # Newcombe (1998), Statistics in Medicine 17:873-890, Table II (a): 56/70 vs 48/80,
    # method 10 (hybrid score): 0.0524 to 0.3339.
    change, low, high = newcombe(48, 80, 56, 70)
    assert change == pytest.approx(20.0)
    assert low == pytest.approx(5.24, abs=0.005) and high == pytest.approx(33.39, abs=0.005)


def test_two_proportion_test_matches_statsmodels():
    from statsmodels.stats.proportion import proportions_ztest

    for y1, n1, y2, n2 in ((56, 70, 48, 80), (300, 1000, 350, 1100), (5, 9, 5, 9)):
        _, expected = proportions_ztest([y1, y2], [n1, n2])
        assert two_proportion_p(y1, n1, y2, n2) == pytest.approx(float(expected), rel=1e-9)


def test_every_previous_item_is_mapped_or_says_why_not(qi, hmip):
    walk = load_crosswalk(qi, hmip)
    mapped = [m.previous for m in walk.mappings]
    unmapped = [item for item, _ in walk.unmapped]
    assert sorted(mapped + unmapped) == sorted(qi.item_codes)
    assert len(set(mapped)) == len(mapped)
    assert all(reason for _, reason in walk.unmapped)
    assert all(m.note and m.comparability in ("direct", "close", "partial") for m in walk.mappings)
    for m in walk.mappings:
        assert hmip.item(m.current).kind == "judgement"


def test_no_crosswalk_is_a_clear_error(hmip):
    from caseinspect.errors import UsageError

    with pytest.raises(UsageError, match="no crosswalk from hmip-2018 to hmip-2018"):
        load_crosswalk(hmip, hmip)


def test_comparisons_against_a_second_computation(round_2016, round_2018, qi, hmip):
    import statsmodels.formula.api as smf

    walk = load_crosswalk(qi, hmip)
    results = compare_rounds(round_2016, qi, round_2018, hmip, walk)
    assert [c.mapping.id for c in results] == [m.id for m in walk.mappings]
    adjust = shared_profile(qi, hmip)
    assert "provider_type" in adjust and "rosh" in adjust
    for c in results:
        before = round_2016[c.mapping.previous]
        after = round_2018[c.mapping.current]
        assert (c.previous_n, c.previous_yes) == (
            int(before.ne("").sum()),
            int(before.eq("yes").sum()),
        )
        assert (c.current_n, c.current_yes) == (int(after.ne("").sum()), int(after.eq("yes").sum()))
        assert c.change == pytest.approx(
            100 * (c.current_yes / c.current_n - c.previous_yes / c.previous_n)
        )
        assert c.ci_low < c.change < c.ci_high
        # The adjusted model, fitted again with statsmodels' formula interface.
        frames = []
        for cases, item, label in (
            (round_2016, c.mapping.previous, "a_previous"),
            (round_2018, c.mapping.current, "b_current"),
        ):
            part = cases[list(adjust)].copy()
            part["y"] = cases[item]
            part["round"] = label
            frames.append(part[part["y"].ne("")])
        data = pd.concat(frames, ignore_index=True).replace("", np.nan).dropna()
        data["y"] = (data["y"] == "yes").astype(int)
        formula = "y ~ C(round) + " + " + ".join(f"C({v})" for v in adjust)
        fit = smf.logit(formula, data).fit(disp=0, maxiter=200)
        assert c.n_model == len(data)
        assert c.odds_ratio == pytest.approx(
            float(np.exp(fit.params["C(round)[T.b_current]"])), rel=1e-5
        )


def test_the_comparison_section_and_trend_table(built, qi, hmip):
    section = next(s for s in built.sections if s.id == "comparison")
    headings = [b.text for b in section.blocks if b.kind == "h"]
    walk = load_crosswalk(qi, hmip)
    assert headings == [m.label for m in walk.mappings]
    notes = [t for b in section.blocks if b.role == "note" for t in (b.text, *b.items)]
    assert any("pre_allocation_assessment_sufficient" in n for n in notes)
    trend = built.tables["TR"]
    assert len(trend.rows) == len(walk.mappings)
    prose = " ".join(b.text for b in section.blocks if b.role == "prose")
    assert prose.count("unadjusted two-proportion test gave p") == len(walk.mappings)
