"""Benchmark: code 10,000 distinct rationales into themes on the CPU, model loaded once.

Run ``python benchmarks/bench_themes.py [N]``. The rationales are N distinct texts of
synthetic 2018-19 rounds (seeds 0, 2, 3), each as its own case, so nothing is coded twice. The
classifier is fitted first (codebook examples plus the confirmed codes of 200 cases of
another seed) and timed apart; the target (issue #11) is on the coding: embedding,
scoring and thresholds for N rationales in under 60 s, the static model loaded once.
"""

from __future__ import annotations

import json
import sys
import time

import pandas as pd

from caseinspect.framework import load_framework
from caseinspect.synth import iter_chunks
from caseinspect.text import fit_classifier, load_codebook, load_encoder, suggest_codes


def _round(seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    chunks = list(iter_chunks("2018-19", None, seed))
    cases = pd.concat([c.cases for c in chunks], ignore_index=True).astype(str)
    truth = pd.concat([c.truth for c in chunks], ignore_index=True).astype(str)
    return cases, truth


def _distinct_rationales(cases: pd.DataFrame, items: tuple[str, ...], n: int) -> pd.DataFrame:
    """N distinct (item, answer, rationale) as one case each."""
    seen: dict[str, tuple[str, str]] = {}
    for item in items:
        column = f"{item}__rationale"
        for answer, text in zip(cases[item], cases[column], strict=True):
            if text and text not in seen:
                seen[text] = (item, answer)
    rows = []
    for k, (text, (item, answer)) in enumerate(list(seen.items())[:n]):
        rows.append({"case_id": f"B{k:06d}", item: answer, f"{item}__rationale": text})
    frame = pd.DataFrame(rows).fillna("")
    if len(frame) < n:
        raise SystemExit(f"only {len(frame)} distinct rationales in the round")
    return frame


def run(n: int = 10_000) -> dict:
    framework = load_framework("hmip-2018")
    codebook = load_codebook(framework)
    # One round holds about 6,600 distinct rationales: pool seeds until there are N.
    pooled = pd.concat([_round(seed)[0] for seed in (0, 2, 3)], ignore_index=True)
    batch = _distinct_rationales(pooled, codebook.items, n)
    train, truth = _round(1)
    confirmed = truth[
        truth["case_id"].isin(train["case_id"].head(200)) & (truth["item"] != "practice_note")
    ]
    started = time.perf_counter()
    encoder = load_encoder()
    load_s = time.perf_counter() - started
    started = time.perf_counter()
    classifier = fit_classifier(train, codebook, confirmed=confirmed, encoder=encoder)
    fit_s = time.perf_counter() - started
    started = time.perf_counter()
    codes = suggest_codes(
        batch, framework, codebook=codebook, classifier=classifier, encoder=encoder
    )
    code_s = time.perf_counter() - started
    return {
        "rationales": len(batch),
        "codes": len(codes),
        "model_load_s": round(load_s, 2),
        "fit_s": round(fit_s, 1),
        "coding_s": round(code_s, 2),
        "rationales_per_s": round(len(batch) / code_s),
        "model": encoder.name,
    }


if __name__ == "__main__":
    print(json.dumps(run(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)))
