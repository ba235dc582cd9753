"""Practice examples ready for publication: pseudonymised, reviewed, then released.

:func:`pseudonymise_cases` turns a round's practice notes into proposed examples (names
replaced) and their detections. A reviewer reads each proposed example with its detections
and approves or rejects it, optionally keeping spans that are not names ("keep"). The
review is tied to what was reviewed by a digest of the original note and its detections:
if either changes, the approval no longer counts. :func:`publishable_examples` returns only
approved examples; everything that publishes examples (the ``practice`` command's
``examples.csv``, the bulletin, the web library's download) goes through it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..errors import InvalidArgument, Problem, ValidationError
from ..framework import Framework
from ._pseudonymise import apply_replacements, pseudonymise_texts

__all__ = [
    "EXAMPLE_COLUMNS",
    "REVIEW_COLUMNS",
    "PseudonymisedExamples",
    "pseudonymise_cases",
    "review_sheet",
    "read_review",
    "review_status",
    "reviewer_names_of",
    "publishable_examples",
]

#: Columns of a published examples table (``examples.csv``, the bulletin's ``examples``).
EXAMPLE_COLUMNS = ("case_id", "kind", "text")
#: Columns of the review sheet: the reviewer fills ``decision`` (approve / reject) and may
#: list in ``keep`` the spans (``start-end``, separated by ``;``) that are not names, and in
#: ``also`` names the detector missed (separated by ``;``; the example is then shown again).
REVIEW_COLUMNS = ("case_id", "kind", "digest", "detections", "text", "decision", "keep", "also")
_DECISIONS = ("approve", "reject", "")
_NEEDED = ("case_id", "practice_note", "practice_kind")


@dataclass(frozen=True)
class PseudonymisedExamples:
    """A round's practice examples, pseudonymised but not yet reviewed.

    Attributes
    ----------
    examples : pandas.DataFrame
        ``case_id, kind, text, digest``: the proposed published text of each note.
    detections : pandas.DataFrame
        ``case_id, span, original, replacement, rule`` (spans in the original note).
        Holds the original names: it never leaves the system.
    originals : pandas.DataFrame
        ``case_id, note``: the notes as recorded (for re-applying a review's "keep").
    """

    examples: pd.DataFrame = field(repr=False)
    detections: pd.DataFrame = field(repr=False)
    originals: pd.DataFrame = field(repr=False)


def _digest(case_id: str, kind: str, note: str, detections: pd.DataFrame) -> str:
    h = hashlib.sha256()
    for part in (case_id, kind, note):
        h.update(part.encode() + b"\x1e")
    for row in detections.itertuples(index=False):
        h.update(f"{row.span}\x1f{row.original}\x1f{row.replacement}\x1f{row.rule}\x1e".encode())
    return h.hexdigest()[:16]


def pseudonymise_cases(
    cases: pd.DataFrame,
    framework: Framework,
    *,
    reviewer_names: Mapping[str, Sequence[str]] | None = None,
) -> PseudonymisedExamples:
    """Proposed practice examples of ``cases`` with every detected name replaced.

    Parameters
    ----------
    cases : pandas.DataFrame
        A case table (interchange columns, ``""`` for empty) with ``practice_note``,
        ``practice_kind`` and, where recorded, ``practice_pseudonym`` and ``gender``.
    framework : Framework
        The cases' framework (its rationales are searched for the same people, so a
        person named in a rationale and in the note gets one replacement).
    reviewer_names : mapping, optional
        Case id -> names a reviewer added because the detector missed them (see
        :func:`reviewer_names_of`).

    Returns
    -------
    PseudonymisedExamples

    Raises
    ------
    InvalidArgument
        If a needed column is missing.
    """
    missing = [c for c in _NEEDED if c not in cases.columns]
    if missing:
        raise InvalidArgument(f"the cases have no column {', '.join(missing)}")
    note = cases["practice_note"].astype(str).fillna("")
    chosen = cases.loc[note.str.strip() != ""]
    rationale_columns = [
        item.rationale_column for item in framework.items if item.rationale_column in cases
    ]
    texts, ids, opening, is_note = [], [], [], []
    known, genders = {}, {}
    for row in chosen.itertuples(index=False):
        record = row._asdict()
        case_id = str(record["case_id"])
        texts.append(str(record["practice_note"]))
        ids.append(case_id)
        opening.append(True)
        is_note.append(True)
        name = str(record.get("practice_pseudonym") or "").strip()
        known[case_id] = [name] if name else []
        genders[case_id] = str(record.get("gender") or "")
    # Rationales of the same cases share the person map (but are not published here).
    if rationale_columns and len(chosen):
        for column in rationale_columns:
            values = chosen[column].astype(str)
            for case_id, value in zip(chosen["case_id"].astype(str), values, strict=True):
                if value.strip() and value != "nan":
                    texts.append(value)
                    ids.append(case_id)
                    opening.append(False)
                    is_note.append(False)
    done = pseudonymise_texts(
        texts,
        case_ids=ids,
        known_names=known,
        genders=genders,
        opening_age=opening,
        reviewer_names=reviewer_names,
    )
    notes = [i for i, flag in enumerate(is_note) if flag]
    dets = done.detections[done.detections["index"].isin(notes)].drop(columns="index")
    dets = dets.reset_index(drop=True)
    rows = []
    kinds = chosen["practice_kind"].astype(str).tolist()
    for position, kind in zip(notes, kinds, strict=True):
        case_id = ids[position]
        mine = dets[dets["case_id"] == case_id]
        rows.append(
            (case_id, kind, done.texts[position], _digest(case_id, kind, texts[position], mine))
        )
    examples = pd.DataFrame(rows, columns=["case_id", "kind", "text", "digest"])
    originals = pd.DataFrame(
        {"case_id": [ids[i] for i in notes], "note": [texts[i] for i in notes]}
    )
    return PseudonymisedExamples(examples, dets, originals)


def review_sheet(result: PseudonymisedExamples) -> pd.DataFrame:
    """One row per example for the reviewer (columns :data:`REVIEW_COLUMNS`).

    ``detections`` lists each detection as ``start-end original -> replacement (rule)``;
    the sheet therefore holds original names and, like ``detections.csv``, stays inside.
    """
    listed = {}
    for case_id, group in result.detections.groupby("case_id", sort=False):
        listed[case_id] = "; ".join(
            f"{r.span} {r.original} -> {r.replacement} ({r.rule})"
            for r in group.itertuples(index=False)
        )
    sheet = result.examples[["case_id", "kind", "digest"]].copy()
    sheet["detections"] = [listed.get(c, "") for c in sheet["case_id"]]
    sheet["text"] = result.examples["text"]
    sheet["decision"] = ""
    sheet["keep"] = ""
    sheet["also"] = ""
    return sheet[list(REVIEW_COLUMNS)]


def reviewer_names_of(reviewed: pd.DataFrame | None) -> dict[str, list[str]]:
    """Case id -> the names a review sheet's ``also`` column adds (``;``-separated)."""
    if reviewed is None or "also" not in reviewed.columns:
        return {}
    out: dict[str, list[str]] = {}
    for case_id, value in zip(reviewed["case_id"], reviewed["also"], strict=True):
        names = [n.strip() for n in str(value).split(";") if n.strip()]
        if names:
            out[str(case_id)] = names
    return out


