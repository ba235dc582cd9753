"""The database layer: all-or-nothing import and the interchange-format export."""

from __future__ import annotations

import pandas as pd
import pytest

from caseinspect.errors import ValidationError
from caseinspect.framework import load_framework
from caseinspect.web.models import AuditEvent, Case, ImportBatch, Inspection, Provider
from caseinspect.web.store import cases_frame, import_cases

from .factories import case_frame

pytestmark = pytest.mark.django_db

FW = load_framework("hmip-2018")


def test_import_then_export_round_trips():
    frame = case_frame(FW, 40, inspections=3)
    summary = import_cases(frame, FW, source="round.csv")
    assert summary.n_cases == 40
    assert summary.inspections == ("INSP-01", "INSP-02", "INSP-03")
    assert len(summary.providers_created) == 3
    out = cases_frame(framework_id="hmip-2018")
    pd.testing.assert_frame_equal(out, frame, check_dtype=False, check_index_type=False)
    assert Case.objects.filter(status="accepted").count() == 40
    batch = ImportBatch.objects.get()
    assert batch.n_rows == 40 and batch.source == "round.csv"
    assert AuditEvent.objects.filter(action="import").count() == 3
    assert AuditEvent.objects.filter(action="create", object_type="inspection").count() == 3


def test_export_filters_by_inspection_and_keeps_interchange_columns():
    import_cases(case_frame(FW, 10, inspections=2), FW, source="a.csv")
    out = cases_frame(framework_id="hmip-2018", inspection_codes=["INSP-02"])
    assert set(out["inspection_id"]) == {"INSP-02"} and len(out) == 5
    assert list(out.columns[:10]) == [
        "case_id",
        "inspection_id",
        "provider",
        "provider_type",
        "gender",
        "age_group",
        "ethnic_group",
        "supervision_type",
        "likelihood_of_reoffending",
        "rosh",
    ]
    assert list(out.columns[-3:]) == ["practice_note", "practice_kind", "practice_pseudonym"]
    assert all(isinstance(v, str) for v in out.to_numpy().ravel())


def test_duplicate_case_ids_in_database_are_rejected_and_nothing_changes():
    import_cases(case_frame(FW, 6, inspections=2), FW, source="first.csv")
    second = case_frame(FW, 8, inspections=3)  # C000001..C000006 already stored
    before = (
        Case.objects.count(),
        Inspection.objects.count(),
        Provider.objects.count(),
        AuditEvent.objects.count(),
    )
    with pytest.raises(ValidationError) as caught:
        import_cases(second, FW, source="second.csv")
    rules = {(p.rule, p.column, p.row) for p in caught.value.problems}
    assert ("duplicate-in-database", "case_id", 2) in rules
    assert len(caught.value.problems) == 6
    assert str(caught.value.problems[0]).startswith("second.csv, row 2, column 'case_id'")
    after = (
        Case.objects.count(),
        Inspection.objects.count(),
        Provider.objects.count(),
        AuditEvent.objects.count(),
    )
    assert after == before  # INSP-03 and its provider were rolled back too


def test_invalid_frame_is_rejected_by_the_core_validator():
    frame = case_frame(FW, 3)
    frame.loc[3, "gender"] = "Mle"
    with pytest.raises(ValidationError) as caught:
        import_cases(frame, FW, source="bad.csv")
    assert [(p.row, p.column, p.rule) for p in caught.value.problems] == [
        (3, "gender", "unknown-category")
    ]
    assert Case.objects.count() == 0


def test_provider_type_contradicting_the_database_is_a_problem():
    import_cases(case_frame(FW, 2, inspections=1), FW, source="a.csv")
    frame = case_frame(FW, 2, inspections=1, prefix="D")
    frame["provider_type"] = "NPS"
    with pytest.raises(ValidationError) as caught:
        import_cases(frame, FW, source="b.csv")
    assert "provider-type-mismatch" in {p.rule for p in caught.value.problems}


def test_unanswered_rows_import_as_not_started():
    import_cases(case_frame(FW, 4, answered=False), FW, source="list.csv")
    assert set(Case.objects.values_list("status", flat=True)) == {"allocated"}


def test_export_leaves_dropped_cases_out_unless_asked():
    import_cases(case_frame(FW, 4, inspections=1, answered=False), FW, source="s.csv")
    Case.objects.filter(case_id="C000002").update(status="dropped")
    assert list(cases_frame(framework_id="hmip-2018")["case_id"]) == [
        "C000001",
        "C000003",
        "C000004",
    ]
    assert len(cases_frame(framework_id="hmip-2018", statuses=["dropped"])) == 1


def test_area_inspection_holds_cases_of_several_providers():
    frame = case_frame(FW, 4, inspections=2)
    frame["inspection_id"] = "AREA-1"  # a CRC and an NPS division inspected together
    summary = import_cases(frame, FW, source="area.csv")
    inspection = Inspection.objects.get(code="AREA-1")
    assert inspection.provider is None and summary.n_cases == 4
    assert set(Case.objects.values_list("provider__name", flat=True)) == {
        "Provider 01",
        "Provider 02",
    }
    out = cases_frame(framework_id="hmip-2018")
    assert set(zip(out["provider"], out["provider_type"], strict=True)) == {
        ("Provider 01", "CRC"),
        ("Provider 02", "NPS"),
    }
