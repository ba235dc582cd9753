"""CLI: ``themes`` (suggested theme codes of rationales, theme tables and quotes)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..errors import UsageError, require_extra
from ._cases import FRAMEWORK_HELP


@click.command("themes")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--framework", "-f", "framework_name", required=True, help=FRAMEWORK_HELP)
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False),
    help="Directory to write into.",
)
@click.option(
    "--confirmed",
    "confirmed_file",
    type=click.Path(dir_okay=False),
    help="Codes people have confirmed (CSV with case_id,item,theme; rows of a codes.csv "
    "whose source is 'suggested' are skipped): learnt from and kept as they are.",
)
@click.option(
    "--train-cases",
    "train_file",
    type=click.Path(dir_okay=False),
    help="The case file the --confirmed codes belong to, if not FILE (e.g. an earlier "
    "round); FILE's rationales are then all suggested.",
)
@click.option(
    "--evaluate",
    "truth_file",
    type=click.Path(dir_okay=False),
    help="A truth file (case_id,item,theme, e.g. a synthetic round's <stem>.truth.csv): "
    "print per-theme precision, recall, F1 and Cohen's kappa of the suggested codes.",
)
@click.option(
    "--method",
    type=click.Choice(["logistic", "centroid"]),
    default="logistic",
    show_default=True,
    help="Classifier on the sentence embeddings.",
)
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Seed of the folds thresholds are tuned on; the same seed gives the same codes.",
)
@click.option(
    "--suppress",
    "suppress_below",
    type=click.IntRange(min=1),
    default=None,
    help="Statistical disclosure control for themes.csv, as for tables: suppress cells of "
    "fewer than this many cases (and, secondarily, cells that would reveal them).",
)
@click.option(
    "--quotes",
    "per_theme",
    type=click.IntRange(min=0),
    default=3,
    show_default=True,
    help="Representative quotes per theme in quotes.csv.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress output.")
def themes(
    file,
    framework_name,
    out_dir,
    confirmed_file,
    train_file,
    truth_file,
    method,
    seed,
    suppress_below,
    per_theme,
    quiet,
) -> int:
    """Suggest the themes of the rationales in FILE, and count and quote them.

    Writes OUT/codes.csv (case_id,item,theme,score,source: one row per assigned theme;
    source 'suggested' or 'confirmed'), OUT/themes.csv (cases per theme overall, by
    provider type and sub-group), OUT/quotes.csv (representative quotes per theme,
    pseudonymised), OUT/bulletin-themes.csv (for bulletin --themes) and
    OUT/provenance.json. With --evaluate, also OUT/evaluation.csv and the table printed.
    Needs the optional 'text' part: pip install 'caseinspect[text]'.
    """
    require_extra("model2vec", extra="text", feature="Coding rationales into themes")
    from .. import __version__
    from ..cases import fingerprint_cases, load_cases
    from ..framework import load_framework
    from ..outputs import write_csv, write_text_atomic
    from ..text import (
        bulletin_themes,
        evaluate_codes,
        fit_classifier,
        format_evaluation,
        load_codebook,
        load_encoder,
        rationale_units,
        read_codes,
        representative_quotes,
        suggest_codes,
        theme_table,
    )

    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} is a file, not a directory")
    if train_file and not confirmed_file:
        raise UsageError("--train-cases needs --confirmed (the codes of those cases)")
    framework = load_framework(framework_name)
    codebook = load_codebook(framework)
    cases = load_cases(file, framework)
    confirmed = read_codes(confirmed_file, codebook) if confirmed_file else None
    truth = read_codes(truth_file, codebook) if truth_file else None
    encoder = load_encoder()

    def say(message: str) -> None:
        if not quiet:
            click.echo(message, err=True)

    train = load_cases(train_file, framework) if train_file else cases
    say(
        f"  fitting the {method} classifier ({0 if confirmed is None else len(confirmed)} confirmed codes)"
    )
    classifier = fit_classifier(
        train, codebook, confirmed=confirmed, encoder=encoder, method=method, seed=seed
    )
    say("  coding rationales")
    codes = suggest_codes(
        cases,
        framework,
        codebook=codebook,
        confirmed=None if train_file else confirmed,
        seed=seed,
        encoder=encoder,
        method=method,
        classifier=classifier,
    )
    table = theme_table(codes, cases, framework, suppress_below, codebook=codebook)
    quotes = representative_quotes(codes, cases, framework, per_theme=per_theme, codebook=codebook)
    out.mkdir(parents=True, exist_ok=True)
    written = [
        write_csv(codes, out / "codes.csv"),
        write_csv(table, out / "themes.csv"),
        write_csv(quotes, out / "quotes.csv"),
        write_csv(bulletin_themes(table, quotes), out / "bulletin-themes.csv"),
    ]
    units = rationale_units(cases, codebook)
    if truth is not None:
        scored = units
        if confirmed is not None and not train_file:
            # Confirmed rationales are the people's codes, not suggestions: leave them out.
            done = set(zip(confirmed["case_id"], confirmed["item"], strict=True))
            keep = [
                (c, i) not in done for c, i in zip(units["case_id"], units["item"], strict=True)
            ]
            scored = units[keep]
        evaluation = evaluate_codes(codes, truth, scored, codebook)
        written.append(write_csv(evaluation.round(4), out / "evaluation.csv"))
        click.echo(format_evaluation(evaluation))
    provenance = {
        "software": "caseinspect",
        "software_version": __version__,
        **framework.provenance,
        "codebook_version": codebook.version,
        "data_fingerprint": fingerprint_cases(cases),
        "model": classifier.encoder_name,
        "method": method,
        "seed": seed,
        "confirmed_codes": 0 if confirmed is None else len(confirmed),
        "tuned_thresholds": {
            code: round(float(t), 4)
            for code, t in zip(codebook.codes, classifier.thresholds, strict=True)
            if t == t  # not NaN
        },
        "suppress": suppress_below,
    }
    written.append(
        write_text_atomic(out / "provenance.json", json.dumps(provenance, indent=2) + "\n")
    )
    suggested = int((codes["source"] == "suggested").sum())
    click.echo(
        f"{len(units)} rationales of {len(cases)} cases, framework {framework.id} "
        f"{framework.version}: {suggested} suggested and {len(codes) - suggested} confirmed "
        "codes; wrote:"
    )
    for path in written:
        click.echo(f"  {Path(path)}")
    return 0


COMMANDS = [themes]
