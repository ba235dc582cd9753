"""CLI: ``bulletin`` (the research bulletin of a round) and its numbers check."""

from __future__ import annotations

from pathlib import Path

import click

from ._web import DB_HELP, FRAMEWORK_HELP

SHORT_HELP = "Write a round's research bulletin (HTML, PDF, DOCX), every number traced to a cell."


@click.command("bulletin")
@click.argument("cases_file", required=False, type=click.Path(dir_okay=False))
@click.option("--framework", "-f", "framework_name", default=None, help=FRAMEWORK_HELP)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Directory to write into.",
)
@click.option(
    "--previous",
    "previous_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="Cases of an earlier round to compare with (needs --previous-framework).",
)
@click.option(
    "--previous-framework",
    "previous_framework_name",
    default=None,
    help="Framework of the --previous round; items are matched through the shipped crosswalk.",
)
@click.option(
    "--title", default=None, help="Title of the bulletin (default: the framework's title)."
)
@click.option(
    "--suppress",
    "suppress_below",
    type=click.IntRange(min=1),
    default=None,
    help="Disclosure control: suppress cells of fewer cases in tables and text alike.",
)
@click.option(
    "--themes",
    "themes_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="Enablers and barriers (CSV: theme, kind, n, quote) to fill that section.",
)
@click.option(
    "--examples",
    "examples_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="Approved, pseudonymised practice examples (CSV: case_id, kind, text).",
)
@click.option(
    "--significance",
    type=click.Choice(("stepwise", "full", "gee", "none")),
    default="stepwise",
    show_default=True,
    help="How sub-group differences are tested (as for the tables command).",
)
@click.option("--db", "db_url", default=None, help=DB_HELP + " Read the round from the database.")
@click.option(
    "--round",
    "round_name",
    default=None,
    help="With --db: the named round to write the bulletin of.",
)
@click.option(
    "--check",
    "check_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Only re-check the bulletin in this folder: every number of the text against its cell.",
)
@click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(("html", "pdf", "docx")),
    help="Documents to write (repeatable; default all three).",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress output.")
def bulletin(
    cases_file,
    framework_name,
    out_dir,
    previous_file,
    previous_framework_name,
    title,
    suppress_below,
    themes_file,
    examples_file,
    significance,
    db_url,
    round_name,
    check_dir,
    formats,
    quiet,
) -> int:
    """Write a round's research bulletin (HTML, PDF, DOCX), every number traced to a cell.

    Reads CASES_FILE (or, with --db and --round, a named round of the web application)
    under --framework and writes to OUT: bulletin.html (one accessible file, figures
    embedded), bulletin.pdf (A4, tagged), bulletin.docx (editable), numbers.csv (every
    number of the text with the table cell it came from), cells.csv and provenance.json.
    The numbers check runs at the end; the exit code is 1 if any number drifted from its
    cell. With --check DIR only the check runs (e.g. after editing bulletin.docx); given
    CASES_FILE and --framework too, the cells are recomputed from the cases.
    """
    from ..errors import UsageError

    if check_dir is not None:
        cells = None
        if cases_file is not None and framework_name is not None:
            # Recompute every cell from the cases rather than trusting DIR/cells.csv.
            from ..cases import load_cases
            from ..framework import load_framework

            framework = load_framework(framework_name)
            cells = _recomputed(load_cases(cases_file, framework), framework, suppress_below)
        return _report_check(Path(check_dir), quiet=quiet, cells=cells)
    if framework_name is None or out_dir is None:
        raise UsageError("bulletin needs --framework and --out (or --check DIR)")
    if (previous_file is None) != (previous_framework_name is None):
        raise UsageError("--previous and --previous-framework go together")
    from ..bulletin import build_bulletin, write_bulletin
    from ..cases import load_cases
    from ..framework import load_framework

    framework = load_framework(framework_name)
    if db_url is not None or round_name is not None:
        if cases_file is not None:
            raise UsageError("give either CASES_FILE or --db with --round, not both")
        if db_url is None or round_name is None:
            raise UsageError("--db and --round go together")
        cases, inspections = _round_cases(db_url, round_name, framework)
    elif cases_file is None:
        raise UsageError("bulletin needs CASES_FILE (or --db URL --round NAME)")
    else:
        cases, inspections = load_cases(cases_file, framework), None
    previous = previous_framework = None
    if previous_file is not None:
        previous_framework = load_framework(previous_framework_name)
        previous = load_cases(previous_file, previous_framework)
    themes = _read_csv(themes_file) if themes_file else None
    examples = _read_csv(examples_file) if examples_file else None
    if not quiet:
        click.echo(
            f"  analysing {len(cases):,} cases ({framework.id} {framework.version})", err=True
        )
    built = build_bulletin(
        cases,
        framework,
        previous=previous,
        previous_framework=previous_framework,
        title=title,
        suppress=suppress_below,
        themes=themes,
        examples=examples,
        significance=significance,
        round_name=round_name,
        inspections=inspections,
    )
    written = write_bulletin(built, out_dir, tuple(formats) or ("html", "pdf", "docx"))
    click.echo(
        f"{len(cases):,} cases, framework {framework.id} {framework.version}; "
        f"{len(built.numbers)} numbers in the text; wrote:"
    )
    for path in written:
        click.echo(f"  {path}")
    if built.withheld:
        click.echo(
            f"  {sum(n for _, n in built.withheld)} sentence(s) left out under disclosure control "
            f"({', '.join(f'{section} {n}' for section, n in built.withheld)}): they quoted a "
            "suppressed value or a number that would reveal one."
        )
    return _report_check(
        Path(out_dir), quiet=quiet, cells=_recomputed(cases, framework, suppress_below)
    )


