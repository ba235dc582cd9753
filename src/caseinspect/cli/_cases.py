"""CLI: ``validate`` — check a case file against a framework."""

from __future__ import annotations

import json

import click

from ..cases import read_case_file, validate_cases
from ..errors import ValidationError
from ..framework import load_framework

FRAMEWORK_HELP = "Framework name (hmip-2018, qi-2016) or path to a framework YAML file."


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
def validate(file: str, framework_name: str, output_format: str) -> int:
    """Check FILE (CSV, XLSX or Parquet) against a framework and list every problem.

    Each problem names the file, row (as a spreadsheet shows it), column, value and the
    rule broken. Exit code 0 when the file is valid, 1 when problems were found, 2 when
    the file or framework cannot be read at all.
    """
    framework = load_framework(framework_name)
    try:
        frame = read_case_file(file)
        problems = validate_cases(frame, framework, source=file)
    except ValidationError as exc:
        problems = exc.problems
        frame = None
    if output_format == "json":
        click.echo(
            json.dumps(
                {
                    "file": file,
                    "framework": framework.id,
                    "valid": not problems,
                    "cases": 0 if frame is None else len(frame),
                    "problems": [p.as_dict() for p in problems],
                },
                indent=2,
            )
        )
    elif problems:
        for problem in problems:
            click.echo(str(problem))
        click.echo(
            f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found in {file}.", err=True
        )
    else:
        click.echo(f"{file}: {len(frame)} cases, valid against {framework.id} {framework.version}.")
    return 1 if problems else 0


COMMANDS = [validate]
