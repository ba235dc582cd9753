"""CLI command: ``agreement``.

See the package docstring for conventions: each command parses its options, calls one
domain function, prints, and returns an exit code.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from ._common import (
    _load_cases,
    _load_framework,
    _num,
    _pct,
    _write_csv,
)

# --- agreement ------------------------------------------------------------------------------


@click.command("agreement")
@click.argument("first", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("second", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--framework",
    "framework_name",
    required=True,
    help="Framework name or YAML path; its items are compared.",
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print the per-item and overall statistics as JSON."
)
@click.option(
    "--discrepancies",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the discrepant answers (case_id, item, first, second) to this CSV for "
    "a moderation meeting.",
)
def agreement(
    first: Path, second: Path, framework_name: str, as_json: bool, discrepancies: Path | None
) -> int:
    """Agreement between first and second marking of the same cases.

    FIRST and SECOND are case files in the interchange format; cases are matched on
    case_id. Per item and pooled over items: cases both markers answered (n), percent
    agreement, Cohen's kappa and Gwet's AC1 (kappa misleads when most answers are
    'yes'; AC1 does not). Kappa is null where undefined (one category only).
    """
    from ..agreement import second_marking_agreement

    fw = _load_framework(framework_name)
    result = second_marking_agreement(
        _load_cases(first, fw),
        _load_cases(second, fw),
        fw.item_codes,
        profile_columns=fw.profile_columns,
        first_source=str(first),
        second_source=str(second),
    )
    if discrepancies is not None:
        _write_csv(result.discrepancies, discrepancies)
    if as_json:
        click.echo(json.dumps(result.as_dict()))
        return 0
    click.echo(f"{result.cases_compared} cases compared.")
    click.echo(f"{'item':<40} {'n':>5} {'agree':>7} {'kappa':>7} {'AC1':>7}")
    rows = [*result.items.items(), ("overall (pooled)", result.overall)]
    for name, stats in rows:
        c = stats.coefficients
        click.echo(
            f"{name:<40} {c.n:>5} {_pct(c.agreement):>7} {_num(c.kappa):>7} {_num(c.ac1):>7}"
        )
    for note in result.notes:
        click.echo(f"Note: {note}")
    where = f"; written to {discrepancies}" if discrepancies else ""
    click.echo(f"{len(result.discrepancies)} discrepant answer(s){where}.")
    return 0


COMMANDS = [agreement]
