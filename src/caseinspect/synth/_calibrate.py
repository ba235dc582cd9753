"""Fit a round's generator to the published tables, and cache the fit as JSON.

The recipe (SPEC section 8):

1. **Profile.** A joint distribution of the seven sub-group variables fitted by iterative
   proportional fitting to the published one-way counts, starting from plausible
   associations (``data/model.yaml``) and, for 2018-19, from the CRC/NPS differences of the
   2016-17 split tables. CRC cases with a high/very high RoSH are a structural zero.
2. **Items.** Per item a logistic model with a main effect for every sub-group variable
   (per provider type for 2016-17, whose tables are split by it), for whether the item
   applies and then for 'yes'; coefficients solved by raking on the logit scale so that the
   expected rate in every published cell equals the published one.
3. **Latent factors.** Loadings of the Gaussian copula over needs and over strengths tuned
   so that the published joint facts (four or more needs, drug misuse with lifestyle, no
   strength) come out, computed exactly by quadrature over the fitted model.

:func:`calibrate` is deterministic; :func:`load_calibration` reads the cached fit shipped in
``synth/data/calibration-<round>.json`` (regenerate with
``python -m caseinspect.synth._refit``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from pathlib import Path

import numpy as np
from scipy.optimize import root
from scipy.special import expit

from ..errors import InvalidArgument
from ._latent import NeedsCopula, StrengthsCopula
from ._numeric import apportion, harmonise, ipf, rake_logit
from ._spec import NEEDS, SHAPE, STRENGTHS, VARIABLES, model_settings, round_spec
from ._targets import ItemTargets, ProfileTargets, item_targets, profile_targets

__all__ = [
    "Calibration",
    "ItemModel",
    "calibrate",
    "load_calibration",
    "refit_for_providers",
    "GATES",
    "full_counts",
]

FORMAT_VERSION = 1
_KMAX = max(SHAPE)

#: Items that can only apply where another item holds: (gate item, condition).
#: 'yes': the gate was answered 'yes' (a need or strength identified); 'applies': the gate
#: item applies (answered).
GATES: dict[str, tuple[str, str]] = {
    **{f"delivery_need_{n}": (f"need_{n}", "yes") for n in NEEDS},
    **{f"delivery_strength_{s}": (f"strength_{s}", "yes") for s in STRENGTHS},
    "strengths_planning": ("strengths_assessment", "applies"),
    "strengths_delivery": ("strengths_assessment", "applies"),
}


@dataclass(frozen=True)
class Logit:
    """A main-effects logistic model, one set of coefficients per stratum.

    ``coef[s, v, k]`` is the effect of category ``k`` of variable ``v`` in stratum ``s``
    (stratum 0 only for 2018-19; 0 CRC / 1 NPS for 2016-17).
    """

    intercept: np.ndarray
    coef: np.ndarray

    def eta(self, strata: np.ndarray, codes: np.ndarray) -> np.ndarray:
        """Linear predictor for cases (or cells) with the given stratum and category codes."""
        out = self.intercept[strata].astype(float)
        for v in range(codes.shape[1]):
            out += self.coef[strata, v, codes[:, v]]
        return out

    def as_json(self) -> dict:
        return {"intercept": self.intercept.tolist(), "coef": self.coef.tolist()}

    @classmethod
    def from_json(cls, data: dict) -> Logit:
        return cls(
            np.asarray(data["intercept"], dtype=float), np.asarray(data["coef"], dtype=float)
        )


@dataclass(frozen=True)
class ItemModel:
    """Fitted models and harmonised cell targets of one calibrated item.

    ``applies_targets`` / ``yes_targets`` map ``(stratum, variable)`` to the target rate per
    category: for ``applies`` the share of the row's cases, for ``yes`` the share of the
    applicable cases.
    """

    item: str
    applies: Logit | None
    yes: Logit
    applies_targets: dict[tuple[int, int], np.ndarray] | None = field(repr=False)
    yes_targets: dict[tuple[int, int], np.ndarray] = field(repr=False)


@dataclass(frozen=True)
class Calibration:
    """Everything generation needs that comes from fitting (see module docstring)."""

    round_id: str
    joint: np.ndarray = field(repr=False)
    profile: ProfileTargets = field(repr=False)
    items: dict[str, ItemModel] = field(repr=False)
    latent: dict
    achieved: dict[str, float]


# --- profile ------------------------------------------------------------------------------


def full_counts(profile: ProfileTargets, stratum: int, v: int) -> np.ndarray:
    """Cases per category including those whose category is hidden (not recorded).

    The not-recorded cases still have a true category, which drives their answers; they are
    spread over the categories in proportion to the recorded counts.
    """
    recorded = profile.recorded[(stratum, v)]
    return recorded + apportion(recorded, profile.missing[(stratum, v)])


def _association_log_seed() -> np.ndarray:
    settings = model_settings()
    scores = settings["profile_scores"]
    names = [v.column for v in VARIABLES]
    log_seed = np.zeros(SHAPE)
    for term in settings["profile_associations"]:
        a, b = names.index(term["a"]), names.index(term["b"])
        sa = np.asarray(scores[term["a"]], dtype=float)
        sb = np.asarray(scores[term["b"]], dtype=float)
        shape_a = [1] * len(SHAPE)
        shape_a[a] = -1
        shape_b = [1] * len(SHAPE)
        shape_b[b] = -1
        log_seed = log_seed + term["gamma"] * sa.reshape(shape_a) * sb.reshape(shape_b)
    return log_seed


def _type_shares_2016() -> np.ndarray:
    """log P(category | provider type) of every variable in the 2016-17 round (as a seed)."""
    profile = profile_targets("2016-17")
    log_seed = np.zeros(SHAPE)
    for v in range(1, len(VARIABLES)):
        for s in (0, 1):
            counts = full_counts(profile, s, v).astype(float)
            share = counts / counts.sum()
            with np.errstate(divide="ignore"):
                values = np.log(share)
            index = [slice(None)] * len(SHAPE)
            index[0] = s
            shape = [1] * (len(SHAPE) - 1)
            shape[v - 1] = -1
            log_seed[tuple(index)] = log_seed[tuple(index)] + values.reshape(shape)
    return log_seed


def fit_joint(round_id: str, profile: ProfileTargets) -> np.ndarray:
    """The joint profile distribution (probabilities over :data:`SHAPE`), by IPF."""
    log_seed = _association_log_seed()
    n = sum(profile.n_by_type)
    if round_id == "2016-17":
        joint = np.zeros(SHAPE)
        for s in (0, 1):
            seed = np.exp(log_seed[s])
            margins = {
                v - 1: full_counts(profile, s, v).astype(float) for v in range(1, len(VARIABLES))
            }
            joint[s] = ipf(seed, margins)
        return joint / n
    seed = np.exp(log_seed + _type_shares_2016())  # -inf where 2016-17 had none (CRC high RoSH)
    margins = {0: np.asarray(profile.n_by_type, dtype=float)}
    margins.update({v: full_counts(profile, -1, v).astype(float) for v in range(1, len(VARIABLES))})
    return ipf(seed, margins) / n


# --- items --------------------------------------------------------------------------------


def _cell_codes() -> np.ndarray:
    grids = np.meshgrid(*[np.arange(k) for k in SHAPE], indexing="ij")
    return np.stack([g.ravel() for g in grids], axis=1)


def _fit_logit(
    codes: np.ndarray,
    strata: np.ndarray,
    weights: np.ndarray,
    targets: dict,
    n_strata: int,
    variables: list[int],
    offset: np.ndarray | None = None,
    tol: float = 1e-11,
    start: Logit | None = None,
) -> tuple[Logit, dict]:
    """Harmonise the targets and rake one logistic model per stratum."""
    intercept = np.zeros(n_strata)
    coef = np.zeros((n_strata, len(VARIABLES), _KMAX))
    harmonised = {}
    for s in range(n_strata):
        key_s = -1 if n_strata == 1 else s
        mask = strata == s
        w, c = weights[mask], codes[mask]
        overall = float(targets[(key_s, -1)][0])
        harmonised[(key_s, -1)] = np.array([overall])
        by_variable = {}
        for v in variables:
            k = SHAPE[v]
            cell_w = np.bincount(c[:, v], w, minlength=k)
            rates = harmonise(targets[(key_s, v)], cell_w, overall)
            harmonised[(key_s, v)] = rates
            by_variable[v] = rates
        begin = (
            None
            if start is None
            else (start.intercept[s], {v: start.coef[s, v] for v in variables})
        )
        b0, betas = rake_logit(
            c,
            w,
            overall,
            by_variable,
            offset=0.0 if offset is None else offset[mask],
            tol=tol,
            start=begin,
        )
        intercept[s] = b0
        for v, beta in betas.items():
            coef[s, v, : len(beta)] = beta
    return Logit(intercept, coef), harmonised


def _eligible_rates(shares: dict, codes, strata, cases_w, eligible_w, n_strata) -> dict:
    """Turn 'share of the row's cases' targets into 'share of the eligible cases'."""
    out = {}
    for (key_s, v), values in shares.items():
        s = 0 if key_s == -1 else key_s
        mask = strata == s
        if v == -1:
            base = np.array([cases_w[mask].sum()])
            elig = np.array([eligible_w[mask].sum()])
        else:
            base = np.bincount(codes[mask, v], cases_w[mask], minlength=SHAPE[v])
            elig = np.bincount(codes[mask, v], eligible_w[mask], minlength=SHAPE[v])
        out[(key_s, v)] = np.divide(
            values * base, elig, out=np.full(len(values), np.nan), where=elig > 0
        )
    return out


