"""Generate a synthetic round, chunk by chunk, from the cached calibration.

A round of ``n_cases`` cases is laid out inspection by inspection (cases apportioned to the
inspections by their weights) and generated in chunks of ``chunk_size`` cases. Everything a
chunk draws comes from its own random stream, derived from the seed, the round and the
chunk's index, and the counts still to be placed are carried from chunk to chunk, so that:

* the same (round, n_cases, seed, chunk_size) always gives the same cases;
* profile counts over the whole round are exact (the published ones at the published size,
  the same shares at any other size), while no chunk holds more than ``chunk_size`` cases.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

import numpy as np

from ..errors import UsageError
from ._calibrate import GATES, Calibration, load_calibration, refit_for_providers
from ._frame import TRUTH_COLUMNS, Assembler, SynthChunk
from ._latent import NeedsCopula, StrengthsCopula, judgement_noise, logistic_from_normal
from ._numeric import apportion, ipf, rake_sample, split_two_rows
from ._profile import draw_profile, hide_values, take_share
from ._spec import (
    KEY_QUESTIONS_2018,
    NEEDS,
    STRENGTHS,
    TYPE,
    VARIABLES,
    RoundSpec,
    model_settings,
    round_spec,
)
from ._text import build_banks

__all__ = ["SynthChunk", "iter_chunks", "CHUNK_SIZE", "TRUTH_COLUMNS"]

CHUNK_SIZE = 50_000
_ROUND_KEY = {"2018-19": 1819, "2016-17": 1617}
_STREAM_CHUNK, _STREAM_PROVIDERS, _STREAM_TEXT, _STREAM_PILOT = 1, 2, 3, 4
#: Cases in the pilot sample that calibrates rounds too big for one chunk (see _Round).
PILOT_SIZE = 60_000
_STANDARD_OF = {  # which standard's provider effect a 2018-19 judgement carries
    "needs_assessment": 0,
    "strengths_assessment": 0,
    "needs_planning": 1,
    "strengths_planning": 1,
    "needs_delivery": 2,
    "strengths_delivery": 2,
    **{f"delivery_need_{n}": 2 for n in NEEDS},
    **{f"delivery_strength_{s}": 2 for s in STRENGTHS},
}


def _rng(seed: int, round_id: str, *key: int) -> np.random.Generator:
    return np.random.Generator(
        np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(_ROUND_KEY[round_id], *key)))
    )


class _Round:
    """Everything fixed for one generation run: layout, targets, provider effects, text.

    A round that fits in one chunk is raked on itself: its drawn answers are shifted per
    published cell until the round's tables are the published ones (to a case or two). A
    bigger round cannot be raked chunk by chunk: a chunk holds a few providers only, and
    raking it would wipe out the differences between providers. Instead the item models are
    refitted once with this round's provider effects as offsets (so that the expected rate of
    every published cell is its target), and the key questions' thresholds are read off a
    pilot sample spread over all providers; both then apply unchanged to every chunk, and
    with so many cases the drawn rates sit on the expected ones.
    """

    def __init__(
        self,
        round_id: str,
        n_cases: int | None,
        seed: int,
        text: bool,
        chunk_size: int,
        *,
        pilot: bool = False,
    ):
        self.spec: RoundSpec = round_spec(round_id)
        self.cal: Calibration = load_calibration(round_id)
        self.seed = seed
        self.n = self.spec.n_cases if n_cases is None else n_cases
        self.settings = model_settings()
        self._layout()
        self._profile_targets()
        self._provider_effects()
        banks = None
        if text:
            text_rng = random.Random(int(_rng(seed, round_id, _STREAM_TEXT).integers(2**63)))
            banks = build_banks(round_id, self.spec.rationale_items, text_rng)
        self.assembler = Assembler(
            self.spec, self.n, banks, self.settings["text"]["practice_share"]
        )
        self.chunk_size = chunk_size
        self.stream = _STREAM_PILOT if pilot else _STREAM_CHUNK
        self.rake = True  # rake each chunk on itself (the round is one chunk)
        self.models = self.cal.items
        self.record: dict | None = None  # thresholds found (pilot)
        self.fixed: dict | None = None  # thresholds to use (big rounds)
        if not pilot and self.n > chunk_size:
            self.rake = False
            sizes = np.diff(np.concatenate([[0], self.ends]))
            self.models = refit_for_providers(
                self.cal, sizes, self.inspection_type, self._offsets()
            )
            calibrator = _Round(round_id, PILOT_SIZE, seed, False, PILOT_SIZE, pilot=True)
            calibrator.rake, calibrator.models, calibrator.record = False, self.models, {}
            for _ in calibrator.chunks():
                pass
            self.fixed = calibrator.record

    def _offsets(self) -> dict[str, np.ndarray]:
        """Each calibrated item's provider effect, per inspection."""
        offsets = {}
        for item in self.cal.items:
            if item.startswith("need_"):
                offsets[item] = self.u_needs
            elif item.startswith("strength_"):
                offsets[item] = self.u_strengths
            else:
                offsets[item] = self.u_judgement + self.u_standard[:, _STANDARD_OF.get(item, 0)]
        return offsets

    # -- layout and targets --------------------------------------------------------------
    def _layout(self) -> None:
        inspections = self.spec.inspections
        types = np.array([0 if i.provider_type == "CRC" else 1 for i in inspections])
        weights = np.array([i.weight for i in inspections])
        n_by_type = apportion(self.spec.n_by_type, self.n)
        sizes = np.zeros(len(inspections), dtype=np.int64)
        if self.spec.split_by_type:
            # 2016-17: an area's inspection holds both CRC and NPS cases.
            area_w = weights[types == 0]
            area = apportion(area_w, self.n)
            crc = apportion(area, int(n_by_type[0])) if area.sum() else area
            sizes[types == 0] = crc
            sizes[types == 1] = area - crc
        else:
            for t in (0, 1):
                sizes[types == t] = apportion(weights[types == t], int(n_by_type[t]))
        self.inspection_type = types
        self.ends = np.cumsum(sizes)
        self.n_by_type = np.array(
            [sizes[types == 0].sum(), sizes[types == 1].sum()], dtype=np.int64
        )

    def _profile_targets(self) -> None:
        """Full (true) category counts per provider type, and hidden counts per stratum."""
        profile = self.cal.profile
        scale_n = self.n_by_type
        self.full = {}  # (type, v) -> counts of true categories
        self.hidden = {}  # (stratum, v) -> counts not recorded, by true category
        if self.spec.split_by_type:
            for t in (0, 1):
                for v in range(1, len(VARIABLES)):
                    scaled = apportion(
                        np.append(profile.recorded[(t, v)], profile.missing[(t, v)]),
                        int(scale_n[t]),
                    )
                    recorded, missing = scaled[:-1], int(scaled[-1])
                    hidden = apportion(recorded, missing)
                    self.full[(t, v)] = recorded + hidden
                    self.hidden[(t, v)] = hidden
            self.strata = (0, 1)
            return
        joint = self.cal.joint
        for v in range(1, len(VARIABLES)):
            scaled = apportion(
                np.append(profile.recorded[(-1, v)], profile.missing[(-1, v)]), self.n
            )
            recorded, missing = scaled[:-1], int(scaled[-1])
            hidden = apportion(recorded, missing)
            full = recorded + hidden
            axes = tuple(a for a in range(1, len(VARIABLES)) if a != v)
            by_type = ipf(joint.sum(axis=axes), {0: scale_n.astype(float), 1: full.astype(float)})
            split = split_two_rows(by_type, full, int(scale_n[0]))
            self.full[(0, v)], self.full[(1, v)] = split[0], split[1]
            self.hidden[(-1, v)] = hidden
        self.strata = (-1,)

    def _provider_effects(self) -> None:
        latent = self.settings["latent"]
        rng = _rng(self.seed, self.spec.round_id, _STREAM_PROVIDERS)
        k = len(self.spec.inspections)
        self.u_judgement = rng.standard_normal(k) * latent["provider_sd_judgements"]
        self.u_standard = rng.standard_normal((k, 4)) * latent["provider_sd_standard"]
        self.u_needs = rng.standard_normal(k) * latent["provider_sd_needs"]
        self.u_strengths = rng.standard_normal(k) * latent["provider_sd_needs"]

    # -- chunks --------------------------------------------------------------------------
    def chunks(self) -> Iterator[SynthChunk]:
        chunk_size = self.chunk_size
        remaining_full = {key: value.copy() for key, value in self.full.items()}
        remaining_hidden = {key: value.copy() for key, value in self.hidden.items()}
        remaining_cases = {-1: self.n, 0: int(self.n_by_type[0]), 1: int(self.n_by_type[1])}
        for index, start in enumerate(range(0, self.n, chunk_size)):
            stop = min(start + chunk_size, self.n)
            rng = _rng(self.seed, self.spec.round_id, self.stream, index)
            yield self._chunk(rng, start, stop, remaining_full, remaining_hidden, remaining_cases)

    def _chunk(
        self, rng, start, stop, remaining_full, remaining_hidden, remaining_cases
    ) -> SynthChunk:
        n = stop - start
        inspection = np.searchsorted(self.ends, np.arange(start, stop), side="right")
        types = self.inspection_type[inspection]
        true = np.zeros((n, len(VARIABLES)), dtype=np.int64)
        true[:, TYPE] = types
        for t in (0, 1):
            rows = np.flatnonzero(types == t)
            if not len(rows):
                continue
            targets = []
            for v in range(1, len(VARIABLES)):
                share = take_share(remaining_full[(t, v)], len(rows))
                remaining_full[(t, v)] -= share
                targets.append(share)
            joint = self.cal.joint[t]
            true[rows, 1:] = draw_profile(rng, joint, len(rows), targets)
        recorded = true.copy()
        for stratum in self.strata:
            rows = np.arange(n) if stratum == -1 else np.flatnonzero(types == stratum)
            left = remaining_cases[stratum]
            for v in range(1, len(VARIABLES)):
                pending = remaining_hidden[(stratum, v)]
                quota = (
                    int(apportion([len(rows), left - len(rows)], int(pending.sum()))[0])
                    if left
                    else 0
                )
                counts = take_share(pending, quota)
                hidden = rows[hide_values(rng, true[rows, v], counts)]
                remaining_hidden[(stratum, v)] -= np.bincount(
                    true[hidden, v], minlength=len(pending)
                )
                recorded[hidden, v] = -1
            remaining_cases[stratum] -= len(rows)
        if self.spec.round_id == "2018-19":
            answers, quality = self._items_2018(rng, true, recorded, inspection)
        else:
            answers, quality = self._items_2016(rng, true, recorded, inspection)
        return self.assembler.chunk(rng, start, inspection, true, recorded, answers, quality)

    # -- calibrated items ----------------------------------------------------------------
    def _cells(self, targets, recorded, base_rows, rows, types):
        """Raking cells of one item: (codes of ``rows``, target counts from ``base_rows``)."""
        split = self.spec.split_by_type
        by_variable: dict[int, list] = {}
        for (stratum, v), rates in targets.items():
            by_variable.setdefault(v, []).append((stratum, rates))
        cells = []
        # Sub-groups first, provider type and 'All cases' last: the last fixed are the exactest.
        for v, parts in sorted(by_variable.items(), key=lambda kv: (kv[0] <= 0, -kv[0])):
            k = 1 if v == -1 else len(VARIABLES[v].categories)

            def codes_of(index, v=v, k=k):
                own = (
                    np.zeros(len(index), dtype=np.int64)
                    if v == -1
                    else recorded[index, v].astype(np.int64)
                )
                if split:
                    return np.where(own >= 0, types[index] * k + own, -1)
                return own

            if split:
                rates = np.full(2 * k, np.nan)
                for stratum, values in parts:
                    rates[stratum * k : (stratum + 1) * k] = values
            else:
                rates = parts[0][1]
            base_codes = codes_of(base_rows)
            base = np.bincount(base_codes[base_codes >= 0], minlength=len(rates)).astype(float)
            cells.append((codes_of(rows), np.round(rates * base)))
        return cells

    def _calibrated(
        self, item, strata, true, recorded, types, eligible, noise_yes, extra_yes, noise_applies
    ):
        """Draw applicability then the answer of a calibrated item; 0 empty, 1 yes, 2 no."""
        model = self.models[item]
        n = len(true)
        rows = np.flatnonzero(eligible)
        applies = np.zeros(n, dtype=bool)
        if model.applies is None:
            applies[rows] = True
        elif len(rows):
            eta = model.applies.eta(strata[rows], true[rows])
            cells = (
                self._cells(model.applies_targets, recorded, np.arange(n), rows, types)
                if self.rake
                else []
            )
            applies[rows] = self._decide(eta + noise_applies[rows], eta, cells)
        rows = np.flatnonzero(applies)
        out = np.zeros(n, dtype=np.int8)
        if len(rows):
            eta = model.yes.eta(strata[rows], true[rows]) + extra_yes[rows]
            cells = self._cells(model.yes_targets, recorded, rows, rows, types) if self.rake else []
            yes = self._decide(eta + noise_yes[rows], eta, cells)
            out[rows] = np.where(yes, 1, 2)
        return out

    def _decide(self, score, soft, cells) -> np.ndarray:
        """'yes' where the score clears its cell's shift (raked here), or zero (refitted models)."""
        if self.rake:
            return rake_sample(score, soft, cells)[0]
        return score > 0

    def _by_rate(self, item, score, applies, types, rates) -> np.ndarray:
        """'yes' for the highest scores of each provider type, in the given share (0/1/2)."""
        if self.fixed is None:
            thresholds = _thresholds(score, applies, types, rates)
            if self.record is not None:
                self.record[(item, "threshold")] = thresholds
        else:
            thresholds = self.fixed[(item, "threshold")]
        out = np.where(score > thresholds[types], 1, 2).astype(np.int8)
        out[~applies] = 0
        return out

    def _provider_term(self, inspection, standard):
        return self.u_judgement[inspection] + self.u_standard[inspection, standard]

    def _items_2018(self, rng, true, recorded, inspection):
        n = len(true)
        latent = self.cal.latent
        loads = self.settings["latent"]
        strata = np.zeros(n, dtype=np.int64)
        types = true[:, TYPE]
        everyone = np.ones(n, dtype=bool)
        answers: dict[str, np.ndarray] = {}
        needs_copula = NeedsCopula(
            latent["needs_general"],
            latent["needs_pair"],
            (NEEDS.index("lifestyle"), NEEDS.index("drug_misuse")),
        )
        noise = needs_copula.draw(rng, n)
        for j, need in enumerate(NEEDS):
            answers[f"need_{need}"] = self._calibrated(
                f"need_{need}",
                strata,
                true,
                recorded,
                types,
                everyone,
                noise[:, j],
                self.u_needs[inspection],
                None,
            )
        strengths_copula = StrengthsCopula(
            latent["strengths_general"],
            latent["strengths_focus"],
            tuple(latent["strengths_focal_shares"]),
        )
        noise, strengths_factor = strengths_copula.draw(rng, n)
        for j, strength in enumerate(STRENGTHS):
            answers[f"strength_{strength}"] = self._calibrated(
                f"strength_{strength}",
                strata,
                true,
                recorded,
                types,
                everyone,
                noise[:, j],
                self.u_strengths[inspection],
                None,
            )
        factors = {"quality": rng.standard_normal(n), "delivery": rng.standard_normal(n)}
        quality_only = {"quality": loads["quality_loading"]}
        with_delivery = {"quality": loads["quality_loading"], "delivery": loads["delivery_loading"]}
        s_load = loads["strengths_applicability_loading"]
        for item in (
            "needs_assessment",
            "needs_planning",
            "needs_delivery",
            "strengths_assessment",
            "strengths_planning",
            "strengths_delivery",
            *[f"delivery_need_{x}" for x in NEEDS],
            *[f"delivery_strength_{x}" for x in STRENGTHS],
        ):
            if item in GATES:
                gate, condition = GATES[item]
                eligible = answers[gate] == 1 if condition == "yes" else answers[gate] > 0
            else:
                eligible = everyone
            if item == "strengths_assessment":
                # Strengths questions apply more often where strengths are there to find.
                noise_applies = logistic_from_normal(
                    s_load * strengths_factor + np.sqrt(1 - s_load**2) * rng.standard_normal(n)
                )
            else:
                noise_applies = rng.logistic(size=n)
            loadings = with_delivery if "delivery" in item else quality_only
            noise_yes = judgement_noise(rng, factors, loadings, n)
            extra = self._provider_term(inspection, _STANDARD_OF[item])
            answers[item] = self._calibrated(
                item, strata, true, recorded, types, eligible, noise_yes, extra, noise_applies
            )
        self._prompts_and_key_questions(rng, answers, factors, types, inspection)
        return answers, self._quality_share(answers, KEY_QUESTIONS_2018)

    def _prompts_and_key_questions(self, rng, answers, factors, types, inspection) -> None:
        """Prompts and key questions: invented rates per provider type (see model.yaml)."""
        n = len(types)
        loads = self.settings["latent"]
        quality = {"quality": loads["quality_loading"]}
        for item, spec in self.settings["prompts"].items():
            applies = rng.random(n) < spec["applies"]
            score = judgement_noise(rng, factors, quality, n) + self._provider_term(inspection, 0)
            answers[item] = self._by_rate(item, score, applies, types, (spec["CRC"], spec["NPS"]))
        for item, spec in self.settings["key_questions"].items():
            standard = int(spec["standard"].split(".")[1]) - 1
            applies = rng.random(n) < spec["applies"]
            score = judgement_noise(rng, factors, quality, n) + self._provider_term(
                inspection, standard
            )
            for prompt, weight in spec["prompts"].items():
                score -= weight * (answers[prompt] == 2)
            answers[item] = self._by_rate(item, score, applies, types, (spec["CRC"], spec["NPS"]))

    def _items_2016(self, rng, true, recorded, inspection):
        n = len(true)
        types = true[:, TYPE]
        strata = types.astype(np.int64)
        everyone = np.ones(n, dtype=bool)
        factors = {"quality": rng.standard_normal(n)}
        loadings = {"quality": self.settings["latent"]["quality_loading"]}
        answers = {}
        for item in self.spec.items:
            noise_yes = judgement_noise(rng, factors, loadings, n)
            extra = self._provider_term(inspection, 0)
            answers[item] = self._calibrated(
                item,
                strata,
                true,
                recorded,
                types,
                everyone,
                noise_yes,
                extra,
                rng.logistic(size=n),
            )
        return answers, self._quality_share(answers, self.spec.items)

    @staticmethod
    def _quality_share(answers, items) -> np.ndarray:
        yes = sum((answers[i] == 1).astype(float) for i in items)
        answered = sum((answers[i] > 0).astype(float) for i in items)
        return np.divide(yes, answered, out=np.full(len(yes), 0.5), where=answered > 0)


