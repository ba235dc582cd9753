"""Statistical disclosure control for published annex tables.

A percentage of a handful of cases can tell a reader something about a person they can
identify (the one woman aged 50+ supervised by a small provider). Published output
therefore blanks every cell based on fewer than ``threshold`` cases (*primary*
suppression), and then enough other cells that a blanked cell cannot be worked out
by subtraction from the totals (*secondary* suppression).

The rule (also in ``docs/reports.md``)
--------------------------------------
* **Primary**: a cell with ``0 < n < threshold`` is suppressed. Cells with ``n == 0`` are
  printed '-' as before: that no case falls in a cell is not a disclosure (and is often
  structural, e.g. CRCs held no high RoSH case).
* **Secondary, within a breakdown**: the cells of one sub-group variable in one table
  column and provider split add up, with the cases whose value was not recorded, to the
  'All cases' cell. The not-recorded count is taken as known (the sample profile
  publishes it), so a breakdown holding exactly one suppressed cell gives it away; the
  unsuppressed cell with the smallest non-zero ``n`` is suppressed too (ties: the first
  as printed). If no such cell is left, the 'All cases' cell is suppressed.
* **Secondary, across provider splits**: in tables split by provider, the 'All' cell is
  the sum of the CRC and NPS cells; if exactly one of them is suppressed, the smallest
  unsuppressed one with a non-zero ``n`` is suppressed too.
* Both rules are applied until nothing changes (a secondary suppression can leave
  another breakdown or split with a single suppressed cell).

What is blanked: ``n``, ``yes``, ``pct``, ``ci_low`` and ``ci_high``. The significance
columns describe a whole sub-group variable, not a cell, and are kept.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..errors import InvalidArgument

if TYPE_CHECKING:  # pragma: no cover
    from ._report import TablesReport

__all__ = ["SUPPRESSED_COLUMNS", "suppress", "suppress_report", "suppression_note"]

#: The columns of a suppressed cell that are blanked.
SUPPRESSED_COLUMNS = ("n", "yes", "pct", "ci_low", "ci_high")

_KEY_COLUMNS = ("table", "question", "provider_split", "variable", "category", "n")


def suppress(cells: pd.DataFrame, threshold: int, *, secondary: bool = True) -> pd.DataFrame:
    """Suppress small cells of tidy annex tables, with secondary suppression.

    Parameters
    ----------
    cells : pandas.DataFrame
        Tidy table cells (``table, question, provider_split, variable, category, n`` and
        any of ``yes, pct, ci_low, ci_high``), as in :attr:`TablesReport.cells`.
    threshold : int
        Cells with ``0 < n < threshold`` are suppressed. ``1`` suppresses nothing.
    secondary : bool
        Also suppress the cells needed so that no suppressed cell can be recovered by
        differencing (see the module docstring).

    Returns
    -------
    pandas.DataFrame
        A copy with ``n`` and ``yes`` as nullable integers, the blanked columns empty
        (``<NA>`` / ``NaN``) in suppressed cells, and a ``suppressed`` column holding
        ``"primary"``, ``"secondary"`` or ``""``.

    Raises
    ------
    ValueError
        If ``threshold`` is not a positive whole number or a needed column is missing.

    Examples
    --------
    >>> import pandas as pd
    >>> cells = pd.DataFrame({
    ...     "table": "T", "question": "q", "provider_split": "all",
    ...     "variable": ["all", "gender", "gender"], "category": ["All cases", "Male", "Female"],
    ...     "n": [40, 37, 3], "pct": [50.0, 51.4, 33.3]})
    >>> suppress(cells, 5)[["category", "n", "pct", "suppressed"]].values.tolist()
    [['All cases', 40, 50.0, ''], ['Male', <NA>, nan, 'secondary'], ['Female', <NA>, nan, 'primary']]
    """
    if isinstance(threshold, bool) or not isinstance(threshold, (int, np.integer)) or threshold < 1:
        raise InvalidArgument(
            f"threshold must be a whole number of cases, 1 or more; got {threshold!r}"
        )
    missing = [c for c in _KEY_COLUMNS if c not in cells.columns]
    if missing:
        raise InvalidArgument(
            f"cells lack the column(s) {', '.join(missing)} needed for suppression"
        )
    n = cells["n"].fillna(0).to_numpy(dtype=np.int64)
    status = np.where((n > 0) & (n < threshold), "primary", "").astype(object)
    if secondary:
        groups = _breakdown_groups(cells) + _split_groups(cells)
        status = _secondary(n, status, groups)
    return _blank(cells, status)


def suppress_report(
    report: TablesReport, threshold: int, *, secondary: bool = True, keep_models: bool = False
) -> TablesReport:
    """A copy of ``report`` with :func:`suppress` applied, noted and recorded.

    Parameters
    ----------
    report : TablesReport
    threshold, secondary
        As for :func:`suppress`.
    keep_models : bool
        Keep the model appendix. By default it is dropped: the odds ratio of a small
        category, with its interval, can reveal what the suppressed cell hid. The
        significance shading stays (it describes whole sub-group variables).

    Returns
    -------
    TablesReport
        With suppressed cells, a note explaining '*', and the threshold in the
        provenance settings (so every output records it).
    """
    cells = suppress(report.cells, threshold, secondary=secondary)
    settings = tuple(report.provenance.settings) + (
        ("suppress", str(int(threshold))),
        ("suppress_secondary", str(bool(secondary)).lower()),
    )
    notes = tuple(report.notes) + (suppression_note(threshold, secondary=secondary),)
    if not keep_models and report.models:
        notes += (
            "Model details are withheld under disclosure control: odds ratios of small sub-groups "
            "could reveal suppressed cells.",
        )
    return dataclasses.replace(
        report,
        cells=cells,
        models=report.models if keep_models else (),
        provenance=dataclasses.replace(report.provenance, settings=settings),
        notes=notes,
    )


def suppression_note(threshold: int, *, secondary: bool = True) -> str:
    """The sentence printed under tables that hold suppressed ('*') cells."""
    text = f"* Suppressed to protect confidentiality: fewer than {int(threshold)} cases"
    if secondary:
        text += (
            ", or suppressed so that another suppressed figure cannot be worked out from the totals"
        )
    return text + "."


# --- groups of cells that add up ----------------------------------------------------------
def _breakdown_groups(cells: pd.DataFrame) -> list[tuple[np.ndarray, int | None]]:
    """(category positions, position of the 'All cases' total) per breakdown."""
    positions = pd.Series(np.arange(len(cells)), index=cells.index)
    totals = {}
    is_all = cells["variable"].eq("all").to_numpy()
    for key, pos in positions[is_all].groupby(
        [cells.loc[is_all, c] for c in ("table", "question", "provider_split")]
    ):
        totals[key] = int(pos.iloc[0])
    groups = []
    rest = ~is_all
    keys = [cells.loc[rest, c] for c in ("table", "question", "provider_split", "variable")]
    for key, pos in positions[rest].groupby(keys, sort=False):
        groups.append((pos.to_numpy(), totals.get(key[:3])))
    return groups


def _split_groups(cells: pd.DataFrame) -> list[tuple[np.ndarray, int | None]]:
    """Cells of one row and column across provider splits: All = CRC + NPS."""
    positions = pd.Series(np.arange(len(cells)), index=cells.index)
    keys = [cells[c] for c in ("table", "question", "variable", "category")]
    groups: list[tuple[np.ndarray, int | None]] = []
    for _, pos in positions.groupby(keys, sort=False):
        splits = cells["provider_split"].iloc[pos.to_numpy()]
        # The identity holds only when 'all' is shown beside at least two provider types.
        if len(pos) >= 3 and splits.eq("all").sum() == 1:
            groups.append((pos.to_numpy(), None))
    return groups


def _secondary(
    n: np.ndarray, status: np.ndarray, groups: list[tuple[np.ndarray, int | None]]
) -> np.ndarray:
    status = status.copy()
    changed = True
    while changed:
        changed = False
        for group_members, total in groups:
            members = [int(m) for m in group_members if n[m] > 0]
            if total is not None and n[total] > 0:
                members_with_total = members + [total]
            else:
                members_with_total = members
            hidden = [m for m in members_with_total if status[m]]
            if len(hidden) != 1:
                continue
            # Prefer a cell of the group itself over the total; smallest n, then print order.
            candidates = sorted((m for m in members if not status[m]), key=lambda m: (n[m], m))
            if not candidates and total is not None and n[total] > 0 and not status[total]:
                candidates = [total]
            if candidates:
                status[candidates[0]] = "secondary"
                changed = True
    return status


def _blank(cells: pd.DataFrame, status: np.ndarray) -> pd.DataFrame:
    out = cells.copy()
    hidden = status != ""
    for column in ("n", "yes"):
        if column in out.columns:
            values = out[column].astype("Int64")
            values[hidden] = pd.NA
            out[column] = values
    for column in ("pct", "ci_low", "ci_high"):
        if column in out.columns:
            values = out[column].astype(float)
            values[hidden] = np.nan
            out[column] = values
    out["suppressed"] = pd.Series(status, index=out.index, dtype=object).astype(str)
    return out
