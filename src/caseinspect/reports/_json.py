"""``models.json``: every model behind the shading, machine-readable.

One entry per (table, provider split, question) tested, from
:meth:`caseinspect.analysis.ModelSummary.as_dict`: cases in the table, in the model and
left out for a missing sub-group value, events, -2 log-likelihood, the steps, each
sub-group variable's test against the final model (or "not testable" with the reason),
odds ratios with intervals, and the shading rule (method, test, level, BH family). The
provenance is repeated so the file stands on its own. JSON has no NaN: missing numbers are
``null``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..analysis import TablesReport

__all__ = ["models_document", "write_models_json"]


def models_document(report: TablesReport) -> dict[str, Any]:
    """The content of ``models.json`` as a dictionary.

    ``withheld`` is true when disclosure control dropped the models (the file then says
    so rather than looking like a report without models).
    """
    settings = dict(report.provenance.settings)
    withheld = bool(settings.get("suppress")) and not report.models and report.shading is not None
    return {
        "provenance": report.provenance.as_dict(),
        "shading": None if report.shading is None else report.shading.as_dict(),
        "withheld": withheld,
        "models": [model.as_dict() for model in report.models],
    }


def write_models_json(report: TablesReport, path: str | Path) -> Path:
    """Write ``models.json`` (atomically); identical for identical reports."""
    from ..outputs import write_text_atomic

    text = json.dumps(models_document(report), indent=2, sort_keys=True, allow_nan=False)
    return write_text_atomic(Path(path), text + "\n")
