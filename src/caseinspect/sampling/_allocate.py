"""Allocating a sample over strata: largest remainder, minimums, and pick order.

All arithmetic on quotas is exact (fractions of integers), so an allocation never
depends on floating-point rounding, and every tie is broken by a stated rule.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from ..errors import InvalidArgument

__all__ = ["Allocation", "allocate", "interleave", "largest_remainder"]


def largest_remainder(
    weights: Sequence[int], total: int, caps: Sequence[int] | None = None
) -> list[int]:
    """Share ``total`` in proportion to ``weights`` (Hamilton's largest-remainder method).

    Each share is the floor of its exact quota ``total · w / Σw``; the seats left over go
    to the largest remainders, ties to the larger weight and then the earlier position.
    With ``caps``, a share never exceeds its cap: capped shares are fixed and the rest is
    shared again among the others.

    Parameters
    ----------
    weights : sequence of int
        Non-negative weights (e.g. stratum sizes).
    total : int
        Seats to share; at most ``sum(caps)`` when caps are given.
    caps : sequence of int, optional

    Returns
    -------
    list of int

    Examples
    --------
    >>> largest_remainder([50, 30, 20], 7)   # quotas 3.5, 2.1, 1.4
    [4, 2, 1]
    >>> largest_remainder([10, 10, 80], 10, caps=[0, 5, 10])  # the first may take none
    [0, 1, 9]
    """
    n = len(weights)
    caps = list(caps) if caps is not None else [total] * n
    if total < 0 or any(w < 0 for w in weights):
        raise InvalidArgument("weights and total must be non-negative")
    if total > sum(min(c, total) for c in caps):
        raise InvalidArgument(f"cannot place {total} within caps {caps}")
    shares = [0] * n
    open_ = [i for i in range(n) if caps[i] > 0]
    remaining = total
    while remaining > 0:
        weight_sum = sum(weights[i] for i in open_)
        if weight_sum == 0:
            # Nothing left to be proportional to: fill open places in order.
            for i in open_:
                take = min(caps[i] - shares[i], remaining)
                shares[i] += take
                remaining -= take
            break
        quotas = {i: Fraction(remaining * weights[i], weight_sum) for i in open_}
        trial = {i: int(quotas[i]) for i in open_}
        left = remaining - sum(trial.values())
        order = sorted(open_, key=lambda i: (-(quotas[i] - trial[i]), -weights[i], i))
        for i in order[:left]:
            trial[i] += 1
        over = [i for i in open_ if shares[i] + trial[i] > caps[i]]
        if not over:
            for i in open_:
                shares[i] += trial[i]
            break
        for i in over:
            remaining -= caps[i] - shares[i]
            shares[i] = caps[i]
        open_ = [i for i in open_ if i not in over]
    return shares


@dataclass(frozen=True)
class Allocation:
    """How many cases each stratum gives, and why.

    Attributes
    ----------
    proportional : dict
        Largest-remainder allocation in proportion to stratum size.
    allocated : dict
        After moving cases between strata so that the minimums can be met.
    quotas : tuple of dict
        For each minimum (in order), how many qualifying cases each stratum must give.
    targets : tuple of int
        For each minimum, the number of qualifying cases the sample will hold at least.
    notes : tuple of str
        Minimums that could not be met in full, and why.
    """

    proportional: dict[Hashable, int]
    allocated: dict[Hashable, int]
    quotas: tuple[dict[Hashable, int], ...]
    targets: tuple[int, ...]
    notes: tuple[str, ...]


def allocate(
    sizes: Mapping[Hashable, int],
    total: int,
    minimums: Sequence[tuple[str, int, Mapping[Hashable, int]]] = (),
) -> Allocation:
    """Allocate ``total`` cases over strata, honouring minimum numbers first.

    Parameters
    ----------
    sizes : mapping
        Stratum key to number of eligible cases, in a fixed (sorted) order.
    total : int
        Sample size, at most ``sum(sizes.values())``.
    minimums : sequence of (label, count, qualifying)
        ``qualifying`` maps each stratum to its number of cases that count towards the
        minimum (all of them for a minimum on a stratum variable such as gender).

    Returns
    -------
    Allocation

    Notes
    -----
    Start from the proportional allocation. For each minimum in turn, while the strata
    cannot supply its target (``min(count, qualifying cases, total)``), move one case
    from the stratum most above its exact proportional share that has a non-qualifying
    place to spare, to the stratum furthest below its proportional share of the
    qualifying cases. Places reserved for an earlier minimum are never moved.
    """
    keys = list(sizes)
    n_total = sum(sizes.values())
    prop = dict(zip(keys, largest_remainder([sizes[k] for k in keys], total), strict=True))
    exact = {k: Fraction(total * sizes[k], n_total) if n_total else Fraction(0) for k in keys}
    alloc = dict(prop)
    committed = dict.fromkeys(keys, 0)
    quotas: list[dict[Hashable, int]] = []
    targets: list[int] = []
    notes: list[str] = []
    index = {k: i for i, k in enumerate(keys)}
    for label, count, qualifying in minimums:
        q = {k: qualifying.get(k, 0) for k in keys}
        available = sum(q.values())
        target = min(count, available, total)
        if target < count:
            notes.append(
                f"minimum {label}: {count} asked, only {target} possible "
                f"({available} eligible case(s) qualify, sample of {total})"
            )

        def cap(k: Hashable) -> int:
            return min(q[k], alloc[k] - committed[k])  # noqa: B023 - used only within this iteration

        while sum(cap(k) for k in keys) < target:
            receivers = [k for k in keys if q[k] > alloc[k] - committed[k] and alloc[k] < sizes[k]]
            donors = [k for k in keys if alloc[k] - committed[k] > q[k]]
            if not receivers or not donors:
                reached = sum(cap(k) for k in keys)
                notes.append(
                    f"minimum {label}: only {reached} of {target} reachable "
                    "without dropping an earlier minimum"
                )
                target = reached
                break
            receiver = max(
                receivers,
                key=lambda k: (Fraction(q[k] * target, available) - cap(k), q[k], -index[k]),
            )
            donor = max(donors, key=lambda k: (alloc[k] - exact[k], -index[k]))
            alloc[receiver] += 1
            alloc[donor] -= 1
        caps = [cap(k) for k in keys]
        quota = dict(zip(keys, largest_remainder([q[k] for k in keys], target, caps), strict=True))
        for k in keys:
            committed[k] += quota[k]
        quotas.append(quota)
        targets.append(target)
    return Allocation(prop, alloc, tuple(quotas), tuple(targets), tuple(notes))


def interleave(counts: Mapping[Hashable, int]) -> list[Hashable]:
    """An order of picks that keeps every prefix close to the final proportions.

    Each next pick goes to the stratum with the largest ``count / (taken + 1/2)``
    (Sainte-Laguë's divisors), ties to the earlier stratum, so a reserve list read from
    the top replaces drop-outs in the sample's proportions.

    Examples
    --------
    >>> "".join(interleave({"a": 3, "b": 1}))
    'aaba'
    """
    keys = list(counts)
    taken = dict.fromkeys(keys, 0)
    order: list[Hashable] = []
    for _ in range(sum(counts.values())):
        best = max(
            (k for k in keys if taken[k] < counts[k]),
            key=lambda k: (Fraction(counts[k] * 2, 2 * taken[k] + 1), -keys.index(k)),
        )
        taken[best] += 1
        order.append(best)
    return order
