"""OGRS3 for one person: validate the inputs, then score them."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from ..errors import Problem, ValidationError
from ._coefficients import Ogrs3Coefficients, load_coefficients

__all__ = [
    "Ogrs3Input",
    "Ogrs3Result",
    "band_for",
    "check_fields",
    "check_input",
    "completed_years",
    "ogrs3",
    "suggestion",
]

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
    today: date | None = None,
) -> list[Problem]:
    """List every rule the input breaks (empty if it can be scored).

    Parameters
    ----------
    values : Ogrs3Input
    coefficients : Ogrs3Coefficients, optional
        Defaults to the shipped coefficients (their offence categories are the valid ones,
        and their plausibility limits apply).
    source, row : str, int
        Where the values came from, for the messages.
    today : datetime.date, optional
        The date after which a birth, conviction or first sanction is in the future
        (default: the computer's date).

    Returns
    -------
    list of Problem
    """
    c = coefficients or load_coefficients()
    problems: list[Problem] = []
    k = values.previous_sanctions
    if not isinstance(k, int) or isinstance(k, bool):
        problems.append(
            Problem(
                source,
                row,
                "previous_sanctions",
                str(k),
                "not-a-whole-number",
                f"'{k}' is not a whole number.",
            )
        )
    dates: dict[str, date | None] = {}
    for name in _DATE_FIELDS:
        value = getattr(values, name)
        if isinstance(value, date):
            dates[name] = value
        else:
            dates[name] = None
            problems.append(
                Problem(source, row, name, str(value), "bad-date", f"'{value}' is not a date.")
            )
    fields: dict[str, object] = {
        "sex": values.sex,
        "offence": values.offence,
        "previous_sanctions": k if isinstance(k, int) and not isinstance(k, bool) else None,
        **dates,
    }
    return problems + check_fields(fields, c, source=source, row=row, today=today)


_DATE_FIELDS = ("birth_date", "conviction_date", "first_sanction_date", "assessment_date")


def check_fields(
    fields: dict[str, object],
    coefficients: Ogrs3Coefficients | None = None,
    *,
    source: str = "OGRS3 input",
    row: int | None = None,
    today: date | None = None,
) -> list[Problem]:
    """The rules of :func:`check_input` over whichever fields could be read.

    A field that is missing from ``fields`` or ``None`` (it could not be parsed, and that
    problem is reported elsewhere) is skipped, together with the rules that need it, so a
    parse error never hides the row's other problems.

    Parameters
    ----------
    fields : dict
        ``sex`` and ``offence`` (str), ``previous_sanctions`` (int) and the four dates
        (:class:`datetime.date`), each possibly ``None``.
    coefficients : Ogrs3Coefficients, optional
    source, row : str, int
    today : datetime.date, optional

    Returns
    -------
    list of Problem
    """
    c = coefficients or load_coefficients()
    today = today or date.today()
    problems: list[Problem] = []

    def bad(column: str, value: object, rule: str, message: str) -> None:
        problems.append(Problem(source, row, column, str(value), rule, message))

    sex, offence = fields.get("sex"), fields.get("offence")
    if isinstance(sex, str) and sex not in SEXES:
        bad(
            "sex",
            sex,
            "unknown-sex",
            f"'{sex}' is not one of {', '.join(SEXES)}{suggestion(sex, SEXES)}.",
        )
    if isinstance(offence, str) and offence not in c.offence:
        bad(
            "offence",
            offence,
            "unknown-offence",
            f"'{offence}' is not an OGRS3 offence category"
            f"{suggestion(offence, c.offence_categories)}; use one of "
            f"{', '.join(c.offence_categories)}.",
        )
    k = fields.get("previous_sanctions")
    if isinstance(k, int):
        if k < 0:
            bad(
                "previous_sanctions",
                k,
                "negative-sanctions",
                f"{k} previous sanctions: the number cannot be negative.",
            )
        elif k > c.max_previous_sanctions:
            bad(
                "previous_sanctions",
                k,
                "implausible-sanctions",
                f"{k} previous sanctions is more than {c.max_previous_sanctions}; check the "
                "count (the score counts at most "
                f"{c.previous_sanctions_cap}).",
            )
    birth = _as_date(fields.get("birth_date"))
    first = _as_date(fields.get("first_sanction_date"))
    conviction = _as_date(fields.get("conviction_date"))
    assessment = _as_date(fields.get("assessment_date"))
    if birth is not None and birth.year < c.earliest_birth_year:
        bad(
            "birth_date",
            birth.isoformat(),
            "implausible-birth-date",
            f"born on {birth}, before {c.earliest_birth_year}: check the year.",
        )
    for name, when in (
        ("birth_date", birth),
        ("conviction_date", conviction),
        ("first_sanction_date", first),
    ):
        if when is not None and when > today:
            bad(name, when.isoformat(), "date-in-future", f"{when} is after today ({today}).")
    if assessment is not None:
        for name, when in (("birth_date", birth), ("first_sanction_date", first)):
            if when is not None and when > assessment:
                bad(
                    name,
                    when.isoformat(),
                    "after-assessment",
                    f"{when} is after the assessment date {assessment}.",
                )
    if birth is not None and first is not None:
        age_first = completed_years(birth, first)
        if age_first < MIN_AGE_AT_FIRST_SANCTION:
            bad(
                "first_sanction_date",
                first.isoformat(),
                "first-sanction-under-10",
                f"first sanction on {first} is at age {age_first} (born {birth}); "
                f"a sanction needs age {MIN_AGE_AT_FIRST_SANCTION} or over.",
            )
    if first is not None and conviction is not None and first > conviction:
        bad(
            "first_sanction_date",
            first.isoformat(),
            "first-sanction-after-conviction",
            f"first sanction on {first} is after the current conviction on {conviction}.",
        )
    if conviction is not None and assessment is not None and conviction > assessment:
        bad(
            "assessment_date",
            assessment.isoformat(),
            "assessment-before-conviction",
            f"assessment on {assessment} is before the current conviction on {conviction}.",
        )
    if k == 0 and first is not None and conviction is not None and first < conviction:
        bad(
            "first_sanction_date",
            first.isoformat(),
            "first-sanction-inconsistent",
            f"with no previous sanctions the current conviction ({conviction}) is the first "
            f"sanction, but the first sanction date is {first}; check the count or the date.",
        )
    return problems


def _as_date(value: object) -> date | None:
    return value if isinstance(value, date) else None


def suggestion(value: str, choices: tuple[str, ...] | list[str]) -> str:
    """`` (did you mean 'x'?)`` when ``value`` is a choice in another spelling, else ``''``.

    Other spellings are reported, never silently accepted: capitals, surrounding spaces,
    full-width characters (Unicode NFKC), or a close match.

    Examples
    --------
    >>> suggestion("MALE ", ("male", "female"))
    " (did you mean 'male'?)"
    >>> suggestion("Fraud-Forgery", ("fraud-forgery", "other"))
    " (did you mean 'fraud-forgery'?)"
    >>> suggestion("zzz", ("male", "female"))
    ''
    """
    import difflib
    import unicodedata

    folded = {c.lower(): c for c in choices}
    key = unicodedata.normalize("NFKC", value).strip().lower()
    if key in folded and folded[key] != value:
        return f" (did you mean '{folded[key]}'?)"
    close = difflib.get_close_matches(key, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close and close[0] != value else ""


def ogrs3(
    values: Ogrs3Input,
    coefficients: Ogrs3Coefficients | None = None,
    *,
    today: date | None = None,
) -> Ogrs3Result:
    """Score one person with OGRS3.

    Parameters
    ----------
    values : Ogrs3Input
    coefficients : Ogrs3Coefficients, optional
        Defaults to the shipped ``ogrs3.yaml``.
    today : datetime.date, optional
        For the "date in the future" rule (default: the computer's date).

    Returns
    -------
    Ogrs3Result
        More than 50 previous sanctions score as 50, as in the reference calculation.

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
    problems = check_input(values, c, today=today)
    if problems:
        raise ValidationError(problems)
    return _score(values, c)


def _score(values: Ogrs3Input, c: Ogrs3Coefficients) -> Ogrs3Result:
    """Score validated input."""
    age_now = completed_years(values.birth_date, values.assessment_date)
    age_conviction = completed_years(values.birth_date, values.conviction_date)
    age_first = completed_years(values.birth_date, values.first_sanction_date)
    # The reference calculation counts at most ``previous_sanctions_cap`` (50) previous
    # sanctions; the first/repeat weight only asks whether there was any.
    k = min(values.previous_sanctions, c.previous_sanctions_cap)
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
