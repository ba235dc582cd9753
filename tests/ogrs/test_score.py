"""OGRS3 against the Ministry of Justice's published worked examples and hand computation.

Worked examples: HMPPS ``hmpps-arns-risk-actuarial-api``, OGRS3RiskProducerServiceTest
("ACT-62 scenario 1 / 2"); the "other offences" variant of scenario 2 is from issue #5.
The MoJ service takes the *total* number of sanctions including the current one (2 in
both scenarios) and uses total − 1 as the previous sanctions in the Copas rate; our
``previous_sanctions`` is that "total − 1", so "one previous sanction" is 1 here.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

import pytest

from caseinspect.errors import ValidationError
from caseinspect.ogrs import Ogrs3Input, band_for, completed_years, load_coefficients, ogrs3


def first_sanction_at(born: date, age: int) -> date:
    """A date on which someone born on ``born`` is ``age`` in completed years: 30 days
    after that birthday (a 29 February birthday falls on 1 March in other years)."""
    try:
        birthday = date(born.year + age, born.month, born.day)
    except ValueError:
        birthday = date(born.year + age, 3, 1)
    return birthday + timedelta(days=30)


def man(born, convicted, assessed, previous, first_age, offence):
    return Ogrs3Input(
        "male", born, convicted, first_sanction_at(born, first_age), assessed, previous, offence
    )


SCENARIO_1 = man(date(1965, 12, 7), date(2025, 5, 13), date(2026, 12, 6), 1, 47, "soliciting")
SCENARIO_2 = man(date(1991, 7, 17), date(2021, 8, 5), date(2021, 12, 12), 1, 21, "other")
SCENARIO_2_FRAUD = man(
    date(1991, 7, 17), date(2021, 8, 5), date(2021, 12, 12), 1, 21, "fraud-forgery"
)


def test_first_sanction_helper_gives_the_stated_age():
    for born, age in ((date(1965, 12, 7), 47), (date(1991, 7, 17), 21), (date(2000, 2, 29), 10)):
        assert completed_years(born, first_sanction_at(born, age)) == age


@pytest.mark.parametrize(
    ("values", "one_pct", "two_pct", "band"),
    [
        (SCENARIO_1, 8, 16, "low"),
        (SCENARIO_2, 9, 17, "low"),
        (SCENARIO_2_FRAUD, 11, 20, "low"),
    ],
)
def test_published_worked_examples(values, one_pct, two_pct, band):
    r = ogrs3(values)
    assert round(100 * r.one_year) == one_pct
    assert round(100 * r.two_year) == two_pct
    assert r.band == band


def test_scenario_1_to_four_places_and_ages():
    r = ogrs3(SCENARIO_1)
    assert r.as_dict() == {"one_year": 0.0832, "two_year": 0.1571, "band": "low"}
    # Born 7 Dec 1965: 59 at conviction, 60 (not 61) the day before his 2026 birthday.
    assert (r.age_at_conviction, r.age_at_assessment, r.age_at_first_sanction) == (59, 60, 47)
    assert r.age_band == "50+"


def test_hand_computation_with_the_published_coefficients():
    # Scenario 2 by hand, coefficients typed from Howard et al. (2009) as listed in issue #5.
    x = (
        -1.325976554  # male 30-34
        + 0.463062792  # one or more previous sanctions
        + 1.251124464 * math.log((1 + 1) / (10 + 30 - 21))
        - 0.060667525
    )  # other offence
    expected_two = 1 / (1 + math.exp(-(2.121705678 + x)))
    expected_one = 1 / (1 + math.exp(-(1.402562384 + x)))
    r = ogrs3(SCENARIO_2)
    assert r.linear_predictor == pytest.approx(x, abs=1e-12)
    assert r.one_year == pytest.approx(expected_one, abs=1e-12)
    assert r.two_year == pytest.approx(expected_two, abs=1e-12)


def test_first_offender_uses_the_first_sanction_weight():
    born = date(1990, 1, 1)
    convicted = date(2020, 6, 1)
    r = ogrs3(Ogrs3Input("female", born, convicted, convicted, date(2020, 7, 1), 0, "violence"))
    x = -1.129127959 + 0.126142106 + 1.251124464 * math.log(1 / 10) + 0.0  # female 30-34
    assert r.two_year == pytest.approx(1 / (1 + math.exp(-(2.121705678 + x))), abs=1e-12)


def test_age_band_is_taken_at_the_assessment_date():
    # 20 at conviction, 21 at assessment: the 21-24 weight applies.
    born = date(2000, 3, 1)
    values = Ogrs3Input(
        "male", born, date(2020, 6, 1), date(2016, 6, 1), date(2021, 3, 1), 3, "robbery"
    )
    r = ogrs3(values)
    assert (r.age_at_conviction, r.age_at_assessment, r.age_band) == (20, 21, "21-24")
    earlier = ogrs3(
        Ogrs3Input(
            "male", born, date(2020, 6, 1), date(2016, 6, 1), date(2021, 2, 28), 3, "robbery"
        )
    )
    assert earlier.age_band == "18-20"
    assert r.two_year < earlier.two_year  # 21-24 weight (-1.05) below 18-20 (-0.63)


def test_female_weights_are_negative_at_every_age():
    c = load_coefficients()
    assert c.age_gender["female"][0] == -0.785038489
    assert all(w < 0 for w in c.age_gender["female"])


def test_coefficients_carry_their_provenance():
    assert "Howard" in load_coefficients().source
    assert len(load_coefficients().offence_categories) == 20


@pytest.mark.parametrize(
    ("two_year", "band"),
    [
        (0.0, "low"),
        (0.4999, "low"),
        (0.5, "medium"),
        (0.7499, "medium"),
        (0.75, "high"),
        (0.8999, "high"),
        (0.9, "very high"),
        (1.0, "very high"),
    ],
)
def test_band_boundaries(two_year, band):
    assert band_for(two_year) == band


def rules_broken(**changes) -> set[str]:
    fields = dict(
        sex="male",
        birth_date=date(1980, 1, 1),
        conviction_date=date(2020, 1, 1),
        first_sanction_date=date(2000, 1, 1),
        assessment_date=date(2020, 2, 1),
        previous_sanctions=2,
        offence="violence",
    )
    fields.update(changes)
    with pytest.raises(ValidationError) as info:
        ogrs3(Ogrs3Input(**fields))
    return {p.rule for p in info.value.problems}


def test_valid_baseline_scores():
    assert (
        ogrs3(
            Ogrs3Input(
                "male",
                date(1980, 1, 1),
                date(2020, 1, 1),
                date(2000, 1, 1),
                date(2020, 2, 1),
                2,
                "violence",
            )
        ).band
        == "low"
    )


@pytest.mark.parametrize(
    ("changes", "rule"),
    [
        ({"sex": "mle"}, "unknown-sex"),
        ({"offence": "murder"}, "unknown-offence"),
        ({"previous_sanctions": -1}, "negative-sanctions"),
        ({"first_sanction_date": date(1989, 12, 31)}, "first-sanction-under-10"),
        ({"first_sanction_date": date(2020, 1, 2)}, "first-sanction-after-conviction"),
        ({"assessment_date": date(2019, 12, 31)}, "assessment-before-conviction"),
        ({"previous_sanctions": 0}, "first-sanction-inconsistent"),
    ],
)
def test_each_rule_on_its_own(changes, rule):
    assert rules_broken(**changes) == {rule}


def test_every_problem_is_listed_with_its_column():
    with pytest.raises(ValidationError) as info:
        ogrs3(
            Ogrs3Input(
                "x",
                date(1980, 1, 1),
                date(2020, 1, 1),
                date(2021, 1, 1),
                date(2019, 1, 1),
                -3,
                "nope",
            )
        )
    columns = {p.column for p in info.value.problems}
    assert columns == {
        "sex",
        "offence",
        "previous_sanctions",
        "first_sanction_date",
        "assessment_date",
    }


def test_dates_must_be_dates():
    assert rules_broken(birth_date="1980-01-01") == {"bad-date"}


def test_more_than_50_previous_sanctions_count_as_50():
    born, convicted, assessed = date(1980, 3, 14), date(2019, 6, 2), date(2019, 9, 30)
    scores = {
        k: ogrs3(man(born, convicted, assessed, k, 14, "other")).two_year for k in (49, 50, 51, 200)
    }
    assert scores[51] == scores[50] == scores[200]
    assert scores[49] < scores[50]
    assert load_coefficients().previous_sanctions_cap == 50


def test_dates_in_the_future_are_judged_against_today():
    values = Ogrs3Input(
        "male", date(1980, 1, 1), date(2020, 1, 1), date(2000, 1, 1), date(2020, 2, 1), 2, "other"
    )
    assert ogrs3(values, today=date(2020, 2, 1)).band == "low"
    with pytest.raises(ValidationError) as info:
        ogrs3(values, today=date(2019, 12, 31))
    assert {(p.column, p.rule) for p in info.value.problems} == {
        ("conviction_date", "date-in-future"),
        ("first_sanction_date", "date-in-future"),
    } - {("first_sanction_date", "date-in-future")}


def test_unknown_values_get_a_suggestion():
    assert "did you mean 'female'?" in str(rules_message(sex="Female"))


def rules_message(**changes) -> str:
    fields = dict(
        sex="male",
        birth_date=date(1980, 1, 1),
        conviction_date=date(2020, 1, 1),
        first_sanction_date=date(2000, 1, 1),
        assessment_date=date(2020, 2, 1),
        previous_sanctions=2,
        offence="violence",
    )
    fields.update(changes)
    with pytest.raises(ValidationError) as info:
        ogrs3(Ogrs3Input(**fields))
    return str(info.value)
