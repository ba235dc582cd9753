"""The ``caseinspect`` command line: a thin layer over the domain packages.

Each command parses its options, calls one domain function, prints, and returns an exit
code. Errors become exit codes here, in one place (as pip's ``base_command.main`` does),
from the one map in :class:`caseinspect.errors.ExitCode`:

==  ==================================================================================
0   success
1   the input was read and has problems (e.g. ``validate`` on a bad file)
2   the command could not be used: missing file, unknown framework, bad option, missing
    optional extra, an output that cannot be written
3   an unexpected internal error, reported in one line (``--debug`` shows the traceback)
130 interrupted
==  ==================================================================================

Commands are loaded lazily: ``caseinspect --help`` reads the table below and imports no
command module, and ``caseinspect validate`` imports only what ``validate`` uses.
"""

from __future__ import annotations

import importlib
import sys
import traceback
from typing import Any

import click

from .. import __version__
from ..errors import CaseinspectError, ExitCode

__all__ = ["COMMANDS", "cli", "main"]

#: Every command: name → (module in this package, attribute, one-line help for ``--help``).
#: ``tests/cli/test_commands.py`` checks that each line matches the command's own help.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "frameworks": (
        "_framework",
        "frameworks",
        "List the shipped frameworks with their version, items, standards and tables.",
    ),
    "check-framework": (
        "_framework",
        "check_framework",
        "Check a framework YAML file and list every problem with its line and key.",
    ),
    "validate": (
        "_cases",
        "validate",
        "Check FILE (CSV, XLSX or Parquet) against a framework and list every problem.",
    ),
    "import": (
        "_web",
        "import_command",
        "Import the cases in FILE (CSV, XLSX or Parquet) into the database, all or nothing.",
    ),
    "tables": ("_tables", "tables", "Compute the framework's annex tables from the cases in FILE."),
    "bulletin": (
        "_bulletin",
        "bulletin",
        "Write a round's research bulletin (HTML, PDF, DOCX), every number traced to a cell.",
    ),
    "practice": (
        "_practice",
        "practice",
        "Pseudonymise the practice examples in FILE and publish the reviewed ones.",
    ),
    "check-tables": (
        "_tables",
        "check_tables_command",
        "Report arithmetic inconsistencies in a tables CSV of the tidy layout.",
    ),
    "export": (
        "_export",
        "export",
        "Write cases to OUT with the framework's variable and value labels.",
    ),
    "regress": (
        "_stats",
        "regress",
        "Binary logistic regression of OUTCOME on TERMS for the cases in FILE.",
    ),
    "sample-size": (
        "_sampling",
        "sample_size",
        "Cases to sample from N eligible cases to estimate a proportion.",
    ),
    "draw": (
        "_sampling",
        "draw",
        "Screen an eligible-case list and draw a stratified case sample with a reserve list.",
    ),
    "ratings": (
        "_ratings",
        "ratings",
        "Rate each provider per standard and overall from a case file.",
    ),
    "ogrs3": (
        "_ogrs",
        "ogrs3",
        "Likelihood of proven reoffending (OGRS3) within one and two years, and its band.",
    ),
    "agreement": (
        "_agreement",
        "agreement",
        "Agreement between first and second marking of the same cases.",
    ),
    "synth": (
        "_synth",
        "synth",
        "Write a synthetic round whose annex tables match the published ones.",
    ),
    "themes": (
        "_themes",
        "themes",
        "Suggest the themes of the rationales in FILE, and count and quote them.",
    ),
    "migrate": (
        "_web",
        "migrate_command",
        "Create or update the database tables (safe to run again).",
    ),
    "createuser": ("_web", "createuser_command", "Create USERNAME with ROLE."),
    "serve": (
        "_web",
        "serve_command",
        "Run the development web server on 127.0.0.1 (for the demo and development only).",
    ),
}

_DEBUG = False


class _LazyGroup(click.Group):
    """A group whose commands are imported only when run (or asked for their own help)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        module = importlib.import_module(f"{__name__}.{entry[0]}")
        command: click.Command = getattr(module, entry[1])
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(
    cls=_LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="caseinspect")
@click.option("--debug", is_flag=True, help="Show the full traceback of an internal error.")
def cli(debug: bool) -> None:
    """Inspect the quality of probation casework and publish what the inspection finds.

    Run ``caseinspect COMMAND --help`` for each command's options. Exit codes: 0 success,
    1 the input has problems, 2 the command could not be used, 3 internal error,
    130 interrupted.
    """
    global _DEBUG
    _DEBUG = debug


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit code rather than raising ``SystemExit``."""
    global _DEBUG
    _DEBUG = False
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        result: Any = cli.main(args=args, prog_name="caseinspect", standalone_mode=False)
    except CaseinspectError as exc:
        click.echo(f"Error: {exc}", err=True)
        if exc.hint:
            click.echo(f"Hint: {exc.hint}", err=True)
        return int(exc.exit_code)
    except (click.exceptions.Abort, KeyboardInterrupt):
        click.echo("Interrupted.", err=True)
        return ExitCode.INTERRUPTED
    except click.ClickException as exc:
        exc.show()
        return ExitCode.UNUSABLE
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except OSError as exc:
        # Disk full, no permission, a folder where a file should be: the command could not
        # be carried out as asked; name the path.
        where = f": {exc.filename}" if exc.filename else ""
        click.echo(f"Error: {exc.strerror or exc}{where}", err=True)
        return ExitCode.UNUSABLE
    except Exception as exc:  # noqa: BLE001 - the one place where a bug becomes exit code 3
        if _DEBUG or "--debug" in args:
            traceback.print_exc()
        click.echo(
            f"Internal error: {type(exc).__name__}: {exc}"
            + ("" if _DEBUG or "--debug" in args else " (run with --debug for the traceback)"),
            err=True,
        )
        return ExitCode.INTERNAL
    if isinstance(result, int):
        return result
    return ExitCode.SUCCESS


def _entry() -> None:  # pragma: no cover - console script
    code = main()
    # The interpreter's last garbage collection walks every object a command left behind
    # (a tenth of a second after ``tables``, issue #12) only to free memory the process is
    # about to return anyway: freeze them out of it. Outputs are all closed by now (each is
    # written atomically), and exit handlers still run.
    import gc

    gc.freeze()
    sys.exit(code)
