"""CLI: the database and the web application — ``import``, ``migrate``, ``createuser``, ``serve``.

Django is imported only when one of these commands runs (through
:func:`caseinspect.web.setup`), so the rest of the CLI starts without it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from ..errors import ExitCode, UsageError, ValidationError

DB_HELP = "Database URL (default: $DATABASE_URL, else sqlite:///caseinspect.sqlite3 here)."
FRAMEWORK_HELP = "Framework name (hmip-2018, qi-2016) or path to a framework YAML file."


def _setup(db_url: str | None, *, debug: bool = False, require_tables: bool = True) -> None:
    from ..web import setup

    setup(db_url, debug=debug)
    if require_tables:
        _require_migrated(db_url)


def _require_migrated(db_url: str | None) -> None:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    name = str(connection.settings_dict["NAME"])
    if (
        connection.vendor == "sqlite"
        and name != ":memory:"
        and not name.startswith("file:")
        and not Path(name).exists()
    ):
        # Connecting would create an empty database file; say what to do instead (#13).
        where = f" --db {db_url}" if db_url else ""
        raise UsageError(
            f"the database ({name}) does not exist yet",
            hint=f"run 'caseinspect migrate{where}' first",
        )
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        where = f" --db {db_url}" if db_url else ""
        raise UsageError(
            f"the database ({connection.settings_dict['NAME']}) is not set up or not up to date",
            hint=f"run 'caseinspect migrate{where}' first",
        )


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--framework", "-f", "framework_name", required=True, help=FRAMEWORK_HELP)
@click.option("--db", "db_url", default=None, help=DB_HELP)
def import_command(file: str, framework_name: str, db_url: str | None) -> int:
    """Import the cases in FILE (CSV, XLSX or Parquet) into the database, all or nothing.

    The file is read and checked against the framework first; if anything is wrong every
    problem is listed (file, row, column, rule) and nothing is written (exit code 1).
    Case ids already stored for the same framework round are refused too.
    """
    from ..cases import read_case_file, validate_cases
    from ..framework import load_framework

    framework = load_framework(framework_name)
    try:
        frame = read_case_file(file)
        problems = validate_cases(frame, framework, source=str(file))
    except ValidationError as exc:
        if exc.exit_code != ExitCode.PROBLEMS:
            raise  # a missing or unreadable file: the command could not be used (exit 2)
        problems = exc.problems
    if problems:
        return _report(problems, file)
    _setup(db_url)
    from ..web.store import import_cases

    try:
        summary = import_cases(frame, framework, source=str(file))
    except ValidationError as exc:
        return _report(exc.problems, file)
    click.echo(str(summary))
    return 0


def _report(problems, file) -> int:
    for problem in problems:
        click.echo(str(problem))
    n = len(problems)
    click.echo(
        f"{n} problem{'s' if n != 1 else ''} found in {file}; nothing was imported.", err=True
    )
    return 1


@click.command("migrate")
@click.option("--db", "db_url", default=None, help=DB_HELP)
def migrate_command(db_url: str | None) -> int:
    """Create or update the database tables (safe to run again)."""
    _setup(db_url, require_tables=False)
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1)
    return 0


@click.command("createuser")
@click.argument("username")
@click.option(
    "--role",
    required=True,
    type=click.Choice(["administrator", "lead_inspector", "inspector", "analyst", "provider_qa"]),
    help="The user's one role.",
)
@click.option("--provider", default=None, help="Provider name (provider_qa users only).")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from standard input instead of prompting.",
)
@click.option("--db", "db_url", default=None, help=DB_HELP)
def createuser_command(
    username: str, role: str, provider: str | None, password_stdin: bool, db_url: str | None
) -> int:
    """Create USERNAME with ROLE. Usernames are pseudonymous staff ids, never personal names.

    The password must pass the strong-password rules (12+ characters, not common, not all
    digits, not like the username).
    """
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    _setup(db_url)
    from ..web.actions.users import create_user

    try:
        create_user(None, username, role, password, provider=provider)
    except ValidationError as exc:
        for problem in exc.problems:
            click.echo(f"{problem.column}: {problem.message}", err=True)
        return 1
    click.echo(f"Created {role} '{username}'" + (f" of {provider}." if provider else "."))
    return 0


@click.command("serve")
@click.option("--db", "db_url", default=None, help=DB_HELP)
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(1, 65535),
    help="Port on 127.0.0.1.",
)
@click.option(
    "--debug",
    is_flag=True,
    help="Show Django's debug pages (development only: they reveal settings and data).",
)
def serve_command(db_url: str | None, port: int, debug: bool = False) -> int:
    """Run the development web server on 127.0.0.1 (for the demo and development only).

    Without --db or DATABASE_URL it serves the demo database that `make demo` leaves
    (demo-output/demo.sqlite3) when there is one, else caseinspect.sqlite3 here. For
    production use gunicorn with the production settings (docs/deployment.md).
    """
    if db_url is None and not os.environ.get("DATABASE_URL"):
        demo = Path("demo-output") / "demo.sqlite3"
        if demo.is_file() and not Path("caseinspect.sqlite3").exists():
            db_url = f"sqlite:///{demo.resolve()}"
            click.echo(
                f"Serving the demo database {demo} (sign in with an account `make demo` printed)."
            )
    os.environ["CASEINSPECT_DEBUG"] = "1" if debug else "0"
    _setup(db_url, debug=debug)
    from django.conf import settings
    from django.core.management import call_command

    click.echo(f"Debug pages are {'ON (--debug)' if settings.DEBUG else 'off'}.")
    call_command("runserver", f"127.0.0.1:{port}", use_reloader=False)
    return 0


COMMANDS = [import_command, migrate_command, createuser_command, serve_command]
