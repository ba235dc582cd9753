"""CLI commands: ``sample-size`` and ``draw``.

See the package docstring for conventions: each command parses its options, calls one
domain function, prints, and returns an exit code.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from pathlib import Path

import click

from .. import __version__
from ..errors import UsageError
from ._common import (
    _DATE,
    _load_framework,
    _read_table,
    _sha256,
)

# --- sample-size ----------------------------------------------------------------------------


@click.command("sample-size")
@click.option("--population", "-N", type=int, required=True, help="Number of eligible cases (N).")
@click.option(
    "--confidence",
    type=float,
    default=0.80,
    show_default=True,
    help="Two-sided confidence level, as a fraction.",
)
@click.option(
    "--margin",
    type=float,
    default=0.05,
    show_default=True,
    help="Margin of error, as a fraction (0.05 = ±5 percentage points).",
)
@click.option(
    "--proportion",
    type=float,
    default=0.5,
    show_default=True,
    help="Expected proportion; 0.5 gives the largest (safest) size.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def sample_size(
    population: int, confidence: float, margin: float, proportion: float, as_json: bool
) -> int:
    """Cases to sample from N eligible cases to estimate a proportion.

    n0 = z²·p(1−p)/e² (z two-sided), then the finite population correction
    n = n0 / (1 + (n0 − 1)/N), rounded up and never more than N. With the defaults:
    165 for a large population, 142 for N = 1,000, 124 for N = 500.
    """
    from ..sampling import sample_size as compute

    result = compute(population, confidence, margin, proportion)
    if as_json:
        click.echo(json.dumps(dataclasses.asdict(result)))
        return 0
    click.echo(f"Sample size: {result.n} of {population} eligible cases")
    click.echo(
        f"  {confidence:.0%} confidence (z = {result.z:.4f}), margin ±{100 * margin:g} points, "
        f"p = {proportion:g}"
    )
    click.echo(
        f"  n0 = {result.n0:.2f} for an infinite population; "
        f"{result.n_corrected:.2f} after the finite population correction"
    )
    return 0


# --- draw -----------------------------------------------------------------------------------


def _parse_minimum(text: str):
    from ..framework import SampleMinimum

    column, sep, rest = text.partition("=")
    cats, sep2, count = rest.rpartition(":")
    if not sep or not sep2 or not column.strip() or not cats.strip():
        raise UsageError(
            f"--minimum expects COLUMN=CATEGORY[/CATEGORY...]:COUNT, got '{text}'.",
            hint="e.g. --minimum gender=Female:10 "
            "--minimum ethnic_group=Black/Asian/Mixed/Other:12",
        )
    try:
        number = int(count)
    except ValueError:
        raise UsageError(f"--minimum '{text}': '{count}' is not a whole number.") from None
    if number < 0:
        raise UsageError(f"--minimum '{text}': the count cannot be negative.")
    categories = tuple(c.strip() for c in cats.split("/") if c.strip())
    return SampleMinimum(column=column.strip(), categories=categories, count=number)


def _merge_minimums(from_framework, from_cli):
    """Command-line minimums replace the framework's for the same column and categories."""

    def key(m):
        return (m.column, tuple(sorted(c.lower() for c in m.categories)))

    given = {key(m) for m in from_cli}
    return tuple(m for m in from_framework if key(m) not in given) + tuple(from_cli)