def fit_items(
    round_id: str,
    joint: np.ndarray,
    targets: dict[str, ItemTargets],
    *,
    grid: tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]] | None = None,
    tol: float = 1e-11,
    start: dict[str, ItemModel] | None = None,
) -> dict[str, ItemModel]:
    """Fit every calibrated item of a round (gate items first).

    By default the expected rates are taken over the joint profile distribution. ``grid``
    (codes, weights, offsets by item) replaces it with weighted rows that carry a known
    offset each -- the profile crossed with the inspections and their provider effects --
    so that the fitted coefficients absorb a drawn set of provider effects.
    """
    if grid is None:
        codes = _cell_codes()
        cases_w = joint.ravel()
        keep = cases_w > 0
        codes, cases_w = codes[keep], cases_w[keep]
        offsets: dict[str, np.ndarray] = {}
    else:
        codes, cases_w, offsets = grid
    split = round_spec(round_id).split_by_type
    n_strata = 2 if split else 1
    strata = codes[:, 0] if split else np.zeros(len(codes), dtype=np.int64)
    variables = list(range(1, len(VARIABLES))) if split else list(range(len(VARIABLES)))
    fitted: dict[str, ItemModel] = {}
    probability: dict[
        str, tuple[np.ndarray, np.ndarray]
    ] = {}  # item -> (P applies, P yes | applies)
    order = sorted(targets, key=lambda item: item in GATES)
    for item in order:
        t = targets[item]
        offset = offsets.get(item)
        if item in GATES:
            gate, condition = GATES[item]
            p_applies, p_yes = probability[gate]
            eligible_w = cases_w * (p_applies * p_yes if condition == "yes" else p_applies)
        else:
            eligible_w = cases_w
        applies_model, applies_targets, p_app = None, None, np.ones(len(cases_w))
        if t.applies is not None:
            rates = _eligible_rates(t.applies, codes, strata, cases_w, eligible_w, n_strata)
            applies_model, _ = _fit_logit(
                codes,
                strata,
                eligible_w,
                rates,
                n_strata,
                variables,
                tol=tol,
                start=None if start is None else start[item].applies,
            )
            applies_targets = t.applies
            p_app = expit(applies_model.eta(strata, codes))
        answered_w = eligible_w * p_app
        yes_model, yes_targets = _fit_logit(
            codes,
            strata,
            answered_w,
            t.yes,
            n_strata,
            variables,
            offset,
            tol=tol,
            start=None if start is None else start[item].yes,
        )
        eta = yes_model.eta(strata, codes) + (0.0 if offset is None else offset)
        probability[item] = (p_app, expit(eta))
        fitted[item] = ItemModel(item, applies_model, yes_model, applies_targets, yes_targets)
    return fitted


