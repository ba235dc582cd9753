"""The database commands of the CLI: import, createuser, export --db (migrate/serve need a real process)."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from caseinspect.cli import main
from caseinspect.framework import load_framework
from caseinspect.web.models import Account, AuditEvent, Case

from .factories import case_frame

pytestmark = pytest.mark.django_db(transaction=True)

FW = load_framework("hmip-2018")


def test_import_valid_file(tmp_path, capsys):
    path = tmp_path / "round.csv"
    case_frame(FW, 12, inspections=2).to_csv(path, index=False)
    assert main(["import", str(path), "--framework", "hmip-2018"]) == 0
    assert "Imported 12 cases" in capsys.readouterr().out
    assert Case.objects.count() == 12


def test_import_invalid_file_lists_problems_and_writes_nothing(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    frame = case_frame(FW, 5)
    frame.loc[4, "rosh"] = "Very high"
    frame.to_csv(path, index=False)
    assert main(["import", str(path), "--framework", "hmip-2018"]) == 1
    out = capsys.readouterr()
    assert f"{path}, row 4, column 'rosh'" in out.out
    assert "nothing was imported" in out.err
    assert Case.objects.count() == 0 and AuditEvent.objects.count() == 0


def test_import_twice_reports_duplicates(tmp_path, capsys):
    path = tmp_path / "round.csv"
    case_frame(FW, 3).to_csv(path, index=False)
    assert main(["import", str(path), "--framework", "hmip-2018"]) == 0
    assert main(["import", str(path), "--framework", "hmip-2018"]) == 1
    assert "[duplicate-in-database]" in capsys.readouterr().out
    assert Case.objects.count() == 3


def test_createuser_with_password_stdin(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("correct-horse-battery-9\n"))
    assert main(["createuser", "insp-0042", "--role", "inspector", "--password-stdin"]) == 0
    account = Account.objects.get(user__username="insp-0042")
    assert account.role == "inspector" and account.user.check_password("correct-horse-battery-9")
    assert AuditEvent.objects.filter(action="create", object_type="user").count() == 1


def test_createuser_refuses_weak_password_and_missing_provider(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("password\n"))
    assert main(["createuser", "qa-1", "--role", "provider_qa", "--password-stdin"]) == 1
    err = capsys.readouterr().err
    assert "provider" in err and "password" in err
    assert not Account.objects.exists()


def test_every_web_command_has_help():
    from caseinspect.cli._web import COMMANDS

    for command in COMMANDS:
        assert command.help and len(command.help) > 20


def test_export_stored_cases_with_labels(tmp_path, capsys):
    import pyreadstat

    path = tmp_path / "round.csv"
    frame = case_frame(FW, 12, inspections=2)
    frame.to_csv(path, index=False)
    assert main(["import", str(path), "--framework", "hmip-2018"]) == 0
    out = tmp_path / "stored.dta"
    assert (
        main(
            [
                "export",
                "--db",
                "sqlite:///ignored-under-pytest",
                "--framework",
                "hmip-2018",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert "Wrote 12 cases from sqlite:///" in capsys.readouterr().out
    data, meta = pyreadstat.read_dta(str(out))
    assert sorted(data["case_id"]) == sorted(frame["case_id"])
    assert meta.variable_value_labels["gender"] == {1: "Male", 2: "Female"}
    one = sorted(frame["inspection_id"].unique())[0]
    out = tmp_path / "one.csv"
    assert (
        main(
            [
                "export",
                "--db",
                "sqlite:///x",
                "--framework",
                "hmip-2018",
                "--inspection",
                one,
                "--out",
                str(out),
            ]
        )
        == 0
    )
    exported = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert (
        set(exported["inspection_id"]) == {one}
        and len(exported) == (frame["inspection_id"] == one).sum()
    )
