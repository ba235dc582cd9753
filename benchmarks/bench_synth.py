"""Benchmark: generate (and optionally write) a 1,000,000-case synthetic round.

Run ``python benchmarks/bench_synth.py [N] [--out FILE] [--no-text]``. Reports wall-clock
seconds and the process's peak resident memory (``resource.getrusage``; on Linux
``ru_maxrss`` is in KiB). The requirement (issue #3): a million cases in under a minute on
the 2-core reference machine, streamed in chunks, peak memory a few hundred MB.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

from caseinspect.synth import generate_round, write_round


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / 1024 / 1024


def run(
    n_cases: int = 1_000_000,
    *,
    round_id: str = "2018-19",
    out: str | None = None,
    text: bool = True,
    seed: int = 0,
) -> dict:
    """Generate ``n_cases`` cases (writing them to ``out`` if given); return timings.

    Returns
    -------
    dict
        ``cases``, ``seconds``, ``cases_per_second``, ``peak_rss_mb`` and ``out`` (the file
        written, or ``None`` when the cases were only generated).
    """
    start = time.perf_counter()
    count = 0
    if out is None:
        for chunk in generate_round(round_id, n_cases, seed, text=text):
            count += len(chunk)
    else:
        write_round(round_id, out, n_cases, seed, text=text)
        count = n_cases
    seconds = time.perf_counter() - start
    return {
        "round": round_id,
        "cases": count,
        "text": text,
        "seconds": round(seconds, 2),
        "cases_per_second": round(count / seconds),
        "peak_rss_mb": round(_peak_rss_mb(), 1),
        "out": out,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n_cases", nargs="?", type=int, default=1_000_000)
    parser.add_argument("--round", default="2018-19", choices=["2018-19", "2016-17"])
    parser.add_argument(
        "--out", help="also write the round (.csv or .parquet); 'tmp' = a temporary .parquet"
    )
    parser.add_argument(
        "--no-text", action="store_true", help="leave out rationales and practice notes"
    )
    args = parser.parse_args(argv)
    out = args.out
    with tempfile.TemporaryDirectory() as folder:
        if out == "tmp":
            out = str(Path(folder) / "bench.parquet")
        result = run(args.n_cases, round_id=args.round, out=out, text=not args.no_text)
        for key, value in result.items():
            print(f"{key:>17}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