def refit_for_providers(
    calibration: Calibration, sizes: np.ndarray, types: np.ndarray, offsets: dict[str, np.ndarray]
) -> dict[str, ItemModel]:
    """Refit the items so that a round with these providers keeps the published rates.

    ``sizes`` and ``types`` give each inspection's number of cases and provider type,
    ``offsets`` each item's provider effect per inspection. The expected rate of every
    published cell, over the profile crossed with the inspections, then equals its target
    with the drawn provider effects included. Used for rounds too big to rake on themselves.
    """
    codes = _cell_codes()
    cell_w = calibration.joint.ravel()
    keep = cell_w > 0
    codes, cell_w = codes[keep], cell_w[keep]
    rows, weights, inspection = [], [], []
    for p, (size, t) in enumerate(zip(sizes, types, strict=True)):
        mask = codes[:, 0] == t
        if size == 0 or not mask.any():
            continue
        rows.append(np.flatnonzero(mask))
        weights.append(cell_w[mask] / cell_w[mask].sum() * size / sizes.sum())
        inspection.append(np.full(int(mask.sum()), p))
    index = np.concatenate(rows)
    inspection = np.concatenate(inspection)
    grid = (
        codes[index],
        np.concatenate(weights),
        {item: value[inspection] for item, value in offsets.items()},
    )
    targets = {
        name: ItemTargets(name, "", "", model.applies_targets, model.yes_targets)
        for name, model in calibration.items.items()
    }
    return fit_items(
        calibration.round_id,
        calibration.joint,
        targets,
        grid=grid,
        tol=1e-8,
        start=calibration.items,
    )


