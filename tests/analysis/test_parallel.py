"""Fitting a report's models in two processes gives the models of one process."""

from __future__ import annotations

import os
import threading

import pandas as pd
import pytest

from caseinspect.analysis import _parallel as parallel
from caseinspect.analysis import _significance, build_report
from caseinspect.errors import UsageError
from caseinspect.framework import load_framework
from caseinspect.synth import generate_round

FW = load_framework("hmip-2018")


@pytest.fixture(scope="module")
def cases() -> pd.DataFrame:
    frame = pd.concat(list(generate_round("2018-19", 900, 3, text=False)), ignore_index=True)
    return frame.astype(str).replace({"nan": ""}).astype(object)


def _same(a, b) -> None:
    pd.testing.assert_frame_equal(a.cells, b.cells, check_exact=True)
    assert [m.as_dict() for m in a.models] == [m.as_dict() for m in b.models]
    assert a.provenance == b.provenance and a.notes == b.notes


@pytest.mark.skipif(not parallel.can_share(), reason="processes cannot be forked here")
@pytest.mark.parametrize(
    "settings",
    [
        {"significance": "stepwise"},
        {"significance": "full", "fdr": True, "fdr_family": "all"},
        {"significance": "gee"},
    ],
    ids=["stepwise", "full-fdr", "gee"],
)
def test_two_processes_fit_the_models_of_one(cases, settings):
    one = build_report(cases, FW, workers=1, **settings)
    two = build_report(cases, FW, workers=2, **settings)
    _same(one, two)
    assert one.models  # something was fitted


@pytest.mark.skipif(not parallel.can_share(), reason="processes cannot be forked here")
def test_a_child_that_fails_costs_time_not_models(cases, monkeypatch):
    parent = os.getpid()
    real = _significance._fit_job

    def fails_in_the_child(*args, **kwargs):
        if os.getpid() != parent:
            raise MemoryError("the child ran out of memory")
        return real(*args, **kwargs)

    monkeypatch.setattr(_significance, "_fit_job", fails_in_the_child)
    two = build_report(cases, FW, workers=2)
    monkeypatch.setattr(_significance, "_fit_job", real)
    _same(build_report(cases, FW, workers=1), two)


@pytest.mark.skipif(not parallel.can_share(), reason="processes cannot be forked here")
def test_an_error_in_a_fit_is_raised_here_as_itself(cases):
    with pytest.raises(UsageError, match="Cluster correction 'cr9'"):
        build_report(cases, FW, significance="gee", cluster_correction="cr9", workers=2)


def test_share_jobs_returns_every_job_in_order_and_counts_progress():
    seen: list[int] = []
    results, other = parallel.share_jobs(
        lambda n: n * n,
        [3, 1, 4, 1, 5],
        lambda: "counted",
        on_done=lambda number, done: seen.append(done),
    )
    assert results == [0, 1, 4, 9, 16] and other == "counted"
    assert seen == sorted(seen) and seen[-1] == 14


def test_no_fork_where_other_threads_run(monkeypatch):
    # A web server's worker has threads: a fork would copy only this one.
    release = threading.Event()
    worker = threading.Thread(target=release.wait)
    worker.start()
    try:
        assert not parallel.can_share()
        pids: set[int] = set()
        results, _ = parallel.share_jobs(
            lambda n: pids.add(os.getpid()) or n, [1, 1, 1], lambda: None
        )
        assert results == [0, 1, 2] and pids == {os.getpid()}
    finally:
        release.set()
        worker.join()


def test_workers_must_be_positive(cases):
    with pytest.raises(ValueError, match="workers"):
        build_report(cases, FW, workers=0)


def test_the_child_takes_jobs_while_this_process_is_busy():
    if not parallel.can_share():
        pytest.skip("processes cannot be forked here (other threads run)")
    import multiprocessing

    # Only the child can fit a job before ``meanwhile`` returns, and ``meanwhile`` waits
    # until a job has been fitted: no timing involved.
    fitted = multiprocessing.get_context("fork").Event()

    def fit(number: int) -> int:
        fitted.set()
        return os.getpid()

    results, waited = parallel.share_jobs(fit, [1] * 4, lambda: fitted.wait(timeout=30))
    assert waited is True
    assert set(results) - {os.getpid()}  # a forked child fitted at least one job
