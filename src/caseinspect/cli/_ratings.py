"""CLI command: ``ratings``.

See the package docstring for conventions: each command parses its options, calls one
domain function, prints, and returns an exit code.
"""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import UsageError
from ._common import (
    _load_cases,
    _load_framework,
    _read_table,
)

# --- ratings --------------------------------------------------------------------------------


@click.command("ratings")
@click.argument("cases", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--framework",
    "framework_name",
    required=True,
    help="Framework name (e.g. hmip-2018) or YAML path; its ratings: block gives the "
    "thresholds, scores and overall bands.",
)
@click.option(
    "--domain-one",
    "judgements",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="CSV of inspectors' judgements of the judgement-based standards (domain one, "
    "and domain three): provider, standard, rating, reasons (reasons required).",
)
@click.option(
    "--overrides",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="CSV of ratings panel overrides: provider, standard, rating, reason (reason required).",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Directory for key_questions.csv, ratings.csv, overall.csv and ratings.png.",
)
def ratings(
    cases: Path, framework_name: str, judgements: Path | None, overrides: Path | None, out_dir: Path
) -> int:
    """Rate each provider per standard and overall from a case file.

    Case-based standards take the level of their lowest key question (% of applicable
    cases judged sufficient); judgement-based standards come from --domain-one; a panel
    override replaces any rating and is shown as such. A standard without a rating is
    'not rated' and the provider's overall rating is then withheld.
    """
    from ..ratings import rate_providers, write_ratings

    fw = _load_framework(framework_name)
    if fw.ratings is None:
        raise UsageError(f"framework '{fw.id}' has no ratings rules (no ratings: block).")
    case_table = _load_cases(cases, fw)
    judgement_table = _read_table(judgements) if judgements else None
    override_table = _read_table(overrides) if overrides else None
    result = rate_providers(
        case_table,
        fw,
        judgement_table,
        override_table,
        sources=(str(cases), str(judgements), str(overrides)),
    )
    write_ratings(result, fw, out_dir)
    click.echo(result.overall.to_string(index=False, na_rep="-"))
    for note in result.notes:
        click.echo(f"Note: {note}")
    click.echo(f"Wrote key_questions.csv, ratings.csv, overall.csv and ratings.png to {out_dir}.")
    return 0


COMMANDS = [ratings]
