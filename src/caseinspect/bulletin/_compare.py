"""Comparison with a previous round through a crosswalk of corresponding items.

A crosswalk (framework data: ``framework/data/crosswalks/<previous>__<current>.yaml``)
maps an item of the previous framework to the item of the current one that measures the
same thing, with a note on comparability, and lists the items that have no counterpart.

For each mapping :func:`compare_rounds` gives the share judged 'yes' in each round, the
change in percentage points with its 95% interval (Newcombe's hybrid score interval,
from the two Wilson intervals), the unadjusted two-proportion z test, and a logistic
regression of the judgement on a round term adjusted for the sub-group profile (the
profile variables both frameworks share with the same categories), whose round term is
tested by likelihood ratio. The results become cells of a trend table ``TR`` in the tidy
layout, so the prose quotes them like any other cell.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from ..analysis import round_half_up
from ..errors import CaseinspectError, UsageError
from ..framework import Framework

__all__ = [
    "Comparison",
    "Crosswalk",
    "Mapping",
    "compare_rounds",
    "crosswalk_path",
    "load_crosswalk",
]


@dataclass(frozen=True)
class Mapping:
    id: str
    previous: str
    current: str
    comparability: str
    label: str
    note: str


@dataclass(frozen=True)
class Crosswalk:
    previous: str
    current: str
    mappings: tuple[Mapping, ...]
    unmapped: tuple[tuple[str, str], ...]
    source: str


@dataclass(frozen=True)
class Comparison:
    """One mapped item in both rounds (``None`` values when withheld or not testable)."""

    mapping: Mapping
    previous_n: int
    previous_yes: int
    current_n: int
    current_yes: int
    change: float | None
    ci_low: float | None
    ci_high: float | None
    p_unadjusted: float | None
    odds_ratio: float | None
    or_ci_low: float | None
    or_ci_high: float | None
    p_adjusted: float | None
    n_model: int
    n_excluded: int
    adjusted_for: tuple[str, ...]


def crosswalk_path(previous: Framework, current: Framework) -> Path:
    """Where the crosswalk from ``previous`` to ``current`` is looked for."""
    return Path(current.source).parent / "crosswalks" / f"{previous.id}__{current.id}.yaml"


def load_crosswalk(previous: Framework, current: Framework) -> Crosswalk:
    """Read and check the crosswalk between two frameworks.

    Raises
    ------
    caseinspect.errors.UsageError
        When there is no crosswalk file, or it names an item a framework lacks.

    Examples
    --------
    >>> from caseinspect.framework import load_framework
    >>> walk = load_crosswalk(load_framework("qi-2016"), load_framework("hmip-2018"))
    >>> [(m.previous, m.current) for m in walk.mappings][:1]
    [('diversity_considered', 'kq_2_1_1b')]
    """
    path = crosswalk_path(previous, current)
    if not path.is_file():
        raise UsageError(
            f"no crosswalk from {previous.id} to {current.id}: looked for {path}",
            hint="write one (see docs/bulletin.md) or leave out --previous",
        )
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    problems = []
    if data.get("previous") != previous.id or data.get("current") != current.id:
        problems.append(f"it maps {data.get('previous')} to {data.get('current')}")
    mappings = []
    for entry in data.get("mappings") or ():
        for side, fw in (("previous", previous), ("current", current)):
            if entry.get(side) not in fw.item_codes:
                problems.append(
                    f"mapping {entry.get('id')!r}: {fw.id} has no item {entry.get(side)!r}"
                )
        mappings.append(
            Mapping(
                str(entry.get("id")),
                str(entry.get("previous")),
                str(entry.get("current")),
                str(entry.get("comparability", "")),
                str(entry.get("label", "")),
                " ".join(str(entry.get("note", "")).split()),
            )
        )
    unmapped = tuple(
        (str(u.get("item")), " ".join(str(u.get("reason", "")).split()))
        for u in data.get("unmapped") or ()
    )
    if problems:
        raise UsageError(f"{path}: " + "; ".join(problems))
    return Crosswalk(previous.id, current.id, tuple(mappings), unmapped, str(path))


def shared_profile(previous: Framework, current: Framework) -> tuple[str, ...]:
    """Profile variables both frameworks hold with the same categories (the adjustment)."""
    theirs = {v.code: v.categories for v in previous.profile}
    return tuple(v.code for v in current.profile if theirs.get(v.code) == v.categories)


def compare_rounds(
    previous_cases: pd.DataFrame,
    previous: Framework,
    current_cases: pd.DataFrame,
    current: Framework,
    crosswalk: Crosswalk,
) -> tuple[Comparison, ...]:
    """Compare every mapped item between the rounds (see the module notes)."""
    adjust = shared_profile(previous, current)
    out = []
    for mapping in crosswalk.mappings:
        before = _answers(previous_cases, mapping.previous)
        after = _answers(current_cases, mapping.current)
        n1, y1 = int(before.ne("").sum()), int(before.eq("yes").sum())
        n2, y2 = int(after.ne("").sum()), int(after.eq("yes").sum())
        change = ci_low = ci_high = p_unadj = None
        if n1 and n2:
            change, ci_low, ci_high = newcombe(y1, n1, y2, n2)
            p_unadj = two_proportion_p(y1, n1, y2, n2)
        odds: tuple[float | None, float | None, float | None, float | None, int, int] = (
            None,
            None,
            None,
            None,
            0,
            0,
        )
        if n1 and n2:
            odds = _round_model(previous_cases, current_cases, mapping, adjust, current)
        out.append(
            Comparison(mapping, n1, y1, n2, y2, change, ci_low, ci_high, p_unadj, *odds, adjust)
        )
    return tuple(out)


def _answers(cases: pd.DataFrame, item: str) -> pd.Series:
    if item not in cases.columns:
        return pd.Series("", index=cases.index)
    return cases[item].fillna("").astype(str)


def newcombe(y1: int, n1: int, y2: int, n2: int) -> tuple[float, float, float]:
    """Change ``p2 - p1`` in percentage points with its 95% Newcombe (hybrid score) interval.

    Examples
    --------
    >>> [round(x, 1) for x in newcombe(56, 70, 48, 80)]   # Newcombe (1998), example (a)
    [-20.0, -33.4, -5.2]
    """
    from ..stats import wilson_interval

    lo, hi = (np.atleast_1d(x) for x in wilson_interval(np.array([y1, y2]), np.array([n1, n2])))
    p1, p2 = y1 / n1, y2 / n2
    l1, l2 = float(lo[0]), float(lo[1])
    u1, u2 = float(hi[0]), float(hi[1])
    d = p2 - p1
    lower = d - math.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2)
    upper = d + math.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2)
    return 100 * d, 100 * lower, 100 * upper


def two_proportion_p(y1: int, n1: int, y2: int, n2: int) -> float:
    """Two-sided p of the pooled two-proportion z test (unadjusted)."""
    from scipy.stats import norm

    pooled = (y1 + y2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        return 1.0
    z = (y2 / n2 - y1 / n1) / se
    return float(2 * norm.sf(abs(z)))


def _round_model(
    previous_cases: pd.DataFrame,
    current_cases: pd.DataFrame,
    mapping: Mapping,
    adjust: tuple[str, ...],
    current: Framework,
) -> tuple[float | None, float | None, float | None, float | None, int, int]:
    from ..stats import fit_logistic

    def frame(cases: pd.DataFrame, item: str, label: str) -> pd.DataFrame:
        part = pd.DataFrame({"outcome": _answers(cases, item)})
        for code in adjust:
            part[code] = cases[code].fillna("").astype(str) if code in cases.columns else ""
        part["round"] = label
        return part[part["outcome"].ne("")]

    data = pd.concat(
        [
            frame(previous_cases, mapping.previous, "previous"),
            frame(current_cases, mapping.current, "current"),
        ],
        ignore_index=True,
    )
    levels = {code: list(current.profile_variable(code).categories) for code in adjust}
    levels["round"] = ["previous", "current"]
    terms = ["round", *[c for c in adjust if data[c].ne("").any()]]
    usable = [t for t in terms if t == "round" or data.loc[data[t].ne(""), t].nunique() >= 2]
    try:
        result = fit_logistic(
            data.replace("", np.nan),
            "outcome",
            "yes",
            usable,
            levels={t: levels[t] for t in usable},
            method="enter",
        )
        coefficient = result.coefficient("round[T.current]")
        test = result.term_test("round")
    except (CaseinspectError, KeyError, ValueError):
        return None, None, None, None, 0, 0
    return (
        float(coefficient.odds_ratio),
        float(coefficient.or_ci_low),
        float(coefficient.or_ci_high),
        float(test.p),
        int(result.n),
        int(result.n_excluded),
    )


def trend_cells(
    comparisons: tuple[Comparison, ...], previous_label: str, current_label: str
) -> pd.DataFrame:
    """The comparisons as cells of the trend table ``TR`` (tidy layout)."""
    rows: list[tuple[object, ...]] = []
    for c in comparisons:
        q = c.mapping.id
        for label, n, yes in (
            (previous_label, c.previous_n, c.previous_yes),
            (current_label, c.current_n, c.current_yes),
        ):
            pct = float(round_half_up(yes, n)) if n else np.nan
            rows.append(("TR", q, "all", "round", label, n, yes, pct))
        for category, value in (
            ("change", c.change),
            ("ci_low", c.ci_low),
            ("ci_high", c.ci_high),
            ("p_unadjusted", c.p_unadjusted),
            ("odds_ratio", c.odds_ratio),
            ("or_ci_low", c.or_ci_low),
            ("or_ci_high", c.or_ci_high),
            ("p_adjusted", c.p_adjusted),
        ):
            rows.append(
                (
                    "TR",
                    q,
                    "all",
                    "test",
                    category,
                    c.n_model,
                    None,
                    np.nan if value is None else value,
                )
            )
    frame = pd.DataFrame(
        rows,
        columns=["table", "question", "provider_split", "variable", "category", "n", "yes", "pct"],
    )
    frame["n"] = frame["n"].astype("Int64")
    frame["yes"] = frame["yes"].astype("Int64")
    return frame
