"""Finding personal names (and dates of birth, exact ages) in inspectors' free text.

Names are found by five rules, each recorded with its detection so a reviewer can see why
a span was taken:

``recorded``
    the case's recorded ``practice_pseudonym`` (any case, and title-case spellings one
    letter away, so that a typo such as "Calum" for "Callum" is still found);
``reviewer``
    a name a reviewer added because the rules missed it (any letter case, whole words);
``pattern``
    a title-case word where the notes put a person: "X, a 24-year-old ...", "X was a ...",
    "X's responsible officer" (possessive followed by an ordinary word);
``role``
    people named in passing: "his partner, X", "her mother X", "X (his sister)",
    "the responsible officer, X";
``title``
    "Mr X", "Mrs X", "Ms X", "Dr X", "PC X";
``repeat``
    another mention of a word that one of the rules above found as a person ("Dean was a
    29-year-old ... Dean had a brain tumour", although "Dean" is mostly an ordinary word);
``gazetteer``
    a title-case word in the first-name lists shipped in ``text/data`` (1990 US Census
    first names, public domain, with a supplement of names common in England and Wales).

A name followed by a surname-like word ("Jade Farrow") is taken whole. Place names stay
(``data/places.txt``) unless a person rule applies; words that are names but mostly
ordinary words ("Will", "June", "Grant": ``data/common_words.txt``) need a person rule.

Two more rules flag text for the reviewer without changing it: ``date`` (dates of birth,
full dates, "DOB") and ``age`` (exact ages other than the bulletins' one opening
"a 24-year-old").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

__all__ = ["Detection", "detect_names", "flag_details", "first_names", "NAME_RULES", "FLAG_RULES"]

NAME_RULES = ("recorded", "reviewer", "pattern", "role", "title", "repeat", "gazetteer")
FLAG_RULES = ("date", "age")

_WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")
_TITLE = re.compile(r"[A-Z][a-z]+(?:-[A-Z][a-z]+)?(?:'[A-Z][a-z]+)?")
_NAME = r"([A-Z][a-z]+(?:-[A-Z][a-z]+)?(?:'[A-Z][a-z]+)?)"
_AGE = r"\d{1,3}-year-old"

# Words that open sentences or name institutions: never a person on their own.
_NEVER = frozenset(
    """A An And As At But By For From He Her Hers Him His However I If In It Its Of On Or She
    So That The Their Them There These They This Those Though Throughout To Despite During
    Although While Whilst When Where Which Who With Without After Before Since Once Both
    Due Overall Consequently Prior Post Pre Neither No Not Nothing Little Most Some All Any
    Each Every Further Following Likewise Also Then Therefore Thus Previous Information
    Interventions Key Sessions Supervision Appointments Work Referrals Relevant Progress
    Joint Communication Missed Poor Positive Help Identified Regaining Good Urgent Very
    Responsible Officer Probation Service Services Court Crown Magistrates Order Orders
    Community Suspended Sentence Licence Programme Programmes Team Unit Centre Premises
    Approved Accredited Building Better Relationships Thinking Skills National Police
    Council Social Care Children Adult Mental Health Domestic Violence Abuse Women Men
    Offender Manager Management Assessment System Plan Risk Harm Serious Oasys OASys Order
    Home Detention Curfew Restraining Protection Sexual Offences Prevention Jobcentre Plus
    Unpaid Rehabilitation Activity Requirement Re-Think British English White Black Asian
    Mixed Irish Traveller Gypsy Roma Muslim Christian Hindu Sikh Jewish Buddhist ADHD PTSD
    Tourette Tourettes Down Asperger Aspergers Crohn Alzheimer Parkinson Monday Tuesday
    Wednesday Thursday Friday Saturday Sunday January February March April June July
    August September October November December Mr Mrs Ms Miss Dr PC DC DS Sgt Sergeant
    Inspectorate Annex Table Figure Chart See Many Research Bulletin Report""".split()
)

_ROLE_WORDS = {
    "partner": None,
    "ex-partner": None,
    "former partner": None,
    "girlfriend": "F",
    "boyfriend": "M",
    "ex-girlfriend": "F",
    "ex-boyfriend": "M",
    "wife": "F",
    "ex-wife": "F",
    "husband": "M",
    "ex-husband": "M",
    "mother": "F",
    "mum": "F",
    "father": "M",
    "dad": "M",
    "stepfather": "M",
    "stepmother": "F",
    "step-father": "M",
    "step-mother": "F",
    "sister": "F",
    "brother": "M",
    "son": "M",
    "daughter": "F",
    "grandmother": "F",
    "grandfather": "M",
    "nan": "F",
    "aunt": "F",
    "uncle": "M",
    "cousin": None,
    "friend": None,
    "carer": None,
    "co-defendant": None,
    "victim": None,
    "neighbour": None,
    "responsible officer": None,
    "probation officer": None,
    "probation practitioner": None,
    "case manager": None,
    "offender manager": None,
    "keyworker": None,
    "key worker": None,
    "support worker": None,
    "social worker": None,
    "youth worker": None,
    "housing officer": None,
    "tutor": None,
    "mentor": None,
    "manager": None,
    "officer": None,
}
_ROLES = "|".join(sorted((re.escape(r) for r in _ROLE_WORDS), key=len, reverse=True))
_OWNER = r"(?:[Hh]is|[Hh]er|[Tt]heir|[Tt]he service user's|[A-Z][a-z]+'s|[Tt]he|[Aa]n?)"
_ROLE_BEFORE = re.compile(
    rf"\b{_OWNER}\s+(?:new\s+|then\s+|current\s+|older\s+|younger\s+|former\s+|late\s+)?"
    rf"({_ROLES})(?:,\s*|\s+(?:called\s+|named\s+|known as\s+)?|\s*\(){_NAME}"
)
_ROLE_AFTER = re.compile(
    rf"{_NAME}(?:\s[A-Z][a-z]+(?:-[A-Z][a-z]+)?)?(?:,\s*|\s*\()"
    rf"(?:his|her|their|the)\s+(?:new\s+|former\s+)?({_ROLES})\b"
)
_TITLES = {"Mr": "M", "Mrs": "F", "Ms": "F", "Miss": "F", "Dr": None, "PC": None, "DC": None}
_TITLE_RULE = re.compile(r"\b(Mr|Mrs|Ms|Miss|Dr|PC|DC|DS|Sgt|Sergeant)\.?\s+" + _NAME)
_SUBJECT = re.compile(
    rf"(?<![A-Za-z]){_NAME}(?:,\s+(?:a|an|now)\s+(?:{_AGE}|\d)|\s+(?:was|is)\s+(?:a|an)\s+{_AGE})"
)
_POSSESSIVE = re.compile(rf"(?<![A-Za-z]){_NAME}'s\s+[a-z]")
_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
    "|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
_DATES = (
    re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\.?,?\s+(?:19|20)\d\d\b"),
    re.compile(rf"\b(?:{_MONTHS})\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:19|20)\d\d\b"),
    re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})\b"),
    re.compile(r"\b(?:DOB|D\.O\.B\.?|d\.o\.b\.?|date of birth|born (?:on|in))\b", re.IGNORECASE),
)
_AGES = re.compile(
    rf"\b(?:{_AGE}|aged\s+\d{{1,3}}|\d{{1,3}}\s+years?\s+old|\d{{1,3}}\s+years?\s+and\s+\d{{1,2}}"
    r"\s+months?(?:\s+old)?)\b"
)
_OPENING_AGE = re.compile(rf"^[^.]*?\b(?:a|an)\s+({_AGE})\s")
_SURNAME_STOP = _NEVER | {"Programme", "Order", "Court", "Unit", "Service", "Team", "Centre"}


@dataclass(frozen=True)
class Detection:
    """One span of a text that a reviewer must see before the text is published.

    Attributes
    ----------
    start, end : int
        The span, as ``text[start:end]``.
    text : str
        The original words of the span.
    rule : str
        Why it was taken: one of :data:`NAME_RULES` (a name, to be replaced) or
        :data:`FLAG_RULES` (a date or an exact age, flagged but left as written).
    gender : {"M", "F"} or None
        What the rule says about the person (role word, title, name list), if anything.
    key : str
        Who it is: detections with the same key are one person (lower-case first name,
        or the recorded name that a misspelling stands for).
    """

    start: int
    end: int
    text: str
    rule: str
    gender: str | None = None
    key: str = ""

    @property
    def is_name(self) -> bool:
        """True for a name (replaced), False for a flag (left for the reviewer)."""
        return self.rule in NAME_RULES


def _data_lines(name: str) -> list[str]:
    text = resources.files("caseinspect.text").joinpath("data", name).read_text("utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and line[0] != "#"]


@cache
def first_names() -> dict[str, str | None]:
    """The gazetteer: first name (title case) -> "M", "F" or None (either).

    A name on both census lists takes the gender of the list where it is more frequent
    ("James" is on the female list too, far down).
    """
    rank: dict[str, tuple[int, str | None]] = {}
    for file in ("first_names_census1990.txt", "first_names_uk_supplement.txt"):
        position: dict[str, int] = {}
        for line in _data_lines(file):
            name, _, gender = line.partition("\t")
            g = gender.strip() if gender.strip() in ("M", "F") else None
            position[g or ""] = position.get(g or "", 0) + 1
            if name not in rank or position[g or ""] < rank[name][0]:
                rank[name] = (position[g or ""], g)
    return {name: g for name, (_, g) in rank.items()}


@cache
def _places() -> frozenset[str]:
    return frozenset(_data_lines("places.txt"))


@cache
def _common_words() -> frozenset[str]:
    return frozenset(_data_lines("common_words.txt"))


def _edit_distance_one(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by one insertion, deletion, substitution or swap."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and (a[diff[1]] == b[diff[0]])
        )
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    for i in range(len(long_)):
        if long_[:i] + long_[i + 1 :] == short:
            return True
    return False


def _recorded(text: str, known: Sequence[str]) -> list[Detection]:
    found = []
    wanted = {k.strip().casefold(): k.strip() for k in known if k and k.strip()}
    for match in _WORD.finditer(text):
        word = match.group()
        folded = word.casefold()
        for key, name in wanted.items():
            exact = folded == key and (word[0].isupper() or name not in _common_words())
            near = (
                word[0].isupper()
                and len(key) >= 4
                and folded[0] == key[0]
                and _edit_distance_one(folded, key)
                and word not in _common_words()
                and word not in _NEVER
            )
            if exact or near:
                found.append(Detection(match.start(), match.end(), word, "recorded", key=key))
                break
    return found


def _reviewer(text: str, names: Sequence[str]) -> list[Detection]:
    found = []
    for name in names:
        name = name.strip()
        if not name:
            continue
        pattern = re.compile(rf"(?<![\w']){re.escape(name)}(?![\w])", re.IGNORECASE)
        for m in pattern.finditer(text):
            found.append(Detection(m.start(), m.end(), m.group(), "reviewer", key=name.casefold()))
    return found


def _person(word: str) -> bool:
    return word not in _NEVER and not word.isupper()


def _pattern_rules(text: str) -> list[Detection]:
    found = []
    for regex, rule in ((_SUBJECT, "pattern"), (_POSSESSIVE, "pattern")):
        for m in regex.finditer(text):
            word = m.group(1)
            if not _person(word):
                continue
            if regex is _POSSESSIVE:
                # Mid-sentence capitals before "'s" are people; a sentence's first word only
                # if it is in the name lists ("Today's session" is not a person).
                start_of_sentence = re.search(r"(^|[.!?]\s+|\n)$", text[: m.start(1)])
                if start_of_sentence and word not in first_names():
                    continue
                if word in _places() or word in _common_words():
                    continue
            found.append(Detection(m.start(1), m.end(1), word, rule, first_names().get(word)))
    for m in _ROLE_BEFORE.finditer(text):
        role, word = m.group(1), m.group(2)
        if _person(word) and word not in _places():
            found.append(Detection(m.start(2), m.end(2), word, "role", _ROLE_WORDS.get(role)))
    for m in _ROLE_AFTER.finditer(text):
        word, role = m.group(1), m.group(2)
        if _person(word) and word not in _places():
            found.append(Detection(m.start(1), m.end(1), word, "role", _ROLE_WORDS.get(role)))
    for m in _TITLE_RULE.finditer(text):
        word = m.group(2)
        if word not in _NEVER:
            found.append(Detection(m.start(2), m.end(2), word, "title", _TITLES.get(m.group(1))))
    return found


def _gazetteer(text: str) -> list[Detection]:
    names, places, common = first_names(), _places(), _common_words()
    found = []
    for m in _TITLE.finditer(text):
        if m.start() > 0 and (text[m.start() - 1].isalnum() or text[m.start() - 1] == "-"):
            continue
        word = m.group()
        base = word.split("'")[0] if "'" in word and not word.startswith("O'") else word
        if base in names and base not in places and base not in common and base not in _NEVER:
            found.append(
                Detection(m.start(), m.start() + len(base), base, "gazetteer", names[base])
            )
    return found


_PRIORITY = {rule: i for i, rule in enumerate(NAME_RULES)}


def _merge(found: Iterable[Detection], text: str) -> list[Detection]:
    """One detection per span: the strongest rule wins; overlapping spans keep the longest."""
    spans: dict[tuple[int, int], list[Detection]] = {}
    for d in found:
        spans.setdefault((d.start, d.end), []).append(d)
    best = {}
    for span, group in spans.items():
        top = min(group, key=lambda d: _PRIORITY[d.rule])
        gender = next((d.gender for d in group if d.gender is not None), None)
        key = top.key or top.text.casefold()
        best[span] = Detection(top.start, top.end, top.text, top.rule, gender, key)
    ordered = sorted(best.values(), key=lambda d: (d.start, -(d.end - d.start)))
    kept: list[Detection] = []
    for d in ordered:
        if kept and d.start < kept[-1].end:
            continue
        kept.append(_with_surname(d, text))
    return kept


def _with_surname(d: Detection, text: str) -> Detection:
    """``Jade Farrow``: a capitalised word straight after a first name is its surname."""
    if d.rule == "title":
        return d
    m = re.match(r" ([A-Z][a-z]+(?:-[A-Z][a-z]+)?)\b(?!')", text[d.end :])
    if m is None:
        return d
    word = m.group(1)
    if word in _SURNAME_STOP or word in _places() or word in _common_words():
        return d
    end = d.end + m.end()
    return Detection(d.start, end, text[d.start : end], d.rule, d.gender, d.key)


def detect_names(
    text: str, *, known_names: Sequence[str] = (), reviewer_names: Sequence[str] = ()
) -> list[Detection]:
    """Personal names in ``text``, one :class:`Detection` each, in order of position.

    Parameters
    ----------
    text : str
        A practice note, rationale or quote.
    known_names : sequence of str
        Names recorded for the case (its ``practice_pseudonym``): found in any case and
        with one-letter misspellings.
    reviewer_names : sequence of str
        Names a reviewer added for the case (rule ``reviewer``): found as written, in any
        letter case.

    Returns
    -------
    list of Detection
        Name detections only (rules :data:`NAME_RULES`); see :func:`flag_details` for dates
        and ages.

    Examples
    --------
    >>> found = detect_names(
    ...     "Andre, a 24-year-old male from Nepal, lived with his partner, Chloe. "
    ...     "Andre's responsible officer met Mrs Okafor.", known_names=["Andre"])
    >>> [(d.text, d.rule) for d in found]
    [('Andre', 'recorded'), ('Chloe', 'role'), ('Andre', 'recorded'), ('Okafor', 'title')]
    """
    found = (
        _recorded(text, known_names)
        + _reviewer(text, reviewer_names)
        + _pattern_rules(text)
        + _gazetteer(text)
    )
    people = {d.text.split(" ")[0] for d in found if d.rule in ("pattern", "role", "title")}
    for word in sorted(people):
        for m in re.finditer(rf"(?<![A-Za-z'-]){re.escape(word)}(?![A-Za-z-])", text):
            found.append(Detection(m.start(), m.end(), word, "repeat", first_names().get(word)))
    return _merge(found, text)


def flag_details(text: str, *, opening_age: bool = True) -> list[Detection]:
    """Dates of birth, full dates and exact ages in ``text`` (flags for the reviewer).

    With ``opening_age`` (practice notes), the first "a 24-year-old" of the first
    sentence is the bulletins' style and is not flagged; every other exact age is.

    Examples
    --------
    >>> [(d.text, d.rule) for d in flag_details(
    ...     "Jo was a 24-year-old male (DOB 03/04/1999) with a 3-year-old son.")]
    [('DOB', 'date'), ('03/04/1999', 'date'), ('3-year-old', 'age')]
    """
    found = []
    allowed = None
    if opening_age:
        m = _OPENING_AGE.match(text)
        if m is not None:
            allowed = m.start(1)
    for regex in _DATES:
        for m in regex.finditer(text):
            found.append(Detection(m.start(), m.end(), m.group(), "date"))
    for m in _AGES.finditer(text):
        if m.start() != allowed:
            found.append(Detection(m.start(), m.end(), m.group(), "age"))
    found.sort(key=lambda d: (d.start, -(d.end - d.start)))
    kept: list[Detection] = []
    for d in found:
        if not kept or d.start >= kept[-1].end:
            kept.append(d)
    return kept
