"""The ``practice`` command, and the scan of every published file for original names."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from caseinspect.cli import COMMANDS, main
from caseinspect.synth import names_path, write_round


@pytest.fixture(scope="module")
def round_file(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("practice")
    return write_round("2018-19", folder / "cases.csv", 1400, seed=23)


@pytest.fixture()
def run(capsys):
    def _run(*args) -> tuple[int, str]:
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return code, captured.out + captured.err

    return _run


def _approve_all(review: Path, to: Path) -> Path:
    sheet = pd.read_csv(review, dtype=str, keep_default_na=False)
    sheet["decision"] = "approve"
    sheet.to_csv(to, index=False)
    return to


def test_first_run_publishes_nothing_then_the_approved(round_file, tmp_path, run):
    code, output = run("practice", round_file, "-f", "hmip-2018", "--out", tmp_path / "a")
    assert code == 0, output
    examples = pd.read_csv(tmp_path / "a" / "examples.csv", dtype=str)
    assert examples.empty and list(examples.columns) == ["case_id", "kind", "text"]
    detections = pd.read_csv(tmp_path / "a" / "detections.csv", dtype=str)
    assert list(detections.columns) == ["case_id", "span", "original", "replacement", "rule"]
    review = tmp_path / "a" / "review.csv"
    sheet = pd.read_csv(review, dtype=str, keep_default_na=False)
    sheet.loc[sheet.index[:5], "decision"] = "approve"
    sheet.to_csv(tmp_path / "half.csv", index=False)
    code, output = run(
        "practice",
        round_file,
        "-f",
        "hmip-2018",
        "--out",
        tmp_path / "b",
        "--reviewed",
        tmp_path / "half.csv",
    )
    assert code == 0, output
    assert "approved 5," in output
    published = pd.read_csv(tmp_path / "b" / "examples.csv", dtype=str)
    assert list(published["case_id"]) == list(sheet["case_id"][:5])
    carried = pd.read_csv(tmp_path / "b" / "review.csv", dtype=str, keep_default_na=False)
    assert (carried["decision"][:5] == "approve").all() and (carried["decision"][5:] == "").all()


def test_bad_review_file_exits_1(round_file, tmp_path, run):
    bad = tmp_path / "bad.csv"
    bad.write_text("case_id,digest\nC1,x\n")
    code, output = run(
        "practice", round_file, "-f", "hmip-2018", "--out", tmp_path / "o", "--reviewed", bad
    )
    assert code == 1
    assert "no 'decision' column" in output


def _original_names(round_file: Path) -> set[str]:
    names = pd.read_csv(names_path(round_file), dtype=str, keep_default_na=False)
    return set(names["name"])


def _leaks(folder: Path, names: set[str]) -> list[tuple[str, str]]:
    pattern = re.compile(r"\b(" + "|".join(sorted(map(re.escape, names))) + r")\b")
    found = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        text = path.read_bytes().decode("utf-8", errors="replace")
        found += [(path.name, m.group()) for m in pattern.finditer(text)]
    return found


def test_no_original_name_in_any_published_file(round_file, tmp_path, run):
    names = _original_names(round_file)
    assert len(names) > 50
    published = tmp_path / "published"
    # tables
    code, output = run(
        "tables",
        round_file,
        "-f",
        "hmip-2018",
        "--out",
        published / "tables",
        "--significance",
        "none",
    )
    assert code == 0, output
    # practice, every example approved
    code, _ = run("practice", round_file, "-f", "hmip-2018", "--out", tmp_path / "first")
    review = _approve_all(tmp_path / "first" / "review.csv", tmp_path / "approved.csv")
    code, output = run(
        "practice",
        round_file,
        "-f",
        "hmip-2018",
        "--out",
        tmp_path / "practice",
        "--reviewed",
        review,
    )
    assert code == 0, output
    (published / "practice").mkdir(parents=True)
    examples = tmp_path / "practice" / "examples.csv"
    assert len(pd.read_csv(examples)) > 40
    (published / "practice" / "examples.csv").write_bytes(examples.read_bytes())
    # themes and bulletin, where those commands exist
    if "themes" in COMMANDS:
        code, output = run("themes", round_file, "-f", "hmip-2018", "--out", published / "themes")
        assert code in (0, 2), output  # 2: the [text] extra is not installed
        if code == 0:
            assert (published / "themes" / "quotes.csv").exists()
    if "bulletin" in COMMANDS:
        themes = published / "themes" / "bulletin-themes.csv"
        more = ["--themes", themes] if themes.exists() else []
        code, output = run(
            "bulletin",
            round_file,
            "-f",
            "hmip-2018",
            "--out",
            published / "bulletin",
            "--examples",
            examples,
            "--significance",
            "none",
            *more,
        )
        assert code in (0, 2), output
        if code == 0:  # the practice section carries the approved examples
            html = (published / "bulletin" / "bulletin.html").read_text("utf-8")
            first = pd.read_csv(examples)["text"].iloc[0].split(" ")[0]
            assert first in html
    assert _leaks(published, names) == []
    # The scan itself can fail: the internal files do hold the names.
    assert _leaks(tmp_path / "practice", names)


def test_also_names_carry_over_and_reopen_the_review(round_file, tmp_path, run):
    run("practice", round_file, "-f", "hmip-2018", "--out", tmp_path / "a")
    sheet = pd.read_csv(tmp_path / "a" / "review.csv", dtype=str, keep_default_na=False)
    sheet["decision"] = "approve"
    word = sheet.loc[0, "text"].split()[-1].strip(".")  # pretend the last word is a name
    sheet.loc[0, "also"] = word
    sheet.to_csv(tmp_path / "r.csv", index=False)
    code, output = run(
        "practice",
        round_file,
        "-f",
        "hmip-2018",
        "--out",
        tmp_path / "b",
        "--reviewed",
        tmp_path / "r.csv",
    )
    assert code == 0, output
    again = pd.read_csv(tmp_path / "b" / "review.csv", dtype=str, keep_default_na=False)
    assert again.loc[0, "also"] == word and again.loc[0, "decision"] == ""
    assert f"({'reviewer'})" in again.loc[0, "detections"]
    assert (again["decision"][1:] == "approve").all()
    published = pd.read_csv(tmp_path / "b" / "examples.csv", dtype=str)
    assert sheet.loc[0, "case_id"] not in set(published["case_id"])
    assert len(published) == len(sheet) - 1
