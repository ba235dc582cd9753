"""CLI commands of the statistics engine: ``caseinspect regress``.

See the package docstring for conventions: parse, call one domain function, print,
return an exit code.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..errors import UsageError

__all__ = ["COMMANDS", "read_case_file", "regress"]


def read_case_file(path: Path):
    """Read a case table from CSV (all columns as text, empty cells kept as ""), XLSX or
    Parquet, chosen by the file's extension."""
    import pandas as pd

    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            return pd.read_csv(path, dtype=str, keep_default_na=False)
        if suffix in (".xlsx", ".xlsm"):
            return pd.read_excel(path, dtype=str, keep_default_na=False)
        if suffix == ".parquet":
            return pd.read_parquet(path)
    except (OSError, ValueError) as exc:
        raise UsageError(f"{path}: cannot be read as {suffix[1:].upper()}: {exc}") from exc
    raise UsageError(
        f"{path}: unknown file type '{suffix}'.", hint="Use a .csv, .xlsx or .parquet file."
    )


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()] if value else []


def _pairs(values: tuple[str, ...], option: str) -> dict[str, str]:
    out = {}
    for item in values:
        term, sep, rest = item.partition("=")
        if not sep or not term.strip() or not rest.strip():
            raise UsageError(f"{option} expects TERM=VALUE, got '{item}'.")
        out[term.strip()] = rest.strip()
    return out


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--outcome", required=True, help="Outcome column.")
@click.option("--event", required=True, help="Value of the outcome counted as the event (1).")
@click.option("--terms", required=True, help="Comma-separated predictor columns.")
@click.option(
    "--categorical",
    default=None,
    help="Comma-separated terms that are categorical; the other terms must be numeric.",
)
@click.option(
    "--reference",
    "references",
    multiple=True,
    metavar="TERM=LEVEL",
    help="Reference level of a categorical term (repeatable). Default: the first "
    "of --levels, else the most frequent level.",
)
@click.option(
    "--levels",
    "level_orders",
    multiple=True,
    metavar="TERM=L1,L2,...",
    help="Level order of a categorical term (repeatable); the first is the reference.",
)
@click.option(
    "--method",
    type=click.Choice(["enter", "fstep-lr", "fstep-wald"]),
    default="enter",
    show_default=True,
    help="All terms at once, or SPSS-style forward stepwise (LR or Wald removal).",
)
@click.option("--pin", type=float, default=0.05, show_default=True, help="Entry p threshold.")
@click.option("--pout", type=float, default=0.10, show_default=True, help="Removal p threshold.")
@click.option(
    "--cluster", default=None, help="Cluster column (e.g. provider): cluster-robust inference."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output format.",
)
def regress(
    file: Path,
    outcome: str,
    event: str,
    terms: str,
    categorical: str | None,
    references: tuple[str, ...],
    level_orders: tuple[str, ...],
    method: str,
    pin: float,
    pout: float,
    cluster: str | None,
    fmt: str,
) -> int:
    """Binary logistic regression of OUTCOME on TERMS for the cases in FILE.

    FILE is CSV, XLSX or Parquet; in CSV and XLSX every column is read as text and an
    empty cell is a missing value. Cases with a missing outcome or term are left out
    (listwise deletion).
    """
    from ..stats import fit_logistic, format_result

    data = read_case_file(file)
    reference = _pairs(references, "--reference")
    levels = {term: _split(value) for term, value in _pairs(level_orders, "--levels").items()}
    result = fit_logistic(
        data,
        outcome,
        event,
        _split(terms),
        categorical=_split(categorical),
        levels=levels or None,
        reference=reference or None,
        method=method,
        pin=pin,
        pout=pout,
        cluster=cluster,
    )
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), indent=2))
    else:
        click.echo(format_result(result))
    return 0


COMMANDS = [regress]