def read_review(path: str | Path) -> pd.DataFrame:
    """A filled-in review sheet (CSV): ``case_id, digest, decision`` and optional ``keep``.

    Raises
    ------
    ValidationError
        Naming the file, row and column of every unusable value.
    """
    path = Path(path)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    problems = []
    for column in ("case_id", "digest", "decision"):
        if column not in frame.columns:
            problems.append(
                Problem(str(path), None, column, None, "review-column", f"no '{column}' column")
            )
    if problems:
        raise ValidationError(problems)
    for optional in ("keep", "also"):
        if optional not in frame.columns:
            frame[optional] = ""
    for i, value in enumerate(frame["decision"]):
        if value.strip().lower() not in _DECISIONS:
            problems.append(
                Problem(
                    str(path),
                    i + 2,
                    "decision",
                    value,
                    "review-decision",
                    f"'{value}' is not one of approve, reject (or empty)",
                )
            )
    for i, value in enumerate(frame["keep"]):
        for span in filter(None, (s.strip() for s in value.split(";"))):
            start, _, end = span.partition("-")
            if not (start.isdigit() and end.isdigit()):
                problems.append(
                    Problem(
                        str(path),
                        i + 2,
                        "keep",
                        value,
                        "review-keep",
                        f"'{span}' is not a span start-end",
                    )
                )
    if problems:
        raise ValidationError(problems)
    frame["decision"] = frame["decision"].str.strip().str.lower()
    return frame


