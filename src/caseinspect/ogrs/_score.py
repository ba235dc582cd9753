"""OGRS3 for one person: validate the inputs, then score them."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from ..errors import Problem, ValidationError
from ._coefficients import Ogrs3Coefficients, load_coefficients

__all__ = ["Ogrs3Input", "Ogrs3Result", "band_for", "check_input", "completed_years", "ogrs3"]

SEXES = ("male", "female")
MIN_AGE_AT_FIRST_SANCTION = 10  # the age of criminal responsibility in England and Wales


@dataclass(frozen=True)
class Ogrs3Input:
    """What OGRS3 needs about one person.

    Attributes
    ----------
    sex : str
        ``"male"`` or ``"female"``.
    birth_date, conviction_date, first_sanction_date, assessment_date : datetime.date
        Date of birth; date of the current conviction; date of the first sanction
        (conviction, caution, reprimand or final warning); date of the assessment (start
        of follow-up), at which the age band is taken.
    previous_sanctions : int
        Number of sanctions *before* the current conviction (total sanctions minus one).
    offence : str
        Offence category of the current conviction (see ``offence_categories()``).
    """

    sex: str
    birth_date: date
    conviction_date: date
    first_sanction_date: date
    assessment_date: date
    previous_sanctions: int
    offence: str


@dataclass(frozen=True)
class Ogrs3Result:
    """An OGRS3 score with the intermediate values a checker needs.

    Attributes
    ----------
    one_year, two_year : float
        Predicted probabilities of proven reoffending within one and two years (fractions).
    band : str
        Likelihood-of-reoffending band on the two-year probability.
    age_at_assessment, age_at_conviction, age_at_first_sanction : int
        Ages in completed years.
    age_band : str
        The age band used (taken at the assessment date).
    linear_predictor : float
        ``x`` in the model, before the one- and two-year intercepts are added.
    """

    one_year: float
    two_year: float
    band: str
    age_at_assessment: int
    age_at_conviction: int
    age_at_first_sanction: int
    age_band: str
    linear_predictor: float

    def as_dict(self, digits: int = 4) -> dict[str, object]:
        """The probabilities (rounded to ``digits`` places) and band, for JSON output."""
        return {
            "one_year": round(self.one_year, digits),
            "two_year": round(self.two_year, digits),
            "band": self.band,
        }


def completed_years(born: date, on: date) -> int:
    """Age in completed years on ``on`` for someone born on ``born``.

    A person born on 29 February has their birthday on 1 March in other years.

    Examples
    --------
    >>> completed_years(date(1965, 12, 7), date(2026, 12, 6))
    60
    >>> completed_years(date(1965, 12, 7), date(2026, 12, 7))
    61
    """
    before_birthday = (on.month, on.day) < (born.month, born.day)
    return on.year - born.year - int(before_birthday)


def check_input(
    values: Ogrs3Input,
    coefficients: Ogrs3Coefficients | None = None,
    *,
    source: str = "OGRS3 input",
    row: int | None = None,
) -> list[Problem]:
    """List every rule the input breaks (empty if it can be scored).

    Parameters
    ----------
    values : Ogrs3Input
    coefficients : Ogrs3Coefficients, optional
        Defaults to the shipped coefficients (their offence categories are the valid ones).
    source, row : str, int
        Where the values came from, for the messages.

    Returns
    -------
    list of Problem
    """
    c = coefficients or load_coefficients()
    problems: list[Problem] = []

    def bad(column: str, value: object, rule: str, message: str) -> None:
        problems.append(Problem(source, row, column, str(value), rule, message))

    if values.sex not in SEXES:
        bad("sex", values.sex, "unknown-sex", f"'{values.sex}' is not one of {', '.join(SEXES)}.")
    if values.offence not in c.offence:
        bad(
            "offence",
            values.offence,
            "unknown-offence",
            f"'{values.offence}' is not an OGRS3 offence category; use one of "
            f"{', '.join(c.offence_categories)}.",
        )
    k = values.previous_sanctions
    if not isinstance(k, int) or isinstance(k, bool):
        bad("previous_sanctions", k, "not-a-whole-number", f"'{k}' is not a whole number.")
    elif k < 0:
        bad(
            "previous_sanctions",
            k,
            "negative-sanctions",
            f"{k} previous sanctions: the number cannot be negative.",
        )

    dates = ("birth_date", "conviction_date", "first_sanction_date", "assessment_date")
    not_dates = [name for name in dates if not isinstance(getattr(values, name), date)]
    for name in not_dates:
        bad(name, getattr(values, name), "bad-date", f"'{getattr(values, name)}' is not a date.")
    if not_dates:
        return problems
    birth, first = values.birth_date, values.first_sanction_date
    conviction, assessment = values.conviction_date, values.assessment_date
    age_first = completed_years(birth, first)
    if age_first < MIN_AGE_AT_FIRST_SANCTION:
        bad(
            "first_sanction_date",
            first.isoformat(),
            "first-sanction-under-10",
            f"first sanction on {first} is at age {age_first} (born {birth}); "
            f"a sanction needs age {MIN_AGE_AT_FIRST_SANCTION} or over.",
        )
    if first > conviction:
        bad(
            "first_sanction_date",
            first.isoformat(),
            "first-sanction-after-conviction",
            f"first sanction on {first} is after the current conviction on {conviction}.",
        )
    if conviction > assessment:
        bad(
            "assessment_date",
            assessment.isoformat(),
            "assessment-before-conviction",
            f"assessment on {assessment} is before the current conviction on {conviction}.",
        )
    if isinstance(k, int) and k == 0 and first < conviction:
        bad(
            "first_sanction_date",
            first.isoformat(),
            "first-sanction-inconsistent",
            f"with no previous sanctions the current conviction ({conviction}) is the first "
            f"sanction, but the first sanction date is {first}; check the count or the date.",
        )
    return problems


def ogrs3(values: Ogrs3Input, coefficients: Ogrs3Coefficients | None = None) -> Ogrs3Result:
    """Score one person with OGRS3.

    Parameters
    ----------
    values : Ogrs3Input
    coefficients : Ogrs3Coefficients, optional
        Defaults to the shipped ``ogrs3.yaml``.

    Returns
    -------
    Ogrs3Result

    Raises
    ------
    ValidationError
        Listing every rule the input breaks (see :func:`check_input`).

    Examples
    --------
    The Ministry of Justice's first worked example: a man born 7 December 1965,
    convicted of soliciting on 13 May 2025, one previous sanction, first sanctioned at
    47, assessed on 6 December 2026 — 8% within one year, 16% within two, low.

    >>> r = ogrs3(Ogrs3Input("male", date(1965, 12, 7), date(2025, 5, 13),
    ...                      date(2013, 1, 1), date(2026, 12, 6), 1, "soliciting"))
    >>> r.as_dict()
    {'one_year': 0.0832, 'two_year': 0.1571, 'band': 'low'}
    """
    c = coefficients or load_coefficients()
    problems = check_input(values, c)
    if problems:
        raise ValidationError(problems)
    return _score(values, c)


def _score(values: Ogrs3Input, c: Ogrs3Coefficients) -> Ogrs3Result:
    """Score validated input."""
    age_now = completed_years(values.birth_date, values.assessment_date)
    age_conviction = completed_years(values.birth_date, values.conviction_date)
    age_first = completed_years(values.birth_date, values.first_sanction_date)
    k = values.previous_sanctions
    # The Copas rate: sanctions per year of criminal career, with 10 years' smoothing.
    copas_rate = math.log((k + 1) / (10 + age_conviction - age_first))
    x = (
        c.age_gender_weight(values.sex, age_now)
        + (c.repeat_sanction if k > 0 else c.first_sanction)
        + c.copas * copas_rate
        + c.offence[values.offence]
    )
    one = _logistic(c.intercept_one_year + x)
    two = _logistic(c.intercept_two_year + x)
    return Ogrs3Result(
        one_year=one,
        two_year=two,
        band=band_for(two, c),
        age_at_assessment=age_now,
        age_at_conviction=age_conviction,
        age_at_first_sanction=age_first,
        age_band=c.age_band_label(age_now),
        linear_predictor=x,
    )


def _logistic(z: float) -> float:
    # Written to stay finite for any z (math.exp overflows above ~709).
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def band_for(two_year: float, coefficients: Ogrs3Coefficients | None = None) -> str:
    """The likelihood-of-reoffending band of a two-year probability.

    The unrounded percentage is compared with each band's lower bound, so 49.99% is
    low and 50% medium (the same as comparing the percentage rounded *down*, as the
    Ministry of Justice's implementation does).

    Examples
    --------
    >>> [band_for(p) for p in (0.4999, 0.50, 0.7499, 0.75, 0.8999, 0.90)]
    ['low', 'medium', 'medium', 'high', 'high', 'very high']
    """
    c = coefficients or load_coefficients()
    pct = 100.0 * two_year
    name = c.bands[0].name
    for band in c.bands:
        if pct >= band.min_pct:
            name = band.name
    return name