def _thresholds(
    score: np.ndarray, applies: np.ndarray, types: np.ndarray, rates: tuple[float, float]
) -> np.ndarray:
    """Per provider type, the score above which exactly the given share of cases lies."""
    out = np.full(2, np.inf)
    for t in (0, 1):
        values = score[applies & (types == t)]
        k = int(round(rates[t] * len(values)))
        if not len(values) or k <= 0:
            continue
        if k >= len(values):
            out[t] = -np.inf
            continue
        part = np.partition(values, [len(values) - k - 1, len(values) - k])
        out[t] = (part[len(values) - k - 1] + part[len(values) - k]) / 2
    return out


def iter_chunks(
    round_id: str,
    n_cases: int | None = None,
    seed: int = 0,
    *,
    chunk_size: int = CHUNK_SIZE,
    text: bool = True,
) -> Iterator[SynthChunk]:
    """Generate a synthetic round as :class:`SynthChunk` objects (cases and truth).

    See :func:`caseinspect.synth.generate_round` for the parameters.
    """
    _check(round_id, n_cases, seed, chunk_size)
    return _Round(round_id, n_cases, seed, text, int(chunk_size)).chunks()


def _check(round_id, n_cases, seed, chunk_size) -> None:
    round_spec(round_id)
    if n_cases is not None and (not isinstance(n_cases, (int, np.integer)) or n_cases < 1):
        raise UsageError(f"the number of cases must be a positive whole number, not {n_cases!r}")
    if not isinstance(seed, (int, np.integer)) or seed < 0:
        raise UsageError(f"the seed must be a whole number of 0 or more, not {seed!r}")
    if not isinstance(chunk_size, (int, np.integer)) or chunk_size < 1:
        raise UsageError(f"the chunk size must be a positive whole number, not {chunk_size!r}")
