"""Assemble a chunk's tables: the case file's columns, the free text and its truth.

Columns are pandas categoricals of strings (``""`` empty), built from small integer codes,
so a chunk of 50,000 cases with text costs little memory; the writers decode them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._spec import AGE, GENDER, NEEDS, STRENGTHS, SUPERVISION, TYPE, VARIABLES, RoundSpec
from ._text import POLARITY, RationaleBank, choose_focus, theme_catalogue, write_practice

__all__ = ["SynthChunk", "Assembler", "TRUTH_COLUMNS", "NAMES_COLUMNS"]

TRUTH_COLUMNS = ("case_id", "item", "theme", "polarity")
#: The names truth: every person's name in a practice note, with its span and role.
NAMES_COLUMNS = ("case_id", "item", "start", "end", "name", "role")
_ANSWERS = ("", "yes", "no")


@dataclass(frozen=True)
class SynthChunk:
    """One chunk of a synthetic round: the cases and the ground truth of their free text.

    ``cases`` holds the interchange columns (every value a string, ``""`` empty; stored as
    pandas categoricals); ``truth`` one row per theme behind a rationale or practice note
    (``case_id, item, theme, polarity``).
    """

    cases: pd.DataFrame = field(repr=False)
    truth: pd.DataFrame = field(repr=False)
    names: pd.DataFrame = field(
        repr=False, default_factory=lambda: pd.DataFrame(columns=list(NAMES_COLUMNS))
    )


class Assembler:
    """Turns drawn codes into a :class:`SynthChunk` for one round."""

    def __init__(
        self,
        spec: RoundSpec,
        n_cases: int,
        banks: dict[str, RationaleBank] | None,
        practice_share: float,
    ):
        self.spec = spec
        self.banks = banks
        self.text = banks is not None
        self.practice_share = practice_share
        self.truth_items = tuple(i for i in spec.items if i in spec.rationale_items) + (
            "practice_note",
        )
        self.themes = tuple(sorted(theme_catalogue()))
        self.polarities = (POLARITY["yes"], POLARITY["no"])
        width = max(6, len(str(n_cases)))
        self.id_format = f"C{spec.code}-{{:0{width}d}}"

    def chunk(self, rng, start, inspection, true, recorded, answers, quality) -> SynthChunk:
        """The chunk's case table (and truth) from its drawn profile and answers."""
        n = len(true)
        spec = self.spec
        ids = [self.id_format.format(i) for i in range(start + 1, start + n + 1)]
        columns: dict[str, object] = {"case_id": pd.array(ids, dtype="str")}
        inspections = spec.inspections
        columns["inspection_id"] = _lookup(inspection, [i.inspection_id for i in inspections])
        columns["provider"] = _lookup(inspection, [i.provider for i in inspections])
        columns["provider_type"] = _categorical(
            recorded[:, TYPE], VARIABLES[TYPE].categories
        )  # never missing
        for v, variable in enumerate(VARIABLES[1:], start=1):
            columns[variable.column] = _categorical(recorded[:, v] + 1, ("",) + variable.categories)
        for item in spec.items:
            columns[item] = _categorical(answers[item], _ANSWERS)
        truth_parts = []
        names_truth = pd.DataFrame(columns=list(NAMES_COLUMNS))
        if self.text:
            for item in spec.items:
                if item not in spec.rationale_items:
                    continue
                bank = self.banks[item]
                if bank.focus_kind == "need":
                    present = np.stack([answers[f"need_{x}"] == 1 for x in NEEDS], axis=1)
                    focus = choose_focus(rng, present)
                elif bank.focus_kind == "strength":
                    present = np.stack([answers[f"strength_{x}"] == 1 for x in STRENGTHS], axis=1)
                    focus = choose_focus(rng, present)
                else:
                    focus = np.full(n, -1)
                codes = bank.pick(rng, answers[item], focus)
                columns[f"{item}__rationale"] = _categorical(codes, bank.categories)
                truth_parts.append(self._rationale_truth(bank, codes, answers[item]))
            notes, kinds, names, practice_truth, name_rows = self._practice(
                rng, true, recorded, answers, quality
            )
            names_truth = pd.DataFrame(
                [(ids[r], "practice_note", a, b, name, role) for r, a, b, name, role in name_rows],
                columns=list(NAMES_COLUMNS),
            )
            columns["practice_note"] = notes
            columns["practice_kind"] = _categorical(kinds, ("", "good", "poor"))
            columns["practice_pseudonym"] = names
            truth_parts.append(practice_truth)
        cases = pd.DataFrame(columns)
        truth = self._truth_frame(ids, truth_parts)
        return SynthChunk(cases, truth, names_truth)

    def _rationale_truth(self, bank, codes, answer):
        """(case rows, item code, theme codes, polarity codes) behind the chosen rationales."""
        rows = np.flatnonzero(codes > 0).astype(np.int32)
        counts = bank.theme_count[codes[rows]]
        case_rows = np.repeat(rows, counts)
        first = np.repeat(bank.theme_start[codes[rows]] - (np.cumsum(counts) - counts), counts)
        themes = bank.theme_codes[first + np.arange(len(case_rows))].astype(
            np.int16
        )  # codes into self.themes
        polarity = (np.repeat(answer[rows], counts) != 1).astype(np.int8)
        return case_rows, self.truth_items.index(bank.item), themes, polarity

    def _practice(self, rng, true, recorded, answers, quality):
        n = len(true)
        share = self.practice_share
        ok = (recorded[:, GENDER] >= 0) & (recorded[:, AGE] >= 0) & (recorded[:, SUPERVISION] >= 0)
        chosen = np.flatnonzero(ok & (rng.random(n) < share))
        good = quality[chosen] + 0.15 * rng.standard_normal(len(chosen)) >= 0.6
        writer = random.Random(int(rng.integers(2**63)))
        note_codes = np.zeros(n, dtype=np.int64)
        name_codes = np.zeros(n, dtype=np.int64)
        kinds = np.zeros(n, dtype=np.int8)
        notes, names = [""], {"": 0}
        case_rows, themes, polarity = [], [], []
        name_rows = []
        have_needs = self.spec.round_id == "2018-19"
        theme_code = {t: i for i, t in enumerate(self.themes)}
        for row, is_good in zip(chosen.tolist(), good.tolist(), strict=True):
            needs = [x for x in NEEDS if have_needs and answers[f"need_{x}"][row] == 1]
            strengths = [x for x in STRENGTHS if have_needs and answers[f"strength_{x}"][row] == 1]
            note, name, used, spans = write_practice(
                self.spec.round_id, writer, recorded[row], is_good, needs, strengths
            )
            name_rows.extend((row, *span) for span in spans)
            note_codes[row] = len(notes)
            notes.append(note)
            name_codes[row] = names.setdefault(name, len(names))
            kinds[row] = 1 if is_good else 2
            for theme in used:
                case_rows.append(row)
                themes.append(theme_code[theme])
                polarity.append(0 if is_good else 1)
        truth = (
            np.asarray(case_rows, dtype=np.int32),
            self.truth_items.index("practice_note"),
            np.asarray(themes, dtype=np.int16),
            np.asarray(polarity, dtype=np.int8),
        )
        return (
            _categorical(note_codes, notes),
            kinds,
            _categorical(name_codes, list(names)),
            truth,
            name_rows,
        )

    def _truth_frame(self, ids, parts) -> pd.DataFrame:
        """The truth rows of a chunk, by case (then as generated); small integer codes throughout."""
        if not parts:
            parts = [(np.zeros(0, np.int32), 0, np.zeros(0, np.int16), np.zeros(0, np.int8))]
        rows = np.concatenate([p[0] for p in parts])
        order = np.argsort(rows, kind="stable")
        rows = rows[order]
        items = np.concatenate([np.full(len(p[0]), p[1], dtype=np.int8) for p in parts])[order]
        themes = np.concatenate([p[2] for p in parts])[order]
        polarity = np.concatenate([p[3] for p in parts])[order]
        del order
        return pd.DataFrame(
            {
                "case_id": _categorical(rows, ids),
                "item": _categorical(items, self.truth_items),
                "theme": _categorical(themes, self.themes),
                "polarity": _categorical(polarity, self.polarities),
            }
        )


def _lookup(index: np.ndarray, values: list[str]) -> pd.Categorical:
    """``values[index]`` as a categorical whose categories are the distinct values, in order."""
    distinct = list(dict.fromkeys(values))
    position = np.array([distinct.index(v) for v in values], dtype=np.int64)
    return _categorical(position[index], distinct)


def _categorical(codes, categories) -> pd.Categorical:
    codes = np.asarray(codes)
    if codes.dtype.kind != "i":
        codes = codes.astype(np.int64)
    return pd.Categorical.from_codes(codes, categories=pd.Index(list(categories), dtype=object))
