"""``caseinspect ratings`` end to end: a valid case file in, four files out."""

from __future__ import annotations

import pandas as pd

from caseinspect.cli import main

from .conftest import frame, judgements, provider_cases


def write_case_file(fw, path, rows):
    table = frame(rows)
    for column in fw.profile_columns:
        if column not in table.columns:
            table[column] = "INSP-1" if column == "inspection_id" else ""
    table = table[
        list(fw.profile_columns) + [c for c in table.columns if c not in fw.profile_columns]
    ]
    table.to_csv(path, index=False)


def test_ratings_command_writes_tables_and_figure(fw, tmp_path, capsys):
    rows = (
        provider_cases(fw, "Wessex", "CRC")
        + provider_cases(fw, "Mercia", "CRC", default=(5, 5, 0))
        + provider_cases(fw, "London", "NPS", default=(7, 3, 0))
    )
    cases = tmp_path / "cases.csv"
    write_case_file(fw, cases, rows)
    j = (
        judgements(fw, "Wessex", "CRC")
        + judgements(fw, "Mercia", "CRC", "Requires improvement")
        + judgements(fw, "London", "NPS", skip=("3.2",))
    )
    pd.DataFrame(j).to_csv(tmp_path / "j.csv", index=False)
    pd.DataFrame(
        [
            {
                "provider": "Mercia",
                "standard": "1.1",
                "rating": "Inadequate",
                "reason": "leadership failings found in fieldwork",
            }
        ]
    ).to_csv(tmp_path / "o.csv", index=False)
    out = tmp_path / "ratings"
    code = main(
        [
            "ratings",
            str(cases),
            "--framework",
            "hmip-2018",
            "--domain-one",
            str(tmp_path / "j.csv"),
            "--overrides",
            str(tmp_path / "o.csv"),
            "--out",
            str(out),
        ]
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert "withheld" in printed

    kq = pd.read_csv(out / "key_questions.csv")
    assert list(kq.columns) == ["provider", "key_question", "n", "sufficient", "pct"]
    assert len(kq) == 3 * 12
    ratings = pd.read_csv(out / "ratings.csv", dtype=str, keep_default_na=False)
    assert list(ratings.columns)[:5] == ["provider", "standard", "rating", "score", "basis"]
    mercia = ratings[ratings.provider == "Mercia"].set_index("standard")
    assert mercia.loc["2.1", "rating"] == "Requires improvement"  # 50%
    assert mercia.loc["1.1", "basis"].startswith("panel override (computed: Requires improvement)")
    overall = pd.read_csv(out / "overall.csv", dtype=str, keep_default_na=False).set_index(
        "provider"
    )
    # Mercia: 4 × 1 (50%) + 1.1 overridden to 0 + 5 × 1 = 9: Requires improvement.
    assert overall.loc["Mercia", "score"] == "9"
    assert overall.loc["Mercia", "rating"] == "Requires improvement"
    assert overall.loc["London", "rating"] == "withheld" and overall.loc["London", "score"] == ""
    png = (out / "ratings.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000


def test_invalid_case_file_exits_1(fw, tmp_path, capsys):
    rows = provider_cases(fw, "Wessex", "CRC")
    rows[0]["kq_2_1_1"] = "sometimes"
    cases = tmp_path / "cases.csv"
    write_case_file(fw, cases, rows)
    assert (
        main(["ratings", str(cases), "--framework", "hmip-2018", "--out", str(tmp_path / "o")]) == 1
    )
    assert "kq_2_1_1" in capsys.readouterr().err


def test_framework_without_ratings_is_a_usage_error(tmp_path, capsys):
    cases = tmp_path / "c.csv"
    cases.write_text("case_id\n", encoding="utf-8")
    assert (
        main(["ratings", str(cases), "--framework", "qi-2016", "--out", str(tmp_path / "o")]) == 2
    )
    assert "no ratings rules" in capsys.readouterr().err


def test_ratings_on_a_full_disk_leaves_no_overall_csv(fw, tmp_path, capsys, monkeypatch):
    # Issue #13, defect 5: an empty overall.csv was left behind on a full disk.
    import errno
    from pathlib import Path

    rows = provider_cases(fw, "Wessex", "CRC")
    cases = tmp_path / "cases.csv"
    write_case_file(fw, cases, rows)
    pd.DataFrame(judgements(fw, "Wessex", "CRC")).to_csv(tmp_path / "j.csv", index=False)
    real = Path.write_bytes

    def write_bytes(self, data):
        if self.name.startswith(".overall.csv"):
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", write_bytes)
    out = tmp_path / "out"
    code = main(
        [
            "ratings",
            str(cases),
            "--framework",
            fw.id,
            "--domain-one",
            str(tmp_path / "j.csv"),
            "--out",
            str(out),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2 and "No space left on device" in err and str(out) in err
    assert list(out.iterdir()) == []
