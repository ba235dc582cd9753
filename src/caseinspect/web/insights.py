"""Reads that call the core for an inspection: emerging ratings and second-marking agreement.

Nothing here computes statistics: ``caseinspect.ratings.rate_providers``,
``caseinspect.stats.wilson_interval`` and ``caseinspect.agreement.second_marking_agreement``
do; this gathers their inputs from the database and shapes rows for templates.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .frameworks import framework_for
from .models import Case, RatingDecision
from .store import cases_frame

EMERGING_STATUSES = (Case.Status.SUBMITTED, Case.Status.ACCEPTED)


@dataclass
class KeyQuestionRow:
    standard: str
    code: str
    label: str
    n: int
    yes: int
    pct: float | None
    low: float | None
    high: float | None


@dataclass
class StandardRow:
    code: str
    title: str
    basis: str
    rating: str
    score: object
    explanation: str
    judgement: RatingDecision | None
    override: RatingDecision | None
    provisional: bool = False  # a key question has fewer applicable cases than the minimum

    @property
    def unrated(self) -> bool:
        return self.score is None


@dataclass
class EmergingRatings:
    kq_rows: list[KeyQuestionRow]
    standards: list[StandardRow]
    overall: str
    overall_score: object
    notes: tuple[str, ...]
    n_cases: int
    levels: tuple[str, ...]
    min_cases: int = 0

    @property
    def overall_provisional(self) -> bool:
        return any(row.provisional for row in self.standards)

    def blockers(self) -> list[str]:
        """Why the ratings are not ready to sign off, in plain words (empty: ready)."""
        out = [f"{r.code} {r.title} is not rated" for r in self.standards if r.unrated]
        out += [
            f"{r.code} {r.title} is provisional: fewer than {self.min_cases} applicable cases "
            "for one of its key questions"
            for r in self.standards
            if r.provisional and not r.override
        ]
        if self.overall in ("withheld", "not rated"):
            out.append(f"the overall rating is {self.overall}")
        return out


def emerging_ratings(inspection) -> EmergingRatings:
    from ..ratings import rate_providers
    from ..stats import wilson_interval

    framework = framework_for(inspection)
    provider = inspection.provider
    if provider is None:
        return EmergingRatings(
            [],
            [],
            "not rated",
            None,
            (
                "an area inspection covers several providers; each provider is rated in its own inspection",
            ),
            0,
            (),
        )
    cases = cases_frame(
        framework_id=inspection.framework_id,
        inspection_codes=[inspection.code],
        statuses=EMERGING_STATUSES,
    )
    n_cases = len(cases)
    decisions = list(
        RatingDecision.objects.filter(inspection=inspection).select_related("decided_by")
    )
    judged = {d.standard: d for d in decisions if d.kind == RatingDecision.Kind.JUDGEMENT}
    overridden = {d.standard: d for d in decisions if d.kind == RatingDecision.Kind.OVERRIDE}
    standards = framework.standards_for(provider.provider_type)
    levels = tuple(level.name for level in framework.ratings.levels) if framework.ratings else ()

    kq_rows = []
    for standard in standards:
        for kq in standard.key_questions:
            answers = cases[kq.item] if kq.item in cases.columns else pd.Series([], dtype=object)
            yes, n = int((answers == "yes").sum()), int(answers.isin(("yes", "no")).sum())
            low, high = wilson_interval(yes, n) if n else (None, None)
            kq_rows.append(
                KeyQuestionRow(
                    standard.code,
                    kq.code,
                    framework.item(kq.item).label,
                    n,
                    yes,
                    100 * yes / n if n else None,
                    100 * low if low is not None else None,
                    100 * high if high is not None else None,
                )
            )
    if framework.ratings is None:
        return EmergingRatings(
            kq_rows,
            [],
            "not rated",
            None,
            ("this framework has no ratings rules",),
            n_cases,
            levels,
        )

    valid_codes = {s.code: s for s in standards}
    judgements = pd.DataFrame(
        [
            {
                "provider": provider.name,
                "standard": d.standard,
                "rating": d.rating,
                "reasons": d.reasons,
            }
            for d in judged.values()
            if d.standard in valid_codes and valid_codes[d.standard].basis == "judgement"
        ],
        columns=["provider", "standard", "rating", "reasons"],
        dtype=object,
    )
    overrides = pd.DataFrame(
        [
            {
                "provider": provider.name,
                "standard": d.standard,
                "rating": d.rating,
                "reason": d.reasons,
            }
            for d in overridden.values()
            if d.standard in valid_codes
        ],
        columns=["provider", "standard", "rating", "reason"],
        dtype=object,
    )
    if cases.empty:  # rate_providers rates the providers in the case table: give it the provider
        cases = pd.DataFrame(
            [{"provider": provider.name, "provider_type": provider.provider_type}], dtype=object
        )
        for s in standards:
            for kq in s.key_questions:
                cases[kq.item] = ""
    result = rate_providers(cases, framework, judgements, overrides)
    ratings = result.ratings[result.ratings["provider"] == provider.name]
    min_cases = framework.ratings.min_cases_per_key_question
    thin = {row.standard for row in kq_rows if row.n < min_cases}
    rows = []
    for standard, (_, r) in zip(standards, ratings.iterrows(), strict=True):
        rows.append(
            StandardRow(
                standard.code,
                standard.title,
                standard.basis,
                r["rating"],
                None if pd.isna(r["score"]) else int(r["score"]),
                r["basis"],
                judged.get(standard.code),
                overridden.get(standard.code),
                provisional=standard.basis == "cases" and standard.code in thin,
            )
        )
    overall = result.overall[result.overall["provider"] == provider.name]
    overall_rating = overall["rating"].iloc[0] if len(overall) else "withheld"
    overall_score = overall["score"].iloc[0] if len(overall) else None
    return EmergingRatings(
        kq_rows,
        rows,
        overall_rating,
        None if pd.isna(overall_score) else int(overall_score),
        result.notes,
        n_cases,
        levels,
        min_cases,
    )


@dataclass
class AgreementView:
    result: object | None
    rows: list[tuple[str, object]]
    discrepancies: list[dict]
    pairs: int
    notes: list[str] = field(default_factory=list)


def second_marking_agreement_for(inspection) -> AgreementView:
    """Agreement between first and second markings, both submitted or accepted."""
    from ..agreement import second_marking_agreement

    framework = framework_for(inspection)
    done = (Case.Status.SUBMITTED, Case.Status.ACCEPTED)
    seconds = list(
        Case.objects.filter(
            inspection=inspection,
            second_marking_of__isnull=False,
            status__in=done,
            second_marking_of__status__in=done,
        ).select_related("second_marking_of")
    )
    if not seconds:
        return AgreementView(None, [], [], 0)

    def table(cases):
        return pd.DataFrame(
            [
                {
                    "case_id": c.case_id,
                    **{i: (c.answers or {}).get(i, "") for i in framework.item_codes},
                }
                for c in cases
            ],
            dtype=object,
        )

    first = table([s.second_marking_of for s in seconds])
    second = table(seconds)
    result = second_marking_agreement(
        first, second, list(framework.item_codes), profile_columns=framework.profile_columns
    )
    rows = [
        (framework.item(code).label, ia)
        for code, ia in result.items.items()
        if ia.coefficients.n or ia.first_only or ia.second_only
    ]
    labels = {i.code: i.label for i in framework.items}
    discrepancies = [
        {**d, "label": labels.get(d["item"], d["item"])}
        for d in result.discrepancies.to_dict("records")
    ]
    return AgreementView(result, rows, discrepancies, len(seconds), _agreement_notes(result))


def _agreement_notes(result) -> list[str]:
    """The core's notes for people: the per-question "kappa undefined" lines (one per item,
    keyed by item code) become one sentence; other notes are kept as they are."""
    undefined = [n for n in result.notes if "kappa undefined" in n]
    notes = [n for n in result.notes if "kappa undefined" not in n]
    if undefined:
        k = len(undefined)
        notes.append(
            f"Cohen's kappa cannot be calculated for {k} question{'s' if k != 1 else ''} "
            "(shown as —): both markers gave every case the same single answer, so there is "
            "no variation to measure agreement beyond chance. Gwet's AC1 is shown for them."
        )
    return notes
