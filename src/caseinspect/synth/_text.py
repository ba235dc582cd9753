"""Free text of the synthetic rounds: rationales, practice examples and their themes.

Rationales are drawn from a bank built once per round and seed: for each item, answer and
focus (one of the case's needs or strengths, or none) a pool of distinct rationales giving
one to three reasons, one per theme of ``data/themes.yaml``, written with the variation of
real notes (paraphrases and abbreviations, opening phrases, two reasons in one sentence, a
sentence that carries no theme, typing slips: ``variation`` there). Picking a rationale for
a case is then an index into the bank, which keeps a million cases cheap; the themes behind
every rationale are kept for the ground-truth sidecar.

Practice examples are written per case (they are rare) in the style of the bulletins'
examples, under a pseudonym from ``data/names.yaml``; some name other people in passing
(partners, mothers, officers, tutors) and some carry typing slips, in ordinary words and in
later mentions of the person's name. Every name's span and role is returned for the names
truth sidecar.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import yaml

from ._spec import (
    AGE,
    ETHNIC,
    GENDER,
    NEEDS,
    STRENGTHS,
    SUPERVISION,
    VARIABLES,
    data_text,
    model_settings,
)

__all__ = [
    "RationaleBank",
    "build_banks",
    "theme_catalogue",
    "pseudonyms",
    "choose_focus",
    "write_practice",
    "other_people",
    "POLARITY",
]

_SLOT = re.compile(r"\{(\w+)\}")
_AGE_RANGES = ((18, 20), (21, 24), (25, 29), (30, 39), (40, 49), (50, 66))
_IDENTITY = {
    "White": ("White British {noun}", "white {noun}"),
    "Black": ("Black British {noun}", "Black {noun}"),
    "Asian": ("British Asian {noun}", "Asian {noun}"),
    "Mixed": ("{noun} of mixed heritage", "{noun} of mixed ethnic origin"),
    "Other": ("{noun} from another ethnic background",),
}
POLARITY = {"yes": "enabler", "no": "barrier"}


@cache
def _themes() -> dict:
    return yaml.safe_load(data_text("themes.yaml"))


@cache
def theme_catalogue() -> dict[str, dict]:
    """Theme id -> its polarity, summary and sentences (as in ``data/themes.yaml``)."""
    return _themes()["themes"]


@cache
def _names_data() -> dict:
    return yaml.safe_load(data_text("names.yaml"))


@cache
def pseudonyms() -> dict[str, tuple[str, ...]]:
    """The invented first names of the people the notes are about, by gender."""
    names = _names_data()
    return {gender: tuple(names[gender]) for gender in ("Male", "Female")}


@cache
def other_people() -> dict:
    """Other people the notes name: names by gender, surnames, sentences, roles, chances."""
    return _names_data()["others"]


# A name in a note under construction: \x02role\x03Name\x04, resolved into spans at the end.
_MARK = re.compile("\x02(\\w+)\x03([^\x04]*)\x04")


def _mark(role: str, name: str) -> str:
    return f"\x02{role}\x03{name}\x04"


def _slip(word: str, rng: random.Random) -> str:
    """One typing slip: two letters swapped, or one dropped (never the first letter)."""
    i = rng.randrange(1, len(word) - 1)
    if rng.random() < 0.5:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + word[i + 1 :]


def _typos(text: str, rng: random.Random, subject_marks: int) -> str:
    """Slips in ordinary words and in later mentions of the subject's name."""
    settings = _names_data()["typos"]
    parts = _MARK.split(text)  # [plain, role, name, plain, role, name, ..., plain]
    if rng.random() < settings["word"]:
        plain = [
            (k, m) for k in range(0, len(parts), 3) for m in re.finditer(r"\b[a-z]{7,}\b", parts[k])
        ]
        if plain:
            k, m = rng.choice(plain)
            parts[k] = parts[k][: m.start()] + _slip(m.group(), rng) + parts[k][m.end() :]
    if subject_marks > 1 and rng.random() < settings["name"]:
        later = [k for k in range(1, len(parts), 3) if parts[k] == "subject"][1:]
        k = rng.choice(later)
        name = parts[k + 1]
        if len(name) >= 5 and rng.random() < 0.6:
            i = rng.randrange(1, len(name) - 1)
            parts[k + 1] = name[:i] + name[i + 1 :]
        else:
            parts[k + 1] = name.lower()
    out = []
    for k in range(0, len(parts), 3):
        out.append(parts[k])
        if k + 2 < len(parts):
            out.append(_mark(parts[k + 1], parts[k + 2]))
    return "".join(out)


