"""Benchmark of the report renderers for one round: what ``tables`` adds after the engine.

The ``tables`` command target (issue #12) is under 1 s for CSV output on a 3,308-case
round; the engine (significance) has its own target in ``bench_stats.py``. This script
times, from a built report, each output separately: ``tables.csv`` + ``models.json`` (the
CSV run), ``tables.xlsx``, ``tables.html`` and ``tables.pdf``, wall-clock and CPU.

Usage::

    python benchmarks/bench_reports.py            # the synthetic 2018-19 round, seed 1
    python benchmarks/bench_reports.py --pdf      # also the PDF (tens of seconds)
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path


def run(pdf: bool = False) -> dict:
    from caseinspect.analysis import build_report
    from caseinspect.framework import load_framework
    from caseinspect.reports import write_csv, write_html, write_pdf, write_xlsx
    from caseinspect.reports._json import write_models_json
    from caseinspect.synth import synth_round

    framework = load_framework("hmip-2018")
    cases = synth_round("2018-19", seed=1, text=False)
    timings: dict[str, dict[str, float]] = {}

    def timed(name: str, work):  # noqa: ANN001, ANN202 - a benchmark helper
        wall, cpu = time.perf_counter(), time.process_time()
        result = work()
        timings[name] = {
            "wall_seconds": round(time.perf_counter() - wall, 3),
            "cpu_seconds": round(time.process_time() - cpu, 3),
        }
        return result

    report = timed("engine (build_report, stepwise)", lambda: build_report(cases, framework))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        timed(
            "csv + models.json",
            lambda: (
                write_csv(report, out / "tables.csv"),
                write_models_json(report, out / "m.json"),
            ),
        )
        timed("xlsx", lambda: write_xlsx(report, out / "tables.xlsx"))
        timed("html (with figures)", lambda: write_html(report, out / "tables.html"))
        if pdf:
            timed("pdf (with figures)", lambda: write_pdf(report, out / "tables.pdf"))
    return {"cases": len(cases), "timings": timings}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pdf", action="store_true", help="also time the PDF")
    args = parser.parse_args()
    print(json.dumps(run(pdf=args.pdf), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
