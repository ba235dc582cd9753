"""CLI: ``tables`` (annex tables from case data) and ``check-tables``."""

from __future__ import annotations

import os
from pathlib import Path

import click

from ..analysis import SIGNIFICANCE_METHODS, build_report
from ..analysis._significance import FDR_FAMILIES
from ..cases import load_cases
from ..framework import load_framework
from ..reports import FORMATS, write_report
from ._cases import FRAMEWORK_HELP


@click.command("tables")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--framework", "-f", "framework_name", required=True, help=FRAMEWORK_HELP)
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False),
    help="Directory to write into.",
)
@click.option(
    "--significance",
    type=click.Choice(SIGNIFICANCE_METHODS),
    default="stepwise",
    show_default=True,
    help="How sub-group differences are tested: the bulletins' forward stepwise logistic regression, "
    "a full model, a provider-clustered GEE model, or none.",
)
@click.option(
    "--fdr",
    is_flag=True,
    help="Shade on Benjamini-Hochberg adjusted p-values (within each --fdr-family).",
)
@click.option(
    "--fdr-family",
    type=click.Choice(FDR_FAMILIES),
    default="table",
    show_default=True,
    help="With --fdr: the tests adjusted together: every test of one table, of one table "
    "column, or of the whole report.",
)
@click.option(
    "--alpha",
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    default=0.05,
    show_default=True,
    help="Level for the full and gee models and for --fdr.",
)
@click.option(
    "--pin", type=float, default=0.05, show_default=True, help="Stepwise entry threshold."
)
@click.option(
    "--pout", type=float, default=0.10, show_default=True, help="Stepwise removal threshold."
)
@click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(FORMATS),
    help="Output formats (repeatable; default csv, xlsx and html).",
)
@click.option(
    "--suppress",
    "suppress_below",
    type=click.IntRange(min=1),
    default=None,
    help="Statistical disclosure control: suppress cells with fewer than this many applicable "
    "cases (and, secondarily, cells that would reveal them); drops the model appendix.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1, max=2),
    default=None,
    help="Processes fitting the models: 2 shares them with a second process while the "
    "tables are counted (default where the machine has two cores or more), 1 keeps them "
    "in one. The models are the same either way.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress output.")
def tables(
    file,
    framework_name,
    out_dir,
    significance,
    fdr,
    fdr_family,
    alpha,
    pin,
    pout,
    formats,
    suppress_below,
    jobs,
    quiet,
) -> int:
    """Compute the framework's annex tables from the cases in FILE.

    Writes OUT/tables.csv in the tidy layout of the published annex CSVs
    (table, question, provider_split, variable, category, n, pct, then yes, ci_low,
    ci_high, significant, p, p_adjusted, test, df), models.json (every model behind the
    shading), tables.xlsx and tables.html laid out as the printed annexes, and
    provenance.json (software and framework versions, data fingerprint, settings). The
    file is validated first; an invalid file writes nothing.
    """
    framework = load_framework(framework_name)
    cases = load_cases(file, framework)

    def progress(done: int, total: int, label: str) -> None:
        if not quiet and (done == total or done % 10 == 0):
            click.echo(f"  models {done}/{total}: {label}", err=True)

    report = build_report(
        cases,
        framework,
        significance=significance,
        fdr=fdr,
        fdr_family=fdr_family,
        alpha=alpha,
        pin=pin,
        pout=pout,
        progress=progress,
        workers=jobs or _cores(),
    )
    if suppress_below:
        from ..analysis import suppress_report

        report = suppress_report(report, suppress_below)
    written = write_report(report, out_dir, tuple(formats) or ("csv", "xlsx", "html"))
    if report.shading is not None:
        click.echo(report.shading.description)
    click.echo(f"{len(cases)} cases, framework {framework.id} {framework.version}; wrote:")
    for kind, path in written.items():
        click.echo(f"  {kind:<10} {Path(path)}")
    return 0


def _cores() -> int:
    """Cores this process may run on (two at most: one child shares the fits)."""
    try:
        available = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        available = os.cpu_count() or 1
    return max(1, min(2, available))


@click.command("check-tables")
@click.argument("file", type=click.Path(dir_okay=False))
def check_tables_command(file: str) -> int:
    """Report arithmetic inconsistencies in a tables CSV of the tidy layout.

    Finds 'All' cells that differ from CRC + NPS, sub-group n's above the total,
    breakdowns adding up to more than the total, and impossible values. Exit code 0 when
    consistent, 1 when inconsistencies were found.
    """
    from ..analysis import check_tables, read_tables_csv

    found = check_tables(read_tables_csv(file), source=file)
    for inconsistency in found:
        click.echo(str(inconsistency))
    if found:
        click.echo(
            f"{len(found)} inconsistenc{'ies' if len(found) != 1 else 'y'} found in {file}.",
            err=True,
        )
        return 1
    click.echo(f"{file}: no inconsistencies found.")
    return 0


COMMANDS = [tables, check_tables_command]
