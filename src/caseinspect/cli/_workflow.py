"""CLI commands of the inspection workflow: sample-size, draw, ratings, ogrs3, agreement.

See the package docstring for conventions: each command parses its options, calls one
domain function, prints, and returns an exit code. Errors raised on purpose become exit
code 2 in :func:`caseinspect.cli.main`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import date
from pathlib import Path

import click

from .. import __version__
from ..errors import UsageError

__all__ = ["COMMANDS", "agreement", "draw", "ogrs3", "ratings", "sample_size"]

_DATE = click.DateTime(formats=["%Y-%m-%d"])


# --- shared helpers -------------------------------------------------------------------------


def _write_csv(frame, path: Path) -> None:
    # "\n" line ends and no index: the same data give byte-identical files on every system.
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, lineterminator="\n")


def _load_framework(name: str):
    from ..framework import load_framework

    return load_framework(name)


def _read_table(path: Path):
    from ..cases import read_case_file

    return read_case_file(path)


def _load_cases(path: Path, framework):
    from ..cases import load_cases

    return load_cases(path, framework)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _pct(x: float | None, digits: int = 1) -> str:
    return "-" if x is None else f"{100 * x:.{digits}f}%"


def _num(x: float | None, digits: int = 3) -> str:
    return "-" if x is None else f"{x:.{digits}f}"


# --- sample-size ----------------------------------------------------------------------------


@click.command("sample-size")
@click.option("--population", "-N", type=int, required=True,
              help="Number of eligible cases (N).")
@click.option("--confidence", type=float, default=0.80, show_default=True,
              help="Two-sided confidence level, as a fraction.")
@click.option("--margin", type=float, default=0.05, show_default=True,
              help="Margin of error, as a fraction (0.05 = ±5 percentage points).")
@click.option("--proportion", type=float, default=0.5, show_default=True,
              help="Expected proportion; 0.5 gives the largest (safest) size.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def sample_size(population: int, confidence: float, margin: float, proportion: float,
                as_json: bool) -> int:
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
    click.echo(f"  {confidence:.0%} confidence (z = {result.z:.4f}), margin ±{100 * margin:g} points, "
               f"p = {proportion:g}")
    click.echo(f"  n0 = {result.n0:.2f} for an infinite population; "
               f"{result.n_corrected:.2f} after the finite population correction")
    return 0


# --- draw -----------------------------------------------------------------------------------


def _parse_minimum(text: str):
    from ..framework import SampleMinimum

    column, sep, rest = text.partition("=")
    cats, sep2, count = rest.rpartition(":")
    if not sep or not sep2 or not column.strip() or not cats.strip():
        raise UsageError(f"--minimum expects COLUMN=CATEGORY[/CATEGORY...]:COUNT, got '{text}'.",
                         hint="e.g. --minimum gender=Female:10 "
                              "--minimum ethnic_group=Black/Asian/Mixed/Other:12")
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
@click.option("--framework", "framework_name", required=True,
              help="Framework name (e.g. hmip-2018) or YAML path; its sampling: block gives "
                   "the eligibility rules, strata, minimums, spread and reserve.")
@click.option("--size", type=int, default=None,
              help="Sample size. Default: computed from the eligible cases left after screening "
                   "(see sample-size).")
@click.option("--confidence", type=float, default=None,
              help="Confidence level for the computed size (default: the framework's, 0.80).")
@click.option("--margin", type=float, default=None,
              help="Margin of error for the computed size (default: the framework's, 0.05).")
@click.option("--seed", type=int, required=True,
              help="Random seed: the same list, framework and seed give byte-identical outputs.")
@click.option("--reference-date", type=_DATE, default=None,
              help="Date (YYYY-MM-DD) at which months under supervision are counted. Default: today.")
@click.option("--minimum", "minimums", multiple=True, metavar="COLUMN=CAT[/CAT]:COUNT",
              help="A minimum number of sampled cases with COLUMN in the categories, taking "
                   "precedence over proportionality (repeatable; replaces a framework minimum "
                   "on the same column and categories).")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Sample file to write (CSV). Beside it: OUT.exclusions.csv, OUT.reserve.csv, "
                   "OUT.report.csv, OUT.allocation.csv and OUT.provenance.json.")
def draw(eligible: Path, framework_name: str, size: int | None, confidence: float | None,
         margin: float | None, seed: int, reference_date, minimums: tuple[str, ...], out: Path) -> int:
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
    table = _read_table(eligible)
    result = draw_sample(table, rules, size, seed, ref, minimums=chosen,
                         categories={v.code: v.categories for v in fw.profile}, source=str(eligible))

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

    click.echo(f"Listed {result.listed} cases; excluded {result.excluded} "
               f"(see {sample_paths(out)['exclusions'].name}); {result.eligible} eligible "
               f"at {result.reference_date}.")
    if result.size_basis is not None:
        b = result.size_basis
        click.echo(f"Sample size {result.size}: {b.confidence:.0%} confidence, ±{100 * b.margin:g} "
                   f"points, N = {b.population} (n0 = {b.n0:.2f}).")
    else:
        click.echo(f"Sample size {result.size} (given).")
    click.echo(f"Drawn {len(result.sample)} cases (seed {result.seed}) and a reserve of "
               f"{len(result.reserve)}; officers covered {result.officers[0]} of "
               f"{result.officers[1]}, offices {result.offices[0]} of {result.offices[1]}.")
    click.echo("")
    click.echo(result.allocation.to_string(index=False))
    click.echo("")
    click.echo("Eligible population and sample compared (% of cases):")
    click.echo(result.report.to_string(index=False))
    for note in result.notes:
        click.echo(f"Note: {note}")
    written = list(sample_paths(out).values())
    click.echo("Wrote " + ", ".join(str(p) for p in written) + ".")


# --- ratings --------------------------------------------------------------------------------


@click.command("ratings")
@click.argument("cases", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--framework", "framework_name", required=True,
              help="Framework name (e.g. hmip-2018) or YAML path; its ratings: block gives the "
                   "thresholds, scores and overall bands.")
@click.option("--domain-one", "judgements", type=click.Path(dir_okay=False, path_type=Path),
              default=None,
              help="CSV of inspectors' judgements of the judgement-based standards (domain one, "
                   "and domain three): provider, standard, rating, reasons (reasons required).")
@click.option("--overrides", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="CSV of ratings panel overrides: provider, standard, rating, reason (reason "
                   "required).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Directory for key_questions.csv, ratings.csv, overall.csv and ratings.png.")
def ratings(cases: Path, framework_name: str, judgements: Path | None, overrides: Path | None,
            out_dir: Path) -> int:
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
    result = rate_providers(case_table, fw, judgement_table, override_table,
                            sources=(str(cases), str(judgements), str(overrides)))
    write_ratings(result, fw, out_dir)
    click.echo(result.overall.to_string(index=False, na_rep="-"))
    for note in result.notes:
        click.echo(f"Note: {note}")
    click.echo(f"Wrote key_questions.csv, ratings.csv, overall.csv and ratings.png to {out_dir}.")
    return 0


# --- ogrs3 ----------------------------------------------------------------------------------


@click.command("ogrs3")
@click.option("--sex", help="male or female.")
@click.option("--birth-date", type=_DATE, help="Date of birth (YYYY-MM-DD).")
@click.option("--conviction-date", type=_DATE, help="Date of the current conviction (YYYY-MM-DD).")
@click.option("--first-sanction-date", type=_DATE,
              help="Date of the first sanction: conviction, caution, reprimand or final warning "
                   "(YYYY-MM-DD).")
@click.option("--assessment-date", type=_DATE,
              help="Date of the assessment (start of follow-up); the age band is taken here.")
@click.option("--previous-sanctions", type=int,
              help="Number of sanctions before the current conviction (total sanctions minus one).")
@click.option("--offence", help="Offence category of the current conviction, e.g. violence, "
                                "soliciting, fraud-forgery, other (see docs/ogrs3.md).")
@click.option("--json", "as_json", is_flag=True,
              help='Print {"one_year": ..., "two_year": ..., "band": ...} (fractions, 4 dp).')
@click.option("--batch", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Score every row of a CSV with columns sex, birth_date, conviction_date, "
                   "first_sanction_date, assessment_date, previous_sanctions, offence.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="With --batch: the CSV to write (input columns plus one_year, two_year, band).")
def ogrs3(sex, birth_date, conviction_date, first_sanction_date, assessment_date,
          previous_sanctions, offence, as_json, batch, out) -> int:
    """Likelihood of proven reoffending (OGRS3) within one and two years, and its band.

    Bands on the two-year probability: under 50% low, 50–74% medium, 75–89% high,
    90% and over very high. Ages are in completed years; the age band is taken at the
    assessment date. Invalid input (dates out of order, first sanction under age 10,
    unknown offence, negative count) is an error (exit 2).
    """
    from ..ogrs import Ogrs3Input, ogrs3 as score, score_table

    single = {"--sex": sex, "--birth-date": birth_date, "--conviction-date": conviction_date,
              "--first-sanction-date": first_sanction_date, "--assessment-date": assessment_date,
              "--previous-sanctions": previous_sanctions, "--offence": offence}
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
        raise UsageError(f"missing {', '.join(missing)}.",
                         hint="give every option for one person, or --batch IN.csv --out OUT.csv")
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
    click.echo(f"OGRS3: {result.one_year:.0%} within one year, {result.two_year:.0%} within two "
               f"years — {result.band} likelihood of reoffending.")
    click.echo(f"  Age {result.age_at_assessment} at assessment (band {result.age_band}), "
               f"{result.age_at_conviction} at conviction, {result.age_at_first_sanction} at first "
               f"sanction; {values.previous_sanctions} previous sanction(s); offence {values.offence}.")
    return 0


# --- agreement ------------------------------------------------------------------------------


@click.command("agreement")
@click.argument("first", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("second", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--framework", "framework_name", required=True,
              help="Framework name or YAML path; its items are compared.")
@click.option("--json", "as_json", is_flag=True,
              help="Print the per-item and overall statistics as JSON.")
@click.option("--discrepancies", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the discrepant answers (case_id, item, first, second) to this CSV for "
                   "a moderation meeting.")
def agreement(first: Path, second: Path, framework_name: str, as_json: bool,
              discrepancies: Path | None) -> int:
    """Agreement between first and second marking of the same cases.

    FIRST and SECOND are case files in the interchange format; cases are matched on
    case_id. Per item and pooled over items: cases both markers answered (n), percent
    agreement, Cohen's kappa and Gwet's AC1 (kappa misleads when most answers are
    'yes'; AC1 does not). Kappa is null where undefined (one category only).
    """
    from ..agreement import second_marking_agreement

    fw = _load_framework(framework_name)
    result = second_marking_agreement(
        _load_cases(first, fw), _load_cases(second, fw), fw.item_codes,
        first_source=str(first), second_source=str(second),
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
        click.echo(f"{name:<40} {c.n:>5} {_pct(c.agreement):>7} {_num(c.kappa):>7} {_num(c.ac1):>7}")
    for note in result.notes:
        click.echo(f"Note: {note}")
    where = f"; written to {discrepancies}" if discrepancies else ""
    click.echo(f"{len(result.discrepancies)} discrepant answer(s){where}.")
    return 0


COMMANDS = [sample_size, draw, ratings, ogrs3, agreement]
