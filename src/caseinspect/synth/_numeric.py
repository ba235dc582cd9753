"""Small numerical tools of the calibration: apportioning, IPF, raking on the logit scale.

All functions are pure and deterministic (no random numbers unless a generator is passed).
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import brentq
from scipy.special import expit, logit

__all__ = [
    "apportion",
    "ipf",
    "split_two_rows",
    "rake_logit",
    "harmonise",
    "rake_sample",
    "apply_shifts",
]

_RATE_FLOOR = 5e-4  # published 0% / 100% cells become 0.05% / 99.95% on the logit scale


def apportion(weights, total: int) -> np.ndarray:
    """Integers proportional to ``weights`` that add up to ``total`` (largest remainder).

    Ties go to the earlier position, so the result is deterministic.

    Examples
    --------
    >>> apportion([1, 1, 1], 10).tolist()
    [4, 3, 3]
    >>> apportion([2474, 834], 100).tolist()
    [75, 25]
    """
    w = np.asarray(weights, dtype=float)
    total = int(total)
    if total == 0 or w.sum() <= 0:
        return np.zeros(len(w), dtype=np.int64)
    quota = w * total / w.sum()
    base = np.floor(quota + 1e-9).astype(np.int64)
    short = total - int(base.sum())
    if short > 0:
        remainder = quota - base
        order = np.lexsort((np.arange(len(w)), -remainder))
        base[order[:short]] += 1
    return base


def ipf(
    seed: np.ndarray, margins: dict[int, np.ndarray], *, tol: float = 1e-12, max_iter: int = 5000
) -> np.ndarray:
    """Iterative proportional fitting of ``seed`` to one-way ``margins`` (axis -> totals).

    Cells that are zero in the seed stay zero (structural zeros). The odds ratios of the
    seed are kept: only the margins move.
    """
    table = np.asarray(seed, dtype=float).copy()
    for _ in range(max_iter):
        worst = 0.0
        for axis, target in margins.items():
            other = tuple(a for a in range(table.ndim) if a != axis)
            current = table.sum(axis=other)
            factor = np.divide(target, current, out=np.zeros_like(current), where=current > 0)
            shape = [1] * table.ndim
            shape[axis] = -1
            table *= factor.reshape(shape)
            worst = max(worst, float(np.max(np.abs(current - target) / max(target.sum(), 1.0))))
        if worst < tol:
            break
    return table


def split_two_rows(real: np.ndarray, column_totals: np.ndarray, first_row_total: int) -> np.ndarray:
    """Round a 2 x K table to integers keeping its column totals and first row total.

    Used to split a published one-way count between CRC and NPS cases. A cell that is 0 in
    ``real`` stays 0 (e.g. CRC cases with a high RoSH).
    """
    real = np.asarray(real, dtype=float)
    column_totals = np.asarray(column_totals, dtype=np.int64)
    first = np.minimum(np.floor(real[0] + 1e-9).astype(np.int64), column_totals)
    short = int(first_row_total - first.sum())
    room = (column_totals - first > 0) & (real[0] > 0)
    remainder = np.where(room, real[0] - first, -np.inf)
    order = np.lexsort((np.arange(len(first)), -remainder))
    for index in order:
        if short <= 0:
            break
        if room[index]:
            first[index] += 1
            short -= 1
    return np.vstack([first, column_totals - first])


def _clip(rate):
    return np.clip(rate, _RATE_FLOOR, 1 - _RATE_FLOOR)


def harmonise(rates: np.ndarray, weights: np.ndarray, overall: float) -> np.ndarray:
    """Shift a breakdown's target rates by one logit constant so they average to ``overall``.

    Published percentages are rounded and leave out cases with the sub-group not recorded,
    so a breakdown rarely averages exactly to its 'All cases' row; raking needs targets that
    agree. The shift is a few tenths of a point at most. Categories with no target (NaN)
    or no weight are left out.
    """
    rates = np.asarray(rates, dtype=float)
    ok = ~np.isnan(rates) & (weights > 0)
    if not ok.any():
        return rates
    lr = logit(_clip(rates[ok]))
    w = weights[ok]
    target = float(_clip(overall))

    def gap(shift):
        return float((w * expit(lr + shift)).sum() / w.sum() - target)

    shift = brentq(gap, -30, 30, xtol=1e-13)
    out = rates.copy()
    out[ok] = expit(lr + shift)
    return out


def rake_logit(
    codes: np.ndarray,
    weights: np.ndarray,
    overall: float,
    by_variable: dict[int, np.ndarray],
    *,
    offset: np.ndarray | float = 0.0,
    start: tuple[float, dict[int, np.ndarray]] | None = None,
    tol: float = 1e-11,
    max_iter: int = 100,
) -> tuple[float, dict[int, np.ndarray]]:
    """Solve a main-effects logistic model whose expected cell rates equal the targets.

    Raking on the logit scale, done by Newton's method: the conditions "expected count of
    'yes' in every published cell equals its target" are the score equations of a logistic
    model with one column per published cell, so a few Newton steps (each a small linear
    solve) find the coefficients, however strongly the sub-group variables are associated.

    Parameters
    ----------
    codes : ndarray of int, shape (n_cells, n_variables)
        Category of each profile cell on each variable.
    weights : ndarray, shape (n_cells,)
        Expected number of eligible cases in each profile cell.
    overall : float
        Target rate over all eligible cases.
    by_variable : dict
        Variable index -> target rate per category (NaN = no target).
    offset : ndarray or float
        A known part of each cell's logit (e.g. its provider's random effect).
    start : (intercept, coefficients), optional
        Where to start (a previous fit).

    Returns
    -------
    intercept, coefficients
        ``logit p = intercept + sum_v coefficients[v][category]`` (plus the offset).
    """
    n = len(weights)
    columns = [np.ones(n)]
    targets = [float(_clip(overall)) * weights.sum()]
    owners: list[tuple[int, int]] = [(-1, 0)]
    for v, rates in by_variable.items():
        for k, rate in enumerate(rates):
            member = codes[:, v] == k
            cell_w = weights[member].sum()
            if np.isnan(rate) or cell_w <= 0:
                continue
            columns.append(member.astype(float))
            targets.append(float(_clip(rate)) * cell_w)
            owners.append((v, k))
    design = np.stack(columns, axis=1)
    target = np.asarray(targets)
    beta = np.zeros(design.shape[1])
    if start is not None:
        beta[0] = start[0]
        for j, (v, k) in enumerate(owners[1:], start=1):
            beta[j] = start[1][v][k]
    else:
        beta[0] = float(logit(_clip(overall)))
    scale = np.maximum(target, 1e-12)

    def residual(b):
        p = expit(design @ b + offset)
        return target - design.T @ (weights * p), p

    r, p = residual(beta)
    for _ in range(max_iter):
        worst = float(np.max(np.abs(r) / scale))
        if worst < tol:
            break
        hessian = design.T @ (design * (weights * p * (1 - p))[:, None])
        step = np.linalg.lstsq(hessian, r, rcond=None)[0]
        factor = 1.0
        while True:  # halve the step until the fit improves (rarely needed)
            candidate = beta + factor * step
            r_new, p_new = residual(candidate)
            if float(np.max(np.abs(r_new) / scale)) < worst:
                break
            factor /= 2
            if factor < 1e-3:  # at the floating-point floor: as good as it gets
                return _unpack(beta, owners, by_variable)
        beta, r, p = candidate, r_new, p_new
    return _unpack(beta, owners, by_variable)


def _unpack(beta, owners, by_variable) -> tuple[float, dict[int, np.ndarray]]:
    coef = {v: np.zeros(len(t)) for v, t in by_variable.items()}
    for j, (v, k) in enumerate(owners[1:], start=1):
        coef[v][k] = beta[j]
    return float(beta[0]), coef


def rake_sample(
    score: np.ndarray,
    soft: np.ndarray,
    cells: list[tuple[np.ndarray, np.ndarray]],
    *,
    sweeps: int | None = None,
    exact: bool | None = None,
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Answer 'yes' where ``score + shift > 0``, shifting per cell to hit target counts.

    The sample-level counterpart of :func:`rake_logit`: the fitted model gives the right
    *expected* rate in every published cell; this removes the sampling noise of one draw (and
    the drift that the drawn provider effects cause) so that the drawn round reproduces the
    published table, to a case or two, while the case-level structure (latent factors,
    provider effects) stays as drawn.

    Parameters
    ----------
    score : ndarray
        Drawn latent score of each eligible case (model logit plus copula noise).
    soft : ndarray
        The model logit alone, whose logistic density gives the slope of a cell's
        expected count with respect to its shift (Newton steps).
    cells : list of (codes, targets)
        ``codes`` gives each case's cell (``-1``: in none of this breakdown's cells),
        ``targets`` the wanted number of 'yes' per cell (NaN: no target).
    sweeps : int, optional
        Gauss-Seidel sweeps over the breakdowns.
    exact : bool, optional
        Exact steps (each cell's shift put between the scores that give exactly its target;
        needs a partial sort, so used for small samples) or Newton steps (cheap; a few
        cases off on large samples, where that is noise). Default: exact up to 20,000 cases.

    Returns
    -------
    yes : ndarray of bool
    shifts : list of ndarray
        The shift of each cell, per breakdown; :func:`apply_shifts` applies them to other
        cases.
    """
    n = len(score)
    if exact is None:
        exact = n <= 20_000
    if sweeps is None:
        sweeps = 16 if exact else 10
    if exact:
        return _rake_exact(score, cells, sweeps)
    shift = np.zeros(n)
    density = expit(soft)
    density *= 1 - density  # slope of the expected count; the shifts stay small, so fixed
    prepared = []
    for codes, targets in cells:
        k = len(targets)
        bins = codes.astype(np.intp) + 1
        slope = np.maximum(np.bincount(bins, density, minlength=k + 1)[1:], 0.5)
        prepared.append((bins, np.asarray(targets, dtype=float), k, slope, np.zeros(k)))
    for _ in range(sweeps):
        for bins, targets, k, slope, own in prepared:
            count = np.bincount(bins, score + shift > 0, minlength=k + 1)[1:]
            ok = ~np.isnan(targets)
            step = np.where(ok, (np.where(ok, targets, 0) - count) / slope, 0.0)
            step = np.clip(step, -2.0, 2.0)
            own += step
            shift += np.concatenate([[0.0], step])[bins]
    return score + shift > 0, [p[4] for p in prepared]


