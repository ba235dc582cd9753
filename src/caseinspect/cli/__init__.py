"""The ``caseinspect`` command line: a thin layer over the domain packages.

Each command parses its options, calls one domain function, prints, and returns an exit
code. Errors raised on purpose (:class:`caseinspect.errors.CaseinspectError`) become a
message on stderr and exit code 2 here, in one place; anything else is a bug and keeps
its traceback.

Exit codes: 0 success, 1 the command ran but found problems (e.g. ``validate`` on a bad
file, ``check-tables`` finding inconsistencies), 2 bad input or usage.
"""

from __future__ import annotations

import importlib
import sys

import click

from .. import __version__
from ..errors import CaseinspectError

__all__ = ["main", "cli"]

# Command modules, one per area; each exposes ``COMMANDS``, a list of click commands.
_COMMAND_MODULES = (
    "_framework",
    "_cases",
    "_tables",
    "_synth",
    "_stats",
    "_sampling",
    "_ratings",
    "_ogrs",
    "_agreement",
    "_web",
    "_export",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="caseinspect")
def cli() -> None:
    """Inspect the quality of probation casework and publish what the inspection finds.

    Run ``caseinspect COMMAND --help`` for each command's options.
    """


for _name in _COMMAND_MODULES:
    _module = importlib.import_module(f"{__name__}.{_name}")
    for _command in getattr(_module, "COMMANDS", []):
        cli.add_command(_command)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit code rather than raising ``SystemExit``."""
    try:
        result = cli.main(args=argv, prog_name="caseinspect", standalone_mode=False)
    except CaseinspectError as exc:
        click.echo(f"Error: {exc}", err=True)
        if exc.hint:
            click.echo(f"Hint: {exc.hint}", err=True)
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return 130
    except click.ClickException as exc:
        exc.show()
        return 2
    except click.exceptions.Exit as exc:
        return exc.exit_code
    if isinstance(result, int):
        return result
    return 0


def _entry() -> None:  # pragma: no cover - console script
    sys.exit(main())
