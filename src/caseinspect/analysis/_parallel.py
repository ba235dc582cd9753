"""Sharing a report's model fits between this process and one forked child.

Written on the standard library's ``multiprocessing`` (fork context) rather than on
``concurrent.futures`` or ``multiprocessing.Pool``: those pickle every task's inputs, so
the case table and its coding would cross a pipe for each job and cost more than the
fits. A forked child already holds them. Only the fitted models come back, pickled.

The child and this process take jobs from one shared counter, largest first, so neither
waits while the other has work; this process first runs ``meanwhile`` (the counting of
the tables), which the child's fits overlap. Every job is fitted by the same function,
whichever process takes it, and the results are put back in job order: the models are
the same as when fitted in one process. Where the child fails for any reason, this
process fits its jobs again itself, so an error is raised here, with its own type and
traceback, as it would be without the child.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

__all__ = ["can_share", "share_jobs"]

R = TypeVar("R")
T = TypeVar("T")


def can_share() -> bool:
    """Whether a child can be forked safely here.

    Not without the fork start method (Windows), from inside a daemonic process (which may
    not have children), or where other threads run (a web server's): a fork copies only
    the calling thread, and a lock another thread holds would stay locked in the child.
    """
    return (
        "fork" in multiprocessing.get_all_start_methods()
        and not multiprocessing.current_process().daemon
        and threading.active_count() == 1
    )


def share_jobs(
    fit: Callable[[int], R],
    weights: Sequence[int],
    meanwhile: Callable[[], T],
    *,
    on_done: Callable[[int, int], None] | None = None,
) -> tuple[list[R], T]:
    """``[fit(0), ..., fit(n - 1)]`` and ``meanwhile()``, using a second process.

    Parameters
    ----------
    fit : callable
        ``fit(number)`` for job ``number``; its result must pickle.
    weights : sequence of int
        Each job's expected size: jobs are taken largest first, and progress counts them.
    meanwhile : callable
        Run in this process while the child starts on the jobs.
    on_done : callable, optional
        ``on_done(number, done)`` as jobs finish, ``done`` the finished weight so far.

    Returns
    -------
    results : list
        ``fit(number)`` for every job, in job order.
    other
        What ``meanwhile()`` returned.
    """
    n = len(weights)
    order = sorted(range(n), key=lambda number: -weights[number])
    if n == 0 or not can_share():
        other = meanwhile()
        return _fit_in_order(fit, weights, on_done), other
    context = multiprocessing.get_context("fork")
    taken = context.Value("i", 0)
    finished = context.Value("i", 0)
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_child, args=(sender, fit, order, weights, taken, finished), daemon=True
    )
    child.start()
    sender.close()
    theirs: dict[int, R] = {}
    try:
        other = meanwhile()
        mine: dict[int, R] = {}
        while (position := _take(taken, n)) is not None:
            number = order[position]
            mine[number] = fit(number)
            done = _add(finished, weights[number])
            if on_done is not None:
                on_done(number, done)
        theirs = _receive(receiver)
    finally:
        receiver.close()
        if child.is_alive() and not theirs:
            child.terminate()
        child.join()
    results = []
    for number in range(n):
        if number in mine:
            results.append(mine[number])
        elif number in theirs:
            results.append(theirs[number])
        else:  # the child failed before sending this job: fit it here
            results.append(fit(number))
    if on_done is not None and order:
        on_done(order[-1], sum(weights))
    return results, other


def _fit_in_order(
    fit: Callable[[int], R], weights: Sequence[int], on_done: Callable[[int, int], None] | None
) -> list[R]:
    results = []
    done = 0
    for number in range(len(weights)):
        results.append(fit(number))
        done += weights[number]
        if on_done is not None:
            on_done(number, done)
    return results


def _take(taken: Any, n: int) -> int | None:
    """The next position of the shared job order, or ``None`` when all are taken."""
    with taken.get_lock():
        position = int(taken.value)
        if position >= n:
            return None
        taken.value = position + 1
    return position


def _add(finished: Any, weight: int) -> int:
    with finished.get_lock():
        finished.value += weight
        return int(finished.value)


def _child(
    sender: Any,
    fit: Callable[[int], Any],
    order: list[int],
    weights: Sequence[int],
    taken: Any,
    finished: Any,
) -> None:
    """The forked child: fit jobs until none is left, then send them all at once."""
    results: dict[int, Any] = {}
    try:
        while (position := _take(taken, len(order))) is not None:
            number = order[position]
            results[number] = fit(number)
            _add(finished, weights[number])
        sender.send(("ok", results))
    except BaseException:  # any failure: the parent fits these jobs itself
        try:
            sender.send(("failed", {}))
        except (OSError, ValueError):  # the parent has gone
            pass
    finally:
        sender.close()


def _receive(receiver: Any) -> dict[int, Any]:
    """The child's fitted jobs; none when it died or failed (they are fitted here then)."""
    try:
        status, results = receiver.recv()
    except (EOFError, OSError):
        return {}
    return results if status == "ok" else {}
