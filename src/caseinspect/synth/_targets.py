"""Calibration targets read from the published annex tables.

Two kinds of target come out of a published table:

* the case profile: how many cases fall in each sub-group (recorded) and how many have the
  sub-group not recorded, per stratum (the whole round for 2018-19; CRC and NPS for
  2016-17, whose tables are split by provider type);
* per item, the share of cases where it applies (``n`` over the cases in the row) and the
  share answered 'yes' (``pct``), per published cell.

Strata are ``-1`` (all cases) or a provider type index (0 CRC, 1 NPS); variables are
indices into :data:`~caseinspect.synth._spec.VARIABLES`, ``-1`` for the 'All cases' row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..published import published_path
from ._numeric import apportion
from ._spec import NEEDS, STRENGTHS, VARIABLES, model_settings, round_spec

__all__ = ["ProfileTargets", "ItemTargets", "profile_targets", "item_targets", "published_table"]

_BY_TABLE_VARIABLE = {v.table_variable: i for i, v in enumerate(VARIABLES)}
_SPLIT = {"all": -1, "CRC": 0, "NPS": 1}


@dataclass(frozen=True)
class ProfileTargets:
    """Recorded counts and not-recorded counts of each profile variable, per stratum.

    ``recorded[(stratum, v)]`` is an int array over the categories; ``missing[(stratum, v)]``
    the number of cases with ``v`` not recorded. ``n_by_type`` is the number of CRC and NPS
    cases.
    """

    n_by_type: tuple[int, int]
    recorded: dict[tuple[int, int], np.ndarray] = field(repr=False)
    missing: dict[tuple[int, int], int]


@dataclass(frozen=True)
class ItemTargets:
    """Published targets of one item: cells keyed (stratum, variable) -> rates per category.

    ``applies`` holds the share of the row's cases the item applies to (``None``: the
    bulletin gives no n, the item applies wherever its condition holds); ``yes`` the share
    answered 'yes' among those. The 'All cases' row is variable ``-1`` (one category).
    """

    item: str
    table: str
    question: str
    applies: dict[tuple[int, int], np.ndarray] | None = field(repr=False)
    yes: dict[tuple[int, int], np.ndarray] = field(repr=False)


def published_table(round_id: str) -> pd.DataFrame:
    """The published tables of a round, as shipped (``n`` and ``pct`` as floats, NaN empty)."""
    return pd.read_csv(published_path(round_id), dtype={"category": str})


def _cells(frame: pd.DataFrame, column: str) -> dict[tuple[int, int], np.ndarray]:
    out: dict[tuple[int, int], np.ndarray] = {}
    for (split, variable), part in frame.groupby(["provider_split", "variable"], sort=False):
        stratum = _SPLIT[split]
        if variable == "all":
            out[(stratum, -1)] = np.array([part[column].iloc[0]], dtype=float)
            continue
        v = _BY_TABLE_VARIABLE[variable]
        values = np.full(len(VARIABLES[v].categories), np.nan)
        for _, row in part.iterrows():
            values[VARIABLES[v].categories.index(row["category"])] = row[column]
        out[(stratum, v)] = values
    return out


def profile_targets(round_id: str) -> ProfileTargets:
    """The case profile the round must reproduce (published counts; see module docstring)."""
    spec = round_spec(round_id)
    table = published_table(round_id)
    if round_id == "2018-19":
        # Table C1 prints the number of cases in every row.
        rows = table[(table["table"] == "C1") & (table["question"] == "accommodation")]
        cells = _cells(rows, "n")
        recorded, missing = {}, {}
        for v in range(1, len(VARIABLES)):
            counts = cells[(-1, v)].astype(np.int64)
            recorded[(-1, v)] = counts
            missing[(-1, v)] = int(spec.n_cases - counts.sum())
        return ProfileTargets(spec.n_by_type, recorded, missing)
    return _profile_2016(table, spec.n_by_type)


def _profile_2016(table: pd.DataFrame, n_by_type: tuple[int, int]) -> ProfileTargets:
    """Derive the 2016-17 profile from the applicable-case counts of Tables 1-7.

    Each table gives, per provider type, the cases the question applied to in each row, so
    the cases in a row are at least the largest n over the seven tables, and the cases with
    the variable not recorded at least the largest gap between a table's 'All cases' n and
    the sum of its rows. What is left over (cases to which no question applied) is spread
    over the categories in proportion, except where the bulletin's text fixes a total
    (e.g. 156 female cases; see ``profile_facts_2016_17`` in ``data/model.yaml``).
    """
    facts = model_settings()["profile_facts_2016_17"]
    split_rows = table[table["provider_split"] != "all"]
    recorded, missing = {}, {}
    for v in range(1, len(VARIABLES)):
        variable = VARIABLES[v]
        floors, gaps = [], []
        for stratum in (0, 1):
            rows = split_rows[split_rows["provider_split"] == ("CRC", "NPS")[stratum]]
            per_table = []
            gap = 0
            for _, part in rows.groupby("table"):
                cells = _cells(part, "n")
                values = np.nan_to_num(cells[(stratum, v)], nan=0.0)
                per_table.append(values)
                gap = max(gap, int(cells[(stratum, -1)][0] - values.sum()))
            floors.append(np.max(per_table, axis=0).astype(np.int64))
            gaps.append(gap)
        fixed = facts.get(variable.column, {})
        counts = [f.copy() for f in floors]
        room = [n_by_type[s] - int(floors[s].sum()) - gaps[s] for s in (0, 1)]
        # Published totals first: their slack goes to the strata with room left.
        for label, total in fixed.items():
            k = variable.categories.index(label)
            slack = int(total) - int(floors[0][k] + floors[1][k])
            share = (
                apportion([max(r, 0) for r in room], slack)
                if slack > 0
                else np.zeros(2, dtype=np.int64)
            )
            for s in (0, 1):
                counts[s][k] += share[s]
                room[s] -= int(share[s])
        for s in (0, 1):
            free = np.array([c not in fixed for c in variable.categories])
            if room[s] > 0 and free.any():
                counts[s][free] += apportion(floors[s][free], room[s])
            recorded[(s, v)] = counts[s]
            missing[(s, v)] = int(n_by_type[s] - counts[s].sum())
    return ProfileTargets(n_by_type, recorded, missing)


def _question_item(round_id: str, table_id: str, question: str) -> str:
    if round_id == "2016-17":
        return question
    return {
        "C1": f"need_{question}",
        "C2": f"strength_{question}",
        "C3": question,
        "C4": question,
        "C5": f"delivery_need_{question}",
        "C6": f"delivery_strength_{question}",
    }[table_id]


def item_targets(round_id: str, profile: ProfileTargets) -> dict[str, ItemTargets]:
    """Published targets per item code (mean-number rows are left out: they follow)."""
    table = published_table(round_id).copy()
    for cell in model_settings().get("unreliable_n", []):
        if cell["round"] != round_id:
            continue
        where = (
            (table["table"] == cell["table"])
            & (table["question"] == cell["question"])
            & (table["variable"] == cell["variable"])
            & (table["category"] == cell["category"])
        )
        table.loc[where, "n"] = np.nan
    out = {}
    for (table_id, question), part in table.groupby(["table", "question"], sort=False):
        if question.startswith("mean_number"):
            continue
        if round_id == "2016-17":
            part = part[part["provider_split"] != "all"]  # calibrate to the CRC/NPS split rows
        item = _question_item(round_id, table_id, question)
        yes = {key: rates / 100.0 for key, rates in _cells(part, "pct").items()}
        applies = None
        if table_id not in ("C1", "C2", "C5", "C6"):
            n = _cells(part, "n")
            applies = {}
            for key, values in n.items():
                stratum, v = key
                base = _row_counts(profile, stratum, v)
                applies[key] = np.divide(
                    values, base, out=np.full(len(values), np.nan), where=base > 0
                )
        out[item] = ItemTargets(item, table_id, question, applies, yes)
    expected = set(round_spec(round_id).items)
    if round_id == "2018-19":
        expected = (
            {f"need_{n}" for n in NEEDS}
            | {f"strength_{s}" for s in STRENGTHS}
            | {
                "needs_assessment",
                "needs_planning",
                "needs_delivery",
                "strengths_assessment",
                "strengths_planning",
                "strengths_delivery",
            }
            | {f"delivery_need_{n}" for n in NEEDS}
            | {f"delivery_strength_{s}" for s in STRENGTHS}
        )
    if set(out) != expected:  # a broken calibration spec, not user input
        raise RuntimeError(f"calibration targets differ: {sorted(set(out) ^ expected)}")
    return out


def _row_counts(profile: ProfileTargets, stratum: int, v: int) -> np.ndarray:
    """Cases in each row of a breakdown (the denominator of an applicability share)."""
    if v == -1:
        n = sum(profile.n_by_type) if stratum == -1 else profile.n_by_type[stratum]
        return np.array([n], dtype=float)
    if v == 0:
        return np.array(profile.n_by_type, dtype=float)
    if stratum == -1 and (-1, v) not in profile.recorded:
        return (profile.recorded[(0, v)] + profile.recorded[(1, v)]).astype(float)
    return profile.recorded[(stratum, v)].astype(float)
