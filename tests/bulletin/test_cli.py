"""The bulletin command: writes, checks, and fails with exit 1 when a number drifted."""

from __future__ import annotations

import shutil

import pytest

from caseinspect.cli import main


@pytest.fixture(scope="module")
def case_file(tmp_path_factory):
    from caseinspect.synth import synth_round

    path = tmp_path_factory.mktemp("cases") / "round.csv"
    synth_round("2018-19", n_cases=400, seed=3, text=False).to_csv(path, index=False)
    return path


def test_bulletin_writes_and_checks(case_file, tmp_path, capsys):
    out = tmp_path / "b"
    code = main(
        ["bulletin", str(case_file), "-f", "hmip-2018", "--out", str(out), "--format", "docx", "-q"]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert {p.name for p in out.iterdir()} >= {"bulletin.docx", "numbers.csv", "provenance.json"}
    assert "numbers in the text" in captured.out

    edited = tmp_path / "edited"
    shutil.copytree(out, edited)
    from docx import Document

    document = Document(str(edited / "bulletin.docx"))
    paragraph = next(
        p for p in document.paragraphs if p.style.name == "List Bullet" and "CRC and" in p.text
    )
    original = paragraph.text
    for run in paragraph.runs:
        run.text = (
            run.text.replace("CRC and", "CRC and 1", 1) if "CRC and" in run.text else run.text
        )
    document.save(str(edited / "bulletin.docx"))
    code = main(["bulletin", "--check", str(edited)])
    captured = capsys.readouterr()
    assert code == 1
    assert original.split(" CRC and")[0] in captured.err and "bulletin.docx" in captured.err


def test_usage_errors_exit_2(case_file, tmp_path, capsys):
    assert main(["bulletin", str(case_file), "--out", str(tmp_path)]) == 2
    assert "--framework" in capsys.readouterr().err
    code = main(
        [
            "bulletin",
            str(case_file),
            "-f",
            "hmip-2018",
            "--out",
            str(tmp_path),
            "--previous",
            str(case_file),
        ]
    )
    assert code == 2 and "--previous-framework" in capsys.readouterr().err
    assert main(["bulletin", "--check", str(tmp_path / "nothing")]) == 2


def test_check_recomputes_from_the_cases_when_given(case_file, tmp_path, capsys):
    import pandas as pd

    out = tmp_path / "b"
    assert (
        main(
            [
                "bulletin",
                str(case_file),
                "-f",
                "hmip-2018",
                "--out",
                str(out),
                "--format",
                "html",
                "-q",
            ]
        )
        == 0
    )
    assert main(["bulletin", str(case_file), "-f", "hmip-2018", "--check", str(out), "-q"]) == 0
    # Different cases: the numbers printed no longer follow from the (recomputed) cells.
    other = tmp_path / "other.csv"
    cases = pd.read_csv(case_file, dtype=str, keep_default_na=False)
    cases.iloc[: len(cases) // 3].to_csv(other, index=False)
    capsys.readouterr()
    assert main(["bulletin", str(other), "-f", "hmip-2018", "--check", str(out)]) == 1
    assert "numbers.csv disagrees with its cell" in capsys.readouterr().err


def test_bulletin_of_a_named_round_in_the_database(case_file, tmp_path):
    """--db URL --round NAME, end to end in fresh interpreters (each configures Django)."""
    import os
    import subprocess
    import sys

    db = f"sqlite:///{tmp_path / 'rounds.sqlite3'}"
    # The web tests' conftest sets DJANGO_SETTINGS_MODULE to the test settings (in-memory
    # SQLite) when the whole suite is collected; a user's command runs without it.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; from caseinspect.cli import main; sys.exit(main(sys.argv[1:]))",
                *args,
            ],
            capture_output=True,
            text=True,
            env=env,
        )

    assert cli("migrate", "--db", db).returncode == 0
    assert cli("import", str(case_file), "-f", "hmip-2018", "--db", db).returncode == 0
    setup = (
        "import datetime, sys; from caseinspect.web import setup; setup(sys.argv[1]); "
        "from caseinspect.web.models import Inspection, Round; "
        "r = Round.objects.create(name='2018-19', framework_id='hmip-2018'); "
        "[setattr(i, 'fieldwork_start', datetime.date(2019, 3, 4)) or i.save() for i in Inspection.objects.all()]; "
        "r.inspections.set(Inspection.objects.all())"
    )
    assert (
        subprocess.run([sys.executable, "-c", setup, db], capture_output=True, env=env).returncode
        == 0
    )
    out = tmp_path / "from-db"
    done = cli(
        "bulletin",
        "--db",
        db,
        "--round",
        "2018-19",
        "-f",
        "hmip-2018",
        "--out",
        str(out),
        "--format",
        "html",
    )
    assert done.returncode == 0, done.stderr
    html = (out / "bulletin.html").read_text(encoding="utf-8")
    assert "the 2018-19 round" in html and "March 2019" in html  # Table A1: fieldwork months
    wrong = cli("bulletin", "--db", db, "--round", "2018-19", "-f", "qi-2016", "--out", str(out))
    assert wrong.returncode == 2 and "use --framework hmip-2018" in wrong.stderr
    missing = cli("bulletin", "--db", db, "--round", "nope", "-f", "hmip-2018", "--out", str(out))
    assert missing.returncode == 2 and "no round named 'nope'" in missing.stderr
