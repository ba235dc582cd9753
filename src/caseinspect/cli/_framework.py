"""CLI: ``frameworks`` (list the shipped frameworks) and ``check-framework`` (check a file)."""

from __future__ import annotations

import click

from ..framework import FrameworkError, available_frameworks, load_framework


@click.command("frameworks")
def frameworks() -> int:
    """List the shipped frameworks with their version, items, standards and tables."""
    for name in available_frameworks():
        fw = load_framework(name)
        tables = ", ".join(t.id for t in fw.tables)
        click.echo(
            f"{fw.id:<12} {fw.version:<8} {len(fw.items):>3} items, {len(fw.standards):>2} standards, "
            f"tables {tables or '-'}  {fw.title}"
        )
    return 0


@click.command("check-framework")
@click.argument("file", type=click.Path(dir_okay=False))
def check_framework(file: str) -> int:
    """Check a framework YAML file and list every problem with its line and key.

    Use it when writing a new framework: a file that passes can be used with any
    command's --framework option, with no code change. Exit code 0 when the file is
    valid, 1 when problems were found.
    """
    try:
        fw = load_framework(file)
    except FrameworkError as exc:
        for problem in exc.problems:
            click.echo(str(problem))
        click.echo(
            f"{len(exc.problems)} problem{'s' if len(exc.problems) != 1 else ''} found in {file}.",
            err=True,
        )
        return 1
    click.echo(
        f"{file}: framework {fw.id} {fw.version} is valid: {len(fw.items)} items, {len(fw.profile)} profile "
        f"variables, {len(fw.standards)} standards, {len(fw.tables)} tables; fingerprint {fw.fingerprint[:12]}."
    )
    return 0


COMMANDS = [frameworks, check_framework]
