"""Property: a file with any single corrupted cell is rejected whole and changes nothing."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caseinspect.cli import main
from caseinspect.framework import load_framework
from caseinspect.web.models import AuditEvent, Case, ImportBatch, Inspection, Provider

from .factories import case_frame

pytestmark = pytest.mark.django_db(transaction=True)

FW = load_framework("hmip-2018")
COLUMNS = [v.code for v in FW.profile] + [
    "need_drug_misuse",
    "delivery_need_drug_misuse",
    "kq_2_1_1",
    "case_id",
]


def _state():
    return (
        Case.objects.count(),
        Inspection.objects.count(),
        Provider.objects.count(),
        ImportBatch.objects.count(),
        AuditEvent.objects.count(),
    )


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_any_corrupted_cell_leaves_the_database_unchanged(tmp_path, capsys, data):
    if not Case.objects.exists():
        seed = tmp_path / "seed.csv"
        case_frame(FW, 6, inspections=2, prefix="S").to_csv(seed, index=False)
        assert main(["import", str(seed), "--framework", "hmip-2018"]) == 0
    before = _state()
    frame = case_frame(FW, 5, inspections=2, prefix="N", seed=data.draw(st.integers(0, 10_000)))
    row = data.draw(st.sampled_from(list(frame.index)))
    column = data.draw(st.sampled_from(COLUMNS))
    if column == "case_id":
        bad = data.draw(
            st.sampled_from(["S000001", "N 1", ""])
        )  # in the database / a name-like id / empty
    else:
        bad = data.draw(
            st.text(alphabet="abcXYZ -/", min_size=1, max_size=8).filter(lambda s: s.strip() == s)
        )
    frame.loc[row, column] = bad
    path = tmp_path / "corrupt.csv"
    frame.to_csv(path, index=False)
    code = main(["import", str(path), "--framework", "hmip-2018"])
    out = capsys.readouterr().out
    assert code == 1
    assert f"row {row}, column '{column}'" in out
    assert _state() == before
