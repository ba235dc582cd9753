"""Draw case profiles from the fitted joint distribution with exact one-way counts.

Cases are drawn from the joint distribution, then each variable's counts are made exact:
surplus cases are moved to the categories short of cases, choosing the cases that fit
their new category best (weighted by the joint distribution's conditional odds, so the
associations survive and structural zeros are never filled). Fixing one variable never
changes another's counts, so one pass over the variables makes every count exact.
"""

from __future__ import annotations

import numpy as np

__all__ = ["draw_profile", "hide_values", "take_share"]


def take_share(remaining: np.ndarray, n_take: int) -> np.ndarray:
    """A chunk's share of the counts still to be placed (exact over all chunks).

    ``remaining`` must add up to the cases not yet drawn; the share adds up to ``n_take``
    and never exceeds what remains.
    """
    remaining = np.asarray(remaining, dtype=np.int64)
    total = int(remaining.sum())
    if n_take >= total:
        return remaining.copy()
    if n_take <= 0:
        return np.zeros_like(remaining)
    quota = remaining * n_take / total
    base = np.floor(quota).astype(np.int64)
    short = n_take - int(base.sum())
    order = np.lexsort((np.arange(len(quota)), -(quota - base)))
    base[order[:short]] += 1
    return np.minimum(base, remaining)


def draw_profile(
    rng: np.random.Generator, joint: np.ndarray, n: int, targets: list[np.ndarray]
) -> np.ndarray:
    """Draw ``n`` profiles (one row of category codes per case) with exact counts.

    Parameters
    ----------
    rng : numpy.random.Generator
    joint : ndarray
        Probabilities over the variables' categories (any shape; zeros are structural).
    n : int
    targets : list of ndarray
        Wanted count per category of each axis of ``joint`` (each adds up to ``n``).

    Returns
    -------
    ndarray of int8, shape (n, joint.ndim)
    """
    shape = joint.shape
    flat_p = joint.ravel() / joint.sum()
    cumulative = np.cumsum(flat_p)
    flat = np.minimum(
        np.searchsorted(cumulative, rng.random(n) * cumulative[-1], side="right"), len(flat_p) - 1
    )
    codes = np.stack(np.unravel_index(flat, shape), axis=1).astype(np.int64)
    strides = np.array([int(np.prod(shape[a + 1 :])) for a in range(len(shape))], dtype=np.int64)
    for axis, target in enumerate(targets):
        _fix_axis(rng, flat_p, codes, strides, axis, np.asarray(target, dtype=np.int64))
    return codes.astype(np.int8)


def _fix_axis(rng, flat_p, codes, strides, axis, target) -> None:
    current = np.bincount(codes[:, axis], minlength=len(target))
    surplus = current - target
    if not surplus.any():
        return
    keys = np.log(rng.random(len(codes)))  # Efraimidis-Spirakis: larger key = chosen first
    for short in np.argsort(surplus, kind="stable"):
        need = -int(surplus[short])
        if need <= 0:
            continue
        candidates = np.flatnonzero(surplus[codes[:, axis]] > 0)
        flat = codes[candidates] @ strides
        moved = flat + (short - codes[candidates, axis]) * strides[axis]
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = flat_p[moved] / flat_p[flat]
            key = np.where(ratio > 0, keys[candidates] / ratio, -np.inf)
        possible = np.isfinite(key)  # never into a structural zero
        order = candidates[possible][np.argsort(-key[possible], kind="stable")]
        taken = 0
        for case in order:
            if taken == need:
                break
            source = codes[case, axis]
            if surplus[source] <= 0:
                continue
            codes[case, axis] = short
            surplus[source] -= 1
            surplus[short] += 1
            taken += 1


def hide_values(rng: np.random.Generator, codes: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Indices of cases whose category becomes 'not recorded': ``counts[k]`` of category k.

    Chosen at random within the category (missing completely at random given the
    category), capped at the cases available.
    """
    picked = []
    keys = rng.random(len(codes))
    for k, count in enumerate(counts):
        members = np.flatnonzero(codes == k)
        count = min(int(count), len(members))
        if count:
            picked.append(members[np.argsort(keys[members], kind="stable")[:count]])
    return np.concatenate(picked) if picked else np.zeros(0, dtype=np.int64)
