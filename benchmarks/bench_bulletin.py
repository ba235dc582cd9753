"""Benchmark of the whole bulletin for one round: analysis, HTML, PDF and DOCX.

Target (issue #10): the bulletin of a 3,308-case round (the 2018-19 round's size), HTML +
PDF + DOCX with the numbers check, in under 10 s. The time runs from the validated case
table to the checked files on disk: the analysis with stepwise significance, the
bulletin's own cells, the templates, the figures, the three documents, numbers.csv and
the check. Wall-clock and CPU time are both reported: on a shared machine the CPU time
says what the work costs, the wall-clock time what a user waits.

Usage::

    python benchmarks/bench_bulletin.py            # the synthetic 2018-19 round
    python benchmarks/bench_bulletin.py --file cases.csv --framework hmip-2018
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path


def run(cases=None, framework_name: str = "hmip-2018") -> dict:
    from caseinspect.bulletin import build_bulletin, check_bulletin
    from caseinspect.bulletin._docx import render_docx
    from caseinspect.bulletin._html import render_html, render_pdf
    from caseinspect.bulletin._write import write_bulletin
    from caseinspect.framework import load_framework

    framework = load_framework(framework_name)
    if cases is None:
        from caseinspect.synth import synth_round

        cases = synth_round("2018-19", seed=1, text=False)
    # Warm the heavy imports (statsmodels, matplotlib, WeasyPrint, python-docx) once: a
    # long-running service or a second run pays them once, and they are not the bulletin.
    import docx  # noqa: F401
    import matplotlib  # noqa: F401
    import weasyprint  # noqa: F401

    import caseinspect.stats  # noqa: F401

    timings: dict[str, float] = {}
    cpu: dict[str, float] = {}

    def timed(name: str, work):  # noqa: ANN001, ANN202 - a benchmark helper
        wall, started = time.perf_counter(), time.process_time()
        result = work()
        timings[f"{name}_s"] = time.perf_counter() - wall
        cpu[f"{name}_cpu_s"] = time.process_time() - started
        return result

    built = timed("build", lambda: build_bulletin(cases, framework))
    html = timed("html", lambda: render_html(built))
    timed("pdf", lambda: render_pdf(built, html))
    timed("docx", lambda: render_docx(built))
    # The separate renders above say where the time goes; what the command does is this:
    # write_bulletin (HTML, PDF, DOCX, numbers.csv, provenance) and the check.
    with tempfile.TemporaryDirectory() as folder:
        drifts = timed(
            "write_and_check", lambda: (write_bulletin(built, folder), check_bulletin(folder))[1]
        )
    return {
        "cases": len(cases),
        "numbers": len(built.numbers),
        "drifts": len(drifts),
        **{k: round(v, 2) for k, v in timings.items()},
        **{k: round(v, 2) for k, v in cpu.items()},
        # What a user of `caseinspect bulletin` waits for (imports aside): build + write + check.
        "seconds": round(timings["build_s"] + timings["write_and_check_s"], 2),
        # The same in CPU time: what it costs on an idle machine (single-threaded work).
        "cpu_seconds": round(cpu["build_cpu_s"] + cpu["write_and_check_cpu_s"], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=None)
    parser.add_argument("--framework", default="hmip-2018")
    args = parser.parse_args()
    cases = None
    if args.file:
        from caseinspect.cases import load_cases
        from caseinspect.framework import load_framework

        cases = load_cases(args.file, load_framework(args.framework))
    print(json.dumps(run(cases, args.framework)))


if __name__ == "__main__":
    main()