def _resolve(text: str) -> tuple[str, list[tuple[int, int, str, str]]]:
    """The plain note and its names: ``(start, end, name, role)``."""
    out, spans, at = [], [], 0
    for m in _MARK.finditer(text):
        out.append(text[at : m.start()])
        start = sum(len(p) for p in out)
        out.append(m.group(2))
        spans.append((start, start + len(m.group(2)), m.group(2), m.group(1)))
        at = m.end()
    out.append(text[at:])
    return "".join(out), spans


def _other_sentence(rng: random.Random, values: dict[str, str], used: set[str]) -> str:
    """A sentence naming someone else (a partner, a mother, an officer ...)."""
    others = other_people()
    template, role = rng.choice(others["sentences"])
    local = dict(values)
    local["His"] = values["his"].capitalize()
    gender = others["roles"].get(role, "Either")
    pool = others["Male"] + others["Female"] if gender == "Either" else others[gender]
    pool = [n for n in pool if n not in used] or pool
    person = rng.choice(pool)
    used.add(person)
    for slot in _SLOT.findall(template):
        if slot == "officer_first":
            local[slot] = _mark("officer", person)
        elif slot == "officer_surname":
            local[slot] = _mark("officer_surname", rng.choice(others["Surname"]))
        elif slot == "surname":
            local[slot] = _mark(role, rng.choice(others["Surname"]))
        elif slot == "place":
            local[slot] = rng.choice(others["places"])
        elif slot not in local:
            local[slot] = _mark(role, person)
    return _fill(template, rng, local)


def _capitalise(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]


def _fill(template: str, rng: random.Random, values: dict[str, str]) -> str:
    slots = _themes()["slots"]

    def one(match: re.Match) -> str:
        name = match.group(1)
        if name in values:
            return values[name]
        return rng.choice(slots[name])

    return _capitalise(_SLOT.sub(one, template))


def _usable(template: str, focus_kind: str | None) -> bool:
    slots = set(_SLOT.findall(template))
    if "need" in slots and focus_kind != "need":
        return False
    if "strength" in slots and focus_kind != "strength":
        return False
    return True


@dataclass(frozen=True)
class RationaleBank:
    """Rationales of one item: distinct texts (categories) and the pools drawing on them.

    ``categories[0]`` is ``""`` (no rationale). ``pools[a, f]`` lists the categories of the
    pool for answer ``a`` (0 yes, 1 no) and focus ``f`` (the last focus is 'none').
    ``theme_start``/``theme_count`` index ``theme_codes`` (indices into ``theme_ids``) per
    category.
    """

    item: str
    focus_kind: str | None
    categories: tuple[str, ...] = field(repr=False)
    pools: np.ndarray = field(repr=False)
    theme_ids: tuple[str, ...] = field(repr=False)
    theme_start: np.ndarray = field(repr=False)
    theme_count: np.ndarray = field(repr=False)
    theme_codes: np.ndarray = field(repr=False)

    def pick(self, rng: np.random.Generator, answer: np.ndarray, focus: np.ndarray) -> np.ndarray:
        """Category codes: 0 where ``answer`` is 0 (empty), else a random rationale of the pool."""
        a = np.where(answer == 2, 1, 0)
        f = np.where(focus < 0, self.pools.shape[1] - 1, focus)
        codes = self.pools[a, f, rng.integers(0, self.pools.shape[2], len(answer))]
        return np.where(answer > 0, codes, 0)


