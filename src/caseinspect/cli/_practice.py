"""CLI: ``practice`` (pseudonymised, reviewed practice examples)."""

from __future__ import annotations

from pathlib import Path

import click

from ._cases import FRAMEWORK_HELP

# Files that hold original names: they never leave the system.
INTERNAL_FILES = ("detections.csv", "review.csv")


@click.command("practice")
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
    "--reviewed",
    "reviewed_file",
    type=click.Path(dir_okay=False, exists=True),
    default=None,
    help="A review sheet (review.csv) with each example's decision (approve/reject) filled in.",
)
def practice(file: str, framework_name: str, out_dir: str, reviewed_file: str | None) -> int:
    """Pseudonymise the practice examples in FILE and publish the reviewed ones.

    Writes OUT/examples.csv (case_id, kind, text as published: only examples a reviewer
    approved), and, for use inside the inspectorate only, OUT/detections.csv (case_id,
    span, original, replacement, rule: every name, date and exact age found) and
    OUT/review.csv (one row per example for the reviewer: fill in 'decision' with
    approve or reject, in 'keep' the spans that are not names and in 'also' names the
    detector missed, then run again with --reviewed). An approval counts only for the
    version of the note and detections that was reviewed.
    """
    from ..cases import load_cases
    from ..framework import load_framework
    from ..outputs import write_csv
    from ..text import (
        pseudonymise_cases,
        publishable_examples,
        read_review,
        review_sheet,
        reviewer_names_of,
    )
    from ..text import review_status as status_of

    framework = load_framework(framework_name)
    cases = load_cases(file, framework)
    reviewed = read_review(reviewed_file) if reviewed_file else None
    result = pseudonymise_cases(cases, framework, reviewer_names=reviewer_names_of(reviewed))
    published = publishable_examples(result, reviewed)
    status = status_of(result, reviewed)
    sheet = review_sheet(result)
    if reviewed is not None:
        # Carry the decisions that still apply into the new sheet; stale ones are dropped.
        # Names a reviewer added always carry over (they changed the detections, so the
        # example is shown again); decisions only for an unchanged example.
        kept = reviewed.drop_duplicates("case_id", keep="last").set_index("case_id")
        for i, row in sheet.iterrows():
            if row["case_id"] not in kept.index:
                continue
            sheet.loc[i, "also"] = kept.loc[row["case_id"], "also"]
            if kept.loc[row["case_id"], "digest"] == row["digest"]:
                sheet.loc[i, "decision"] = kept.loc[row["case_id"], "decision"]
                sheet.loc[i, "keep"] = kept.loc[row["case_id"], "keep"]
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    write_csv(result.detections, out / "detections.csv")
    write_csv(sheet, out / "review.csv")
    write_csv(published, out / "examples.csv")
    counts = status["status"].value_counts()
    rules = result.detections["rule"].value_counts()
    click.echo(
        f"{len(result.examples)} practice examples, {len(result.detections)} detections"
        + (f" ({', '.join(f'{r} {n}' for r, n in rules.items())})" if len(rules) else "")
    )
    click.echo(
        "review: "
        + ", ".join(
            f"{s} {int(counts.get(s, 0))}" for s in ("approved", "rejected", "pending", "stale")
        )
    )
    click.echo(f"  examples.csv  {out / 'examples.csv'} ({len(published)} approved examples)")
    for name in INTERNAL_FILES:
        click.echo(f"  {name:<13} {out / name} (holds original names: keep it inside)")
    if len(published) < len(result.examples):
        click.echo(
            "Examples not approved are not published: review review.csv and run again with "
            "--reviewed.",
            err=True,
        )
    return 0


COMMANDS = [practice]
