"""Every number in the prose, with the table cell it came from.

Templates print numbers only through the context's filters (``pct``, ``count``, ...);
each filter registers a :class:`NumberRef` and wraps its text in invisible markers. After
rendering, :func:`resolve` splits each paragraph into sentences, records which sentence
each number sits in, drops any sentence that mentions a withheld (suppressed) value, and
strips the markers. ``numbers.csv`` is the list of :class:`NumberRef` rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ..errors import InvalidArgument

__all__ = [
    "NUMBER_RE",
    "NumberRef",
    "Recorder",
    "WITHHELD",
    "format_value",
    "number_tokens",
    "resolve",
    "skeleton",
    "split_sentences",
]

_OPEN, _MID, _CLOSE = "\ue000", "\ue001", "\ue002"
#: Printed by a filter asked for a suppressed value: the whole sentence is dropped.
WITHHELD = "\ue003"
#: Marks the word "significant" printed by the context's ``significant`` helper.
SIG_MARK = "\ue004"

_MARKED = re.compile(f"{_OPEN}(\\d+){_MID}(.*?){_CLOSE}", re.S)

#: A number as printed in prose: 3,308 / 84% / 4.1 / -2.9 / .05 (figure and table
#: numbers are references, not data: see :func:`number_tokens`).
NUMBER_RE = re.compile(r"(?<![\w.])[-\u2212]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?%?(?![\w])")
_REFERENCE = re.compile(
    r"\b(?:Figures?|Tables?|Annex|sections?|Step|steps?)\s+[A-Z]?\d+(?:\.\d+)*"
    r"(?:\s*(?:to|and|-|–)\s*[A-Z]?\d+(?:\.\d+)*)?"
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\"'‘“])")


@dataclass(frozen=True)
class NumberRef:
    """One number in the prose and the cell it came from.

    ``rule`` says how ``text`` follows from the cell: ``pct0`` (whole percent of
    ``yes / n``, half up), ``count`` (``n`` with thousands separators), ``value1`` (the
    cell's value to one decimal), ``value3`` (three decimals), ``p`` (a p-value), ``phrase``
    (the fraction phrase of ``yes / n``, see :func:`caseinspect.bulletin.fraction_phrase`).
    """

    id: str
    text: str
    rule: str
    table: str
    question: str
    provider_split: str
    variable: str
    category: str
    section: str = ""
    sentence: str = ""
    position: int = 0
    sentence_id: int = 0


@dataclass
class Recorder:
    """Collects the numbers printed while a template renders."""

    refs: list[NumberRef] = field(default_factory=list)
    section: str = ""
    sentences: int = 0
    withheld: int = 0

    def mark(self, text: str, rule: str, cell: tuple[str, str, str, str, str]) -> str:
        index = len(self.refs)
        self.refs.append(NumberRef(f"N{index + 1:04d}", text, rule, *cell, section=self.section))
        return f"{_OPEN}{index}{_MID}{text}{_CLOSE}"


def format_value(rule: str, *, n: int | None, yes: int | None, value: float | None) -> str:
    """The printed text of a cell under ``rule`` (the one formatting of prose numbers).

    Examples
    --------
    >>> format_value("pct0", n=3308, yes=2785, value=None)
    '84%'
    >>> format_value("count", n=3308, yes=None, value=None)
    '3,308'
    >>> format_value("value1", n=None, yes=None, value=-2.95)
    '-3.0'
    """
    from ..analysis import round_half_up

    if rule in ("pct0", "phrase"):
        if not n or yes is None:
            raise InvalidArgument("a percentage needs n > 0 and yes")
        pct = f"{float(round_half_up(int(yes), int(n), 0)):.0f}%"
        if rule == "pct0":
            return pct
        from ._phrases import fraction_phrase

        words = fraction_phrase(int(yes), int(n))
        return f"{words} ({pct})" if words else pct
    if rule == "count":
        if n is None:
            raise InvalidArgument("a count needs n")
        return f"{int(n):,}"
    if rule == "cases":
        if yes is None:
            raise InvalidArgument("a count of cases needs yes")
        return f"{int(yes):,}"
    if value is None:
        raise InvalidArgument(f"rule {rule} needs a value")
    if rule.startswith("value") and rule[5:].isdigit():
        return _half_up(value, int(rule[5:]))
    if rule == "abs1":
        return _half_up(abs(value), 1)
    if rule == "p":
        return "p < 0.001" if value < 0.001 else f"p = {_half_up(value, 3)}"
    raise InvalidArgument(f"unknown number rule {rule!r}")


def _half_up(value: float, decimals: int) -> str:
    from decimal import ROUND_HALF_UP, Decimal

    quantum = Decimal(1).scaleb(-decimals)
    text = str(Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP))
    if text.startswith("-") and not text.strip("-0."):
        text = text[1:]  # no "-0.0"
    return text


def split_sentences(text: str) -> list[str]:
    """Split prose into sentences (after '.', '!' or '?' followed by a capital or bracket).

    Examples
    --------
    >>> split_sentences("It rose (84%). Then it fell to 3.6 on average.")
    ['It rose (84%).', 'Then it fell to 3.6 on average.']
    """
    return [s for s in _SENTENCE_END.split(text.strip()) if s]


def number_tokens(sentence: str, labels: tuple[str, ...] = ()) -> list[str]:
    """The numbers of a sentence that must be traced to a cell, in order.

    References ("Figure 2", "Table C3", "section 2.1") and the given ``labels`` (round and
    framework names such as "2018-19") are not data and are skipped.

    Examples
    --------
    >>> number_tokens("As Figure 2 shows, 2,474 (75%) were CRC cases in 2018-19.", ("2018-19",))
    ['2,474', '75%']
    """
    text = _REFERENCE.sub(" ", sentence)
    for label in sorted(labels, key=len, reverse=True):
        if label:
            text = text.replace(label, " ")
    return [m.group(0) for m in NUMBER_RE.finditer(text) if re.search(r"\d", m.group(0))]


def skeleton(sentence: str, labels: tuple[str, ...] = ()) -> str:
    """The sentence with its traced numbers replaced by '#' (to find it again after edits)."""
    text = _REFERENCE.sub(lambda m: m.group(0).replace(" ", "\u00a0"), sentence)
    for label in sorted(labels, key=len, reverse=True):
        if label:
            text = text.replace(label, "\u2060LABEL\u2060")

    def _hash(match: re.Match[str]) -> str:
        return "#" if re.search(r"\d", match.group(0)) else match.group(0)

    masked = re.sub(r"\b(?:Figures?|Tables?|Annex|sections?)\u00a0\S+", "REF", text)
    return re.sub(r"\s+", " ", NUMBER_RE.sub(_hash, masked)).strip()


def resolve(text: str, recorder: Recorder) -> tuple[str, list[NumberRef]]:
    """Strip the markers from one paragraph; drop sentences holding a withheld value.

    Returns the clean text and the numbers it holds, each with its sentence and position.
    """
    kept_sentences = []
    refs: list[NumberRef] = []
    for raw in split_sentences(_shield(text)):
        raw = _unshield(raw)
        if WITHHELD in raw:
            recorder.withheld += 1
            continue
        found = []
        for position, match in enumerate(_MARKED.finditer(raw)):
            found.append((int(match.group(1)), position))
        clean = _MARKED.sub(lambda m: m.group(2), raw).replace(SIG_MARK, "")
        kept_sentences.append(clean)
        recorder.sentences += 1
        for index, position in found:
            refs.append(
                replace(
                    recorder.refs[index],
                    sentence=clean,
                    position=position,
                    sentence_id=recorder.sentences,
                )
            )
    return " ".join(kept_sentences), refs


def _shield(text: str) -> str:
    # Sentence ends inside a marked number (e.g. '4.1') must not split: hide the dots.
    return _MARKED.sub(lambda m: m.group(0).replace(".", "\ue005"), text)


def _unshield(text: str) -> str:
    return text.replace("\ue005", ".")
