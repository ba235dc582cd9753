"""What a synthetic round is made of: profile variables, inspections, item columns.

Frozen values read once from ``synth/data/*.yaml``; nothing else in :mod:`caseinspect.synth`
reads those files.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

import yaml

from ..errors import UsageError

__all__ = [
    "Variable",
    "Inspection",
    "RoundSpec",
    "VARIABLES",
    "SHAPE",
    "NEEDS",
    "STRENGTHS",
    "ROUND_IDS",
    "round_spec",
    "model_settings",
    "data_text",
]


@dataclass(frozen=True)
class Variable:
    """A sub-group variable of the case profile (a column and a table breakdown)."""

    column: str
    table_variable: str
    categories: tuple[str, ...]


#: The profile variables in the order of the joint table's axes. Provider type comes first
#: because the 2016-17 tables are split by it.
VARIABLES: tuple[Variable, ...] = (
    Variable("provider_type", "provider", ("CRC", "NPS")),
    Variable("gender", "gender", ("Male", "Female")),
    Variable("age_group", "age_group", ("18-20", "21-24", "25-29", "30-39", "40-49", "50+")),
    Variable("ethnic_group", "ethnic_group", ("White", "Black", "Asian", "Mixed", "Other")),
    Variable("supervision_type", "supervision_type", ("Community sentence", "Post-custody")),
    Variable(
        "likelihood_of_reoffending",
        "likelihood_of_reoffending",
        ("Low", "Medium", "High/Very high"),
    ),
    Variable("rosh", "rosh", ("Low", "Medium", "High/Very high")),
)
SHAPE: tuple[int, ...] = tuple(len(v.categories) for v in VARIABLES)
TYPE, GENDER, AGE, ETHNIC, SUPERVISION, LIKELIHOOD, ROSH = range(7)

#: Needs and strengths in column order; the published question codes are the same words.
NEEDS = (
    "accommodation",
    "ete",
    "family_relationships",
    "lifestyle",
    "alcohol_misuse",
    "drug_misuse",
    "thinking_behaviour",
    "attitudes_to_offending",
)
STRENGTHS = (
    "family_relationships",
    "social_group",
    "motivation_to_change",
    "employment",
    "non_criminal_identity",
)

PROFILE_COLUMNS = ("case_id", "inspection_id", "provider") + tuple(v.column for v in VARIABLES)

ITEMS_2018 = (
    tuple(f"need_{n}" for n in NEEDS)
    + tuple(f"strength_{s}" for s in STRENGTHS)
    + (
        "kq_2_1_1",
        "kq_2_1_1a",
        "kq_2_1_1b",
        "kq_2_1_1c",
        "kq_2_1_2",
        "needs_assessment",
        "strengths_assessment",
        "kq_2_1_2c",
        "kq_2_1_3",
        "kq_2_1_3a",
        "kq_2_1_3b",
        "kq_2_1_3c",
    )
    + ("kq_2_2_1", "kq_2_2_2", "needs_planning", "strengths_planning", "kq_2_2_3")
    + ("kq_2_3_1", "kq_2_3_2", "needs_delivery", "strengths_delivery")
    + tuple(f"delivery_need_{n}" for n in NEEDS)
    + tuple(f"delivery_strength_{s}" for s in STRENGTHS)
    + ("kq_2_3_3", "kq_2_4_1", "kq_2_4_2", "kq_2_4_3")
)
KEY_QUESTIONS_2018 = (
    "kq_2_1_1",
    "kq_2_1_2",
    "kq_2_1_3",
    "kq_2_2_1",
    "kq_2_2_2",
    "kq_2_2_3",
    "kq_2_3_1",
    "kq_2_3_2",
    "kq_2_3_3",
    "kq_2_4_1",
    "kq_2_4_2",
    "kq_2_4_3",
)
ASPIRE_2018 = (
    "needs_assessment",
    "strengths_assessment",
    "needs_planning",
    "strengths_planning",
    "needs_delivery",
    "strengths_delivery",
)
ITEMS_2016 = (
    "barriers_to_engagement_identified",
    "diversity_considered",
    "pre_allocation_assessment_sufficient",
    "post_allocation_assessment_sufficient",
    "risk_of_harm_public_sufficient",
    "risk_of_harm_known_adults_sufficient",
    "risk_of_harm_children_sufficient",
)
PRACTICE_COLUMNS = ("practice_note", "practice_kind", "practice_pseudonym")

ROUND_IDS = ("2018-19", "2016-17")


@dataclass(frozen=True)
class Inspection:
    """One provider's share of a round: the cases of one inspection held by one provider.

    ``weight`` is the relative sample size (invented; see ``data/providers.yaml``).
    """

    inspection_id: str
    provider: str
    provider_type: str
    weight: float


@dataclass(frozen=True)
class RoundSpec:
    """A round: its inspections, framework, published totals and interchange columns."""

    round_id: str
    framework: str
    code: str
    n_cases: int
    n_by_type: tuple[int, int]
    split_by_type: bool
    inspections: tuple[Inspection, ...]
    items: tuple[str, ...]
    rationale_items: tuple[str, ...]

    @property
    def columns(self) -> tuple[str, ...]:
        """Every column of the case file, in order."""
        text = tuple(f"{i}__rationale" for i in self.items if i in self.rationale_items)
        return PROFILE_COLUMNS + self.items + text + PRACTICE_COLUMNS


def data_text(name: str) -> str:
    """The text of a file in ``synth/data``."""
    return files(__package__).joinpath("data", name).read_text(encoding="utf-8")


@cache
def _yaml(name: str) -> Any:
    return yaml.safe_load(data_text(name))


def model_settings() -> dict[str, Any]:
    """The invented model settings (``data/model.yaml``), as read."""
    return _yaml("model.yaml")


@cache
def round_spec(round_id: str) -> RoundSpec:
    """The :class:`RoundSpec` of ``round_id`` (``"2018-19"`` or ``"2016-17"``).

    Raises
    ------
    UsageError
        If the round is unknown.
    """
    if round_id not in ROUND_IDS:
        raise UsageError(f"unknown round {round_id!r}; choose one of {', '.join(ROUND_IDS)}")
    providers = _yaml("providers.yaml")[round_id]
    if round_id == "2018-19":
        inspections = tuple(
            Inspection(f"2018-19-{p['slug']}", p["name"], p["type"], float(p["weight"]))
            for p in providers
        )
        return RoundSpec(
            "2018-19",
            "hmip-2018",
            "1819",
            3308,
            (2474, 834),
            False,
            inspections,
            ITEMS_2018,
            ASPIRE_2018 + KEY_QUESTIONS_2018,
        )
    # 2016-17: each area's inspection covers its CRC's and its NPS division's cases.
    inspections = []
    for area in providers:
        for kind in ("CRC", "NPS"):
            inspections.append(
                Inspection(
                    f"2016-17-{area['slug']}", area[kind.lower()], kind, float(area["weight"])
                )
            )
    return RoundSpec(
        "2016-17",
        "qi-2016",
        "1617",
        1066,
        (672, 394),
        True,
        tuple(inspections),
        ITEMS_2016,
        ITEMS_2016,
    )
