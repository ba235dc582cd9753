"""Benchmark of the significance analysis: pattern-collapsed engine vs per-case statsmodels.

For each of ~40 Yes/No outcomes, a forward stepwise FSTEP(LR) logistic regression over the
seven sub-group variables -- what the annex tables need -- timed

(a) on ~3,300 cases (one inspection round) and
(b) on 1,000,000 cases,

each against the straightforward approach measured in the same run: per-case statsmodels
fits with ``pandas.get_dummies`` designs, refitting the current model at every step,
``score_test`` for entry and refits for the likelihood-ratio removal tests. On large data
the baseline is measured on a few outcomes and scaled to all of them (it says so).

Usage::

    python benchmarks/bench_stats.py                      # (a) and (b), synthetic data
    python benchmarks/bench_stats.py --cases 50000        # one size
    python benchmarks/bench_stats.py --file cases.csv     # real or synthetic round

``run(cases, outcomes, terms)`` is the entry point for the project's ``make bench``.

On a shared two-core machine, set ``OPENBLAS_NUM_THREADS=1``: the pattern-level fits use
small matrices, and BLAS threads waiting for a busy core can double the engine's time
(the per-case baseline, with its large matrices, is affected much less).
"""

from __future__ import annotations

import argparse
import gc
import time
import warnings

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from caseinspect.stats import significance_table

SUBGROUPS: dict[str, list[str]] = {
    "provider_type": ["CRC", "NPS"],
    "gender": ["Male", "Female"],
    "age_group": ["18-20", "21-24", "25-29", "30-39", "40-49", "50+"],
    "ethnic_group": ["White", "Black", "Asian", "Mixed", "Other"],
    "supervision_type": ["Community sentence", "Post-custody"],
    "likelihood_of_reoffending": ["Low", "Medium", "High/Very high"],
    "rosh": ["Low", "Medium", "High/Very high"],
}
TERMS = list(SUBGROUPS)


def generate(n_cases: int, n_outcomes: int = 40, seed: int = 2020) -> pd.DataFrame:
    """Random categorical cases (seeded): sub-group variables and Yes/No/blank outcomes.

    Each outcome depends on one to three sub-group variables; 0-30% of cases are not
    applicable (blank), and 1% of sub-group values are not recorded (blank).
    """
    rng = np.random.default_rng(seed)
    codes = {}
    data = {}
    for name, levels in SUBGROUPS.items():
        weights = rng.dirichlet(np.full(len(levels), 4.0))
        codes[name] = rng.choice(len(levels), n_cases, p=weights)
        values = np.array(levels, dtype=object)[codes[name]]
        values[rng.random(n_cases) < 0.01] = ""
        data[name] = values
    for j in range(n_outcomes):
        eta = np.full(n_cases, rng.normal(0.3, 0.5))
        for name in rng.choice(TERMS, rng.integers(1, 4), replace=False):
            effects = rng.normal(0, 0.25, len(SUBGROUPS[name]))
            eta += effects[codes[name]]
        answer = np.where(rng.random(n_cases) < 1 / (1 + np.exp(-eta)), "Yes", "No").astype(object)
        answer[rng.random(n_cases) < rng.uniform(0, 0.3)] = ""
        data[f"q{j + 1:02d}"] = answer
    return pd.DataFrame(data).astype("str")


# --- the straightforward per-case approach ----------------------------------------------
_GC_SECONDS = [0.0, 0.0]  # wall, CPU


def _score_statistic(fit, y: np.ndarray, extra: np.ndarray) -> float:
    """Rao score statistic of adding ``extra`` to a per-case fit, in O(n k) memory.

    statsmodels' ``GLMResults.score_test`` gives the same number but needs about 20 kB per
    case (2.3 GB at 100,000 cases; a million cases exhausted this 24 GB machine), so the
    baseline computes the textbook formula on the per-case design instead.
    """
    X = fit.model.exog
    mu = fit.mu
    w = mu * (1.0 - mu)
    score = extra.T @ (y - mu)
    i_xx = X.T @ (w[:, None] * X)
    i_xz = X.T @ (w[:, None] * extra)
    i_zz = extra.T @ (w[:, None] * extra)
    efficient = i_zz - i_xz.T @ np.linalg.solve(i_xx, i_xz)
    return float(score @ np.linalg.solve(efficient, score))


