"""Replacing the people named in a case's texts with pseudonyms, consistently.

Within one case every mention of a person (all spellings the detector ties to one key)
gets the same replacement, drawn from ``data/pseudonyms.yaml``, a list kept apart from
the names the synthetic notes use. A replacement is never a word that occurs anywhere in
the case's texts, never the name it replaces and never another person's replacement, so
two people never merge and no real name of the note reappears as somebody else. The
choice is a hash of the case and the person, so a re-run gives the same text.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import pandas as pd
import yaml

from ..errors import InvalidArgument
from ._names import Detection, detect_names, flag_details

__all__ = [
    "DETECTION_COLUMNS",
    "PseudonymisedTexts",
    "pseudonym_lists",
    "pseudonymise_texts",
    "apply_replacements",
]

#: Columns of a detections table (``detections.csv``); ``index`` is the text's position
#: in the call, ``span`` is ``start-end`` in the original text.
DETECTION_COLUMNS = ("case_id", "index", "span", "original", "replacement", "rule")

_GENDER = {"male": "M", "m": "M", "female": "F", "f": "F"}


@cache
def pseudonym_lists() -> dict[str, tuple[str, ...]]:
    """Replacement names by list: ``Male``, ``Female``, ``Either`` and ``Surname``."""
    path = resources.files("caseinspect.text").joinpath("data", "pseudonyms.yaml")
    data = yaml.safe_load(path.read_text("utf-8"))
    return {key: tuple(str(v) for v in values) for key, values in data.items()}


@dataclass(frozen=True)
class PseudonymisedTexts:
    """Texts with names replaced, and what was found in them.

    Attributes
    ----------
    texts : tuple of str
        The texts as they may be published once reviewed (names replaced; dates and ages
        flagged but unchanged).
    detections : pandas.DataFrame
        One row per detection, columns :data:`DETECTION_COLUMNS`. Holds the original
        names: it never leaves the system.
    """

    texts: tuple[str, ...]
    detections: pd.DataFrame = field(repr=False)


def _choose(case_id: str, person: str, pool: Sequence[str], taken: set[str]) -> str:
    digest = hashlib.sha256(f"{case_id}\x1f{person}".encode()).digest()
    first = int.from_bytes(digest[:8], "big") % len(pool)
    for step in range(len(pool)):
        name = pool[(first + step) % len(pool)]
        if name.casefold() not in taken:
            return name
    # Every name of the list is in use in this case: number the people instead.
    n = 1
    while f"person {n}" in taken:
        n += 1
    return f"Person {n}"


def apply_replacements(text: str, spans: Sequence[tuple[int, int, str]]) -> str:
    """``text`` with each ``(start, end, replacement)`` span replaced (spans must not overlap).

    Examples
    --------
    >>> apply_replacements("Ann met Bo.", [(0, 3, "Eve"), (8, 10, "Al")])
    'Eve met Al.'
    """
    out, at = [], 0
    for start, end, replacement in sorted(spans):
        if start < at:
            raise InvalidArgument(f"overlapping spans at {start}")
        out.append(text[at:start])
        out.append(replacement)
        at = end
    out.append(text[at:])
    return "".join(out)


def _pool(
    detection: Detection, subject_key: str | None, subject_gender: str | None, surnames: set[str]
) -> str:
    if detection.rule == "title" or detection.key in surnames:
        return "Surname"
    gender = detection.gender
    if subject_key is not None and detection.key == subject_key and subject_gender:
        gender = subject_gender
    return {"M": "Male", "F": "Female"}.get(gender or "", "Either")


def _case(
    case_id: str,
    texts: Sequence[str],
    known: Sequence[str],
    gender: str | None,
    opening_age: Sequence[bool],
    added: Sequence[str] = (),
) -> tuple[list[str], list[tuple[int, str, str, str, str]]]:
    found = [detect_names(t, known_names=known, reviewer_names=added) for t in texts]
    flags = [flag_details(t, opening_age=o) for t, o in zip(texts, opening_age, strict=True)]
    subject = known[0].strip().casefold() if known and known[0].strip() else None
    taken = {w.casefold() for t in texts for w in re.findall(r"[A-Za-z]+", t)}
    lists = pseudonym_lists()
    surnames = {d.key for names in found for d in names if d.rule == "title"}
    people: dict[tuple[str, str], str] = {}
    out_texts: list[str] = []
    rows: list[tuple[int, str, str, str, str]] = []
    for index, (text, names) in enumerate(zip(texts, found, strict=True)):
        spans, mine = [], []
        for d in names:
            pool = _pool(d, subject, gender, surnames)
            # A first name and a full name of the same person share the first name's key.
            who = (pool if pool == "Surname" else "first", d.key.split(" ")[0])
            if who not in people:
                people[who] = _choose(case_id, "|".join(who), lists[pool], taken)
                taken.add(people[who].casefold())
            first = people[who]
            replacement = first
            if " " in d.text and pool != "Surname":  # "Jade Farrow" -> "Alice Barker"
                surname = _choose(case_id, "surname|" + d.key, lists["Surname"], taken)
                taken.add(surname.casefold())
                replacement = f"{first} {surname}"
            spans.append((d.start, d.end, replacement))
            mine.append((d.start, index, f"{d.start}-{d.end}", d.text, replacement, d.rule))
        for d in flags[index]:
            if not any(s < d.end and d.start < e for s, e, _ in spans):
                mine.append((d.start, index, f"{d.start}-{d.end}", d.text, d.text, d.rule))
        rows.extend(row[1:] for row in sorted(mine))
        out_texts.append(apply_replacements(text, spans))
    return out_texts, rows


def pseudonymise_texts(
    texts: Sequence[str],
    *,
    case_ids: Sequence[str] | None = None,
    known_names: Mapping[str, Sequence[str]] | None = None,
    genders: Mapping[str, str] | None = None,
    opening_age: bool | Sequence[bool] = False,
    reviewer_names: Mapping[str, Sequence[str]] | None = None,
) -> PseudonymisedTexts:
    """Replace the people named in ``texts``, consistently within each case.

    Parameters
    ----------
    texts : sequence of str
        Notes, rationales or quotes.
    case_ids : sequence of str, optional
        The case of each text (same length). Texts of one case share their replacements;
        without it each text is its own case.
    known_names : mapping, optional
        Case id -> names recorded for it (the ``practice_pseudonym``), first the person
        the note is about.
    genders : mapping, optional
        Case id -> the person's recorded gender (``Male``/``Female``), so that the
        replacement of the recorded name matches the pronouns of the note.
    opening_age : bool or sequence of bool
        Allow the bulletins' one opening "a 24-year-old" (practice notes); other exact
        ages are flagged. Default False (rationales, quotes: every age is flagged).
    reviewer_names : mapping, optional
        Case id -> names a reviewer added because the detector missed them.

    Returns
    -------
    PseudonymisedTexts

    Raises
    ------
    InvalidArgument
        If ``case_ids`` or ``opening_age`` do not match ``texts`` in length.

    Examples
    --------
    >>> out = pseudonymise_texts(
    ...     ["Kyle, a 24-year-old male, lived with his mother, Joan.", "Kyle's mother helped."],
    ...     case_ids=["C1", "C1"], known_names={"C1": ["Kyle"]}, genders={"C1": "Male"})
    >>> out.texts[0].startswith("Kyle"), out.texts[1].split("'")[0] == out.texts[0].split(",")[0]
    (False, True)
    >>> list(out.detections["rule"])
    ['recorded', 'age', 'role', 'recorded']
    """
    texts = [str(t) for t in texts]
    ids = (
        [str(i) for i in case_ids] if case_ids is not None else [str(i) for i in range(len(texts))]
    )
    if len(ids) != len(texts):
        raise InvalidArgument(f"{len(texts)} texts but {len(ids)} case ids")
    allow = [opening_age] * len(texts) if isinstance(opening_age, bool) else list(opening_age)
    if len(allow) != len(texts):
        raise InvalidArgument(f"{len(texts)} texts but {len(allow)} opening_age values")
    known_names = known_names or {}
    genders = genders or {}
    reviewer_names = reviewer_names or {}
    by_case: dict[str, list[int]] = {}
    for i, case_id in enumerate(ids):
        by_case.setdefault(case_id, []).append(i)
    result = list(texts)
    rows = []
    for case_id, positions in by_case.items():
        known = [str(n) for n in known_names.get(case_id, ()) if str(n).strip()]
        gender = _GENDER.get(str(genders.get(case_id, "")).strip().casefold())
        added = [str(n) for n in reviewer_names.get(case_id, ()) if str(n).strip()]
        done, found = _case(
            case_id,
            [texts[i] for i in positions],
            known,
            gender,
            [allow[i] for i in positions],
            added,
        )
        for local, i in enumerate(positions):
            result[i] = done[local]
        for local, span, original, replacement, rule in found:
            rows.append((case_id, positions[local], span, original, replacement, rule))
    detections = pd.DataFrame(rows, columns=list(DETECTION_COLUMNS))
    detections["index"] = detections["index"].astype("int64")
    return PseudonymisedTexts(tuple(result), detections)