# --- latent factors -----------------------------------------------------------------------


def tune_latent(joint: np.ndarray, items: dict[str, ItemModel]) -> tuple[dict, dict[str, float]]:
    """Copula parameters that reproduce the published joint facts (2018-19).

    The facts are computed exactly (by quadrature over the fitted model, not by simulation),
    so the tuning is deterministic.
    """
    facts = model_settings()["joint_facts"]
    codes = _cell_codes()
    w = joint.ravel()
    keep = w > 0
    codes, w = codes[keep], w[keep]
    strata = np.zeros(len(codes), dtype=np.int64)
    p_need = np.stack([expit(items[f"need_{n}"].yes.eta(strata, codes)) for n in NEEDS], axis=1)
    p_strength = np.stack(
        [expit(items[f"strength_{s}"].yes.eta(strata, codes)) for s in STRENGTHS], axis=1
    )
    pair_items = (NEEDS.index("lifestyle"), NEEDS.index("drug_misuse"))

    def needs_gap(x):
        four, both = NeedsCopula(float(x[0]), float(x[1]), pair_items).facts(p_need, w)
        return [four - facts["four_or_more_needs"], both - facts["drug_and_lifestyle"]]

    general, pair = root(needs_gap, [0.5, 0.4], method="hybr", tol=1e-10).x
    prevalence = p_strength.T @ w / w.sum()
    shares = tuple(float(x) for x in prevalence / prevalence.sum())

    def strengths_gap(x):
        none, one = StrengthsCopula(float(x[0]), float(x[1]), shares).facts(p_strength, w)
        return [none - facts["no_strengths"], one - facts["one_strength"]]

    s_general, focus = root(strengths_gap, [0.6, 1.3], method="hybr", tol=1e-10).x
    needs = NeedsCopula(float(general), float(pair), pair_items)
    strengths = StrengthsCopula(float(s_general), float(focus), shares)
    four, both = needs.facts(p_need, w)
    none, one = strengths.facts(p_strength, w)
    latent = {
        "needs_general": needs.general,
        "needs_pair": needs.pair,
        "strengths_general": strengths.general,
        "strengths_focus": strengths.focus,
        "strengths_focal_shares": list(shares),
    }
    achieved = {
        "four_or_more_needs": float(four),
        "drug_and_lifestyle": float(both),
        "no_strengths": float(none),
        "one_strength": float(one),
    }
    return latent, achieved


# --- the whole fit, and its cache ---------------------------------------------------------


