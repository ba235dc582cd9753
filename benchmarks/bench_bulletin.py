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
    wall, cpu = time.perf_counter(), time.process_time()
    built = build_bulletin(cases, framework)
    timings["build_s"] = time.perf_counter() - wall
    step = time.perf_counter()
    html = render_html(built)
    timings["html_s"] = time.perf_counter() - step
    step = time.perf_counter()
    render_pdf(built, html)
    timings["pdf_s"] = time.perf_counter() - step
    step = time.perf_counter()
    render_docx(built)
    timings["docx_s"] = time.perf_counter() - step
    # The separate renders above say where the time goes; what the command does is this:
    # write_bulletin (HTML, PDF, DOCX, numbers.csv, provenance) and the check.
    with tempfile.TemporaryDirectory() as folder:
        step = time.perf_counter()
        write_bulletin(built, folder)
        drifts = check_bulletin(folder)
        timings["write_and_check_s"] = time.perf_counter() - step
    return {
        "cases": len(cases),
        "numbers": len(built.numbers),
        "drifts": len(drifts),
        **{k: round(v, 2) for k, v in timings.items()},
        "seconds": round(timings["build_s"] + timings["write_and_check_s"], 2),
        # CPU time of the whole run, the separate renders included (they run twice).
        "cpu_seconds_all_steps": round(time.process_time() - cpu, 2),
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
