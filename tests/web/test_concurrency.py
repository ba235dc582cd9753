"""Two ``caseinspect import`` processes at the same time against one PostgreSQL database
(issue #13, item 1): a case id is stored once however the imports interleave, and two
imports creating the same provider both succeed."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.db import IntegrityError, connection, transaction

from caseinspect.framework import load_framework
from caseinspect.web.models import Case, Inspection, Provider

from .factories import case_frame

pytestmark = pytest.mark.django_db(transaction=True)
FW = load_framework("hmip-2018")
RUN = "import sys; from caseinspect.cli import main; sys.exit(main(sys.argv[1:]))"


def _file(tmp_path, name, *, inspection, prefix, provider="Shared Provider"):
    frame = case_frame(FW, 300, inspections=1, prefix=prefix)
    frame["inspection_id"], frame["provider"], frame["provider_type"] = inspection, provider, "CRC"
    frame.loc[frame["rosh"] == "High/Very high", "rosh"] = "Low"
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return path


def _db_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER'] or 'postgres'}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _parallel(*paths):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DJANGO_SETTINGS_MODULE", "CASEINSPECT_TEST_DATABASE_URL", "DATABASE_URL")
    }
    procs = [
        subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [sys.executable, "-c", RUN, "import", str(p), "--framework", FW.id, "--db", _db_url()],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for p in paths
    ]
    outputs = [p.communicate(timeout=300) for p in procs]  # read first: a full pipe blocks
    return [(p.returncode, out, err) for p, (out, err) in zip(procs, outputs, strict=True)]


def _needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("the race needs two processes on one server database (PostgreSQL)")


def test_parallel_imports_of_the_same_case_ids_store_each_once(tmp_path):
    _needs_postgres()
    a = _file(tmp_path, "a.csv", inspection="RACE-A", prefix="R")
    b = _file(tmp_path, "b.csv", inspection="RACE-B", prefix="R")
    results = _parallel(a, b)
    codes = sorted(code for code, _, _ in results)
    assert codes == [0, 1], results
    loser = next(out for code, out, _ in results if code == 1)
    assert "duplicate-in-database" in loser and "is already stored" in loser
    assert Case.objects.count() == 300
    assert Case.objects.values("case_id").distinct().count() == 300
    assert Inspection.objects.filter(code__in=["RACE-A", "RACE-B"]).count() == 1
    assert Provider.objects.filter(name="Shared Provider").count() == 1


def test_parallel_imports_creating_the_same_provider_both_succeed(tmp_path):
    _needs_postgres()
    a = _file(tmp_path, "a.csv", inspection="NEW-A", prefix="P")
    b = _file(tmp_path, "b.csv", inspection="NEW-B", prefix="Q")
    results = _parallel(a, b)
    assert [code for code, _, _ in results] == [0, 0], results
    assert Provider.objects.filter(name="Shared Provider").count() == 1
    assert Case.objects.count() == 600


def test_the_database_refuses_a_second_case_with_the_same_id(world):
    """The constraint, not only the import's check: a direct insert is refused too."""
    first = world["cases"]["A000001"]
    other = world["inspections"]["I2"]
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.create(inspection=other, provider=other.provider, case_id=first.case_id)
    assert Case.objects.filter(case_id=first.case_id).count() == 1