def apply_shifts(codes: list[np.ndarray], shifts: list[np.ndarray]) -> np.ndarray:
    """The total shift of each case, given its cell per breakdown (-1: none)."""
    total = np.zeros(len(codes[0]) if codes else 0)
    for c, s in zip(codes, shifts, strict=True):
        total += np.concatenate([[0.0], s])[c.astype(np.intp) + 1]
    return total


def _rake_exact(score: np.ndarray, cells, sweeps: int) -> tuple[np.ndarray, list[np.ndarray]]:
    shift = np.zeros(len(score))
    prepared = []
    for codes, targets in cells:
        k = len(targets)
        order = np.argsort(codes, kind="stable")
        bounds = np.searchsorted(
            codes[order], np.arange(-1, k + 1)
        )  # cell c: bounds[c+1]:bounds[c+2]
        prepared.append((codes, order, bounds, np.asarray(targets, dtype=float), np.zeros(k), k))
    for _ in range(sweeps):
        moved = 0
        for codes, order, bounds, targets, own, k in prepared:
            inside = codes >= 0
            base = score + shift
            base[inside] -= own[codes[inside]]
            sorted_base = base[order]
            new = own.copy()
            for c in range(k):
                target = targets[c]
                lo, hi = bounds[c + 1], bounds[c + 2]
                size = hi - lo
                if np.isnan(target) or size == 0:
                    continue
                t = int(min(max(target, 0), size))
                segment = sorted_base[lo:hi]
                if t == size:
                    new[c] = 1e-9 - segment.min()
                elif t == 0:
                    new[c] = -1e-9 - segment.max()
                else:
                    part = np.partition(segment, [size - t - 1, size - t])
                    new[c] = -(part[size - t - 1] + part[size - t]) / 2
            new_shift = base + np.where(inside, new[codes], 0.0) - score
            moved += int(np.count_nonzero((score + new_shift > 0) != (score + shift > 0)))
            shift = new_shift
            own[:] = new
        if moved == 0:
            break
    return score + shift > 0, [p[4] for p in prepared]
