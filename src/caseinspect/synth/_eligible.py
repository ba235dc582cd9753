"""A synthetic eligible-case list: what a provider sends before its sample is drawn.

The list has the columns ``caseinspect.sampling`` reads (docs/sampling.md), with a share
of cases that the framework's eligibility rules exclude, each for one known reason, so that
screening has something to do and the exclusions file has content. Everything is invented
(see docs/synthetic-data.md): ids, officers and offices are pseudonymous codes.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from datetime import date, timedelta

import numpy as np
import pandas as pd

from ..errors import UsageError
from ..framework import SamplingRules
from ..sampling import REQUIREMENTS, months_between

__all__ = ["EXCLUSION_SHARES", "PLANTED", "eligible_list"]

#: Key of ``DataFrame.attrs`` holding ``{case_id: reason code}`` of the excluded cases.
PLANTED = "planted_exclusions"

#: Share of the list planted for each exclusion rule (code as in the exclusions file).
#: Invented, of a plausible size: a provider's extract of the cases sentenced or released
#: in the window still holds orders with only unpaid work or curfew, transfers, and a few
#: cases just outside the window.
EXCLUSION_SHARES: Mapping[str, float] = {
    "too-recent": 0.03,
    "too-long": 0.03,
    "only-excluded-requirements": 0.06,
    "yot_held": 0.01,
    "sfo_or_scr": 0.01,
    "transferred": 0.04,
    "short-delivery": 0.02,
}

# Plausible case mixes by provider type (invented; the CRC and NPS shares of gender and
# disposal follow the direction of bulletin 2020/03's sample profile, and CRCs hold no
# high / very high risk of serious harm case).
_MIX = {
    "CRC": {
        "gender": {"Male": 0.85, "Female": 0.15},
        "disposal_type": {"community": 0.72, "custody": 0.28},
        "rosh": {"Low": 0.42, "Medium": 0.58},
    },
    "NPS": {
        "gender": {"Male": 0.92, "Female": 0.08},
        "disposal_type": {"community": 0.45, "custody": 0.55},
        "rosh": {"Low": 0.06, "Medium": 0.52, "High/Very high": 0.42},
    },
}
_ETHNIC = {"White": 0.82, "Black": 0.06, "Asian": 0.06, "Mixed": 0.04, "Other": 0.02}
_NOT_RECORDED = {"ethnic_group": 0.03, "rosh": 0.01}
# Requirements of community orders that keep a case in (one to three, weighted) ...
_KEEPING = {
    "rehabilitation_activity": 0.55,
    "programme": 0.12,
    "drug_rehabilitation": 0.08,
    "alcohol_treatment": 0.07,
    "mental_health_treatment": 0.04,
    "prohibited_activity": 0.04,
    "residence": 0.03,
    "alcohol_abstinence_monitoring": 0.03,
    "foreign_travel_prohibition": 0.02,
    "activity": 0.01,
    "supervision": 0.01,
}
# ... and of orders that are excluded when they hold nothing else.
_ONLY = {
    ("unpaid_work",): 0.6,
    ("unpaid_work", "curfew"): 0.2,
    ("curfew",): 0.1,
    ("curfew", "exclusion"): 0.05,
    ("attendance_centre",): 0.05,
}
_TERMINATED_IN = 0.05  # eligible cases terminated or recalled after four weeks or more


def eligible_list(
    provider: str,
    provider_type: str,
    n: int,
    seed: int,
    reference_date: date,
    *,
    rules: SamplingRules | None = None,
) -> pd.DataFrame:
    """A synthetic eligible-case list of one provider, in the format ``caseinspect.sampling`` reads.

    Parameters
    ----------
    provider : str
        The provider's name (written in a ``provider`` column; it also varies the codes,
        so two providers' lists from one seed share no case id).
    provider_type : {"CRC", "NPS"}
        Sets the case mix: NPS lists hold more custody and high risk of serious harm
        cases; CRC lists hold no high / very high risk of serious harm case.
    n : int
        Cases in the list, excluded ones included.
    seed : int
        The same arguments always give the same list.
    reference_date : datetime.date
        The date the list is drawn at: eligible cases are inside the rules' months window
        then.
    rules : SamplingRules, optional
        The eligibility rules (default: framework ``hmip-2018``'s: 6 to 7 months).

    Returns
    -------
    pandas.DataFrame
        Text columns ``case_id, provider, sentence_or_release_date, requirements, officer,
        office, gender, ethnic_group, disposal_type, rosh``, a ``yes``/``no`` column per
        exclusion flag, ``termination_or_recall_date``; one row per case in no particular
        order. About a fifth of the cases are planted to be excluded, each by exactly one
        rule, in the shares of :data:`EXCLUSION_SHARES` (at least one of each kind from 50
        cases on); ``frame.attrs["planted_exclusions"]`` maps their case ids to the
        reason code screening gives. A few eligible cases were terminated or recalled after
        four weeks or more (they stay in); ethnic group and RoSH are sometimes not recorded.
        Ids are ``E`` and 8 digits; officers ``RO`` and 4 digits, offices ``OF`` and 2 digits.

    Raises
    ------
    UsageError
        For an unknown provider type, or ``n`` or ``seed`` that is not a whole number
        (``n`` at least 1, ``seed`` at least 0).

    Examples
    --------
    >>> from datetime import date
    >>> from caseinspect.sampling import draw_sample
    >>> from caseinspect.framework import load_framework
    >>> cases = eligible_list("Example CRC", "CRC", 300, seed=1, reference_date=date(2019, 3, 1))
    >>> result = draw_sample(cases, load_framework("hmip-2018").sampling, None, 1, date(2019, 3, 1))
    >>> result.listed, result.excluded == len(cases.attrs["planted_exclusions"]), result.eligible
    (300, True, 240)
    """
    if provider_type not in _MIX:
        raise UsageError(f"provider type must be one of {', '.join(_MIX)}, not {provider_type!r}")
    for name, value, least in (("n", n, 1), ("seed", seed, 0)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < least:
            raise UsageError(f"{name} must be a whole number of at least {least}, not {value!r}")
    if rules is None:
        from ..framework import load_framework

        rules = load_framework("hmip-2018").sampling
    rng = np.random.default_rng([int(seed), zlib.crc32(provider.encode("utf-8"))])
    mix = _MIX[provider_type]
    reasons = _planted_reasons(rng, n, rules)

    window = _days_by_months(reference_date, rules)
    offices, officer_of = _officers(rng, n)
    ids = rng.choice(10**8, size=n, replace=False)
    rows = []
    for i in range(n):
        reason = reasons[i]
        disposal = (
            "community"
            if reason == "only-excluded-requirements"
            else _pick(rng, mix["disposal_type"])
        )
        if reason == "too-recent":
            start = rng.choice(window["recent"])
        elif reason == "too-long":
            start = rng.choice(window["long"])
        else:
            start = rng.choice(window["in"])
        start = reference_date - timedelta(days=int(start))
        end = ""
        if reason == "short-delivery":
            end = (
                start + timedelta(days=int(rng.integers(1, 7 * rules.min_delivery_weeks)))
            ).isoformat()
        elif (
            reason is None
            and rng.random() < _TERMINATED_IN
            and (reference_date - start).days >= 7 * rules.min_delivery_weeks
        ):
            delivered = (reference_date - start).days
            end = (
                start
                + timedelta(days=int(rng.integers(7 * rules.min_delivery_weeks, delivered + 1)))
            ).isoformat()
        officer = officer_of[int(rng.integers(len(officer_of)))]
        row = {
            "case_id": f"E{int(ids[i]):08d}",
            "provider": provider,
            "sentence_or_release_date": start.isoformat(),
            "requirements": _requirements(rng, disposal, reason, rules),
            "officer": officer,
            "office": offices[officer],
            "gender": _pick(rng, mix["gender"]),
            "ethnic_group": ""
            if rng.random() < _NOT_RECORDED["ethnic_group"]
            else _pick(rng, _ETHNIC),
            "disposal_type": disposal,
            "rosh": "" if rng.random() < _NOT_RECORDED["rosh"] else _pick(rng, mix["rosh"]),
        }
        for flag in rules.exclude_flags:
            row[flag] = "yes" if reason == flag else "no"
        row["termination_or_recall_date"] = end
        rows.append(row)
    frame = pd.DataFrame(rows, dtype=object)
    frame.attrs[PLANTED] = {
        rows[i]["case_id"]: reasons[i] for i in range(n) if reasons[i] is not None
    }
    return frame


def _planted_reasons(rng: np.random.Generator, n: int, rules: SamplingRules) -> list[str | None]:
    """Which rows are planted for which rule; ``None`` for eligible rows."""
    codes = [
        c
        for c in EXCLUSION_SHARES
        if c not in ("yot_held", "sfo_or_scr", "transferred") or c in rules.exclude_flags
    ]
    if not rules.exclude_if_only_requirements:
        codes.remove("only-excluded-requirements")
    counts = {c: int(round(EXCLUSION_SHARES[c] * n)) for c in codes}
    if n >= 50:
        counts = {c: max(k, 1) for c, k in counts.items()}
    reasons: list[str | None] = [c for c in codes for _ in range(counts[c])][: max(n - 1, 0)]
    reasons += [None] * (n - len(reasons))
    return [reasons[i] for i in rng.permutation(n)]


def _days_by_months(reference_date: date, rules: SamplingRules) -> dict[str, np.ndarray]:
    """Days before ``reference_date`` of starts inside the window, just before it and just after."""
    inside, recent, long = [], [], []
    for days in range(14, int(31 * (rules.months_max + 4))):
        months = months_between(reference_date - timedelta(days=days), reference_date)
        if rules.months_min <= months <= rules.months_max:
            inside.append(days)
        elif max(rules.months_min - 3, 0.5) <= months < rules.months_min:
            recent.append(days)
        elif rules.months_max < months <= rules.months_max + 3:
            long.append(days)
    return {"in": np.array(inside), "recent": np.array(recent), "long": np.array(long)}


def _officers(rng: np.random.Generator, n: int) -> tuple[dict[str, str], list[str]]:
    """Offices and responsible officers, with uneven caseloads (one entry per case slot)."""
    n_offices = max(1, round(n / 90))
    n_officers = max(2, round(n / 8))
    office_codes = [f"OF{k:02d}" for k in rng.choice(100, size=min(n_offices, 100), replace=False)]
    officer_codes = [
        f"RO{k:04d}" for k in rng.choice(10**4, size=min(n_officers, 10**4), replace=False)
    ]
    offices = {
        officer: office_codes[i % len(office_codes)] for i, officer in enumerate(officer_codes)
    }
    load = rng.gamma(2.0, 1.0, size=len(officer_codes))
    slots = np.repeat(np.arange(len(officer_codes)), np.maximum(1, np.round(load * 4)).astype(int))
    return offices, [officer_codes[s] for s in slots]


def _requirements(
    rng: np.random.Generator, disposal: str, reason: str | None, rules: SamplingRules
) -> str:
    if disposal != "community":
        return ""
    only = set(rules.exclude_if_only_requirements)
    if reason == "only-excluded-requirements":
        combos = {k: w for k, w in _ONLY.items() if set(k) <= only}
        return ";".join(_pick(rng, combos))
    keeping = {k: w for k, w in _KEEPING.items() if k not in only and k in REQUIREMENTS}
    chosen = [_pick(rng, keeping)]
    if rng.random() < 0.35:
        extra = _pick(rng, keeping)
        if extra not in chosen:
            chosen.append(extra)
    if rng.random() < 0.25:  # unpaid work alongside a requirement that keeps the case in
        chosen.append("unpaid_work")
    return ";".join(dict.fromkeys(chosen))


def _pick(rng: np.random.Generator, weights: Mapping) -> object:
    keys = list(weights)
    p = np.array([weights[k] for k in keys], dtype=float)
    return keys[int(rng.choice(len(keys), p=p / p.sum()))]