def _build_bank(round_id: str, item: str, rng: random.Random) -> RationaleBank:
    spec = _themes()["items"][round_id][item]
    catalogue = theme_catalogue()
    settings = model_settings()["text"]
    size = int(settings["rationale_pool_size"])
    lengths = [float(x) for x in settings["sentences"]]
    focus_kind = None if spec["focus"] == "none" else spec["focus"]
    focus_values = {"need": NEEDS, "strength": STRENGTHS}.get(focus_kind, ())
    slots = _themes()["slots"]
    theme_ids = tuple(sorted(catalogue))
    categories = [""]
    index_of = {"": 0}
    theme_lists: list[list[int]] = [[]]
    pools = np.zeros((2, len(focus_values) + 1, size), dtype=np.int64)
    for a, answer in enumerate(("yes", "no")):
        themes = spec[answer]
        for f in range(len(focus_values) + 1):
            focus = focus_values[f] if f < len(focus_values) else None
            values = {}
            kind = None
            if focus is not None:
                kind = focus_kind
                values[focus_kind] = slots[focus_kind][focus]
            for slot in range(size):
                n_sentences = 1 + rng.choices(range(len(lengths)), weights=lengths)[0]
                chosen = rng.sample(range(len(themes)), min(n_sentences, len(themes)))
                sentences, used = [], []
                for t in chosen:
                    theme = themes[t]
                    templates = [x for x in catalogue[theme]["rationale"] if _usable(x, kind)]
                    if not templates:
                        continue
                    local = dict(values)
                    if kind == "need" and rng.random() < 0.7:
                        local["agency"] = rng.choice(slots["agency_for_need"][focus])
                    sentences.append(_fill(rng.choice(templates), rng, local))
                    used.append(theme_ids.index(theme))
                if not sentences:  # every theme needed a slot this focus cannot fill
                    theme = themes[0]
                    sentences.append(
                        _fill(
                            catalogue[theme]["rationale"][0],
                            rng,
                            {
                                "need": "the identified needs",
                                "strength": "the identified strengths",
                            },
                        )
                    )
                    used.append(theme_ids.index(theme))
                text = _vary(sentences, rng)
                if text not in index_of:
                    index_of[text] = len(categories)
                    categories.append(text)
                    theme_lists.append(used)
                pools[a, f, slot] = index_of[text]
    counts = np.array([len(t) for t in theme_lists], dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    codes = np.array([c for t in theme_lists for c in t], dtype=np.int64)
    return RationaleBank(
        item, focus_kind, tuple(categories), pools, theme_ids, starts, counts, codes
    )


_SWAP_CACHE: dict[str, re.Pattern] = {}


def _swap(sentence: str, rng: random.Random, variation: dict) -> str:
    """Paraphrase: each listed phrase, with chance ``swap_share``, becomes an alternative."""
    share = float(variation["swap_share"])
    for phrase, alternatives in variation["swaps"].items():
        if phrase not in sentence:
            continue
        pattern = _SWAP_CACHE.get(phrase)
        if pattern is None:
            pattern = _SWAP_CACHE[phrase] = re.compile(rf"\b{re.escape(phrase)}\b")
        sentence = pattern.sub(
            lambda m, alt=alternatives: rng.choice(alt) if rng.random() < share else m.group(),
            sentence,
        )
    return sentence


def _vary(sentences: list[str], rng: random.Random) -> str:
    """One rationale from its theme sentences, written as inspectors vary their writing.

    Paraphrases and abbreviations (``swaps``), an opening phrase, two reasons joined in one
    sentence, a sentence with no theme (``fillers``) and typing slips, with the chances of
    ``variation`` in ``data/themes.yaml``. The themes are the theme sentences' themes.
    """
    variation = _themes()["variation"]
    out = []
    for sentence in sentences:
        sentence = _swap(sentence, rng, variation)
        if rng.random() < float(variation["opener_share"]):
            sentence = rng.choice(variation["openers"]) + sentence[:1].lower() + sentence[1:]
        if rng.random() < float(variation["typo_share"]):
            words = [m for m in re.finditer(r"[a-z]{5,}", sentence)]
            if words:
                m = rng.choice(words)
                sentence = sentence[: m.start()] + _slip(m.group(), rng) + sentence[m.end() :]
        out.append(sentence)
    if len(out) >= 2 and rng.random() < float(variation["join_share"]):
        k = rng.randrange(len(out) - 1)
        first, second = out[k], out[k + 1]
        glue = rng.choice(["; ", ", and "])
        out[k : k + 2] = [first.rstrip(".") + glue + second[:1].lower() + second[1:]]
    if rng.random() < float(variation["filler_share"]):
        out.insert(rng.randrange(len(out) + 1), rng.choice(variation["fillers"]))
    return " ".join(out)


def build_banks(
    round_id: str, items: tuple[str, ...], rng: random.Random
) -> dict[str, RationaleBank]:
    """One :class:`RationaleBank` per item (deterministic given ``rng``)."""
    return {item: _build_bank(round_id, item, rng) for item in items}


def choose_focus(rng: np.random.Generator, present: np.ndarray) -> np.ndarray:
    """For each case, one of its present needs (or strengths) at random; -1 if none."""
    counts = present.sum(axis=1)
    pick = np.floor(rng.random(len(present)) * counts).astype(np.int64)
    cumulative = np.cumsum(present, axis=1)
    index = np.argmax(cumulative > pick[:, None], axis=1)
    return np.where(counts > 0, index, -1)


def write_practice(
    round_id: str,
    rng: random.Random,
    profile: np.ndarray,
    good: bool,
    needs: list[str],
    strengths: list[str],
) -> tuple[str, str, list[str], list[tuple[int, int, str, str]]]:
    """One practice example: (note, pseudonym, themes, names).

    ``names`` lists every person's name in the note as ``(start, end, name, role)``
    (role ``subject`` for the person the note is about).

    ``profile`` is the case's row of category codes (gender, age and supervision type must
    be recorded). ``needs`` / ``strengths`` are the codes present in the case.
    """
    data = _themes()
    practice = data["practice"]
    catalogue = theme_catalogue()
    slots = data["slots"]
    gender = VARIABLES[GENDER].categories[profile[GENDER]]
    names = pseudonyms()[gender]
    name = rng.choice(names)
    low, high = _AGE_RANGES[profile[AGE]]
    supervision = VARIABLES[SUPERVISION].categories[profile[SUPERVISION]]
    noun = "male" if gender == "Male" else "female"
    if profile[ETHNIC] >= 0:
        forms = _IDENTITY[VARIABLES[ETHNIC].categories[profile[ETHNIC]]]
        identity = rng.choice(forms).format(noun=noun)
    else:
        identity = noun
    sentence_forms = practice["sentence"][supervision]
    active, passive = rng.choice(sentence_forms)
    months = rng.choice([6, 9, 12, 12, 18, 18, 24, 30, 36])
    offences = practice["offences"][supervision]
    pronouns = {
        "He": "He" if gender == "Male" else "She",
        "he": "he" if gender == "Male" else "she",
        "his": "his" if gender == "Male" else "her",
    }
    values = {
        "name": _mark("subject", name),
        "age": str(rng.randint(low, high)),
        "identity": identity,
        "sentence": active.format(months=months),
        "sentence_passive": passive.format(months=months),
        "offence": rng.choice(offences),
        "previous": str(rng.randint(2, 24)),
        **pronouns,
    }
    parts = [_fill(rng.choice(practice["opening"]), rng, values)]
    if rng.random() < 0.6:
        parts.append(_fill(rng.choice(practice["history"]), rng, values))
    kind = "good" if good else "poor"
    pool = practice["themes"][round_id][kind]
    used = []
    for t in rng.sample(range(len(pool)), len(pool)):
        if len(used) == 3 or (len(used) == 2 and rng.random() < 0.5):
            break
        theme = pool[t]
        local = dict(values)
        templates = []
        for template in catalogue[theme]["practice"]:
            wanted = set(_SLOT.findall(template))
            if "need" in wanted and not needs:
                continue
            if "strength" in wanted and not strengths:
                continue
            templates.append(template)
        if not templates:
            continue
        if needs:
            need = rng.choice(needs)
            local["need"] = slots["need"][need]
            local["agency"] = rng.choice(slots["agency_for_need"][need])
        if strengths:
            local["strength"] = slots["strength"][rng.choice(strengths)]
        parts.append(_fill(rng.choice(templates), rng, local))
        used.append(theme)
    others = other_people()
    if rng.random() < others["share"]:
        named: set[str] = set()
        for _ in range(2 if rng.random() < others["second"] else 1):
            at = rng.randint(1, len(parts))
            parts.insert(at, _other_sentence(rng, values, named))
    parts.append(_fill(rng.choice(practice["closing"][kind]), rng, values))
    marked = " ".join(parts)
    marked = _typos(marked, rng, marked.count("\x02subject\x03"))
    note, spans = _resolve(marked)
    return note, name, used, spans
