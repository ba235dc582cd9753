"""Forward stepwise selection (FSTEP) checked step by step against independent likelihoods.

The reference computations here use plain numpy: Newton-Raphson maximum likelihood, the
Rao score statistic from its textbook formula and likelihood-ratio statistics, on the
per-case data, with a dummy coding chosen here. Nothing comes from the engine's output.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from caseinspect.stats import fit_logistic
from caseinspect.stats._logistic import BlockTest
from caseinspect.stats._stepwise import forward_stepwise

# 400 cases (events, trials per pattern). b and c drive the outcome; a is a noisy proxy of
# b + c (3 levels), so it looks strongest alone, enters first, and is removed once b and
# c are in; d is noise.
PATTERNS = [
    # a, b, c, d, events, trials
    ("high", "no", "no", "p", 1, 3),
    ("high", "no", "no", "q", 0, 3),
    ("high", "no", "yes", "p", 2, 4),
    ("high", "no", "yes", "q", 2, 7),
    ("high", "yes", "no", "p", 0, 2),
    ("high", "yes", "no", "q", 2, 5),
    ("high", "yes", "yes", "p", 31, 41),
    ("high", "yes", "yes", "q", 38, 46),
    ("low", "no", "no", "p", 8, 41),
    ("low", "no", "no", "q", 6, 45),
    ("low", "no", "yes", "p", 2, 3),
    ("low", "no", "yes", "q", 1, 1),
    ("low", "yes", "no", "p", 1, 3),
    ("low", "yes", "no", "q", 0, 1),
    ("low", "yes", "yes", "p", 4, 4),
    ("low", "yes", "yes", "q", 1, 1),
    ("mid", "no", "no", "p", 1, 4),
    ("mid", "no", "no", "q", 1, 1),
    ("mid", "no", "yes", "p", 26, 50),
    ("mid", "no", "yes", "q", 17, 43),
    ("mid", "yes", "no", "p", 20, 37),
    ("mid", "yes", "no", "q", 20, 46),
    ("mid", "yes", "yes", "p", 3, 4),
    ("mid", "yes", "yes", "q", 3, 5),
]
TERMS = ["a", "b", "c", "d"]


@pytest.fixture(scope="module")
def cases() -> pd.DataFrame:
    rows = []
    for a, b, c, d, events, trials in PATTERNS:
        rows += [(a, b, c, d, "Yes")] * events + [(a, b, c, d, "No")] * (trials - events)
    return pd.DataFrame(rows, columns=[*TERMS, "y"])


# --- independent reference computations -----------------------------------------------
def _block(cases: pd.DataFrame, term: str) -> np.ndarray:
    # Last level alphabetically as reference (the engine picks another): the statistics
    # must not depend on the coding.
    levels = sorted(cases[term].unique())[:-1]
    return np.column_stack([(cases[term] == lev).to_numpy(float) for lev in levels])


def _design(cases, terms):
    return np.column_stack([np.ones(len(cases))] + [_block(cases, t) for t in terms])


def _ml(X, y):
    beta = np.zeros(X.shape[1])
    for _ in range(50):
        mu = 1 / (1 + np.exp(-X @ beta))
        step = np.linalg.solve(X.T @ (X * (mu * (1 - mu))[:, None]), X.T @ (y - mu))
        beta += step
        if np.max(np.abs(step)) < 1e-12:
            break
    mu = 1 / (1 + np.exp(-X @ beta))
    return beta, float(np.sum(y * np.log(mu) + (1 - y) * np.log(1 - mu))), mu


def _score(cases, y, model, term):
    X, Z = _design(cases, model), _block(cases, term)
    _, _, mu = _ml(X, y)
    w = mu * (1 - mu)
    U = Z.T @ (y - mu)
    Ixx, Ixz, Izz = X.T @ (X * w[:, None]), X.T @ (Z * w[:, None]), Z.T @ (Z * w[:, None])
    info = Izz - Ixz.T @ np.linalg.solve(Ixx, Ixz)
    stat = float(U @ np.linalg.solve(info, U))
    return stat, Z.shape[1], float(stats.chi2.sf(stat, Z.shape[1]))


def _lr(cases, y, model, term):
    _, full, _ = _ml(_design(cases, model), y)
    _, reduced, _ = _ml(_design(cases, [t for t in model if t != term]), y)
    df = _block(cases, term).shape[1]
    stat = 2 * (full - reduced)
    return stat, df, float(stats.chi2.sf(stat, df))


def test_score_statistic_is_rao(cases):
    """statsmodels' score_test, the engine's, and the textbook formula agree."""
    y = (cases.y == "Yes").to_numpy(float)
    manual = _score(cases, y, ["b"], "a")
    X, Z = _design(cases, ["b"]), _block(cases, "a")
    sm_fit = sm.GLM(y, X, family=sm.families.Binomial()).fit()
    sm_stat = float(np.atleast_1d(sm_fit.score_test(exog_extra=Z)[0])[0])
    assert sm_stat == pytest.approx(manual[0], rel=1e-8)
    engine = fit_logistic(cases, "y", "Yes", ["b", "a"], method="fstep-lr", pin=1e-300)
    # With PIN tiny nothing enters; the final "not in model" tests are the score tests
    # against the intercept-only model.
    assert engine.terms == ()
    assert engine.term_test("a").statistic == pytest.approx(_score(cases, y, [], "a")[0], rel=1e-8)


def test_fstep_lr_path_worked_out_independently(cases):
    y = (cases.y == "Yes").to_numpy(float)
    result = fit_logistic(cases, "y", "Yes", TERMS, method="fstep-lr")
    path = [(s.action, s.term) for s in result.steps]
    assert path == [("enter", "a"), ("enter", "b"), ("enter", "c"), ("remove", "a")]
    assert result.terms == ("b", "c")

    # Replay each decision with the independent statistics.
    model: list[str] = []
    for step in result.steps:
        if step.action == "enter":
            tests = {t: _score(cases, y, model, t) for t in TERMS if t not in model}
            best = min(tests, key=lambda t: tests[t][2])
            assert best == step.term and tests[best][2] < 0.05
            assert step.test == "score"
            model.append(step.term)
        else:
            tests = {t: _lr(cases, y, model, t) for t in model}
            worst = max(tests, key=lambda t: tests[t][2])
            assert worst == step.term and tests[worst][2] > 0.10
            assert step.test == "lr"
            model.remove(step.term)
        assert step.statistic == pytest.approx(tests[step.term][0], rel=1e-6)
        assert step.df == tests[step.term][1]
        assert step.p == pytest.approx(tests[step.term][2], rel=1e-5)
        # After an entry, no term in the model (other than one removed next) is above POUT.
        if step.action == "enter" and step.step < len(result.steps):
            following = result.steps[step.step]
            if following.action == "enter":
                assert all(_lr(cases, y, model, t)[2] <= 0.10 for t in model)
    # Block entry: a (three levels) entered with 2 degrees of freedom.
    assert result.steps[0].df == 2
    # Stop: nothing left outside enters.
    for t in ("a", "d"):
        assert _score(cases, y, model, t)[2] >= 0.05
        assert result.term_test(t).p == pytest.approx(_score(cases, y, model, t)[2], rel=1e-5)


def test_fstep_wald_removes_by_wald(cases):
    result = fit_logistic(cases, "y", "Yes", TERMS, method="fstep-wald")
    removal = [s for s in result.steps if s.action == "remove"]
    assert removal and all(s.test == "wald" for s in removal)
    assert result.terms == ("b", "c")


def test_stepwise_with_pout_one_never_removes(cases):
    result = fit_logistic(cases, "y", "Yes", TERMS, method="fstep-lr", pout=1.0 - 1e-12)
    assert [s.action for s in result.steps] == ["enter", "enter", "enter"]
    assert set(result.terms) == {"a", "b", "c"}


# --- the algorithm's rules, with scripted tests ----------------------------------------
def _tester(table):
    def test(model, term):
        stat, p = table(model, term)
        return BlockTest("score", stat, 1, p)

    return test


def test_ties_and_underflow_largest_statistic_wins_then_order():
    entry = _tester(lambda m, t: {"x": (900.0, 0.0), "y": (1500.0, 0.0), "z": (1500.0, 0.0)}[t])
    keep = _tester(lambda m, t: (50.0, 1e-12))
    steps, final, _ = forward_stepwise(["x", "y", "z"], entry, keep, pin=0.05, pout=0.1)
    # y and z share p = 0 and the same statistic: y is earlier in the order given.
    assert [s.term for s in steps] == ["y", "z", "x"]


def test_removal_takes_the_largest_p_and_rechecks():
    def entry(model, term):
        return BlockTest("score", 10.0, 1, {"a": 0.001, "b": 0.002, "c": 0.003}[term])

    def removal(model, term):
        if term == "a" and "c" in model:
            return BlockTest("lr", 0.5, 1, 0.5)
        if term == "b" and "c" in model and "a" not in model:
            return BlockTest("lr", 1.0, 1, 0.3)
        return BlockTest("lr", 10.0, 1, 0.001)

    steps, final, notes = forward_stepwise(["a", "b", "c"], entry, removal, pin=0.05, pout=0.1)
    # After c enters, a goes (p .5); removal is re-tested and b goes too (p .3). From {c},
    # a re-enters ({a, c} is new) but its removal p is .5 again, and removing it would
    # give {c} a second time: FSTEP stops there.
    assert [(s.action, s.term) for s in steps][:5] == [
        ("enter", "a"),
        ("enter", "b"),
        ("enter", "c"),
        ("remove", "a"),
        ("remove", "b"),
    ]
    assert notes and "repeat" in notes[0]


def test_cycle_stops():
    # a enters on score p .01 but its removal test says p .5: entering and removing would
    # alternate for ever; FSTEP stops when a model would repeat.
    entry = _tester(lambda m, t: (6.6, 0.01))
    removal = _tester(lambda m, t: (0.45, 0.5))
    steps, final, notes = forward_stepwise(["a"], entry, removal, pin=0.05, pout=0.1)
    assert [(s.action, s.term) for s in steps] == [("enter", "a")]
    assert final == frozenset({"a"})
    assert "repeat an earlier model" in notes[0]


def test_nothing_enters():
    entry = _tester(lambda m, t: (1.0, 0.3))
    steps, final, notes = forward_stepwise(["a", "b"], entry, entry, pin=0.05, pout=0.1)
    assert steps == () and final == frozenset() and notes == ()
