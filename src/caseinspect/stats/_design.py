"""From a case table to numbers: coding terms, outcome and clusters; building designs.

Columns are coded once (``pandas.factorize``: integer codes plus the distinct values), so
that a table of forty outcomes over the same sub-group variables pays for reading the
sub-group columns once. Missing means a null value or an empty / blank string (CSV files
are read with every column as text and empty cells kept as ``""``).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from ..errors import CaseinspectError, UsageError
from ._results import TermCoding

__all__ = [
    "CodedTerm",
    "Design",
    "build_design",
    "check_columns",
    "code_cluster",
    "code_outcome",
    "code_terms",
]

_MAX_ROWS_SHOWN = 5


@dataclass(frozen=True, eq=False)
class CodedTerm:
    """One term, coded per case: ``codes`` index ``labels`` (-1 = missing).

    ``values`` holds the numeric value of each label for a numeric term. ``order`` is the
    caller's level order (categorical terms only), ``reference`` the caller's reference.
    """

    name: str
    kind: Literal["categorical", "numeric"]
    codes: np.ndarray
    labels: tuple[str, ...]
    values: np.ndarray | None = None
    order: bool = False
    reference: str | None = None


@dataclass(frozen=True, eq=False)
class Design:
    """A model matrix for the full set of candidate terms, with its response.

    Column 0 is the intercept; ``blocks[term]`` are the column indices of a term. Rows
    are cases (``trials`` all 1) or covariate patterns.
    """

    X: np.ndarray
    names: tuple[str, ...]
    blocks: Mapping[str, np.ndarray]
    codings: tuple[TermCoding, ...]
    events: np.ndarray
    trials: np.ndarray
    groups: np.ndarray | None
    n_groups: int
    level_problems: Mapping[str, tuple[str, ...]]
    notes: tuple[str, ...]
    codes: tuple[np.ndarray, ...] = ()
    sizes: tuple[int, ...] = ()

    @property
    def testable_terms(self) -> tuple[str, ...]:
        """Terms with at least one column (a term with one level present has none)."""
        return tuple(c.name for c in self.codings if len(self.blocks[c.name]))

    def columns(self, terms: frozenset[str] | Sequence[str]) -> np.ndarray:
        """Column indices of the model with ``terms``: intercept, then blocks in order."""
        wanted = set(terms)
        cols = [np.array([0])] + [self.blocks[c.name] for c in self.codings if c.name in wanted]
        return np.concatenate(cols)


def _is_blank(labels: Sequence[str]) -> np.ndarray:
    return np.fromiter((lab.strip() == "" for lab in labels), dtype=bool, count=len(labels))


def _rows(codes: np.ndarray, index: int) -> str:
    rows = np.flatnonzero(codes == index)
    shown = ", ".join(str(r + 1) for r in rows[:_MAX_ROWS_SHOWN])
    more = f" and {len(rows) - _MAX_ROWS_SHOWN} more" if len(rows) > _MAX_ROWS_SHOWN else ""
    return f"row{'s' if len(rows) > 1 else ''} {shown}{more}"


def _factorize(series: pd.Series) -> tuple[np.ndarray, tuple[str, ...], list[object]]:
    """Codes and distinct non-missing labels (as text); blank strings become missing.

    Distinct raw values that print alike (``1`` and ``"1"`` in an object column) merge.
    """
    codes, remap, labels, kept_raw = _factorize_raw(series)
    return remap[codes], labels, kept_raw


def _factorize_raw(
    series: pd.Series,
) -> tuple[np.ndarray, np.ndarray, tuple[str, ...], list[object]]:
    """:func:`_factorize` before its last step: ``remap[codes]`` are the label codes.

    ``codes`` are pandas' (``-1`` missing) and ``remap`` maps each to its label's code
    (``-1`` blank or missing; its last slot, which ``-1`` indexes, is ``-1``), so that a
    caller who maps labels on to something else gathers over the cases once, not twice.
    """
    # A small size hint: columns have few distinct values, and the default (one slot per
    # row) allocates ~55 bytes per case and is slower for cache misses.
    codes, uniques = pd.factorize(series, use_na_sentinel=True, size_hint=1024)
    raw = list(uniques)
    labels = [v if isinstance(v, str) else str(v) for v in raw]
    blank = _is_blank(labels)
    new_index: dict[str, int] = {}
    remap = np.empty(len(labels) + 1, dtype=np.int64)
    remap[-1] = -1  # codes of -1 index the last slot
    kept_raw: list[object] = []
    for i, (lab, is_blank) in enumerate(zip(labels, blank, strict=True)):
        if is_blank:
            remap[i] = -1
            continue
        if lab not in new_index:
            new_index[lab] = len(new_index)
            kept_raw.append(raw[i])
        remap[i] = new_index[lab]
    return codes, remap, tuple(new_index), kept_raw


def check_columns(data: pd.DataFrame, columns: Mapping[str, str]) -> None:
    """Raise if a named column is missing; ``columns`` maps column -> its role."""
    if not isinstance(data, pd.DataFrame):
        raise UsageError(f"data must be a pandas DataFrame, not {type(data).__name__}.")
    present = [str(c) for c in data.columns]
    for column, role in columns.items():
        if column not in data.columns:
            close = difflib.get_close_matches(str(column), present, n=1)
            hint = f"Did you mean '{close[0]}'?" if close else None
            shown = ", ".join(present[:20]) + (" ..." if len(present) > 20 else "")
            raise UsageError(
                f"Column '{column}' ({role}) is not in the data; columns are: {shown}.",
                hint=hint,
            )


def _code_categorical(
    series: pd.Series, name: str, order: Sequence[str] | None, reference: str | None
) -> CodedTerm:
    codes, labels, _ = _factorize(series)
    if order is not None:
        wanted = [str(v) for v in order]
        if len(set(wanted)) != len(wanted):
            raise UsageError(f"The levels given for '{name}' repeat a level: {', '.join(wanted)}.")
        position = {lab: i for i, lab in enumerate(wanted)}
        unknown = [i for i, lab in enumerate(labels) if lab not in position]
        if unknown:
            i = unknown[0]
            raise CaseinspectError(
                f"Column '{name}', {_rows(codes, i)}: '{labels[i]}' is not one of "
                f"{', '.join(wanted)}."
                + (f" ({len(unknown) - 1} other unknown values.)" if len(unknown) > 1 else ""),
                hint=f"Add the value to the levels of '{name}' or correct the data.",
            )
        remap = np.array([position[lab] for lab in labels] + [-1], dtype=np.int64)
        codes, labels = remap[codes], tuple(wanted)
    else:
        # Sorted labels make column order (and the tie rule for the reference) independent
        # of the order the cases come in.
        ranks = np.argsort(np.argsort(np.array(labels, dtype=object), kind="stable"))
        remap = np.append(ranks, -1).astype(np.int64)
        codes, labels = remap[codes], tuple(sorted(labels))
    if reference is not None and str(reference) not in labels:
        raise UsageError(
            f"Reference level '{reference}' of '{name}' is not a value of the column; "
            f"values are: {', '.join(labels)}."
        )
    return CodedTerm(
        name,
        "categorical",
        codes,
        labels,
        None,
        order is not None,
        None if reference is None else str(reference),
    )


def _code_numeric(series: pd.Series, name: str) -> CodedTerm:
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series):
        values = series.to_numpy(dtype=float, na_value=np.nan)
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        uniques = np.asarray(uniques, dtype=float)
        return CodedTerm(name, "numeric", codes, tuple(map(str, uniques)), uniques)
    codes, labels, _ = _factorize(series)
    values = np.empty(len(labels), dtype=float)
    for i, lab in enumerate(labels):
        try:
            values[i] = float(lab)
        except ValueError:
            raise CaseinspectError(
                f"Column '{name}', {_rows(codes, i)}: '{lab}' is not a number.",
                hint=f"If '{name}' is a categorical variable, declare it as categorical.",
            ) from None
    return CodedTerm(name, "numeric", codes, labels, values)


def code_terms(
    data: pd.DataFrame,
    terms: Sequence[str],
    *,
    categorical: Sequence[str] | None,
    levels: Mapping[str, Sequence[str]] | None,
    reference: Mapping[str, str] | None,
) -> list[CodedTerm]:
    """Code every term; ``categorical=None`` means: infer from the column's dtype.

    A term is categorical when listed in ``categorical`` (or, when that is ``None``, when
    its column is not numeric), or when ``levels`` or ``reference`` name it.
    """
    levels = dict(levels or {})
    reference = dict(reference or {})
    for role, mapping in (("levels", levels), ("reference", reference)):
        stray = [k for k in mapping if k not in terms]
        if stray:
            raise UsageError(f"{role} names '{stray[0]}', which is not one of the terms.")
    if categorical is not None:
        stray = [k for k in categorical if k not in terms]
        if stray:
            raise UsageError(f"categorical names '{stray[0]}', which is not one of the terms.")
    coded = []
    for name in terms:
        series = data[name]
        if categorical is not None:
            is_cat = name in categorical
        else:
            is_cat = not pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(
                series.dtype
            )
        is_cat = is_cat or name in levels or name in reference
        if is_cat:
            coded.append(_code_categorical(series, name, levels.get(name), reference.get(name)))
        else:
            coded.append(_code_numeric(series, name))
    return coded


def code_outcome(series: pd.Series, name: str, event: object) -> np.ndarray:
    """1 where the value equals ``event``, 0 for any other value, -1 where missing.

    The comparison is on the value as text (so ``event="1"`` matches an integer 1), and
    numerically when both sides are numbers (``1`` matches ``1.0``).

    Raises
    ------
    CaseinspectError
        If no case has the event value, which is almost always a misspelt value.
    """
    codes, remap, labels, raw = _factorize_raw(series)
    target = str(event)
    is_event = np.array([lab == target for lab in labels], dtype=bool)
    if not is_event.any():
        try:
            target_num = float(target)
        except ValueError:
            target_num = None
        if target_num is not None:
            for i, v in enumerate(raw):
                if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool):
                    is_event[i] = float(v) == target_num
    if not is_event.any():
        shown = ", ".join(f"'{lab}'" for lab in labels[:10]) or "none (all missing)"
        raise CaseinspectError(
            f"Column '{name}': no case has the event value '{event}'; values found: {shown}.",
            hint="Pass the value that marks the event exactly as it is in the data.",
        )
    out = np.append(is_event.astype(np.int8), np.int8(-1))  # by label code; -1 is last
    # Raw code -> label code -> event flag, composed on the few distinct values, so the
    # cases are gathered once (it matters at a million cases per outcome).
    return out[remap][codes]


def code_cluster(series: pd.Series) -> tuple[np.ndarray, tuple[str, ...]]:
    """Cluster codes (-1 missing) and labels."""
    codes, labels, _ = _factorize(series)
    return codes, labels


def build_design(
    terms: Sequence[CodedTerm],
    row_codes: Sequence[np.ndarray],
    events: np.ndarray,
    trials: np.ndarray,
    groups: np.ndarray | None = None,
) -> Design:
    """Build the full model matrix for rows described by each term's codes.

    The reference level of a categorical term is, in order of precedence: the one the
    caller named; the first level (present in the analysis) of the order the caller gave;
    otherwise the most frequent level in the analysis, ties going to the alphabetically
    first. Levels with no case in the analysis get no column.
    """
    n_rows = len(events)
    columns: list[np.ndarray] = [np.ones(n_rows)]
    names = ["Intercept"]
    blocks: dict[str, np.ndarray] = {}
    codings: list[TermCoding] = []
    level_problems: dict[str, tuple[str, ...]] = {}
    notes: list[str] = []
    for term, codes in zip(terms, row_codes, strict=True):
        start = len(names)
        if term.kind == "numeric":
            assert term.values is not None  # noqa: S101 (numeric terms carry their values)
            x = term.values[codes]
            if n_rows and np.ptp(x) == 0:
                notes.append(
                    f"Term '{term.name}' has the same value in every case; it is left out."
                )
            else:
                columns.append(x)
                names.append(term.name)
            codings.append(TermCoding(term.name, "numeric"))
        else:
            n_levels = len(term.labels)
            level_trials = np.bincount(codes, weights=trials, minlength=n_levels)
            level_events = np.bincount(codes, weights=events, minlength=n_levels)
            present = np.flatnonzero(level_trials > 0)
            if term.reference is not None:
                ref = term.labels.index(term.reference)
                if level_trials[ref] == 0:
                    raise CaseinspectError(
                        f"Reference level '{term.reference}' of '{term.name}' has no case in "
                        "the analysis.",
                        hint="Choose a level with cases as the reference.",
                    )
            elif term.order:
                ref = int(present[0]) if len(present) else 0
            else:
                # labels are sorted, so argmax's first maximum is the alphabetical first.
                ref = int(np.argmax(level_trials))
            if term.order:
                absent = [term.labels[i] for i in range(n_levels) if level_trials[i] == 0]
                if absent:
                    notes.append(
                        f"Level{'s' if len(absent) > 1 else ''} {', '.join(map(repr, absent))} "
                        f"of '{term.name}' {'have' if len(absent) > 1 else 'has'} no case in the "
                        "analysis and get no coefficient."
                    )
            if len(present) < 2:
                notes.append(
                    f"Term '{term.name}' has only one level in the analysis; it cannot be tested."
                )
            others = [int(i) for i in present if i != ref]
            for i in others:
                columns.append((codes == i).astype(float))
                names.append(f"{term.name}[T.{term.labels[i]}]")
            problems = []
            for i in present.tolist():
                lab = term.labels[i]
                if level_events[i] == 0:
                    problems.append(
                        f"level '{lab}' has no events among its {int(level_trials[i])} cases"
                    )
                elif level_events[i] == level_trials[i]:
                    problems.append(
                        f"level '{lab}' has only events among its {int(level_trials[i])} cases"
                    )
            if problems and len(present) >= 2:
                level_problems[term.name] = tuple(problems)
            codings.append(
                TermCoding(
                    term.name,
                    "categorical",
                    term.labels[ref] if len(present) else None,
                    tuple(term.labels[i] for i in [ref, *others]) if len(present) else (),
                )
            )
        blocks[term.name] = np.arange(start, len(names))
    X = np.column_stack(columns) if n_rows else np.empty((0, len(names)))
    n_groups = 0
    if groups is not None:
        # Renumber clusters 0..G-1 over the rows actually used.
        uniq, groups = np.unique(groups, return_inverse=True)
        n_groups = len(uniq)
    return Design(
        X,
        tuple(names),
        blocks,
        tuple(codings),
        events.astype(float),
        trials.astype(float),
        groups,
        n_groups,
        level_problems,
        tuple(notes),
        tuple(np.asarray(c) for c in row_codes),
        tuple(len(t.labels) for t in terms),
    )
