"""Rating providers: key-question percentages, standards, and the overall rating."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import pandas as pd

from ..errors import CaseinspectError
from ..framework import Framework, RatingsRules, Standard
from ._inputs import check_cases, check_decisions
from ._rules import band_for_score, level_for_pct, rounded_pct

__all__ = ["NOT_RATED", "WITHHELD", "RatingsResult", "rate_providers"]

NOT_RATED = "not rated"
WITHHELD = "withheld"


@dataclass(frozen=True)
class RatingsResult:
    """Ratings of every provider in a case file.

    Attributes
    ----------
    key_questions : DataFrame
        ``provider, key_question, n, sufficient, pct`` — applicable cases, cases judged
        sufficient ('yes'), and their percentage (1 decimal place; the rating compares
        the percentage as the framework's rounding rule says).
    ratings : DataFrame
        ``provider, standard, rating, score, basis, title, provider_type``; ``rating`` is
        ``"not rated"`` (and ``score`` empty) when no rating can be given.
    overall : DataFrame
        ``provider, score, rating, note``; ``rating`` is ``"withheld"`` unless every
        standard is rated.
    notes : tuple of str
        Why anything is not rated or withheld.
    provenance : dict
        Framework id, version and fingerprint.
    """

    key_questions: pd.DataFrame
    ratings: pd.DataFrame
    overall: pd.DataFrame
    notes: tuple[str, ...]
    provenance: dict[str, str]


def rate_providers(
    cases: pd.DataFrame,
    framework: Framework,
    judgements: pd.DataFrame | None = None,
    overrides: pd.DataFrame | None = None,
    *,
    sources: tuple[str, str, str] = ("cases", "judgements", "overrides"),
) -> RatingsResult:
    """Rate every provider in a case table by the framework's ratings rules.

    Parameters
    ----------
    cases : DataFrame
        Case table in the interchange format (text as read from CSV): ``provider``,
        ``provider_type`` and the key-question items of the case-based standards, each
        ``yes``, ``no`` or empty (not applicable).
    framework : Framework
        Must have a ``ratings:`` block.
    judgements : DataFrame, optional
        ``provider, standard, rating, reasons``: inspectors' ratings of the
        judgement-based standards (domain one, and domain three whose cases are not in
        the case table). Reasons are required.
    overrides : DataFrame, optional
        ``provider, standard, rating, reason``: a ratings panel's overrides of any
        standard, each with its reason.
    sources : tuple of str
        File names of cases, judgements and overrides, for messages.

    Returns
    -------
    RatingsResult

    Raises
    ------
    ValidationError
        Every problem in the inputs (unknown provider type, answer, standard or rating;
        missing reasons; duplicates).
    CaseinspectError
        If the framework has no ratings rules, or its bands do not cover a score.

    Notes
    -----
    A case-based standard takes the level of its *lowest* key question: the share of
    applicable cases judged sufficient, rounded as the framework says, compared with
    each level's minimum (80/65/50/0 in the 2018 framework). Key questions with no
    applicable case are left out of the minimum, with a note. A standard without a
    judgement is "not rated", and then the overall rating is withheld rather than
    guessed. Scores (Outstanding 3 … Inadequate 0) are summed and the sum is placed in
    the framework's overall bands.

    Examples
    --------
    >>> from caseinspect.framework import load_framework
    >>> fw = load_framework("hmip-2018")
    >>> kq = [k.item for s in fw.standards if s.basis == "cases" for k in s.key_questions]
    >>> cases = pd.DataFrame([{"provider": "Wessex", "provider_type": "CRC",
    ...                        **{item: "yes" for item in kq}}] * 4)
    >>> r = rate_providers(cases, fw)
    >>> r.ratings.loc[r.ratings.standard == "2.1", "rating"].item()
    'Outstanding'
    >>> r.overall.rating.item()
    'withheld'
    """
    if framework.ratings is None:
        raise CaseinspectError(
            f"framework {framework.id!r} has no ratings rules (no ratings: block)."
        )
    rules = framework.ratings
    table, provider_types = check_cases(cases, framework, sources[0])
    judged = check_decisions(
        judgements, framework, provider_types, kind="judgement", source=sources[1]
    )
    overridden = check_decisions(
        overrides,
        framework,
        provider_types,
        kind="override",
        source=sources[2],
        reason_required=rules.override_requires_reason,
    )
    by_judgement = {(d.provider, d.standard): d for d in judged}
    by_override = {(d.provider, d.standard): d for d in overridden}
    scores = {lv.name: lv.score for lv in rules.levels}

    kq_rows: list[tuple] = []
    rating_rows: list[tuple] = []
    overall_rows: list[tuple] = []
    notes: list[str] = []
    for provider in sorted(provider_types):
        ptype = provider_types[provider]
        mine = table[table["provider"] == provider]
        unrated: list[str] = []
        total = 0
        for standard in framework.standards_for(ptype):
            if standard.basis == "cases":
                rating, basis = _rate_from_cases(standard, mine, rules, provider, kq_rows, notes)
            else:
                decision = by_judgement.get((provider, standard.code))
                rating, basis = (
                    (decision.rating, f"judgement: {decision.reason}")
                    if decision
                    else (NOT_RATED, "no judgement recorded")
                )
            override = by_override.get((provider, standard.code))
            if override is not None:
                basis = f"panel override (computed: {rating}): {override.reason}"
                rating = override.rating
            if rating == NOT_RATED:
                unrated.append(standard.code)
                score = None
            else:
                score = scores[rating]
                total += score
            rating_rows.append(
                (provider, standard.code, rating, score, basis, standard.title, ptype)
            )
        if unrated:
            note = (
                f"overall rating withheld: {len(unrated)} standard(s) not rated "
                f"({', '.join(unrated)})"
            )
            notes.append(f"{provider}: {note}")
            overall_rows.append((provider, None, WITHHELD, note))
        else:
            band = band_for_score(rules, total, framework.id)
            overall_rows.append((provider, total, band.name, ""))
    return RatingsResult(
        key_questions=pd.DataFrame(
            kq_rows, columns=["provider", "key_question", "n", "sufficient", "pct"]
        ),
        ratings=pd.DataFrame(
            rating_rows,
            columns=["provider", "standard", "rating", "score", "basis", "title", "provider_type"],
        ).astype({"score": "Int64"}),
        overall=pd.DataFrame(overall_rows, columns=["provider", "score", "rating", "note"]).astype(
            {"score": "Int64"}
        ),
        notes=tuple(notes),
        provenance=dict(framework.provenance),
    )


def _rate_from_cases(
    standard: Standard,
    cases: pd.DataFrame,
    rules: RatingsRules,
    provider: str,
    kq_rows: list,
    notes: list,
) -> tuple[str, str]:
    lowest: tuple[Fraction, str, int, int] | None = None
    empty: list[str] = []
    for kq in standard.key_questions:
        answers = cases[kq.item]
        yes = int((answers == "yes").sum())
        n = int(answers.isin(("yes", "no")).sum())
        kq_rows.append((provider, kq.code, n, yes, round(100 * yes / n, 1) if n else None))
        if n == 0:
            empty.append(kq.code)
            continue
        pct = rounded_pct(yes, n, rules.pct_rounding)
        if lowest is None or pct < lowest[0]:
            lowest = (pct, kq.code, yes, n)
    if empty:
        notes.append(
            f"{provider} {standard.code}: no applicable case for key question(s) "
            f"{', '.join(empty)}; left out of the rating"
        )
    if lowest is None:
        return NOT_RATED, "no applicable cases"
    pct, code, yes, n = lowest
    level = level_for_pct(rules, pct)
    exact = Fraction(100 * yes, n)
    shown = f"{float(exact):.1f}%".replace(".0%", "%")
    if exact != pct:
        shown += f", counted as {pct}%"
    return level.name, f"cases: lowest key question {code}, {yes}/{n} = {shown}"