def _recomputed(cases, framework, suppress_below):
    """A second computation of the cells from the cases, for the check."""
    import pandas as pd

    from ..analysis import compute_tables, suppress
    from ..bulletin._cells import extra_cells
    from ..bulletin._document import suppress_bulletin_cells

    tables = compute_tables(cases, framework)
    extra = extra_cells(cases, framework)
    if suppress_below:
        tables = suppress(tables, suppress_below)
        extra = suppress_bulletin_cells(extra, suppress_below)
    return pd.concat([tables, extra], ignore_index=True)


def _report_check(folder: Path, *, quiet: bool, cells=None) -> int:
    from ..bulletin import check_bulletin

    drifts = check_bulletin(folder, cells=cells)
    for drift in drifts:
        click.echo(str(drift), err=True)
    if drifts:
        click.echo(
            f"numbers check: {len(drifts)} number(s) in {folder} do not match their cells.",
            err=True,
        )
        return 1
    if not quiet:
        click.echo(f"numbers check: every number in the text of {folder} matches its cell.")
    return 0


def _read_csv(path):
    from ..cases import read_case_file

    return read_case_file(Path(path))


def _round_cases(db_url: str, round_name: str, framework):
    """A named round of the web application: its cases and its inspections' fieldwork months.

    Read through :func:`caseinspect.web.store.round_cases`, the one function that turns a
    round into data (the latest inspection of an area counts), as the web page does.
    """
    import pandas as pd

    from ..errors import UsageError
    from ._web import _setup

    _setup(db_url)
    from ..web.models import Inspection
    from ..web.store import round_cases

    found = round_cases(round_name)
    if found.framework_id != framework.id:
        raise UsageError(
            f"round {round_name!r} is under {found.framework_id}, not {framework.id}",
            hint=f"use --framework {found.framework_id}",
        )
    inspections = Inspection.objects.filter(code__in=found.inspections)
    fieldwork = pd.DataFrame(
        {
            "inspection_id": [i.code for i in inspections],
            "fieldwork": [
                f"{i.fieldwork_start:%B %Y}" if i.fieldwork_start else "not recorded"
                for i in inspections
            ],
        }
    )
    return found.frame, fieldwork


COMMANDS = [bulletin]
