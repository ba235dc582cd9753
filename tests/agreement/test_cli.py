"""``caseinspect agreement`` on two case files in the interchange format."""

from __future__ import annotations

import json

import pandas as pd

from caseinspect.cli import main
from caseinspect.framework import load_framework


def case_file(path, answers: dict[str, list[str]]):
    fw = load_framework("hmip-2018")
    n = len(next(iter(answers.values())))
    table = pd.DataFrame({c: [""] * n for c in fw.profile_columns}, dtype=object)
    table["case_id"] = [f"C-{i}" for i in range(n)]
    table["inspection_id"] = "INSP-1"
    table["provider"] = "Wessex"
    table["provider_type"] = "CRC"
    for item, values in answers.items():
        table[item] = values
    table.to_csv(path, index=False)


def test_json_and_discrepancies(tmp_path, capsys):
    # kq_2_1_1: 9 of 10 agree, mostly 'yes' — kappa is low, AC1 high.
    first = ["yes"] * 9 + ["no"]
    second = ["yes"] * 10
    case_file(tmp_path / "a.csv", {"kq_2_1_1": first, "kq_2_1_2": ["yes"] * 10})
    case_file(tmp_path / "b.csv", {"kq_2_1_1": second, "kq_2_1_2": ["yes"] * 10})
    code = main(
        [
            "agreement",
            str(tmp_path / "a.csv"),
            str(tmp_path / "b.csv"),
            "--framework",
            "hmip-2018",
            "--json",
            "--discrepancies",
            str(tmp_path / "d.csv"),
        ]
    )
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    item = result["items"]["kq_2_1_1"]
    # p_o = 0.9; kappa p_e = 0.9 × 1 + 0.1 × 0 = 0.9 → kappa 0; AC1: π_yes = 0.95,
    # p_e = 2 × 0.95 × 0.05 = 0.095 → (0.9 − 0.095)/0.905 = 0.8895.
    assert (item["n"], item["agreement"], item["kappa"], item["ac1"]) == (10, 0.9, 0.0, 0.8895)
    assert result["items"]["kq_2_1_2"]["kappa"] is None
    assert result["overall"]["n"] == 20
    d = pd.read_csv(tmp_path / "d.csv", dtype=str)
    assert d.to_dict("records") == [
        {"case_id": "C-9", "item": "kq_2_1_1", "first": "no", "second": "yes"}
    ]


def test_text_output(tmp_path, capsys):
    case_file(tmp_path / "a.csv", {"kq_2_1_1": ["yes", "no"]})
    case_file(tmp_path / "b.csv", {"kq_2_1_1": ["yes", "yes"]})
    assert (
        main(
            [
                "agreement",
                str(tmp_path / "a.csv"),
                str(tmp_path / "b.csv"),
                "--framework",
                "hmip-2018",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "kq_2_1_1" in out and "overall (pooled)" in out and "1 discrepant answer" in out


def test_invalid_file_exits_1(tmp_path, capsys):
    case_file(tmp_path / "a.csv", {"kq_2_1_1": ["yes", "perhaps"]})
    case_file(tmp_path / "b.csv", {"kq_2_1_1": ["yes", "yes"]})
    assert (
        main(
            [
                "agreement",
                str(tmp_path / "a.csv"),
                str(tmp_path / "b.csv"),
                "--framework",
                "hmip-2018",
            ]
        )
        == 1
    )
    assert "row 3" in capsys.readouterr().err


def test_no_overlap_exits_1_saying_no_case_was_second_marked(tmp_path, capsys):
    # Issue #13: all-null statistics and exit 0 before.
    case_file(tmp_path / "a.csv", {"kq_2_1_1": ["yes", "no"]})
    table = pd.read_csv(tmp_path / "a.csv", dtype=str, keep_default_na=False)
    table["case_id"] = ["Z-1", "Z-2"]
    table.to_csv(tmp_path / "b.csv", index=False)
    code = main(
        ["agreement", str(tmp_path / "a.csv"), str(tmp_path / "b.csv"), "--framework", "hmip-2018"]
    )
    assert code == 1 and "no case was second-marked" in capsys.readouterr().err
