"""Forward stepwise selection with block entry, as SPSS's ``FSTEP``.

Why hand-written: no maintained Python library does SPSS's forward stepwise logistic
regression -- score-test entry, likelihood-ratio (or Wald) removal, categorical variables
entering and leaving as whole blocks, and SPSS's stopping rules. statsmodels has no
stepwise selection at all; scikit-learn's ``SequentialFeatureSelector`` selects single
columns by cross-validated score, not blocks by significance tests; the few stepwise
packages on PyPI are unmaintained, select by AIC or p-values of single columns, and do not
re-test removal after each entry. The bulletins' method is this procedure, so it is
written out here, small and tested, on top of statsmodels' fits and tests.

The algorithm (SPSS Statistics Algorithms, LOGISTIC REGRESSION, "Forward Stepwise"):

1. Start from the current model (the intercept only).
2. Test every term not in the model for entry (score test of its whole block).
3. Take the term with the smallest p; if that p is below PIN, enter it, else stop.
   If the model so formed was seen before, stop (a cycle).
4. Test every term in the model for removal (likelihood-ratio test of dropping its
   block, or Wald test).
5. Take the term with the largest p; if it is above POUT, remove it and go back to 4
   (stopping if the model so formed was seen before); otherwise go back to 2.

Ties, and p-values that underflow to 0 (so that several terms share p = 0): for entry
the larger statistic wins, then the earlier term in the order given; for removal the
smaller statistic goes out first, then the later term.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from typing import Literal, cast

from ._logistic import BlockTest
from ._results import Step, TestName

__all__ = ["forward_stepwise", "stepwise_search"]

Tester = Callable[[frozenset[str], str], BlockTest]


def _entry_key(order: dict[str, int], term: str, t: BlockTest) -> tuple[float, float, int]:
    return (t.p, -t.statistic, order[term])


def _removal_key(order: dict[str, int], term: str, t: BlockTest) -> tuple[float, float, int]:
    # min() of this picks the largest p, then the smallest statistic, then the last term.
    return (-t.p, t.statistic, -order[term])


def forward_stepwise(
    candidates: Sequence[str],
    entry_test: Tester,
    removal_test: Tester,
    *,
    pin: float,
    pout: float,
) -> tuple[tuple[Step, ...], frozenset[str], tuple[str, ...]]:
    """Run forward stepwise selection over blocks.

    Parameters
    ----------
    candidates : sequence of str
        Terms that may enter, in the order given (used to break ties).
    entry_test : callable
        ``entry_test(model_terms, term)`` tests adding ``term`` to the model.
    removal_test : callable
        ``removal_test(model_terms, term)`` tests dropping ``term`` from the model.
    pin, pout : float
        Enter when p < pin; remove when p > pout.

    Returns
    -------
    steps : tuple of Step
    final : frozenset of str
        The terms of the final model.
    notes : tuple of str
        Why the procedure stopped, when it was not the ordinary stop.

    Examples
    --------
    A term enters when its p is below PIN; nothing leaves when every p is below POUT:

    >>> from caseinspect.stats._logistic import BlockTest
    >>> entry = lambda model, term: BlockTest("score", 9.0, 1, 0.003 if term == "a" else 0.4)
    >>> removal = lambda model, term: BlockTest("lr", 9.5, 1, 0.002)
    >>> steps, final, notes = forward_stepwise(["a", "b"], entry, removal, pin=0.05, pout=0.10)
    >>> [(s.action, s.term) for s in steps], sorted(final)
    ([('enter', 'a')], ['a'])
    """
    search = stepwise_search(candidates, entry_test, removal_test, pin=pin, pout=pout)
    try:
        while True:
            next(search)
    except StopIteration as stop:
        result: tuple[tuple[Step, ...], frozenset[str], tuple[str, ...]] = stop.value
        return result


Needs = Callable[[frozenset[str], Sequence[str]], list[frozenset[str]]]


def _entry_needs(model: frozenset[str], outside: Sequence[str]) -> list[frozenset[str]]:
    return [model]


def _removal_needs(model: frozenset[str], inside: Sequence[str]) -> list[frozenset[str]]:
    return [model, *(model - {term} for term in inside)]


def stepwise_search(
    candidates: Sequence[str],
    entry_test: Tester,
    removal_test: Tester,
    *,
    pin: float,
    pout: float,
    entry_needs: Needs = _entry_needs,
    removal_needs: Needs = _removal_needs,
) -> Generator[
    list[frozenset[str]], None, tuple[tuple[Step, ...], frozenset[str], tuple[str, ...]]
]:
    """:func:`forward_stepwise` as a generator that announces the fits it will need.

    Before each round of tests it yields the models (sets of terms) whose fits the tests
    use -- by default the current model for entry (score tests) and the current model
    and each model with one term dropped for removal (likelihood-ratio tests) -- so that
    a caller running many outcomes can fit them all in one batch. Its return value (the
    ``StopIteration`` value) is that of :func:`forward_stepwise`.
    """
    order = {term: i for i, term in enumerate(candidates)}
    model: frozenset[str] = frozenset()
    seen = {model}
    steps: list[Step] = []
    notes: list[str] = []

    def record(action: Literal["enter", "remove"], term: str, t: BlockTest) -> None:
        test = cast(TestName, t.test)
        steps.append(Step(len(steps) + 1, action, term, test, t.statistic, t.df, t.p))

    while True:
        outside = [term for term in candidates if term not in model]
        if not outside:
            break
        yield entry_needs(model, outside)
        tests = {term: entry_test(model, term) for term in outside}
        # A term whose entry test cannot be computed cannot enter (and must not stop the
        # others from entering): it is reported as not testable, never as p = 1.
        testable = [term for term in outside if tests[term].testable]
        if not testable:
            break
        best = min(testable, key=lambda term: _entry_key(order, term, tests[term]))
        if not tests[best].p < pin:
            break
        entered = model | {best}
        if entered in seen:
            notes.append(
                f"Stepwise selection stopped: entering '{best}' would repeat an earlier model."
            )
            break
        model = entered
        seen.add(model)
        record("enter", best, tests[best])
        while True:
            inside = [term for term in candidates if term in model]
            yield removal_needs(model, inside)
            removal = {term: removal_test(model, term) for term in inside}
            removable = [term for term in removal if removal[term].testable]
            if not removable:
                break
            worst = min(removable, key=lambda term: _removal_key(order, term, removal[term]))
            if not removal[worst].p > pout:
                break
            reduced = model - {worst}
            if reduced in seen:
                notes.append(
                    f"Stepwise selection stopped: removing '{worst}' would repeat an earlier model."
                )
                return tuple(steps), model, tuple(notes)
            model = reduced
            seen.add(model)
            record("remove", worst, removal[worst])
            if not model:
                break
    return tuple(steps), model, tuple(notes)
