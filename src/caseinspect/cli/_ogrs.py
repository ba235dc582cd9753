"""CLI command: ``ogrs3``.

See the package docstring for conventions: each command parses its options, calls one
domain function, prints, and returns an exit code.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from pathlib import Path

import click
import pandas as pd

from ..errors import ExitCode, UsageError, ValidationError
from ._common import (
    _read_table,
    _write_csv,
)

# --- ogrs3 ----------------------------------------------------------------------------------


@click.command("ogrs3")
@click.option("--sex", help="male or female.")
@click.option("--birth-date", help="Date of birth (YYYY-MM-DD).")
@click.option("--conviction-date", help="Date of the current conviction (YYYY-MM-DD).")
@click.option(
    "--first-sanction-date",
    help="Date of the first sanction: conviction, caution, reprimand or final warning "
    "(YYYY-MM-DD).",
)
@click.option(
    "--assessment-date",
    help="Date of the assessment (start of follow-up); the age band is taken here.",
)
@click.option(
    "--previous-sanctions",
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
    help='Print {"one_year": ..., "two_year": ..., "band": ...} (fractions, 4 dp unless --digits).',
)
@click.option(
    "--digits",
    type=click.IntRange(0, 17),
    default=None,
    help="Decimal places of the printed probabilities (display only; batch files are always "
    "written at full precision).",
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
@click.option(
    "--problems",
    "problems_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="With --batch: where to write the rows that could not be scored, by row, column and "
    "rule (default: OUT with '-problems.csv' in place of '.csv').",
)
@click.option(
    "--strict",
    is_flag=True,
    help="With --batch: all or nothing; any problem in any row and nothing is written.",
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
    digits,
    batch,
    out,
    problems_path,
    strict,
) -> int:
    """Likelihood of proven reoffending (OGRS3) within one and two years, and its band.

    Bands on the two-year probability: under 50% low, 50–74% medium, 75–89% high,
    90% and over very high. Ages are in completed years; the age band is taken at the
    assessment date. More than 50 previous sanctions count as 50, as in the Ministry of
    Justice's reference calculation. Invalid input (dates out of order or implausible,
    first sanction under age 10, unknown offence, negative count) is reported by column
    and rule (exit 1). With --batch every valid row is scored and written at full
    precision; the other rows are listed in a problems file (exit 1), or, with --strict,
    nothing is written.
    """
    from ..ogrs import BATCH_COLUMNS, Ogrs3Input, score_batch
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
        if digits is not None:
            raise UsageError(
                "--digits only changes what is printed; batch files are written at full precision."
            )
        result = score_batch(_read_table(batch), source=str(batch))
        if result.problems and strict:
            raise ValidationError(
                list(result.problems),
                hint="without --strict the valid rows "
                "are scored and the others listed in a problems file",
            )
        _write_csv(result.table, out)
        click.echo(f"Scored {result.n_scored} of {len(result.table)} rows; wrote {out}.")
        if not result.problems:
            return 0
        where = problems_path or out.with_name(f"{out.stem}-problems.csv")
        _write_csv(pd.DataFrame([p.as_dict() for p in result.problems]), where)
        click.echo(
            f"{result.n_refused} row(s) not scored ({len(result.problems)} problem(s)); "
            f"listed in {where}:",
            err=True,
        )
        for problem in result.problems[:20]:
            click.echo(f"  {problem}", err=True)
        if len(result.problems) > 20:
            click.echo(f"  ... and {len(result.problems) - 20} more in {where}", err=True)
        return int(ExitCode.PROBLEMS)
    if out is not None or problems_path is not None or strict:
        raise UsageError("--out, --problems and --strict are only used with --batch.")
    missing = [name for name, value in single.items() if value is None]
    if missing:
        raise UsageError(
            f"missing {', '.join(missing)}.",
            hint="give every option for one person, or --batch IN.csv --out OUT.csv",
        )
    # One person is a one-row batch: the options are read exactly as typed, by the same
    # rules (and with the same suggestions) as a batch file's cells.
    typed = pd.DataFrame(
        [{column: value for column, value in zip(BATCH_COLUMNS, single.values(), strict=True)}]
    )
    checked = score_batch(typed, source="command line")
    if checked.problems:
        options = dict(zip(BATCH_COLUMNS, single, strict=True))
        raise ValidationError(
            [
                dataclasses.replace(p, row=None, column=options.get(p.column or "", p.column))
                for p in checked.problems
            ]
        )
    values = Ogrs3Input(
        sex=sex,
        birth_date=date.fromisoformat(birth_date),
        conviction_date=date.fromisoformat(conviction_date),
        first_sanction_date=date.fromisoformat(first_sanction_date),
        assessment_date=date.fromisoformat(assessment_date),
        previous_sanctions=int(previous_sanctions),
        offence=offence,
    )
    result = score(values)
    if as_json:
        click.echo(json.dumps(result.as_dict(4 if digits is None else digits)))
        return 0
    places = 0 if digits is None else max(digits - 2, 0)
    click.echo(
        f"OGRS3: {result.one_year:.{places}%} within one year, {result.two_year:.{places}%} "
        f"within two years — {result.band} likelihood of reoffending."
    )
    click.echo(
        f"  Age {result.age_at_assessment} at assessment (band {result.age_band}), "
        f"{result.age_at_conviction} at conviction, {result.age_at_first_sanction} at first "
        f"sanction; {values.previous_sanctions} previous sanction(s); offence {values.offence}."
    )
    return 0


COMMANDS = [ogrs3]