def _per_case_stepwise(
    cases: pd.DataFrame,
    outcome: str,
    terms: list[str],
    pin: float = 0.05,
    pout: float = 0.10,
    event: str = "Yes",
) -> tuple[str, ...]:
    """FSTEP(LR) the obvious way: per-case statsmodels fits, nothing collapsed or cached."""
    used = cases[(cases[outcome] != "") & (cases[terms] != "").all(axis=1)]
    y = (used[outcome] == event).to_numpy(float)
    blocks = {
        t: pd.get_dummies(used[t], prefix=t, drop_first=True, dtype=float).to_numpy() for t in terms
    }
    ones = np.ones((len(used), 1))

    def fit(model):
        # statsmodels results hold reference cycles: collect them, or a million-case run
        # keeps every discarded fit alive until the machine runs out of memory.
        started, cpu = time.perf_counter(), time.process_time()
        gc.collect()
        _GC_SECONDS[0] += time.perf_counter() - started  # not charged to the baseline
        _GC_SECONDS[1] += time.process_time() - cpu
        X = np.column_stack([ones] + [blocks[t] for t in terms if t in model])
        return sm.GLM(y, X, family=sm.families.Binomial()).fit()

    model: set[str] = set()
    seen = {frozenset(model)}
    while True:
        current = fit(model)
        entry = {}
        for t in terms:
            if t not in model:
                stat = _score_statistic(current, y, blocks[t])
                entry[t] = (stats.chi2.sf(stat, blocks[t].shape[1]), -stat)
        if not entry:
            break
        best = min(entry, key=lambda t: (*entry[t], terms.index(t)))
        if entry[best][0] >= pin or frozenset(model | {best}) in seen:
            break
        model.add(best)
        seen.add(frozenset(model))
        while True:
            full = fit(model)
            removal = {}
            for t in model:
                reduced = fit(model - {t})
                stat = 2 * (full.llf - reduced.llf)
                removal[t] = stats.chi2.sf(stat, blocks[t].shape[1])
            worst = max(removal, key=removal.get)
            if removal[worst] <= pout or frozenset(model - {worst}) in seen:
                break
            model.discard(worst)
            seen.add(frozenset(model))
    return tuple(t for t in terms if t in model)