def review_status(result: PseudonymisedExamples, reviewed: pd.DataFrame | None) -> pd.DataFrame:
    """Per example: ``case_id, kind, detections, status`` (approved, rejected, pending, stale).

    ``stale`` means a decision exists for an earlier version of the note or its detections.
    """
    counts = result.detections.groupby("case_id").size()
    decisions: dict[str, tuple[str, str]] = {}
    if reviewed is not None:
        for row in reviewed.itertuples(index=False):
            decisions[str(row.case_id)] = (str(row.digest), str(row.decision))
    rows = []
    for row in result.examples.itertuples(index=False):
        digest, decision = decisions.get(row.case_id, ("", ""))
        if not decision:
            status = "pending"
        elif digest != row.digest:
            status = "stale"
        else:
            status = "approved" if decision == "approve" else "rejected"
        rows.append((row.case_id, row.kind, int(counts.get(row.case_id, 0)), status))
    return pd.DataFrame(rows, columns=["case_id", "kind", "detections", "status"])


def _keep_spans(value: str) -> set[str]:
    return {s.strip() for s in value.split(";") if s.strip()}


def publishable_examples(
    result: PseudonymisedExamples,
    reviewed: pd.DataFrame | None,
    *,
    case_ids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The approved examples only: ``case_id, kind, text`` as they may be published.

    An example is published only if a reviewer approved this very version of it (same
    digest). Every other example (pending, rejected, stale) is left out, so no example
    with an unreviewed detection can be published. With ``case_ids`` (e.g. the examples
    an analyst marked for publication) every listed case must be approved.

    Raises
    ------
    InvalidArgument
        If a listed case, or a ``keep`` span, does not match an approved example.

    Examples
    --------
    >>> import pandas as pd
    >>> from caseinspect.framework import load_framework
    >>> cases = pd.DataFrame({"case_id": ["C1"], "practice_kind": ["good"], "gender": ["Male"],
    ...     "practice_note": ["Kyle, a 24-year-old male, attended."],
    ...     "practice_pseudonym": ["Kyle"]})
    >>> result = pseudonymise_cases(cases, load_framework("hmip-2018"))
    >>> len(publishable_examples(result, None))  # nothing reviewed: nothing published
    0
    >>> review = review_sheet(result).assign(decision="approve")
    >>> out = publishable_examples(result, review)
    >>> out.loc[0, "text"].endswith(", a 24-year-old male, attended."), "Kyle" in out.loc[0, "text"]
    (True, False)
    """
    status = review_status(result, reviewed)
    approved = set(status.loc[status["status"] == "approved", "case_id"])
    if case_ids is not None:
        refused = [c for c in case_ids if c not in approved]
        if refused:
            raise InvalidArgument(
                f"{len(refused)} example(s) not approved in review: {', '.join(refused[:10])}"
            )
        approved &= set(case_ids)
    keep: dict[str, set[str]] = {}
    if reviewed is not None and "keep" in reviewed.columns:
        for row in reviewed.itertuples(index=False):
            if str(row.case_id) in approved and str(row.keep).strip():
                keep[str(row.case_id)] = _keep_spans(str(row.keep))
    originals = dict(zip(result.originals["case_id"], result.originals["note"], strict=True))
    rows = []
    for row in result.examples.itertuples(index=False):
        if row.case_id not in approved:
            continue
        text = row.text
        if row.case_id in keep:
            mine = result.detections[result.detections["case_id"] == row.case_id]
            unknown = keep[row.case_id] - set(mine["span"])
            if unknown:
                raise InvalidArgument(
                    f"case {row.case_id}: keep span(s) {', '.join(sorted(unknown))} "
                    "match no detection"
                )
            spans = []
            for d in mine.itertuples(index=False):
                if d.span in keep[row.case_id] or d.original == d.replacement:
                    continue
                start, end = (int(x) for x in d.span.split("-"))
                spans.append((start, end, d.replacement))
            text = apply_replacements(originals[row.case_id], spans)
        rows.append((row.case_id, row.kind, text))
    return pd.DataFrame(rows, columns=list(EXAMPLE_COLUMNS))
