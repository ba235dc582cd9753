"""Drawing a stratified, spread, reproducible case sample with a reserve list."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from ..errors import UsageError
from ..framework import ProfileRule, SampleMinimum, SamplingRules
from ._allocate import allocate, interleave, largest_remainder
from ._eligibility import prepare_eligible, screen
from ._size import SampleSize, sample_size

__all__ = ["NOT_RECORDED", "SampleResult", "draw_sample"]

NOT_RECORDED = "not recorded"
_REPORT_EXTRA = ("gender", "ethnic_group", "disposal_type", "rosh", "office")


@dataclass(frozen=True)
class SampleResult:
    """A drawn sample and everything needed to check it.

    Attributes
    ----------
    sample : DataFrame
        ``sample_order, stratum, selected_for`` then the eligible list's columns (as
        text), one row per sampled case, in pick order.
    reserve : DataFrame
        ``reserve_order, stratum`` then the columns; replace a drop-out with the first
        unused reserve case, preferably of the same stratum.
    exclusions : DataFrame
        The list's columns plus ``months_under_supervision, reasons, detail``.
    allocation : DataFrame
        Per stratum: ``stratum, eligible, exact_share, proportional, allocated,
        sampled, reserve``.
    report : DataFrame
        ``variable, category, eligible_n, eligible_pct, sample_n, sample_pct,
        difference_pts`` comparing the sample with the eligible population.
    size : int
        Sample size drawn.
    size_basis : SampleSize or None
        How the size was computed, when it was not given.
    listed, excluded, eligible : int
        Cases in the list, screened out, and left to sample from.
    officers, offices : tuple of (int, int)
        (covered by the sample, in the eligible population).
    seed : int
    reference_date : datetime.date
    notes : tuple of str
        Minimums not met in full, and similar.
    """

    sample: pd.DataFrame
    reserve: pd.DataFrame
    exclusions: pd.DataFrame
    allocation: pd.DataFrame
    report: pd.DataFrame
    size: int
    size_basis: SampleSize | None
    listed: int
    excluded: int
    eligible: int
    officers: tuple[int, int]
    offices: tuple[int, int]
    seed: int
    reference_date: date
    notes: tuple[str, ...]


def draw_sample(
    eligible: pd.DataFrame,
    rules: SamplingRules,
    size: int | None,
    seed: int,
    reference_date: date,
    *,
    minimums: Sequence[SampleMinimum] | None = None,
    categories: Mapping[str, Sequence[str]] | None = None,
    source: str = "eligible cases",
    profile_rules: Sequence[ProfileRule] = (),
    provider_type: str | None = None,
) -> SampleResult:
    """Screen an eligible-case list and draw a stratified sample and reserve list.

    Parameters
    ----------
    eligible : DataFrame
        The provider's eligible-case list, as text (see :func:`prepare_eligible` and
        docs/sampling.md for its columns).
    rules : SamplingRules
        The framework's sampling rules (eligibility, strata, spread, reserve).
    size : int or None
        Sample size; ``None`` computes it from ``rules`` (confidence, margin,
        proportion) and the number of cases that pass screening.
    seed : int
        Seed of the random generator: the same list, rules and seed give the same sample.
    reference_date : datetime.date
        Date at which months under supervision are counted.
    minimums : sequence of SampleMinimum, optional
        Minimum numbers that take precedence over proportionality; default
        ``rules.minimums``.
    categories : mapping, optional
        Allowed values per column (normally the framework's profile categories).
    source : str
        File name for messages.
    profile_rules, provider_type
        The framework's forbidden profile combinations and the provider's type, as for
        :func:`prepare_eligible` (which also refuses sentence dates after
        ``reference_date``).

    Returns
    -------
    SampleResult

    Raises
    ------
    ValidationError
        If the list breaks a rule (every problem listed).
    UsageError
        If no case is eligible or ``size`` is not between 1 and the number eligible.

    Notes
    -----
    Cases are first put in ``case_id`` order, so the input row order does not matter.
    Strata (``rules.strata``) get the largest-remainder proportional allocation, moved
    just enough to meet the minimums. Picks alternate between strata in proportion;
    each pick takes, within its stratum, the case whose officer (then office, for each
    ``rules.spread_by`` column in turn) has had fewest cases picked so far, ties broken
    by a seeded random order. The reserve (``ceil(reserve_fraction × size)`` cases) is
    allocated over strata in the eligible proportions and picked the same way.

    Examples
    --------
    >>> from datetime import date
    >>> from caseinspect.framework import load_framework
    >>> rules = load_framework("hmip-2018").sampling
    >>> cases = pd.DataFrame([{
    ...     "case_id": f"C{i:02d}", "sentence_or_release_date": "2024-01-10",
    ...     "requirements": "rehabilitation_activity", "officer": f"O{i % 4}",
    ...     "office": "North", "gender": "Female" if i < 10 else "Male",
    ...     "ethnic_group": "White", "disposal_type": "community", "rosh": "Low",
    ...     "yot_held": "no", "sfo_or_scr": "no", "transferred": "yes" if i == 0 else "no",
    ...     "termination_or_recall_date": ""} for i in range(40)])
    >>> result = draw_sample(cases, rules, 13, seed=1, reference_date=date(2024, 7, 15))
    >>> result.excluded, result.eligible, len(result.sample), len(result.reserve)
    (1, 39, 13, 3)
    >>> result.sample.stratum.value_counts().to_dict()
    {'Male / community / Low': 10, 'Female / community / Low': 3}
    """
    minimums = tuple(rules.minimums if minimums is None else minimums)
    prepared = prepare_eligible(
        eligible,
        rules,
        categories=categories,
        source=source,
        profile_rules=profile_rules,
        provider_type=provider_type,
        reference_date=reference_date,
    )
    pool, excluded = screen(prepared, rules, reference_date)
    if pool.empty:
        raise UsageError(
            f"{source}: none of the {len(prepared)} listed cases is eligible "
            f"at {reference_date}; see the exclusions for the reasons."
        )
    basis = None
    if size is None:
        basis = sample_size(len(pool), rules.confidence, rules.margin, rules.proportion)
        size = basis.n
    if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= len(pool):
        raise UsageError(
            f"sample size must be between 1 and the {len(pool)} eligible cases, not {size!r}."
        )

    pool = pool.sort_values("case_id", kind="stable").reset_index(drop=True)
    rng = np.random.default_rng(seed)
    rank = rng.permutation(len(pool))
    strata = _stratum_keys(pool, rules.strata)
    sizes = _counts(strata)
    qualifies = [_qualifies(pool, m) for m in minimums]
    alloc = allocate(
        sizes,
        size,
        [
            (
                _minimum_label(m),
                m.count,
                _counts([s for s, ok in zip(strata, q, strict=True) if ok]),
            )
            for m, q in zip(minimums, qualifies, strict=True)
        ],
    )

    picker = _Picker(
        pool,
        strata,
        rank,
        rules.spread_by,
        qualifies,
        [f"minimum: {m.column} {'/'.join(m.categories)}" for m in minimums],
    )
    sample_rows = picker.pick(alloc.allocated, alloc.quotas)
    reserve_total = min(int(np.ceil(rules.reserve_fraction * size - 1e-9)), len(pool) - size)
    keys = list(sizes)
    room = [sizes[k] - alloc.allocated[k] for k in keys]
    reserve_counts = dict(
        zip(keys, largest_remainder([sizes[k] for k in keys], reserve_total, room), strict=True)
    )
    reserve_rows = picker.pick(reserve_counts, ())

    labels = [_label(s) for s in strata]
    text = _as_text(pool.drop(columns=["months_under_supervision"]))
    sample = _frame(
        text, sample_rows, labels, "sample_order", [picker.reason[i] for i, _ in sample_rows]
    )
    reserve = _frame(text, reserve_rows, labels, "reserve_order", None)
    allocation = pd.DataFrame(
        {
            "stratum": [_label(k) for k in keys],
            "eligible": [sizes[k] for k in keys],
            "exact_share": [round(size * sizes[k] / len(pool), 2) for k in keys],
            "proportional": [alloc.proportional[k] for k in keys],
            "allocated": [alloc.allocated[k] for k in keys],
            "sampled": [sum(1 for i, _ in sample_rows if strata[i] == k) for k in keys],
            "reserve": [reserve_counts[k] for k in keys],
        }
    )
    picked = [i for i, _ in sample_rows]
    report_columns = list(
        dict.fromkeys(list(rules.strata) + [m.column for m in minimums] + list(_REPORT_EXTRA))
    )
    return SampleResult(
        sample=sample,
        reserve=reserve,
        exclusions=_as_text(excluded).reset_index(drop=True),
        allocation=allocation,
        report=_report(pool, picked, [c for c in report_columns if c in pool.columns]),
        size=size,
        size_basis=basis,
        listed=len(prepared),
        excluded=len(excluded),
        eligible=len(pool),
        officers=_coverage(pool, picked, "officer"),
        offices=_coverage(pool, picked, "office"),
        seed=seed,
        reference_date=reference_date,
        notes=alloc.notes,
    )


class _Picker:
    """Picks cases stratum by stratum, spreading them over officers and offices."""

    def __init__(
        self,
        pool: pd.DataFrame,
        strata: Sequence[Hashable],
        rank: np.ndarray,
        spread_by: Sequence[str],
        qualifies: Sequence[Any],
        minimum_labels: Sequence[str],
    ) -> None:
        self.minimum_labels = minimum_labels
        self.strata = strata
        self.rank = rank
        self.qualifies = qualifies
        self.spread = [pool[c].tolist() for c in spread_by if c in pool.columns]
        self.used: dict[tuple[int, str], int] = {}
        self.taken: set[int] = set()
        self.reason: dict[int, str] = {}
        self.members: dict[Hashable, list[int]] = {}
        for i in np.argsort(rank, kind="stable"):
            self.members.setdefault(strata[i], []).append(int(i))

    def pick(
        self, counts: Mapping[Hashable, int], quotas: Sequence[Mapping[Hashable, int]]
    ) -> list[tuple[int, Hashable]]:
        queue = {
            k: [j for j, quota in enumerate(quotas) for _ in range(quota.get(k, 0))] for k in counts
        }
        done_quota = {k: [0] * len(self.qualifies) for k in counts}
        picks = []
        for k in interleave({k: v for k, v in counts.items() if v}):
            candidates = [i for i in self.members[k] if i not in self.taken]
            reason = "proportional"
            if queue[k]:
                j = queue[k].pop(0)
                if done_quota[k][j] < quotas[j].get(k, 0):
                    candidates = [i for i in candidates if self.qualifies[j][i]]
                    reason = self.minimum_labels[j]
            best = min(candidates, key=self._key)
            self.taken.add(best)
            for j, q in enumerate(self.qualifies):
                if q[best]:
                    done_quota[k][j] += 1
            for c, values in enumerate(self.spread):
                self.used[(c, values[best])] = self.used.get((c, values[best]), 0) + 1
            self.reason[best] = reason
            picks.append((best, k))
        return picks

    def _key(self, i: int) -> tuple[int, ...]:
        return tuple(self.used.get((c, values[i]), 0) for c, values in enumerate(self.spread)) + (
            int(self.rank[i]),
        )


def _stratum_keys(pool: pd.DataFrame, columns: Sequence[str]) -> list[tuple[str, ...]]:
    values = [[v if v else NOT_RECORDED for v in pool[c]] for c in columns]
    return [tuple(row) for row in zip(*values, strict=True)] if columns else [()] * len(pool)


def _counts(keys: Sequence[Any]) -> dict[Hashable, int]:
    counts: dict[Hashable, int] = {}
    for k in sorted(keys):
        counts[k] = counts.get(k, 0) + 1
    return counts


def _qualifies(pool: pd.DataFrame, minimum: SampleMinimum) -> list[bool]:
    wanted = {c.lower() for c in minimum.categories}
    if minimum.column not in pool.columns:
        return [False] * len(pool)
    return [str(v).lower() in wanted for v in pool[minimum.column]]


def _minimum_label(m: SampleMinimum) -> str:
    return f"{m.column} in ({', '.join(m.categories)}) >= {m.count}"


def _label(key: Hashable) -> str:
    # A stratum key is the tuple of its variables' categories (empty: no stratification).
    parts: tuple[str, ...] = key if isinstance(key, tuple) else (str(key),)
    return " / ".join(parts) if parts else "all"


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    def text(v: object) -> str:
        if v is None:
            return ""
        if isinstance(v, bool):
            return "yes" if v else "no"
        if isinstance(v, tuple):
            return ";".join(v)
        if isinstance(v, date):
            return v.isoformat()
        return str(v)

    return pd.DataFrame({c: [text(v) for v in frame[c]] for c in frame.columns}, dtype=object)


def _frame(
    text: pd.DataFrame,
    rows: Sequence[tuple[int, Hashable]],
    labels: Sequence[str],
    order_column: str,
    reasons: Sequence[str] | None,
) -> pd.DataFrame:
    index = [i for i, _ in rows]
    body = text.iloc[index].reset_index(drop=True)
    head = {order_column: list(range(1, len(rows) + 1)), "stratum": [labels[i] for i in index]}
    if reasons is not None:
        head["selected_for"] = reasons
    return pd.concat([pd.DataFrame(head, dtype=object), body], axis=1)


def _coverage(pool: pd.DataFrame, picked: list[int], column: str) -> tuple[int, int]:
    values = pool[column].tolist()
    return len({values[i] for i in picked}), len(set(values))


def _report(pool: pd.DataFrame, picked: list[int], columns: Sequence[str]) -> pd.DataFrame:
    rows = []
    n_pop, n_sample = len(pool), len(picked)
    for column in columns:
        values = [v if v else NOT_RECORDED for v in pool[column]]
        chosen = [values[i] for i in picked]
        for category in sorted(set(values)):
            a = values.count(category)
            b = chosen.count(category)
            pa = round(100 * a / n_pop, 1)
            pb = round(100 * b / n_sample, 1)
            rows.append((column, category, a, pa, b, pb, round(pb - pa, 1)))
    return pd.DataFrame(
        rows,
        columns=[
            "variable",
            "category",
            "eligible_n",
            "eligible_pct",
            "sample_n",
            "sample_pct",
            "difference_pts",
        ],
    )
