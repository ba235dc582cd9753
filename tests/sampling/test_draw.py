"""Drawing the sample: proportionality, minimums, spread, reserve and reproducibility."""

from __future__ import annotations

from fractions import Fraction

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caseinspect.errors import UsageError
from caseinspect.framework import SampleMinimum
from caseinspect.sampling import draw_sample

from .conftest import REFERENCE, case, population, table

STRATA = [
    (g, d, r)
    for g in ("Male", "Female")
    for d in ("community", "custody")
    for r in ("Low", "Medium", "High/Very high")
]


def draw(frame, rules, categories, size=None, seed=1, **kwargs):
    return draw_sample(frame, rules, size, seed, REFERENCE, categories=categories, **kwargs)


def sample_counts(result) -> dict[str, int]:
    return result.sample.stratum.value_counts().to_dict()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    counts=st.lists(st.integers(0, 40), min_size=len(STRATA), max_size=len(STRATA)),
    fraction=st.floats(0.05, 1.0),
    seed=st.integers(0, 2**32 - 1),
)
def test_strata_within_one_of_proportional(rules, categories, counts, fraction, seed):
    sizes = dict(zip(STRATA, counts, strict=True))
    total = sum(counts)
    if total == 0:
        return
    size = max(1, int(fraction * total))
    result = draw(population(sizes), rules, categories, size=size, seed=seed, minimums=())
    got = sample_counts(result)
    assert sum(got.values()) == size
    for key, n in sizes.items():
        exact = Fraction(size * n, total)
        label = " / ".join(key)
        assert abs(got.get(label, 0) - exact) < 1, (label, got.get(label, 0), exact)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    counts=st.lists(st.integers(0, 30), min_size=len(STRATA), max_size=len(STRATA)),
    fraction=st.floats(0.05, 1.0),
    minimum=st.integers(0, 40),
    seed=st.integers(0, 1000),
)
def test_minimum_takes_precedence_and_only_it_moves_strata(
    rules, categories, counts, fraction, minimum, seed
):
    sizes = dict(zip(STRATA, counts, strict=True))
    total = sum(counts)
    if total == 0:
        return
    size = max(1, int(fraction * total))
    women = sum(n for k, n in sizes.items() if k[0] == "Female")
    result = draw(
        population(sizes),
        rules,
        categories,
        size=size,
        seed=seed,
        minimums=[SampleMinimum("gender", ("Female",), minimum)],
    )
    got = sample_counts(result)
    sampled_women = sum(n for label, n in got.items() if label.startswith("Female"))
    assert sampled_women >= min(minimum, women, size)
    proportional_women = sum(
        n
        for label, n in result.allocation.set_index("stratum").proportional.items()
        if label.startswith("Female")
    )
    binding = proportional_women < min(minimum, women, size)
    deviating = [
        label
        for label, n in zip((" / ".join(k) for k in sizes), sizes.values(), strict=True)
        if abs(got.get(label, 0) - Fraction(size * n, total)) >= 1
    ]
    # Strata leave the proportional allocation (by a case or more) only when the minimum binds.
    assert binding or not deviating


def test_same_seed_same_sample_and_row_order_does_not_matter(rules, categories):
    frame = population({k: 12 for k in STRATA}, officers=9, offices=3)
    a = draw(frame, rules, categories, seed=5)
    b = draw(frame.sample(frac=1, random_state=3), rules, categories, seed=5)
    pd.testing.assert_frame_equal(a.sample, b.sample)
    pd.testing.assert_frame_equal(a.reserve, b.reserve)
    c = draw(frame, rules, categories, seed=6)
    assert a.sample.case_id.tolist() != c.sample.case_id.tolist()


def test_spread_over_officers_round_robin(rules, categories):
    # One stratum, 10 officers with 10 cases each: a sample of 25 gives every officer 2 or 3.
    frame = population({("Male", "custody", "Low"): 100}, officers=10, offices=1)
    result = draw(frame, rules, categories, size=25)
    per_officer = result.sample.officer.value_counts()
    assert len(per_officer) == 10
    assert per_officer.max() - per_officer.min() <= 1
    assert result.officers == (10, 10)


def test_spread_over_offices_breaks_officer_ties(rules, categories):
    frame = population({("Male", "custody", "Low"): 60}, officers=6, offices=3)
    result = draw(frame, rules, categories, size=6)
    assert result.sample.office.nunique() == 3
    assert result.sample.officer.nunique() == 6


def test_reserve_is_ordered_disjoint_and_proportional(rules, categories):
    frame = population({("Male", "community", "Low"): 300, ("Female", "community", "Low"): 100})
    result = draw(frame, rules, categories, size=40)
    assert len(result.reserve) == 8  # ceil(0.2 × 40)
    assert not set(result.reserve.case_id) & set(result.sample.case_id)
    assert result.reserve.reserve_order.tolist() == list(range(1, 9))
    assert result.reserve.stratum.value_counts().to_dict() == {
        "Male / community / Low": 6,
        "Female / community / Low": 2,
    }


def test_sample_size_computed_from_the_eligible_cases(rules, categories):
    frame = population({("Male", "custody", "Low"): 500})
    result = draw(frame, rules, categories)
    assert result.size == 124 and len(result.sample) == 124
    assert result.size_basis.population == 500


def test_excluded_cases_are_not_sampled_and_are_reported(rules, categories):
    frame = pd.concat(
        [population({("Male", "custody", "Low"): 20}), table(case(case_id="X1", yot_held="yes"))],
        ignore_index=True,
    )
    result = draw(frame, rules, categories, size=20)
    assert "X1" not in set(result.sample.case_id)
    assert result.exclusions.case_id.tolist() == ["X1"]
    assert (result.listed, result.excluded, result.eligible) == (21, 1, 20)


def test_ethnic_minority_minimum_is_met(rules, categories):
    frame = population({k: 20 for k in STRATA}, ethnic_minority_every=10)  # 12 of 240
    result = draw(
        frame,
        rules,
        categories,
        size=40,
        minimums=[SampleMinimum("ethnic_group", ("Black", "Asian", "Mixed", "Other"), 8)],
    )
    assert (result.sample.ethnic_group == "Black").sum() >= 8
    assert result.sample.selected_for.str.startswith("minimum").sum() >= 8


def test_report_compares_shares(rules, categories):
    frame = population({("Male", "community", "Low"): 30, ("Female", "custody", "Medium"): 10})
    result = draw(frame, rules, categories, size=20)
    gender = result.report[result.report.variable == "gender"].set_index("category")
    assert gender.loc["Female", "eligible_n"] == 10
    assert gender.loc["Female", "eligible_pct"] == 25.0
    assert gender.loc["Female", "sample_n"] == 5
    assert gender.loc["Female", "difference_pts"] == 0.0


def test_size_out_of_range(rules, categories):
    frame = population({("Male", "custody", "Low"): 5})
    with pytest.raises(UsageError):
        draw(frame, rules, categories, size=6)
    with pytest.raises(UsageError):
        draw(table(case(yot_held="yes")), rules, categories)