def calibrate(round_id: str) -> Calibration:
    """Fit a round from the published tables (deterministic; a few seconds)."""
    profile = profile_targets(round_id)
    joint = fit_joint(round_id, profile)
    items = fit_items(round_id, joint, item_targets(round_id, profile))
    latent, achieved = ({}, {})
    if round_id == "2018-19":
        latent, achieved = tune_latent(joint, items)
    return Calibration(round_id, joint, profile, items, latent, achieved)


def _key(key: tuple[int, int]) -> str:
    return f"{key[0]},{key[1]}"


def _unkey(text: str) -> tuple[int, int]:
    a, b = text.split(",")
    return int(a), int(b)


def _targets_json(targets):
    if targets is None:
        return None
    return {_key(k): [None if np.isnan(x) else float(x) for x in v] for k, v in targets.items()}


def _targets_from_json(data):
    if data is None:
        return None
    return {
        _unkey(k): np.array([np.nan if x is None else x for x in v], dtype=float)
        for k, v in data.items()
    }


def to_json(calibration: Calibration) -> str:
    """The calibration as JSON text (floats written exactly, keys sorted: stable bytes)."""
    profile = calibration.profile
    data = {
        "format": FORMAT_VERSION,
        "round": calibration.round_id,
        "note": "Generated by caseinspect.synth._calibrate from the published tables; do not edit.",
        "made_with": made_with(),
        "latent": calibration.latent,
        "achieved": calibration.achieved,
        "profile": {
            "n_by_type": list(profile.n_by_type),
            "recorded": {_key(k): v.tolist() for k, v in profile.recorded.items()},
            "missing": {_key(k): v for k, v in profile.missing.items()},
        },
        "joint": calibration.joint.ravel().tolist(),
        "items": {
            name: {
                "applies": None if m.applies is None else m.applies.as_json(),
                "yes": m.yes.as_json(),
                "applies_targets": _targets_json(m.applies_targets),
                "yes_targets": _targets_json(m.yes_targets),
            }
            for name, m in calibration.items.items()
        },
    }
    return json.dumps(data, sort_keys=True, indent=1) + "\n"


def made_with() -> dict[str, str]:
    """The command and library versions a calibration file was made with.

    Recorded in the file because the fit is deterministic only for given numpy/scipy
    releases: another release may move coefficients in their last digits (a test allows
    for that with a stated tolerance).
    """
    import platform
    from importlib.metadata import version

    return {
        "command": "python -m caseinspect.synth._refit",
        "python": platform.python_version(),
        **{name: version(name) for name in ("numpy", "scipy", "pandas")},
    }


def from_json(text: str) -> Calibration:
    """Read :func:`to_json` output back."""
    data = json.loads(text)
    if data.get("format") != FORMAT_VERSION:
        raise InvalidArgument(
            f"calibration format {data.get('format')!r}; expected {FORMAT_VERSION}"
        )
    p = data["profile"]
    profile = ProfileTargets(
        tuple(p["n_by_type"]),
        {_unkey(k): np.asarray(v, dtype=np.int64) for k, v in p["recorded"].items()},
        {_unkey(k): int(v) for k, v in p["missing"].items()},
    )
    items = {
        name: ItemModel(
            name,
            None if m["applies"] is None else Logit.from_json(m["applies"]),
            Logit.from_json(m["yes"]),
            _targets_from_json(m["applies_targets"]),
            _targets_from_json(m["yes_targets"]),
        )
        for name, m in data["items"].items()
    }
    joint = np.asarray(data["joint"], dtype=float).reshape(SHAPE)
    return Calibration(data["round"], joint, profile, items, data["latent"], data["achieved"])


def calibration_file(round_id: str) -> Path:
    """Where the cached fit of a round is shipped."""
    return Path(str(files(__package__).joinpath("data", f"calibration-{round_id}.json")))


@cache
def load_calibration(round_id: str) -> Calibration:
    """The cached fit of a round (falls back to fitting if the cache is absent)."""
    round_spec(round_id)  # validates the id
    path = calibration_file(round_id)
    if path.is_file():
        return from_json(path.read_text(encoding="utf-8"))
    return calibrate(round_id)