def run(
    cases: pd.DataFrame,
    outcomes: list[str],
    terms: list[str],
    *,
    baseline_outcomes: int | None = None,
    event: str = "Yes",
) -> dict:
    """Time the engine and the per-case baseline on ``cases``; return the numbers.

    Parameters
    ----------
    cases : pandas.DataFrame
        One row per case; outcomes ``event`` / other / blank (not applicable).
    outcomes, terms : list of str
        Outcome columns and categorical sub-group columns.
    baseline_outcomes : int, optional
        Measure the per-case baseline on this many outcomes and scale to all (default:
        all outcomes up to 20,000 cases, else 2).

    Returns
    -------
    dict
        ``cases``, ``outcomes``, ``engine_seconds`` and ``baseline_seconds`` (wall
        clock; the baseline for all outcomes, scaled if measured on fewer), the same as
        CPU time (``*_cpu_seconds``, steadier on a shared machine),
        ``baseline_measured_on``, ``speedup`` (wall clock) and ``cpu_speedup``,
        ``peak_rss_mb`` (peak resident memory of the process while the engine ran, data
        included; Linux), ``agree`` (same terms selected on the outcomes both ran) and
        ``retained`` per outcome.
    """
    _reset_peak_rss()
    started, cpu = time.perf_counter(), time.process_time()
    table = significance_table(cases, outcomes, event, terms)
    engine_seconds = time.perf_counter() - started
    engine_cpu = time.process_time() - cpu
    peak_rss_mb = _peak_rss_mb()  # the data and the engine, before the baseline runs

    if baseline_outcomes is None:
        baseline_outcomes = len(outcomes) if len(cases) <= 20_000 else 2
    sample = outcomes[: max(1, min(baseline_outcomes, len(outcomes)))]
    _GC_SECONDS[:] = [0.0, 0.0]
    started, cpu = time.perf_counter(), time.process_time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        chosen = {q: _per_case_stepwise(cases, q, terms, event=event) for q in sample}
    measured = time.perf_counter() - started - _GC_SECONDS[0]
    measured_cpu = time.process_time() - cpu - _GC_SECONDS[1]
    baseline_seconds = measured * len(outcomes) / len(sample)
    agree = all(chosen[q] == table[q].retained_terms for q in sample)
    return {
        "cases": len(cases),
        "outcomes": len(outcomes),
        "engine_seconds": engine_seconds,
        "engine_cpu_seconds": engine_cpu,
        "baseline_seconds": baseline_seconds,
        "baseline_cpu_seconds": measured_cpu * len(outcomes) / len(sample),
        "baseline_measured_on": len(sample),
        "speedup": baseline_seconds / engine_seconds,
        "cpu_speedup": measured_cpu * len(outcomes) / len(sample) / max(engine_cpu, 1e-9),
        "peak_rss_mb": peak_rss_mb,
        "agree": agree,
        "retained": {q: table[q].retained_terms for q in outcomes},
    }


def _reset_peak_rss() -> None:
    """Reset the kernel's high-water mark of this process's memory (Linux), if possible."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def _peak_rss_mb() -> float | None:
    """Peak resident memory since the last reset (VmHWM), in MB; None where unknown."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _report(label: str, result: dict) -> None:
    scaled = (
        ""
        if result["baseline_measured_on"] == result["outcomes"]
        else f" (measured on {result['baseline_measured_on']} outcomes, scaled)"
    )
    print(f"{label}: {result['cases']:,} cases x {result['outcomes']} outcomes")
    print(
        f"  engine (patterns):      {result['engine_seconds']:8.2f} s wall, "
        f"{result['engine_cpu_seconds']:.2f} s CPU"
    )
    print(
        f"  per-case statsmodels:   {result['baseline_seconds']:8.2f} s wall, "
        f"{result['baseline_cpu_seconds']:.2f} s CPU{scaled}"
    )
    print(f"  speed-up:               {result['speedup']:8.1f} x")
    print(f"  same terms selected:    {'yes' if result['agree'] else 'NO'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--cases",
        type=int,
        action="append",
        help="Number of synthetic cases (repeatable; default 3300 and 1000000).",
    )
    parser.add_argument("--file", help="CSV of cases (text columns) instead of synthetic data.")
    parser.add_argument("--outcomes", type=int, default=40, help="Synthetic outcomes (default 40).")
    parser.add_argument(
        "--baseline-outcomes",
        type=int,
        default=None,
        help="Outcomes the per-case baseline is measured on (then scaled).",
    )
    args = parser.parse_args()
    if args.file:
        cases = pd.read_csv(args.file, dtype=str, keep_default_na=False)
        terms = [t for t in TERMS if t in cases.columns]
        outcomes = [
            c
            for c in cases.columns
            if set(cases[c].unique()) <= {"Yes", "No", ""} and c not in terms
        ]
        _report(args.file, run(cases, outcomes, terms, baseline_outcomes=args.baseline_outcomes))
        return
    for n in args.cases or [3300, 1_000_000]:
        cases = generate(n, args.outcomes)
        outcomes = [c for c in cases.columns if c.startswith("q")]
        _report(
            f"{n:,} synthetic cases",
            run(cases, outcomes, TERMS, baseline_outcomes=args.baseline_outcomes),
        )


if __name__ == "__main__":
    main()