@click.command("draw")
@click.argument("eligible", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--framework",
    "framework_name",
    required=True,
    help="Framework name (e.g. hmip-2018) or YAML path; its sampling: block gives "
    "the eligibility rules, strata, minimums, spread and reserve.",
)
@click.option(
    "--size",
    type=int,
    default=None,
    help="Sample size. Default: computed from the eligible cases left after screening "
    "(see sample-size).",
)
@click.option(
    "--confidence",
    type=float,
    default=None,
    help="Confidence level for the computed size (default: the framework's, 0.80).",
)
@click.option(
    "--margin",
    type=float,
    default=None,
    help="Margin of error for the computed size (default: the framework's, 0.05).",
)
@click.option(
    "--seed",
    type=int,
    required=True,
    help="Random seed: the same list, framework and seed give byte-identical outputs.",
)
@click.option(
    "--reference-date",
    type=_DATE,
    default=None,
    help="Date (YYYY-MM-DD) at which months under supervision are counted. Default: today.",
)
@click.option(
    "--minimum",
    "minimums",
    multiple=True,
    metavar="COLUMN=CAT[/CAT]:COUNT",
    help="A minimum number of sampled cases with COLUMN in the categories, taking "
    "precedence over proportionality (repeatable; replaces a framework minimum "
    "on the same column and categories).",
)
@click.option(
    "--provider-type",
    default=None,
    help="The provider's type (e.g. CRC), when the list has no provider_type column: the "
    "framework's profile rules (a CRC holds no High/Very high RoSH case) are checked.",
)
@click.option(
    "--sheet",
    default=None,
    help="For a workbook with several visible sheets: the sheet that holds the list.",
)
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Sample file to write (CSV). Beside it: OUT.exclusions.csv, OUT.reserve.csv, "
    "OUT.report.csv, OUT.allocation.csv and OUT.provenance.json.",
)
def draw(
    eligible: Path,
    framework_name: str,
    size: int | None,
    confidence: float | None,
    margin: float | None,
    seed: int,
    reference_date,
    minimums: tuple[str, ...],
    provider_type: str | None,
    sheet: str | None,
    out: Path,
) -> int:
    """Screen an eligible-case list and draw a stratified case sample with a reserve list.

    ELIGIBLE is a CSV (or XLSX) with one row per case and the columns case_id,
    sentence_or_release_date (YYYY-MM-DD), requirements (codes separated by ';', e.g.
    'unpaid_work;curfew'), officer, office, gender, ethnic_group, disposal_type
    (community/custody), rosh, yot_held, sfo_or_scr, transferred (yes/no) and
    termination_or_recall_date (YYYY-MM-DD or empty). Other columns are carried through.
    Cases outside the framework's months window, with only unpaid work / attendance
    centre / exclusion / curfew requirements, held by a YOT, under SFO or serious case
    review, transferred, or terminated/recalled with under four weeks of delivery are
    excluded, each with its reasons. See docs/sampling.md.
    """
    from ..sampling import draw_sample, write_sample

    if size is not None and (confidence is not None or margin is not None):
        raise UsageError("give either --size or --confidence/--margin, not both.")
    fw = _load_framework(framework_name)
    if fw.sampling is None:
        raise UsageError(f"framework '{fw.id}' has no sampling rules (no sampling: block).")
    rules = fw.sampling
    if confidence is not None:
        rules = dataclasses.replace(rules, confidence=confidence)
    if margin is not None:
        rules = dataclasses.replace(rules, margin=margin)
    ref = reference_date.date() if reference_date is not None else date.today()
    chosen = _merge_minimums(rules.minimums, [_parse_minimum(m) for m in minimums])
    table = _read_table(eligible, sheet=sheet)
    if table.attrs.get("sheet"):
        click.echo(f"Read sheet '{table.attrs['sheet']}' of {eligible}.", err=True)
    for note in table.attrs.get("read_notes", []):
        click.echo(f"Warning: {note}", err=True)
    result = draw_sample(
        table,
        rules,
        size,
        seed,
        ref,
        minimums=chosen,
        categories={v.code: v.categories for v in fw.profile},
        source=str(eligible),
        profile_rules=fw.profile_rules,
        provider_type=provider_type,
    )

    provenance = {
        **fw.provenance,
        "software": "caseinspect",
        "software_version": __version__,
        "input": eligible.name,
        "input_sha256": _sha256(eligible),
        "seed": seed,
        "reference_date": ref.isoformat(),
        "size": result.size,
        "size_basis": dataclasses.asdict(result.size_basis) if result.size_basis else "given",
        "minimums": [dataclasses.asdict(m) for m in chosen],
    }
    write_sample(result, out, provenance=provenance)
    _print_draw_summary(result, out)
    return 0


def _print_draw_summary(result, out: Path) -> None:
    from ..sampling import sample_paths

    click.echo(
        f"Listed {result.listed} cases; excluded {result.excluded} "
        f"(see {sample_paths(out)['exclusions'].name}); {result.eligible} eligible "
        f"at {result.reference_date}."
    )
    if result.size_basis is not None:
        b = result.size_basis
        click.echo(
            f"Sample size {result.size}: {b.confidence:.0%} confidence, ±{100 * b.margin:g} "
            f"points, N = {b.population} (n0 = {b.n0:.2f})."
        )
    else:
        click.echo(f"Sample size {result.size} (given).")
    click.echo(
        f"Drawn {len(result.sample)} cases (seed {result.seed}) and a reserve of "
        f"{len(result.reserve)}; officers covered {result.officers[0]} of "
        f"{result.officers[1]}, offices {result.offices[0]} of {result.offices[1]}."
    )
    click.echo("")
    click.echo(result.allocation.to_string(index=False))
    click.echo("")
    click.echo("Eligible population and sample compared (% of cases):")
    click.echo(result.report.to_string(index=False))
    for note in result.notes:
        click.echo(f"Note: {note}")
    written = list(sample_paths(out).values())
    click.echo("Wrote " + ", ".join(str(p) for p in written) + ".")


COMMANDS = [sample_size, draw]
