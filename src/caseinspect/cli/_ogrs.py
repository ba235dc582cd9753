"""CLI command: ``ogrs3``.

See the package docstring for conventions: each command parses its options, calls one
domain function, prints, and returns an exit code.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..errors import UsageError
from ._common import (
    _DATE,
    _read_table,
    _write_csv,
)

# --- ogrs3 ----------------------------------------------------------------------------------


@click.command("ogrs3")
@click.option("--sex", help="male or female.")
@click.option("--birth-date", type=_DATE, help="Date of birth (YYYY-MM-DD).")
@click.option("--conviction-date", type=_DATE, help="Date of the current conviction (YYYY-MM-DD).")
@click.option(
    "--first-sanction-date",
    type=_DATE,
    help="Date of the first sanction: conviction, caution, reprimand or final warning "
    "(YYYY-MM-DD).",
)
@click.option(
    "--assessment-date",
    type=_DATE,
    help="Date of the assessment (start of follow-up); the age band is taken here.",
)
@click.option(
    "--previous-sanctions",
    type=int,
    help="Number of sanctions before the current conviction (total sanctions minus one).",
)
@click.option(
    "--offence",
    help="Offence category of the current conviction, e.g. violence, "
    "soliciting, fraud-forgery, other (see docs/ogrs3.md).",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help='Print {"one_year": ..., "two_year": ..., "band": ...} (fractions, 4 dp).',
)
@click.option(
    "--batch",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Score every row of a CSV with columns sex, birth_date, conviction_date, "
    "first_sanction_date, assessment_date, previous_sanctions, offence.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="With --batch: the CSV to write (input columns plus one_year, two_year, band).",
)
def ogrs3(
    sex,
    birth_date,
    conviction_date,
    first_sanction_date,
    assessment_date,
    previous_sanctions,
    offence,
    as_json,
    batch,
    out,
) -> int:
    """Likelihood of proven reoffending (OGRS3) within one and two years, and its band.

    Bands on the two-year probability: under 50% low, 50–74% medium, 75–89% high,
    90% and over very high. Ages are in completed years; the age band is taken at the
    assessment date. Invalid input (dates out of order, first sanction under age 10,
    unknown offence, negative count) is an error (exit 2).
    """
    from ..ogrs import Ogrs3Input, score_table
    from ..ogrs import ogrs3 as score

    single = {
        "--sex": sex,
        "--birth-date": birth_date,
        "--conviction-date": conviction_date,
        "--first-sanction-date": first_sanction_date,
        "--assessment-date": assessment_date,
        "--previous-sanctions": previous_sanctions,
        "--offence": offence,
    }
    if batch is not None:
        given = [name for name, value in single.items() if value is not None]
        if given:
            raise UsageError(f"--batch reads everything from the file; drop {', '.join(given)}.")
        if out is None:
            raise UsageError("--batch needs --out for the results file.")
        result = score_table(_read_table(batch), source=str(batch))
        _write_csv(result, out)
        click.echo(f"Scored {len(result)} rows; wrote {out}.")
        return 0
    if out is not None:
        raise UsageError("--out is only used with --batch.")
    missing = [name for name, value in single.items() if value is None]
    if missing:
        raise UsageError(
            f"missing {', '.join(missing)}.",
            hint="give every option for one person, or --batch IN.csv --out OUT.csv",
        )
    values = Ogrs3Input(
        sex=sex.strip().lower(),
        birth_date=birth_date.date(),
        conviction_date=conviction_date.date(),
        first_sanction_date=first_sanction_date.date(),
        assessment_date=assessment_date.date(),
        previous_sanctions=previous_sanctions,
        offence=offence.strip().lower(),
    )
    result = score(values)
    if as_json:
        click.echo(json.dumps(result.as_dict()))
        return 0
    click.echo(
        f"OGRS3: {result.one_year:.0%} within one year, {result.two_year:.0%} within two "
        f"years — {result.band} likelihood of reoffending."
    )
    click.echo(
        f"  Age {result.age_at_assessment} at assessment (band {result.age_band}), "
        f"{result.age_at_conviction} at conviction, {result.age_at_first_sanction} at first "
        f"sanction; {values.previous_sanctions} previous sanction(s); offence {values.offence}."
    )
    return 0


COMMANDS = [ogrs3]
