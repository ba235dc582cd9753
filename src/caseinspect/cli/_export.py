"""CLI: ``export`` — write cases as CSV, XLSX, Parquet, SPSS .sav or Stata .dta with labels."""

from __future__ import annotations

from pathlib import Path

import click

from ..cases import EXPORT_FORMATS, export_cases, export_variables, load_cases
from ..errors import UsageError
from ..framework import load_framework

FRAMEWORK_HELP = "Framework name (hmip-2018, qi-2016) or path to a framework YAML file."


@click.command("export")
@click.argument("file", type=click.Path(dir_okay=False), required=False)
@click.option("--framework", "-f", "framework_name", required=True, help=FRAMEWORK_HELP)
@click.option(
    "--out",
    "-o",
    "out",
    required=True,
    type=click.Path(dir_okay=False),
    help=f"File to write; its extension picks the format ({', '.join('.' + f for f in EXPORT_FORMATS)}).",
)
@click.option(
    "--db",
    "db_url",
    default=None,
    help="Export the cases stored in this database (URL) instead of FILE.",
)
@click.option(
    "--inspection",
    "inspections",
    multiple=True,
    help="With --db: only this inspection's cases (code; repeat for several).",
)
def export(
    file: str | None,
    framework_name: str,
    out: str,
    db_url: str | None,
    inspections: tuple[str, ...],
) -> int:
    """Write cases to OUT with the framework's variable and value labels.

    The cases come from FILE (CSV, XLSX or Parquet, checked against the framework first:
    any problem is listed and nothing is written) or, with --db, from the database (all
    stored cases of the framework but dropped ones, second markings left out). In .sav and
    .dta files answers are coded 1 = Yes, 0 = No, profile categories 1..k in framework
    order, empty = missing; Stata names longer than 32 characters are shortened and the
    full name starts the variable label.
    """
    framework = load_framework(framework_name)
    if (file is None) == (db_url is None):
        raise UsageError(
            "give either a case FILE or --db URL (not both)",
            hint="caseinspect export cases.csv --framework hmip-2018 --out cases.sav",
        )
    if inspections and db_url is None:
        raise UsageError("--inspection selects stored cases; use it with --db")
    if file is not None and _same_file(file, out):
        raise UsageError(
            f"--out {out} is the input file itself; the export would overwrite it",
            hint="write the export to a new file name",
        )
    if file is not None:
        frame = load_cases(file, framework)
        source = file
    else:
        frame = _stored_cases(db_url, framework.id, inspections)
        source = db_url
    path = export_cases(frame, framework, out)
    variables = export_variables(frame, framework, Path(out).suffix)
    renamed = sum(v.name != v.column for v in variables)
    labelled = sum(v.values is not None for v in variables)
    click.echo(
        f"Wrote {len(frame):,} cases from {source} ({framework.id} {framework.version}) to {path}: "
        f"{len(variables)} variables, {labelled} with value labels"
        + (f", {renamed} renamed to fit the format (full name in the label)" if renamed else "")
        + "."
    )
    return 0


def _same_file(a: str, b: str) -> bool:
    """Whether two paths name the same file (also through links or another spelling)."""
    pa, pb = Path(a), Path(b)
    if pa.exists() and pb.exists():
        return pa.samefile(pb)
    return pa.resolve() == pb.resolve()


def _stored_cases(db_url: str, framework_id: str, inspections: tuple[str, ...]):
    from ._web import _setup

    _setup(db_url)
    from ..web.store import cases_frame

    return cases_frame(framework_id=framework_id, inspection_codes=list(inspections) or None)


COMMANDS = [export]
