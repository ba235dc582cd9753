"""What each column of a case table is called, labelled and coded in an export.

The framework labels every column: an item by its label ("Drug misuse"), a profile
variable by its label ("Risk of serious harm"), a rationale by its item. Coded formats
(SPSS ``.sav``, Stata ``.dta``) store yes/no answers and profile categories as numbers
with value labels, and must fit each format's names and label lengths; this module
decides both, so the writers only write.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from ..errors import Problem, UsageError, ValidationError
from ..framework import Framework
from ._validate import RATIONALE_SUFFIX

_Kind = Literal["answer", "category", "text"]

__all__ = [
    "ANSWER_CODES",
    "EXPORT_FORMATS",
    "ExportVariable",
    "coded_frame",
    "export_names",
    "export_variables",
]

#: The formats :func:`caseinspect.cases.export_cases` writes, named by file extension.
EXPORT_FORMATS: tuple[str, ...] = ("csv", "xlsx", "parquet", "sav", "dta")

#: How answers are coded in ``.sav`` and ``.dta``; an empty cell (not applicable or not
#: recorded) is system-missing (SPSS) or ``.`` (Stata).
ANSWER_CODES: Mapping[str, int] = {"yes": 1, "no": 0}
_ANSWER_LABELS = {1: "Yes", 0: "No"}

_FIXED_LABELS = {
    "case_id": "Case id (pseudonymous)",
    "inspection_id": "Inspection",
    "provider": "Provider",
    "practice_note": "Good or poor practice note",
    "practice_kind": "Practice kind (good/poor)",
    "practice_pseudonym": "Pseudonym used in the practice note",
}

# Per format: longest name, longest variable label (characters for Stata, UTF-8 bytes for
# SPSS, which truncates silently), longest value label (bytes), words a name may not be.
_LIMITS = {
    "dta": (
        32,
        80,
        32000,
        frozenset(
            {
                "_all",
                "_b",
                "byte",
                "_coef",
                "_cons",
                "double",
                "float",
                "if",
                "in",
                "int",
                "long",
                "_n",
                "_N",
                "_pi",
                "_pred",
                "_rc",
                "_skip",
                "strL",
                "using",
                "with",
            }
        ),
    ),
    "sav": (
        64,
        256,
        120,
        frozenset(
            {"all", "and", "by", "eq", "ge", "gt", "le", "lt", "ne", "not", "or", "to", "with"}
        ),
    ),
}
_STATA_STR = re.compile(r"str\d+")
_ELLIPSIS = "..."


@dataclass(frozen=True)
class ExportVariable:
    """One column of a case table as an export writes it.

    Attributes
    ----------
    column : str
        The column in the case table (interchange format).
    name : str
        Its name in the file: ``column`` unless the format needs a shorter or safer name
        (see :func:`export_names`).
    label : str
        Variable label, fitted to the format (Stata: 80 characters). When ``name``
        differs from ``column`` the label starts with ``"<column>: "``, so the mapping
        travels with the file.
    kind : {"answer", "category", "text"}
        ``answer``: a framework item (yes/no); ``category``: a profile variable with
        framework categories; ``text``: kept as a string (ids, provider, rationales,
        practice notes, and any other column).
    values : mapping of int to str, or None
        Value labels of a coded column: ``{0: "No", 1: "Yes"}`` for answers, ``{1: first
        category, …, k: last}`` in framework order for categories; ``None`` for text.
    question : str
        The item's full question text (empty for other columns).
    """

    column: str
    name: str
    label: str
    kind: _Kind
    values: Mapping[int, str] | None
    question: str = ""


def export_variables(
    frame: pd.DataFrame, framework: Framework, format: str = "csv"
) -> tuple[ExportVariable, ...]:
    """Name, label and coding of every column of ``frame`` when written as ``format``.

    Parameters
    ----------
    frame : pandas.DataFrame
        Cases in the interchange format (as :func:`caseinspect.cases.load_cases` returns).
    framework : Framework
        Gives the labels, the items and the profile categories.
    format : {"csv", "xlsx", "parquet", "sav", "dta"}
        ``sav`` and ``dta`` get names and labels that fit the format; the others keep the
        column names and full labels.

    Returns
    -------
    tuple of ExportVariable
        In column order.

    Examples
    --------
    >>> import pandas as pd
    >>> from caseinspect.framework import load_framework
    >>> framework = load_framework("hmip-2018")
    >>> frame = pd.DataFrame(columns=["case_id", "gender", "delivery_strength_family_relationships"])
    >>> for v in export_variables(frame, framework, "dta"):
    ...     print(v.name, "|", v.label, "|", v.values)
    case_id | Case id (pseudonymous) | None
    gender | Gender | {1: 'Male', 2: 'Female'}
    delivery_strength_family_01c0 | delivery_strength_family_relationships: Delivery: Family and relationships | {0: 'No', 1: 'Yes'}
    """
    fmt = check_format(format)
    profile = {v.code: v for v in framework.profile}
    items = {i.code: i for i in framework.items}
    drafts: list[tuple[str, str, _Kind, dict[int, str] | None, str]] = []
    for column in map(str, frame.columns):
        if column in profile and profile[column].categories:
            variable = profile[column]
            drafts.append(
                (
                    column,
                    variable.label,
                    "category",
                    {n + 1: c for n, c in enumerate(variable.categories)},
                    "",
                )
            )
        elif column in items:
            drafts.append(
                (
                    column,
                    items[column].label,
                    "answer",
                    dict(sorted(_ANSWER_LABELS.items())),
                    items[column].text,
                )
            )
        elif column.endswith(RATIONALE_SUFFIX) and column[: -len(RATIONALE_SUFFIX)] in items:
            item = items[column[: -len(RATIONALE_SUFFIX)]]
            drafts.append((column, f"Rationale: {item.label}", "text", None, item.text))
        else:
            drafts.append((column, _FIXED_LABELS.get(column, column), "text", None, ""))
    names = export_names(
        [d[0] for d in drafts], fmt, labelled=[d[0] for d in drafts if d[3] is not None]
    )
    out = []
    for column, label, kind, values, question in drafts:
        name = names[column]
        if name != column:
            label = f"{column}: {label}"
        if fmt in _LIMITS:
            values = (
                {code: _fit(text, fmt, value_label=True) for code, text in values.items()}
                if values
                else values
            )
            label = _fit(label, fmt)
        out.append(ExportVariable(column, name, label, kind, values, question))
    return tuple(out)


def export_names(
    columns: Sequence[str], format: str, *, labelled: Iterable[str] = ()
) -> dict[str, str]:
    """The name each column gets in a ``format`` file: unique, valid and deterministic.

    A name that is already valid stays as it is. Otherwise characters other than letters,
    digits and ``_`` become ``_``; a name not starting with a letter, or that is a
    reserved word, gets the prefix ``v_``; a name still too long keeps its first
    characters, then ``_`` and the first 4 hexadecimal digits of the SHA-1 of the
    column name (``<item>__rationale`` columns end in ``_r`` after that, so they stay
    recognisable), e.g. ``delivery_need_family_relationships__rationale`` →
    ``delivery_need_family_rela_416d_r`` in Stata. A clash with another name (compared
    without regard to case) takes one more hex digit, until unique.

    Parameters
    ----------
    columns : sequence of str
        Column names, unique.
    format : {"csv", "xlsx", "parquet", "sav", "dta"}
        Stata (``dta``) names have at most 32 characters; SPSS (``sav``) names 64. Other
        formats keep every name.
    labelled : iterable of str
        Columns that carry value labels. In Stata their names have at most 29 characters
        (32 − 3): pyreadstat names each value-label set after its variable followed by a
        counter (0, 1, …), and a label set name has at most 32 characters too. (With more
        than 1,000 labelled columns, 32 minus the counter's digits.)

    Returns
    -------
    dict
        Column → name, in column order. The same columns always get the same names; a
        name does not depend on the columns' order unless two shortened names clash.

    Examples
    --------
    >>> names = export_names(["case_id", "x" * 40 + "__rationale"], "dta")
    >>> names["case_id"], names["x" * 40 + "__rationale"], len(names["x" * 40 + "__rationale"])
    ('case_id', 'xxxxxxxxxxxxxxxxxxxxxxxxx_dde7_r', 32)
    """
    fmt = check_format(format)
    columns = [str(c) for c in columns]
    if fmt not in _LIMITS:
        return {c: c for c in columns}
    longest, _, _, reserved = _LIMITS[fmt]
    labelled = set(labelled)
    digits = max(3, len(str(len(labelled) - 1)))
    limit = {c: longest - digits if fmt == "dta" and c in labelled else longest for c in columns}
    safe = {c: _safe(c, reserved, fmt) for c in columns}
    names: dict[str, str] = {}
    used: set[str] = set()
    # Names that fit are placed first, so a shortened name never takes one of theirs.
    for column in columns:
        if len(safe[column]) <= limit[column] and safe[column].casefold() not in used:
            names[column] = safe[column]
            used.add(safe[column].casefold())
    for column in columns:
        if column in names:
            continue
        stem, suffix = safe[column], ""
        if column.endswith(RATIONALE_SUFFIX) and stem.endswith(RATIONALE_SUFFIX):
            stem, suffix = stem[: -len(RATIONALE_SUFFIX)], "_r"
        digest = hashlib.sha1(column.encode("utf-8"), usedforsecurity=False).hexdigest()
        for width in range(4, len(digest) + 1):
            head = stem[: max(limit[column] - width - 1 - len(suffix), 1)].rstrip("_") or stem[:1]
            name = f"{head}_{digest[:width]}{suffix}"
            if name.casefold() not in used:
                break
        names[column] = name
        used.add(name.casefold())
    return {c: names[c] for c in columns}


def coded_frame(
    frame: pd.DataFrame, variables: Sequence[ExportVariable], *, source: str
) -> pd.DataFrame:
    """The table as written to ``.sav`` / ``.dta``: coded columns as numbers, text as text.

    Raises
    ------
    ValidationError
        A coded column holds a value outside its categories or answers (nothing a user
        entered may silently become missing); every such cell is listed.
    """
    rows = _row_numbers(frame)
    problems: list[Problem] = []
    out: dict[str, object] = {}
    for variable in variables:
        values = [_text(v) for v in frame[variable.column].tolist()]
        if variable.values is None:
            out[variable.name] = pd.Series(values, dtype=object)
            continue
        lookup = (
            dict(ANSWER_CODES)
            if variable.kind == "answer"
            else {t: c for c, t in variable.values.items()}
        )
        codes = np.full(len(values), np.nan)
        for i, value in enumerate(values):
            if value == "":
                continue
            code = lookup.get(value)
            if code is None:
                allowed = ", ".join(lookup) + " (or empty)"
                problems.append(
                    Problem(
                        source,
                        rows[i],
                        variable.column,
                        value,
                        "unknown-value",
                        f"'{value}' is not one of {allowed}; it cannot be coded.",
                    )
                )
            else:
                codes[i] = code
        out[variable.name] = codes
    if problems:
        raise ValidationError(
            problems, hint="validate the cases against the framework before exporting them"
        )
    return pd.DataFrame(out)


def check_format(format: str) -> str:
    """``format`` in lower case without a dot; raise :class:`UsageError` if unknown."""
    fmt = str(format).lower().lstrip(".")
    if fmt not in EXPORT_FORMATS:
        raise UsageError(
            f"unknown export format {format!r}; choose from {', '.join(EXPORT_FORMATS)}"
        )
    return fmt


def _safe(column: str, reserved: frozenset[str], fmt: str) -> str:
    name = re.sub(r"[^A-Za-z0-9_]", "_", column)
    is_reserved = (
        (name in reserved or bool(_STATA_STR.fullmatch(name)))
        if fmt == "dta"
        else name.casefold() in reserved
    )
    if not re.match(r"[A-Za-z]", name) or is_reserved:
        name = "v_" + name
    return name


def _fit(text: str, fmt: str, *, value_label: bool = False) -> str:
    """Shorten a label to the format's limit, ending it with '...' when cut."""
    _, longest, longest_value, _ = _LIMITS[fmt]
    if fmt == "dta" and not value_label:
        return text if len(text) <= longest else text[: longest - len(_ELLIPSIS)] + _ELLIPSIS
    limit = longest_value if value_label else longest
    if fmt == "dta":
        return text[:limit]
    if len(text.encode("utf-8")) <= limit:
        return text
    cut = text
    while len(cut.encode("utf-8")) > limit - len(_ELLIPSIS):
        cut = cut[:-1]
    return cut + _ELLIPSIS


def _text(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    return str(value)


def _row_numbers(frame: pd.DataFrame) -> list[int]:
    # A table read by read_case_file is indexed by spreadsheet row (index named "row");
    # any other table is numbered as its export would show it (header = row 1).
    if frame.index.name == "row":
        return [int(i) for i in frame.index]
    return list(range(2, len(frame) + 2))
