"""``caseinspect synth``: write a synthetic inspection round (see :mod:`caseinspect.synth`)."""

from __future__ import annotations

import click

from .. import synth as _synth
from ..synth import CHUNK_SIZE, ROUND_IDS, truth_path

__all__ = ["COMMANDS", "synth"]


@click.command("synth")
@click.option(
    "--round",
    "round_id",
    type=click.Choice(ROUND_IDS),
    required=True,
    help="Published round to reproduce: 2018-19 (bulletin 2020/03) or 2016-17 (bulletin 2018/01).",
)
@click.option(
    "--cases",
    "n_cases",
    type=click.IntRange(min=1),
    default=None,
    help="Number of cases [default: the published size, 3,308 or 1,066].",
)
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Random seed; the same seed gives the same file, byte for byte.",
)
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False),
    required=True,
    help="Case file to write: .csv or .parquet. The themes behind the free text go to <stem>.truth.csv.",
)
@click.option(
    "--no-text", is_flag=True, help="Leave out rationales and practice notes (faster, smaller)."
)
@click.option(
    "--chunk-size",
    type=click.IntRange(min=1),
    default=CHUNK_SIZE,
    show_default=True,
    help="Cases generated at a time (bounds memory; part of what the seed reproduces).",
)
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
def synth(
    round_id: str,
    n_cases: int | None,
    seed: int,
    out: str,
    no_text: bool,
    chunk_size: int,
    quiet: bool,
) -> int:
    """Write a synthetic round whose annex tables match the published ones.

    No case is a real person and no provider's figures are its real inspection results.
    """
    progress = None
    if not quiet:

        def progress(done: int, total: int) -> None:
            click.echo(f"  {done:,} cases", err=True)

    # Looked up when run (not bound at import): tests may replace it.
    path = _synth.write_round(
        round_id, out, n_cases, seed, chunk_size=chunk_size, text=not no_text, progress=progress
    )
    if not quiet:
        click.echo(f"Wrote {path}" + ("" if no_text else f" and {truth_path(path)}"))
    return 0


COMMANDS = [synth]
