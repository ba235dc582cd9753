"""Which reserve case replaces a sampled case that drops out."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

import pandas as pd

from ..errors import InvalidArgument

__all__ = ["next_reserve"]


def next_reserve(
    reserve: pd.DataFrame,
    used_ids: Collection[str],
    dropped: Mapping[str, object] | pd.Series,
    strata: Sequence[str] = ("stratum",),
) -> pd.Series | None:
    """The reserve case that replaces ``dropped``: the first unused one of its stratum,
    else the first unused one.

    The rule (docs/sampling.md, "Reserve"): go down the reserve list in ``reserve_order``
    (row order when the column is absent), skipping cases already used; take the first
    whose ``strata`` values all equal the dropped case's. If none is left in that stratum,
    or the dropped case's stratum is not known (a ``strata`` value missing or empty), take
    the first unused case whatever its stratum.

    Parameters
    ----------
    reserve : DataFrame
        The reserve list, as :attr:`SampleResult.reserve` gives it: ``case_id``, the
        ``strata`` columns (``stratum`` holds the stratum label, e.g. ``'Male / community
        / Low'``) and usually ``reserve_order``.
    used_ids : collection of str
        Case ids of reserve cases already brought in.
    dropped : mapping or Series
        The case that dropped out: its value of each ``strata`` column.
    strata : sequence of str
        Columns that define a stratum. The default compares the stratum labels
        :func:`draw_sample` writes; the framework's stratification columns
        (``rules.strata``) compare the values themselves.

    Returns
    -------
    Series or None
        The chosen row of ``reserve`` (its index label kept as ``name``, so the caller can
        mark it used), or ``None`` when every reserve case is used.

    Raises
    ------
    ValueError
        If ``reserve`` lacks ``case_id`` or one of the ``strata`` columns.

    Examples
    --------
    >>> reserve = pd.DataFrame({"reserve_order": [1, 2, 3, 4], "case_id": ["R1", "R2", "R3", "R4"],
    ...                         "stratum": ["Male / community / Low", "Female / custody / Medium",
    ...                                     "Female / custody / Medium", "Male / community / Low"]})
    >>> next_reserve(reserve, set(), {"stratum": "Female / custody / Medium"})["case_id"]
    'R2'
    >>> next_reserve(reserve, {"R2"}, {"stratum": "Female / custody / Medium"})["case_id"]
    'R3'
    >>> next_reserve(reserve, {"R2", "R3"}, {"stratum": "Female / custody / Medium"})["case_id"]
    'R1'
    >>> next_reserve(reserve, {"R1", "R2", "R3", "R4"}, {"stratum": "Male / community / Low"}) is None
    True
    """
    missing = [c for c in ("case_id", *strata) if c not in reserve.columns]
    if missing:
        raise InvalidArgument(
            f"the reserve list has no column {', '.join(repr(c) for c in missing)}"
        )
    ordered = reserve
    if "reserve_order" in reserve.columns:
        order = pd.to_numeric(reserve["reserve_order"], errors="coerce")
        ordered = reserve.iloc[order.reset_index(drop=True).sort_values(kind="stable").index]
    used = {str(u) for u in used_ids}
    unused = ordered[~ordered["case_id"].astype(str).isin(used)]
    if unused.empty:
        return None
    wanted = [_text(dropped.get(c)) for c in strata]
    if strata and all(wanted):
        same = pd.Series(True, index=unused.index)
        for column, value in zip(strata, wanted, strict=True):
            same &= unused[column].map(_text) == value
        if same.any():
            return unused[same].iloc[0]
    return unused.iloc[0]


def _text(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    return str(value)
