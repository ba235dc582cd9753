"""Annex tables and figures for an inspection or a pooled round, from the core analysis.

``caseinspect.analysis.build_report`` computes; ``caseinspect.reports`` lays out and draws.
Reports are kept in a small in-process cache keyed by the data fingerprint, so reloading
the page does not refit the models.
"""

from __future__ import annotations

import base64
import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..cases import fingerprint_cases
from .frameworks import framework_by_id
from .insights import EMERGING_STATUSES
from .store import cases_frame

logger = logging.getLogger(__name__)
_CACHE: OrderedDict = OrderedDict()
_LOCK = threading.Lock()
_CACHE_SIZE = 8


@dataclass
class WebReport:
    report: object
    tables: tuple
    figures: list[dict]
    n_cases: int
    problem: str = ""

    @property
    def n_cases_text(self) -> str:
        return f"{self.n_cases:,}"


def cases_for(framework_id: str, inspections) -> pd.DataFrame:
    """Submitted and accepted cases of these inspections, in the interchange format."""
    return cases_frame(
        framework_id=framework_id,
        inspection_codes=[i.code for i in inspections],
        statuses=EMERGING_STATUSES,
    )


def build_web_report(
    framework_id: str, frame: pd.DataFrame, title: str, significance: str = "stepwise"
) -> WebReport | None:
    from ..analysis import build_report
    from ..reports import annex_layout, figure_png, report_figures

    if frame.empty:
        return None
    key = (framework_id, title, significance, fingerprint_cases(frame))
    with _LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    framework = framework_by_id(framework_id)
    problem = ""
    try:
        report = build_report(frame, framework, title=title, significance=significance)
    except (
        np.linalg.LinAlgError,
        ValueError,
        FloatingPointError,
    ) as exc:  # reported to the stats owner
        logger.warning("significance %s failed for %s: %s", significance, title, exc)
        problem = (
            f"The significance tests ({significance}) could not be computed for these cases ({exc}); "
            "the tables are shown without them."
        )
        report = build_report(frame, framework, title=title, significance="none")
    figures = [
        {
            "caption": data.caption,
            "alt": data.alt_text,
            "src": "data:image/png;base64,"
            + base64.b64encode(figure_png(data, title=False)).decode("ascii"),
        }
        for data in report_figures(report)
    ]
    result = WebReport(report, annex_layout(report), figures, len(frame), problem)
    with _LOCK:
        _CACHE[key] = result
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return result


# --- long analysis in the background ------------------------------------------------------
_JOBS: dict = {}


@dataclass
class ReportJob:
    """A report being built in a background thread (``result`` once done)."""

    started: float
    result: WebReport | None = None
    failed: str = ""
    done: bool = False


def cached_report(
    framework_id: str, frame, title: str, significance: str, fingerprint: str = ""
) -> WebReport | None:
    """The finished report for this data if it is cached (no work done here)."""
    if frame.empty:
        return None
    key = (framework_id, title, significance, fingerprint or fingerprint_cases(frame))
    with _LOCK:
        return _CACHE.get(key)


def report_in_background(
    framework_id: str,
    frame,
    title: str,
    significance: str = "stepwise",
    *,
    fingerprint: str = "",
) -> ReportJob:
    """Start (or look up) the report for this data; the page polls until ``done``.

    The job is keyed like the cache, by the data fingerprint, so a second view of the
    same data is instant and two people opening one round share one computation. With
    ``CASEINSPECT_BACKGROUND_ANALYSIS`` off (tests), the work is done here and now.
    """
    import time

    from django.conf import settings

    fingerprint = fingerprint or fingerprint_cases(frame)
    cached = cached_report(framework_id, frame, title, significance, fingerprint)
    if cached is not None or frame.empty:
        return ReportJob(time.monotonic(), cached, done=True)
    key = (framework_id, title, significance, fingerprint)
    if not getattr(settings, "CASEINSPECT_BACKGROUND_ANALYSIS", True):
        return ReportJob(
            time.monotonic(), build_web_report(framework_id, frame, title, significance), done=True
        )
    with _LOCK:
        job = _JOBS.get(key)
        if job is not None and (not job.done or job.result is not None):
            return job
        job = _JOBS[key] = ReportJob(time.monotonic())

    def work() -> None:
        try:
            job.result = build_web_report(framework_id, frame, title, significance)
        except Exception as exc:  # noqa: BLE001 - shown on the page, logged in full
            logger.exception("analysis of %s failed", title)
            job.failed = f"The analysis could not be completed ({type(exc).__name__})."
        finally:
            job.done = True

    threading.Thread(target=work, name=f"analysis {title}", daemon=True).start()
    return job
