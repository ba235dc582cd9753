"""Build the demo: synthetic rounds → demo database → full analysis → outputs on disk.

Run by ``make demo`` (``python -m caseinspect.demo --out demo-output``). Every step goes
through the same public functions a user's own data would: the synthetic files are
validated and imported like any file, and the analysis reads the cases back from the
database. Same seed, same outputs. It also writes a synthetic eligible-case list of one CRC
and the sample drawn from it (``data/eligible-*.csv``, ``data/sample-*.csv``), to try the
web application's sampling pages with.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

import pandas as pd

from . import __version__
from .analysis import build_report
from .cases import load_cases
from .framework import load_framework
from .outputs import write_csv
from .reports import write_report

__all__ = ["build_demo", "main"]

ROUNDS = (("2018-19", "hmip-2018"), ("2016-17", "qi-2016"))


def _say(message: str) -> None:
    print(message, flush=True)


def build_demo(
    out: Path,
    *,
    seed: int = 2026,
    db_url: str | None = None,
    formats=("csv", "xlsx", "html", "pdf"),
) -> dict:
    """Build the demo into ``out``; return a summary of what was written where."""
    from .synth import write_round

    out.mkdir(parents=True, exist_ok=True)
    data_dir = out / "data"
    data_dir.mkdir(exist_ok=True)
    db_path = out / "demo.sqlite3"
    if db_url is None:
        if db_path.exists():
            db_path.unlink()  # a fresh database every time: the demo is reproducible
        db_url = f"sqlite:///{db_path.resolve()}"
    summary: dict = {"out": out, "database": db_url, "rounds": {}}

    from .web import setup

    setup(db_url)
    from django.core.management import call_command

    from .web.store import cases_frame, create_demo_accounts, import_cases

    _say(f"caseinspect {__version__} — building the demo in {out}/")
    _say("  [1/6] preparing the demo database")
    call_command("migrate", verbosity=0, interactive=False)

    for step, (round_id, framework_id) in enumerate(ROUNDS):
        framework = load_framework(framework_id)
        started = time.perf_counter()
        path = data_dir / f"round-{round_id}.csv"
        write_round(round_id, path, seed=seed)
        cases = load_cases(path, framework)  # the same validator as any user file
        result = import_cases(cases, framework, source=str(path))
        _say(
            f"  [{2 + step}/6] round {round_id}: generated and imported {len(cases):,} cases "
            f"({framework.id} {framework.version}) in {time.perf_counter() - started:.1f} s"
        )
        summary["rounds"][round_id] = {"file": path, "import": result}

    for step, (round_id, framework_id) in enumerate(ROUNDS):
        framework = load_framework(framework_id)
        started = time.perf_counter()
        stored = cases_frame(framework_id=framework_id)
        report = build_report(
            stored,
            framework,
            significance="stepwise",
            title=f"{framework.title} — synthetic demonstration round {round_id}",
        )
        round_dir = out / round_id
        written = write_report(report, round_dir, formats)
        figures = _write_figures(report, round_dir / "figures")
        summary["rounds"][round_id].update(report=report, written=written, figures=figures)
        _say(
            f"  [{4 + step}/6] round {round_id}: annex tables with stepwise significance in "
            f"{time.perf_counter() - started:.1f} s → {round_dir}/"
        )

    summary["themes"] = _write_themes(out / "2018-19" / "themes", summary)
    summary["bulletin"] = _write_bulletin(out / "2018-19" / "bulletin", summary)

    summary["ratings"] = _rate_round(
        out / "2018-19" / "ratings",
        load_framework("hmip-2018"),
        cases_frame(framework_id="hmip-2018"),
        seed,
    )
    summary["sample"] = _draw_demo_sample(data_dir, load_framework("hmip-2018"), seed)
    accounts = create_demo_accounts()
    summary["accounts"] = accounts
    _say("  [6/6] providers rated; demo accounts created")
    _print_summary(summary)
    return summary


def _write_bulletin(folder: Path, summary: dict) -> dict:
    """The 2018-19 research bulletin, compared with 2016-17 through the shipped crosswalk."""
    from .bulletin import build_bulletin, check_bulletin, write_bulletin
    from .web.store import cases_frame

    started = time.perf_counter()
    framework, previous_framework = load_framework("hmip-2018"), load_framework("qi-2016")
    built = build_bulletin(
        cases_frame(framework_id="hmip-2018"),
        framework,
        previous=cases_frame(framework_id="qi-2016"),
        previous_framework=previous_framework,
        title=f"{framework.title} — synthetic demonstration round 2018-19",
        report=summary["rounds"]["2018-19"]["report"],
        themes=(summary.get("themes") or {}).get("bulletin_themes"),
    )
    written = write_bulletin(built, folder)
    drifts = check_bulletin(folder)
    _say(
        f"        bulletin: {len(built.numbers)} numbers in the text, "
        f"{'all match their cells' if not drifts else f'{len(drifts)} DRIFTED'}; "
        f"{time.perf_counter() - started:.1f} s → {folder}/"
    )
    return {"written": written, "drifts": drifts}


def _write_themes(folder: Path, summary: dict) -> dict | None:
    """Suggested themes of the 2018-19 rationales (``caseinspect themes``' outputs).

    An analyst's confirmations are stood in for by the synthetic truth of the first 300
    cases; every other rationale is suggested. Skipped, with a note, without the ``text``
    extra.
    """
    import importlib.util

    if importlib.util.find_spec("model2vec") is None:
        _say("        themes: skipped (needs caseinspect[text])")
        return None
    from .outputs import write_csv
    from .synth import truth_path
    from .text import (
        bulletin_themes,
        load_codebook,
        read_codes,
        representative_quotes,
        suggest_codes,
        theme_table,
    )
    from .web.store import cases_frame

    started = time.perf_counter()
    framework = load_framework("hmip-2018")
    codebook = load_codebook(framework)
    cases = cases_frame(framework_id="hmip-2018")
    truth = read_codes(str(truth_path(summary["rounds"]["2018-19"]["file"])), codebook)
    first = set(sorted(cases["case_id"].astype(str))[:300])
    confirmed = truth[truth["case_id"].isin(first)]
    codes = suggest_codes(cases, framework, codebook=codebook, confirmed=confirmed)
    table = theme_table(codes, cases, framework, codebook=codebook)
    quotes = representative_quotes(codes, cases, framework, codebook=codebook)
    for_bulletin = bulletin_themes(table, quotes)
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in (
        ("codes.csv", codes),
        ("themes.csv", table),
        ("quotes.csv", quotes),
        ("bulletin-themes.csv", for_bulletin),
    ):
        write_csv(frame, folder / name)
    _say(
        f"        themes: {len(codes):,} codes ({len(confirmed):,} confirmed) in "
        f"{time.perf_counter() - started:.1f} s → {folder}/"
    )
    return {"folder": folder, "codes": len(codes), "bulletin_themes": for_bulletin}


def _write_figures(report, figure_dir: Path) -> list[Path]:
    try:
        from .reports import write_figures
    except ImportError:  # figures are optional in minimal installs
        return []
    return list(write_figures(report, figure_dir))


def _rate_round(out_dir: Path, framework, cases: pd.DataFrame, seed: int):
    """Rate the providers of the synthetic round, with synthetic judgement-based ratings."""
    from .ratings import rate_providers, write_ratings

    judgements = demo_judgements(cases, framework, seed=seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    # An input of `caseinspect ratings`: the lossless interchange format, written atomically.
    write_csv(judgements, out_dir / "judgements.csv", neutralise=False)
    result = rate_providers(cases, framework, judgements=judgements)
    paths = write_ratings(result, framework, out_dir)
    return {"result": result, "paths": paths}


#: The demo's eligible-case list: one synthetic CRC's list as at the date its sample is drawn.
SAMPLE_PROVIDER = ("Merseyside CRC", "CRC", "merseyside-crc")
SAMPLE_LIST_SIZE = 900
SAMPLE_REFERENCE_DATE = date(2019, 2, 1)


def _draw_demo_sample(data_dir: Path, framework, seed: int) -> dict:
    """Write a synthetic eligible-case list and the sample drawn from it, for the web's sampling pages."""
    from .sampling import draw_sample, write_sample
    from .synth import eligible_list

    provider, provider_type, slug = SAMPLE_PROVIDER
    path = data_dir / f"eligible-{slug}.csv"
    eligible = eligible_list(
        provider,
        provider_type,
        SAMPLE_LIST_SIZE,
        seed,
        SAMPLE_REFERENCE_DATE,
        rules=framework.sampling,
    )
    write_csv(eligible, path, neutralise=False)  # an input of `draw`: interchange format
    result = draw_sample(
        eligible,
        framework.sampling,
        None,
        seed,
        SAMPLE_REFERENCE_DATE,
        categories={v.code: v.categories for v in framework.profile},
        source=str(path),
    )
    provenance = {
        **framework.provenance,
        "software": "caseinspect",
        "software_version": __version__,
        "input": path.name,
        "seed": seed,
        "reference_date": SAMPLE_REFERENCE_DATE.isoformat(),
        "size": result.size,
        "synthetic": "yes",
    }
    written = write_sample(result, data_dir / f"sample-{slug}.csv", provenance=provenance)
    return {"list": path, "result": result, "written": written}


# Ratings of the 'services' standard (1.3) in 2018-19 as bulletin 2020/03 reports them:
# CRCs 12 Good, 7 Requires improvement, 2 Inadequate; NPS divisions 6 Good, 1 RI.
_SERVICES_RATINGS = {
    "CRC": ["Good"] * 12 + ["Requires improvement"] * 7 + ["Inadequate"] * 2,
    "NPS": ["Good"] * 6 + ["Requires improvement"],
}
_JUDGEMENT_WEIGHTS = {
    "Outstanding": 0.05,
    "Good": 0.45,
    "Requires improvement": 0.4,
    "Inadequate": 0.1,
}


def demo_judgements(cases: pd.DataFrame, framework, *, seed: int) -> pd.DataFrame:
    """Synthetic ratings of the judgement-based standards, one per provider and standard.

    The services standard follows the distribution published in bulletin 2020/03; the
    others are drawn from a plausible spread. Reasons say they are synthetic.
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    providers = cases[["provider", "provider_type"]].drop_duplicates().sort_values("provider")
    services = {pt: list(rng.permutation(values)) for pt, values in _SERVICES_RATINGS.items()}
    names, weights = zip(*_JUDGEMENT_WEIGHTS.items(), strict=True)
    rows = []
    for provider, provider_type in providers.itertuples(index=False):
        for standard in framework.standards_for(provider_type):
            if standard.basis != "judgement":
                continue
            if standard.code == "1.3" and services.get(provider_type):
                rating = services[provider_type].pop()
            else:
                rating = str(rng.choice(names, p=weights))
            rows.append(
                {
                    "provider": provider,
                    "standard": standard.code,
                    "rating": rating,
                    "reasons": f"Synthetic demonstration judgement for standard {standard.label}.",
                }
            )
    return pd.DataFrame(rows, columns=["provider", "standard", "rating", "reasons"])


def _print_summary(summary: dict) -> None:
    out = summary["out"]
    _say("")
    _say("Demo built. Everything below is synthetic: no real person, case or inspection result.")
    _say(f"  database        {summary['database']}")
    for round_id, info in summary["rounds"].items():
        report = info["report"]
        _say(
            f"  round {round_id}   {report.provenance.n_cases:,} cases; data fingerprint "
            f"{report.provenance.data_fingerprint[:12]}"
        )
        for kind, path in info["written"].items():
            _say(f"    {kind:<12} {path}")
        if info["figures"]:
            _say(
                f"    figures      {len(info['figures'])} PNG files in {Path(info['figures'][0]).parent}"
            )
    bulletin = summary.get("bulletin")
    if bulletin:
        folder = Path(bulletin["written"][0]).parent
        _say(f"  bulletin        {folder}/ (bulletin.html, .pdf, .docx, numbers.csv)")
    themes = summary.get("themes")
    if themes:
        _say(f"  themes          {themes['folder']}/ (codes.csv, themes.csv, quotes.csv)")
    ratings = summary["ratings"]["result"]
    _say(f"  ratings         {out / '2018-19' / 'ratings'}/")
    overall = ratings.overall
    counts = overall["rating"].value_counts()
    _say(
        "    overall ratings of the 28 synthetic providers: "
        + ", ".join(
            f"{name} {int(counts.get(name, 0))}"
            for name in ("Outstanding", "Good", "Requires improvement", "Inadequate")
        )
    )
    for _, row in overall.iterrows():
        _say(f"      {row['provider']:<70} {row['score']!s:>3}  {row['rating']}")
    sample = summary["sample"]
    result = sample["result"]
    _say(
        f"  eligible list   {sample['list']} ({SAMPLE_PROVIDER[0]}, {result.listed:,} cases, {result.excluded} excluded) "
        f"→ sample {len(result.sample)} + reserve {len(result.reserve)} in {sample['written']['sample'].name} and companions"
    )
    _say(
        "  web application: make serve   (or: .venv/bin/caseinspect serve --db "
        + summary["database"]
        + ")"
    )
    _say(
        "    then open http://127.0.0.1:8000/ and sign in with a demo account (demo only, never in production):"
    )
    for username, role, password in summary["accounts"]:
        _say(f"      {role:<22} {username:<20} {password}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m caseinspect.demo", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--out", type=Path, default=Path("demo-output"), help="Directory to write into."
    )
    parser.add_argument("--seed", type=int, default=2026, help="Seed of the synthetic rounds.")
    parser.add_argument(
        "--db", default=None, help="Database URL (default: OUT/demo.sqlite3, rebuilt each time)."
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    build_demo(args.out, seed=args.seed, db_url=args.db)
    _say(f"Done in {time.perf_counter() - started:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
