"""CLI: ``validate`` — check a case file against a framework."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pandas as pd

from ..cases import read_case_file, read_notes, validate_cases
from ..errors import ExitCode, Problem, ValidationError
from ..framework import load_framework
from ..outputs import write_csv

FRAMEWORK_HELP = "Framework name (hmip-2018, qi-2016) or path to a framework YAML file."

#: Problems printed to the terminal; ``--problems FILE`` always has every one.
PRINTED_PROBLEMS = 200

PROBLEM_COLUMNS = ("file", "row", "column", "value", "rule", "message")


@click.command("validate")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--framework", "-f", "framework_name", required=True, help=FRAMEWORK_HELP)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="How to print the problems found.",
)
@click.option(
    "--sheet",
    default=None,
    help="For a workbook with several visible sheets: the sheet that holds the cases.",
)
@click.option(
    "--problems",
    "problems_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write every problem to this CSV file (file,row,column,value,rule,message).",
)
def validate(
    file: str,
    framework_name: str,
    output_format: str,
    sheet: str | None,
    problems_file: Path | None,
) -> int:
    """Check FILE (CSV, XLSX or Parquet) against a framework and list every problem.

    Each problem names the file, row (as a spreadsheet shows it), column, value and the
    rule broken. At most 200 are printed (the count says how many there are in all);
    --problems FILE writes every one. Exit code 0 when the file is valid, 1 when problems
    were found, 2 when the file or framework cannot be read at all.
    """
    framework = load_framework(framework_name)
    frame = None
    code: int = ExitCode.SUCCESS
    try:
        frame = read_case_file(file, sheet=sheet)
        problems = validate_cases(frame, framework, source=file)
    except ValidationError as exc:
        problems = exc.problems
        code = int(exc.exit_code)
    notes = read_notes(frame) if frame is not None else []
    if problems and code == ExitCode.SUCCESS:
        code = ExitCode.PROBLEMS
    if problems_file is not None:
        write_csv(_problem_table(problems + notes), problems_file)
    if output_format == "json":
        click.echo(
            json.dumps(
                {
                    "file": file,
                    "framework": framework.id,
                    "sheet": None if frame is None else frame.attrs.get("sheet"),
                    "valid": not problems,
                    "cases": 0 if frame is None else len(frame),
                    "problems": [p.as_dict() for p in problems],
                    "warnings": [p.as_dict() for p in notes],
                },
                indent=2,
            )
        )
        return code
    if frame is not None and frame.attrs.get("sheet"):
        click.echo(f"Read sheet '{frame.attrs['sheet']}' of {file}.", err=True)
    for note in notes:
        click.echo(f"Warning: {note}", err=True)
    if problems:
        for problem in problems[:PRINTED_PROBLEMS]:
            click.echo(str(problem))
        n = len(problems)
        summary = f"{n:,} problem{'s' if n != 1 else ''} found in {file}"
        if n > PRINTED_PROBLEMS:
            where = (
                f"all of them are in {problems_file}"
                if problems_file is not None
                else "write them all with --problems FILE"
            )
            summary += f"; the first {PRINTED_PROBLEMS} are printed above, {where}"
        elif problems_file is not None:
            summary += f"; written to {problems_file}"
        click.echo(summary + ".", err=True)
    else:
        assert frame is not None  # noqa: S101 - no problem means the file was read
        click.echo(f"{file}: {len(frame)} cases, valid against {framework.id} {framework.version}.")
    return code


def _problem_table(problems: list[Problem]) -> pd.DataFrame:
    return pd.DataFrame(
        [{k: ("" if v is None else v) for k, v in p.as_dict().items()} for p in problems],
        columns=list(PROBLEM_COLUMNS),
        dtype=object,
    )


COMMANDS = [validate]
