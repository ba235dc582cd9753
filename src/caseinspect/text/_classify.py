"""Suggested theme codes for rationales: few-shot classification on sentence embeddings.

How a rationale is coded (the method is justified with measurements in docs/themes.md):

1. The rationale is split into sentences (an inspector usually gives one reason a
   sentence) and each sentence is embedded with the static model.
2. The candidate themes are those the codebook applies to the item whose kind can explain
   the judgement (enablers for 'yes', barriers for 'no', 'other' themes for either).
3. Each theme has a score per sentence: a one-vs-rest logistic regression on the
   embeddings (``method="logistic"``, the default) or the cosine similarity to the theme's
   centroid (``method="centroid"``). Training sentences are the codebook's examples plus,
   when codes have been confirmed, the sentences of the confirmed rationales, each
   sentence labelled with the confirmed theme of its rationale it is closest to.
4. A rationale's score for a theme is its best sentence's score. A theme is suggested when
   that score reaches the theme's threshold. Thresholds are tuned on the confirmed codes
   (out-of-fold scores, folds drawn with ``seed``, the F1-best cut); a theme with too few
   confirmed rationales to tune on, or every theme when nothing is confirmed, falls back
   to "the best candidate theme of each sentence".

Everything is deterministic given the inputs and ``seed``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.optimize import minimize

from ..errors import InvalidArgument
from ..framework import Framework
from ._codebook import Codebook, load_codebook
from ._embed import Encoder, load_encoder, split_sentences

__all__ = [
    "CODE_COLUMNS",
    "METHODS",
    "ThemeClassifier",
    "fit_classifier",
    "rationale_units",
    "read_codes",
    "suggest_codes",
]

#: Columns of codes.csv (and of a confirmed-codes file).
CODE_COLUMNS = ("case_id", "item", "theme", "score", "source")
METHODS = ("logistic", "centroid")
#: A theme needs this many confirmed rationales (and as many without it) to tune its own
#: threshold; below it the "best theme of each sentence" rule is used.
MIN_TO_TUNE = 10
_FOLDS = 5
_L2 = 1e-3
_PASSES = 2  # labellings of the confirmed sentences (see _fit)


@dataclass(frozen=True)
class ThemeClassifier:
    """A fitted classifier: scores per theme, and the threshold of each theme.

    ``thresholds[t]`` is NaN where the theme uses the best-of-sentence rule.
    """

    codebook: Codebook = field(repr=False)
    method: str
    encoder_name: str
    weights: np.ndarray = field(repr=False)  # (d + 1, T) logistic, or (d, T) centroids
    thresholds: np.ndarray = field(repr=False)
    n_examples: int
    n_confirmed: int

    def sentence_scores(self, vectors: np.ndarray) -> np.ndarray:
        """Scores (0-1 for logistic, cosine for centroid) of each sentence for each theme."""
        if self.method == "logistic":
            z = vectors @ self.weights[:-1] + self.weights[-1]
            return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
        return vectors @ self.weights


def rationale_units(cases: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """One row per non-empty rationale of an item the codebook codes.

    Returns a frame ``case_id, item, answer, text`` in case order, then codebook item order.
    """
    parts = []
    for item in codebook.items:
        column = f"{item}__rationale"
        if column not in cases.columns:
            continue
        text = cases[column].astype("string").fillna("").str.strip()
        keep = text.ne("").to_numpy()
        if not keep.any():
            continue
        answer = (
            cases[item].astype("string").fillna("")
            if item in cases.columns
            else pd.Series("", index=cases.index)
        )
        parts.append(
            pd.DataFrame(
                {
                    "case_id": cases["case_id"].astype(str).to_numpy()[keep],
                    "item": item,
                    "answer": answer.to_numpy()[keep].astype(str),
                    "text": text.to_numpy()[keep].astype(str),
                    "_row": np.flatnonzero(keep),
                    "_item": codebook.items.index(item),
                }
            )
        )
    if not parts:
        return pd.DataFrame(
            {c: pd.Series(dtype=str) for c in ("case_id", "item", "answer", "text")}
        )
    units = pd.concat(parts, ignore_index=True)
    units = units.sort_values(["_row", "_item"], kind="stable").drop(columns=["_row", "_item"])
    return units.reset_index(drop=True)


# --- embedding the units -------------------------------------------------------------------
@dataclass(frozen=True)
class _Embedded:
    """The sentences of some units: vectors, owning unit, and the candidate mask per unit."""

    vectors: np.ndarray  # (S, d)
    unit: np.ndarray  # (S,) index of the unit each sentence belongs to
    candidates: np.ndarray  # (U, T) bool
    n_units: int


def _embed_units(units: pd.DataFrame, codebook: Codebook, encoder: Encoder) -> _Embedded:
    texts = units["text"].tolist()
    # Texts repeat (a round reuses phrasings): split and embed each distinct sentence once.
    sentences: list[str] = []
    index_of: dict[str, int] = {}
    sentence_ids: list[int] = []
    owner: list[int] = []
    split_cache: dict[str, list[str]] = {}
    for u, text in enumerate(texts):
        parts = split_cache.get(text)
        if parts is None:
            parts = split_sentences(text) or [text]
            split_cache[text] = parts
        for s in parts:
            i = index_of.get(s)
            if i is None:
                i = index_of[s] = len(sentences)
                sentences.append(s)
            sentence_ids.append(i)
            owner.append(u)
    distinct = encoder.encode(sentences) if sentences else np.zeros((0, 1), np.float32)
    vectors = distinct[np.asarray(sentence_ids, dtype=np.int64)] if sentence_ids else distinct
    codes = codebook.codes
    masks = {}
    candidates = np.zeros((len(units), len(codes)), dtype=bool)
    for u, (item, answer) in enumerate(zip(units["item"], units["answer"], strict=True)):
        key = (item, answer)
        if key not in masks:
            allowed = {t.code for t in codebook.candidates(item, answer)}
            masks[key] = np.array([c in allowed for c in codes])
        candidates[u] = masks[key]
    return _Embedded(vectors, np.asarray(owner, dtype=np.int64), candidates, len(units))


def _unit_scores(model: ThemeClassifier, embedded: _Embedded) -> tuple[np.ndarray, np.ndarray]:
    """(best score per unit and theme, whether the theme is some sentence's top candidate)."""
    s = model.sentence_scores(embedded.vectors)
    cand = embedded.candidates[embedded.unit]
    s = np.where(cand, s, -np.inf)
    scores = np.full((embedded.n_units, s.shape[1]), -np.inf)
    np.maximum.at(scores, embedded.unit, s)
    top = np.zeros_like(scores, dtype=bool)
    if len(s):
        best = np.argmax(s, axis=1)
        has = np.isfinite(s[np.arange(len(s)), best])
        top[embedded.unit[has], best[has]] = True
    return scores, top


def _decide(model: ThemeClassifier, scores: np.ndarray, top: np.ndarray) -> np.ndarray:
    thr = model.thresholds
    tuned = ~np.isnan(thr)
    by_threshold = scores >= np.where(tuned, thr, np.inf)
    return np.isfinite(scores) & np.where(tuned, by_threshold, top)


# --- fitting ---------------------------------------------------------------------------------
def _collapse(
    x: np.ndarray, y: np.ndarray, w: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Identical (sentence, labels) rows as one row with summed weight: same fit, less work."""
    rows = np.ascontiguousarray(np.hstack([x, y]).astype(np.float64))
    _, first, inverse = np.unique(
        rows.view(np.dtype((np.void, rows.dtype.itemsize * rows.shape[1]))).ravel(),
        return_index=True,
        return_inverse=True,
    )
    weights = np.bincount(inverse.ravel(), weights=w, minlength=len(first))
    return x[first], y[first], weights


def _fit_weights(
    method: str, x: np.ndarray, y: np.ndarray, sample_weight: np.ndarray
) -> np.ndarray:
    """Centroids (d, T) or logistic weights with intercept (d + 1, T)."""
    x, y, sample_weight = _collapse(x, y, sample_weight)
    n, d = x.shape
    t = y.shape[1]
    if method == "centroid":
        sums = x.T @ (y * sample_weight[:, None])
        norms = np.linalg.norm(sums, axis=0, keepdims=True)
        return sums / np.where(norms == 0, 1.0, norms)
    xb = np.hstack([x, np.ones((n, 1))])
    # Balance each theme's positives and negatives, so rare themes are not drowned.
    pos = (y * sample_weight[:, None]).sum(axis=0)
    neg = ((1 - y) * sample_weight[:, None]).sum(axis=0)
    w_pos = np.where(pos > 0, 0.5 / np.maximum(pos, 1e-12), 0.0)
    w_neg = np.where(neg > 0, 0.5 / np.maximum(neg, 1e-12), 0.0)
    weights = sample_weight[:, None] * np.where(y > 0, w_pos, w_neg)
    penalty = np.ones((d + 1, 1))
    penalty[-1] = 0.0  # no penalty on the intercept

    def loss(flat: np.ndarray) -> tuple[float, np.ndarray]:
        w = flat.reshape(d + 1, t)
        z = xb @ w
        # log(1 + e^z) - y z, stably
        value = (weights * (np.logaddexp(0.0, z) - y * z)).sum() + _L2 * (penalty * w * w).sum()
        p = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
        grad = xb.T @ (weights * (p - y)) + 2 * _L2 * penalty * w
        return float(value), grad.ravel()

    result = minimize(
        loss, np.zeros((d + 1) * t), jac=True, method="L-BFGS-B", options={"maxiter": 300}
    )
    return np.asarray(result.x).reshape(d + 1, t)


def _examples(codebook: Codebook, encoder: Encoder) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The codebook's example sentences, each labelled with its theme."""
    codes = codebook.codes
    texts = [e for t in codebook.themes for e in t.examples]
    labels = [codes.index(t.code) for t in codebook.themes for _ in t.examples]
    x = encoder.encode(texts)
    y = np.zeros((len(texts), len(codes)))
    y[np.arange(len(texts)), labels] = 1.0
    return x, y, np.ones(len(texts))


def _assign(
    scores: np.ndarray, unit: np.ndarray, themes: Sequence[Sequence[int]], n_themes: int
) -> np.ndarray:
    """Label each sentence of a confirmed rationale with one of the rationale's themes.

    Every confirmed theme first gets the sentence that scores highest for it among the
    sentences still free (best pairs first), since each of the rationale's themes must be
    said somewhere; any sentence left over takes the confirmed theme it scores highest for.
    """
    labels = np.zeros((len(unit), n_themes))
    starts = np.r_[0, np.flatnonzero(np.diff(unit)) + 1]
    ends = np.r_[starts[1:], len(unit)]
    for a, b in zip(starts.tolist(), ends.tolist(), strict=True):
        wanted = list(themes[int(unit[a])])
        if not wanted:
            continue
        block = scores[a:b][:, wanted]
        free = set(range(b - a))
        open_themes = set(range(len(wanted)))
        pairs = sorted(
            ((-block[i, j], i, j) for i in range(b - a) for j in range(len(wanted))),
        )
        for _, i, j in pairs:
            if i in free and j in open_themes:
                labels[a + i, wanted[j]] = 1.0
                free.discard(i)
                open_themes.discard(j)
        for i in free:
            labels[a + i, wanted[int(np.argmax(block[i]))]] = 1.0
    return labels


def _fit(
    codebook: Codebook,
    encoder: Encoder,
    method: str,
    confirmed_units: pd.DataFrame | None = None,
    confirmed_themes: Sequence[frozenset[str]] | None = None,
) -> ThemeClassifier:
    """Fit on the examples; then on examples plus confirmed sentences, labelled twice.

    The confirmed sentences are labelled with the examples-only model, the model refitted,
    and the sentences labelled again with it (a second pass corrects sentences the
    examples alone placed under the wrong one of their rationale's themes).
    """
    nan = np.full(len(codebook.codes), np.nan)
    x, y, w = _examples(codebook, encoder)
    model = ThemeClassifier(
        codebook, method, encoder.name, _fit_weights(method, x, y, w), nan, len(x), 0
    )
    if confirmed_units is None or confirmed_themes is None or not len(confirmed_units):
        return model
    codes = codebook.codes
    embedded = _embed_units(confirmed_units, codebook, encoder)
    themes = [[codes.index(c) for c in sorted(t) if c in codes] for t in confirmed_themes]
    for _ in range(_PASSES):
        yc = _assign(model.sentence_scores(embedded.vectors), embedded.unit, themes, len(codes))
        weights = _fit_weights(
            method,
            np.vstack([x, embedded.vectors]),
            np.vstack([y, yc]),
            np.concatenate([w, np.ones(len(yc))]),
        )
        model = ThemeClassifier(
            codebook, method, encoder.name, weights, nan, len(x), len(confirmed_units)
        )
    return model


def _best_threshold(scores: np.ndarray, truth: np.ndarray) -> float:
    """The cut on ``scores`` with the highest F1 for ``truth``.

    The cut is placed halfway between the lowest score it keeps and the next lower score,
    not on the kept score itself: a new rationale scoring a little below every confirmed
    one of its theme should not fall out for that alone. Ties of F1: the higher cut.
    """
    order = np.argsort(-scores, kind="stable")
    s, t = scores[order], truth[order].astype(np.int64)
    tp = np.cumsum(t)
    fp = np.cumsum(1 - t)
    total = t.sum()
    # Only cut between distinct scores.
    last = np.r_[s[1:] != s[:-1], True]
    f1 = np.where(last, 2 * tp / (tp + fp + total), -1.0)
    k = int(np.argmax(f1))
    if k + 1 < len(s) and np.isfinite(s[k + 1]):
        return float((s[k] + s[k + 1]) / 2)
    return float(s[k])


def fit_classifier(
    cases: pd.DataFrame,
    codebook: Codebook,
    *,
    confirmed: pd.DataFrame | None = None,
    encoder: Encoder | None = None,
    method: str = "logistic",
    seed: int = 0,
) -> ThemeClassifier:
    """Fit the classifier on the codebook's examples and the confirmed codes of ``cases``.

    Parameters
    ----------
    cases : pandas.DataFrame
        The case table (``case_id``, item columns and their ``<item>__rationale`` columns).
    codebook : Codebook
    confirmed : pandas.DataFrame, optional
        Confirmed codes (``case_id, item, theme``). A rationale listed there is taken as
        fully coded: its themes are the listed ones. Rationales not listed are not used.
    encoder : Encoder, optional
        The embedding model; the shipped static model by default.
    method : {"logistic", "centroid"}
    seed : int
        Draws the folds the thresholds are tuned on.

    Returns
    -------
    ThemeClassifier
    """
    if method not in METHODS:
        raise InvalidArgument(f"method must be one of {', '.join(METHODS)}; got {method!r}")
    encoder = encoder if encoder is not None else load_encoder()
    if confirmed is None or not len(confirmed):
        return _fit(codebook, encoder, method)
    units, themes = _confirmed_units(cases, codebook, confirmed)
    if not len(units):
        return _fit(codebook, encoder, method)
    codes = codebook.codes
    truth = np.array([[c in t for c in codes] for t in themes], dtype=bool)
    # Out-of-fold scores, folds by case so that one case's rationales stay together.
    case_ids = units["case_id"].unique()
    rng = np.random.default_rng(seed)
    fold_of_case = dict(zip(case_ids, rng.permutation(len(case_ids)) % _FOLDS, strict=True))
    fold = units["case_id"].map(fold_of_case).to_numpy()
    scores = np.full(truth.shape, -np.inf)
    candidates = np.zeros(truth.shape, dtype=bool)
    for k in range(_FOLDS):
        train, test = fold != k, fold == k
        if not test.any():
            continue
        model = _fit(
            codebook, encoder, method, units[train], [themes[i] for i in np.flatnonzero(train)]
        )
        embedded = _embed_units(units[test].reset_index(drop=True), codebook, encoder)
        scores[test], _ = _unit_scores(model, embedded)
        candidates[test] = embedded.candidates
    thresholds = np.full(len(codes), np.nan)
    for j in range(len(codes)):
        eligible = candidates[:, j]
        positives = int(truth[eligible, j].sum())
        if positives >= MIN_TO_TUNE and int(eligible.sum()) - positives >= MIN_TO_TUNE:
            thresholds[j] = _best_threshold(scores[eligible, j], truth[eligible, j])
    final = _fit(codebook, encoder, method, units, themes)
    return ThemeClassifier(
        codebook,
        method,
        final.encoder_name,
        final.weights,
        thresholds,
        final.n_examples,
        final.n_confirmed,
    )


def _confirmed_units(
    cases: pd.DataFrame, codebook: Codebook, confirmed: pd.DataFrame
) -> tuple[pd.DataFrame, list[frozenset[str]]]:
    units = rationale_units(cases, codebook)
    grouped = confirmed.groupby(["case_id", "item"], sort=False)["theme"].agg(frozenset)
    key = pd.MultiIndex.from_arrays([units["case_id"], units["item"]])
    found = key.isin(grouped.index)
    units = units[found].reset_index(drop=True)
    themes = [grouped[(c, i)] for c, i in zip(units["case_id"], units["item"], strict=True)]
    return units, themes


def suggest_codes(
    cases: pd.DataFrame,
    framework: Framework,
    *,
    codebook: Codebook | None = None,
    confirmed: pd.DataFrame | None = None,
    seed: int = 0,
    encoder: Encoder | None = None,
    method: str = "logistic",
    classifier: ThemeClassifier | None = None,
) -> pd.DataFrame:
    """Suggest themes for every rationale of ``cases``; keep the confirmed codes as they are.

    Parameters
    ----------
    cases : pandas.DataFrame
        The case table.
    framework : Framework
    codebook : Codebook, optional
        By default the framework's (:func:`load_codebook`).
    confirmed : pandas.DataFrame, optional
        Codes people have confirmed (``case_id, item, theme``): they train the classifier
        and tune its thresholds, and are returned with ``source = "confirmed"`` in place of
        suggestions for their rationales.
    seed : int
        Folds for threshold tuning; the same inputs and seed give the same codes.
    encoder : Encoder, optional
        The embedding model (default: the shipped static model).
    method : {"logistic", "centroid"}
    classifier : ThemeClassifier, optional
        An already fitted classifier (then ``confirmed`` only marks confirmed rows).

    Returns
    -------
    pandas.DataFrame
        ``case_id, item, theme, score, source``: one row per assigned theme, in case, item
        and codebook order. ``score`` is the rationale's score for the theme (rounded to 4
        places; empty for a confirmed code the model gives no score).

    Raises
    ------
    InvalidArgument
        For an unknown method, or confirmed codes naming an unknown theme.
    """
    codebook = codebook if codebook is not None else load_codebook(framework)
    if confirmed is not None:
        confirmed = _check_confirmed(confirmed, codebook)
    if classifier is None:
        classifier = fit_classifier(
            cases, codebook, confirmed=confirmed, encoder=encoder, method=method, seed=seed
        )
    encoder = encoder if encoder is not None else load_encoder()
    units = rationale_units(cases, codebook)
    codes = codebook.codes
    if len(units):
        embedded = _embed_units(units, codebook, encoder)
        scores, top = _unit_scores(classifier, embedded)
        chosen = _decide(classifier, scores, top)
        u, t = np.nonzero(chosen)
        suggested = pd.DataFrame(
            {
                "case_id": units["case_id"].to_numpy()[u],
                "item": units["item"].to_numpy()[u],
                "theme": np.asarray(codes, dtype=object)[t],
                "score": np.round(scores[u, t], 4),
                "source": "suggested",
                "_unit": u,
                "_theme": t,
            }
        )
    else:
        scores = np.zeros((0, len(codes)))
        suggested = pd.DataFrame(columns=[*CODE_COLUMNS, "_unit", "_theme"])
    if confirmed is None or not len(confirmed):
        return _finish(suggested)
    done = pd.MultiIndex.from_arrays([confirmed["case_id"], confirmed["item"]])
    key = pd.MultiIndex.from_arrays([suggested["case_id"], suggested["item"]])
    suggested = suggested[~key.isin(done)]
    position = {
        (c, i): n for n, (c, i) in enumerate(zip(units["case_id"], units["item"], strict=True))
    }
    rows = []
    for case_id, item, theme in confirmed[["case_id", "item", "theme"]].itertuples(index=False):
        at = position.get((case_id, item), -1)
        j = codes.index(theme)
        score = float(scores[at, j]) if at >= 0 and np.isfinite(scores[at, j]) else np.nan
        rows.append(
            (case_id, item, theme, round(score, 4), "confirmed", at if at >= 0 else 10**12, j)
        )
    kept = pd.DataFrame(rows, columns=[*CODE_COLUMNS, "_unit", "_theme"])
    return _finish(pd.concat([suggested, kept], ignore_index=True))


def _finish(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.sort_values(["_unit", "_theme"], kind="stable")
    out = frame[list(CODE_COLUMNS)].reset_index(drop=True)
    out["score"] = out["score"].astype(float)
    return out


def _check_confirmed(confirmed: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    missing = [c for c in ("case_id", "item", "theme") if c not in confirmed.columns]
    if missing:
        raise InvalidArgument(f"confirmed codes lack the column(s) {', '.join(missing)}")
    unknown = sorted(set(confirmed["theme"].astype(str)) - set(codebook.codes))
    if unknown:
        raise InvalidArgument(
            f"confirmed codes name theme(s) the codebook does not have: {', '.join(unknown)}"
        )
    frame = confirmed[["case_id", "item", "theme"]].astype(str)
    return frame.drop_duplicates().reset_index(drop=True)


def read_codes(path: str, codebook: Codebook) -> pd.DataFrame:
    """Read a codes file (``codes.csv`` or a confirmed/truth file: ``case_id,item,theme``).

    Rows whose ``source`` is ``suggested`` are not confirmations and are left out; every
    other problem (missing file or column, unknown theme or item) raises with its row.
    """
    from ..errors import Problem, UsageError, ValidationError

    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise UsageError(f"no such file: {path}") from None
    missing = [c for c in ("case_id", "item", "theme") if c not in frame.columns]
    if missing:
        raise ValidationError(
            [
                Problem(path, 1, c, None, "missing-column", f"the file has no {c!r} column")
                for c in missing
            ]
        )
    problems = []
    known = set(codebook.codes)
    items = set(codebook.items)
    for row, (item, theme) in enumerate(zip(frame["item"], frame["theme"], strict=True), start=2):
        if theme not in known:
            problems.append(
                Problem(
                    path,
                    row,
                    "theme",
                    theme,
                    "unknown-theme",
                    f"{theme!r} is not a theme of the codebook ({codebook.framework})",
                )
            )
        if item not in items and item != "practice_note":
            problems.append(
                Problem(
                    path,
                    row,
                    "item",
                    item,
                    "unknown-item",
                    f"{item!r} is not an item the codebook codes",
                )
            )
    if problems:
        raise ValidationError(problems)
    if "source" in frame.columns:
        frame = frame[frame["source"] != "suggested"]
    frame = frame[frame["item"] != "practice_note"]
    return frame[["case_id", "item", "theme"]].reset_index(drop=True)
