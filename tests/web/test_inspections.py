"""Running an inspection: create, import, sample, allocate, replace, ratings, sign-off."""

from __future__ import annotations

import pandas as pd
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from caseinspect.web.models import AuditEvent, Case, Inspection, RatingDecision

from .conftest import complete_answers, login
from .factories import case_frame

pytestmark = pytest.mark.django_db


def _csv(frame: pd.DataFrame, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, frame.to_csv(index=False).encode(), content_type="text/csv")


def eligible_list(n: int = 120) -> pd.DataFrame:
    rows = []
    for i in range(n):
        rows.append(
            {
                "case_id": f"E{i:04d}",
                "sentence_or_release_date": "2024-01-10" if i % 10 else "2024-06-01",
                "requirements": "rehabilitation_activity",
                "officer": f"OFF{i % 9}",
                "office": f"Office {i % 3}",
                "gender": "Female" if i % 5 == 0 else "Male",
                "ethnic_group": "White",
                "rosh": "Low" if i % 3 else "Medium",
                "disposal_type": "community" if i % 2 else "custody",
                "yot_held": "no",
                "sfo_or_scr": "no",
                "transferred": "no",
                "termination_or_recall_date": "",
            }
        )
    return pd.DataFrame(rows)


def test_lead_creates_an_inspection(client, world):
    c = login(client, world["users"]["lead1"])
    response = c.post(
        reverse("inspection-new"),
        {
            "code": "CRC-NEW-1",
            "provider": world["providers"]["A"].pk,
            "framework": "hmip-2018",
            "kind": "inspection",
        },
    )
    assert response.status_code == 302
    inspection = Inspection.objects.get(code="CRC-NEW-1")
    assert inspection.lead == world["users"]["lead1"]
    assert AuditEvent.objects.filter(
        action="create", object_type="inspection", object_pk=str(inspection.pk)
    ).exists()
    bad = c.post(
        reverse("inspection-new"),
        {
            "code": "has space",
            "provider": world["providers"]["A"].pk,
            "framework": "hmip-2018",
            "kind": "inspection",
        },
    )
    assert bad.status_code == 400 and "no spaces" in bad.content.decode()


def test_provider_qa_creates_only_self_audits_of_their_provider(client, world):
    c = login(client, world["users"]["qa_a"])
    response = c.post(
        reverse("inspection-new"),
        {
            "code": "SA-2",
            "provider": world["providers"]["B"].pk,
            "framework": "hmip-2018",
            "kind": "inspection",
        },
    )
    assert response.status_code == 400
    assert not Inspection.objects.filter(code="SA-2").exists()


def test_upload_case_file_reports_every_problem_and_imports_nothing(client, world, fw):
    inspection = world["inspections"]["I1"]
    frame = case_frame(fw, 3, inspections=1, prefix="U")
    frame["inspection_id"], frame["provider"], frame["provider_type"] = "I1", "Provider A", "CRC"
    frame.loc[frame["rosh"] == "High/Very high", "rosh"] = "Low"
    bad = frame.copy()
    bad.loc[3, "gender"] = "Mle"
    c = login(client, world["users"]["lead1"])
    before = Case.objects.count()
    response = c.post(
        reverse("inspection-import", kwargs={"pk": inspection.pk}), {"file": _csv(bad, "cases.csv")}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "unknown-category" in html and "cases.csv" in html and "Mle" in html
    assert Case.objects.count() == before
    response = c.post(
        reverse("inspection-import", kwargs={"pk": inspection.pk}),
        {"file": _csv(frame, "cases.csv")},
    )
    assert response.status_code == 302
    assert Case.objects.filter(inspection=inspection, case_id__startswith="U").count() == 3


def test_draw_sample_allocate_and_replace(client, world):
    c = login(client, world["users"]["lead1"])
    inspection = Inspection.objects.create(
        code="I9",
        provider=world["providers"]["A"],
        framework_id="hmip-2018",
        framework_version="2018.1",
        framework_fingerprint="x",
        lead=world["users"]["lead1"],
    )
    url = reverse("inspection-sample", kwargs={"pk": inspection.pk})
    response = c.post(
        url,
        {
            "file": _csv(eligible_list(), "eligible.csv"),
            "reference_date": "2024-07-20",
            "seed": "7",
            "size": "20",
            "confirm_provider": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    inspection.refresh_from_db()
    report = inspection.sample_report
    assert report["size"] == 20 and report["excluded"] == 12 and len(report["reserve"]) == 4
    sampled = Case.objects.filter(inspection=inspection)
    assert sampled.count() == 20 and set(sampled.values_list("status", flat=True)) == {"allocated"}
    assert set(sampled.values_list("supervision_type", flat=True)) <= {
        "Community sentence",
        "Post-custody",
    }
    page = c.get(url).content.decode()
    assert "Eligible population and sample compared" in page
    # "Allocate evenly" offers everyone but ticks only the inspectors, not the lead
    allocate_url = reverse("inspection-allocate", kwargs={"pk": inspection.pk})
    form = c.get(allocate_url).content.decode()
    users = world["users"]
    assert f'value="{users["insp1"].pk}" checked' in form
    assert f'value="{users["lead1"].pk}">' in form and "lead1 (lead inspector)" in form
    response = c.post(allocate_url, {"action": "balance"})  # nobody chosen: refused
    assert sampled.exclude(allocated_to=None).count() == 0
    chosen = [users["insp1"].pk, users["insp2"].pk]
    response = c.post(allocate_url, {"action": "balance", "inspectors": chosen})
    assert response.status_code == 302
    loads = sorted(sampled.values_list("allocated_to__username", flat=True))
    assert loads == ["insp1"] * 10 + ["insp2"] * 10  # the lead gets none
    # drop one out and take the first reserve case of its stratum
    dropped = sampled.order_by("case_id").first()
    response = c.post(
        reverse("case-replace", kwargs={"pk": dropped.pk}), {"reason": "Died before interview"}
    )
    assert response.status_code == 302
    dropped.refresh_from_db()
    assert dropped.status == "dropped"
    new = Case.objects.get(inspection=inspection, case_id=dropped.sample_info["replaced_by"])
    assert (
        new.allocated_to_id == dropped.allocated_to_id
        and new.sample_info["replaces"] == dropped.case_id
    )
    assert AuditEvent.objects.filter(action="replace", object_pk=str(new.pk)).exists()


def test_manual_allocation_is_audited(client, world):
    inspection = world["inspections"]["I1"]
    case = world["cases"]["A000003"]
    c = login(client, world["users"]["lead1"])
    form = c.get(reverse("inspection-allocate", kwargs={"pk": inspection.pk}))
    assert form.status_code == 200
    data = {
        f"case_{k.pk}": (k.allocated_to_id or "")
        for k in Case.objects.filter(inspection=inspection, status="allocated")
    }
    data[f"case_{case.pk}"] = world["users"]["insp2"].pk
    data["action"] = "save"
    assert (
        c.post(reverse("inspection-allocate", kwargs={"pk": inspection.pk}), data).status_code
        == 302
    )
    case.refresh_from_db()
    assert case.allocated_to == world["users"]["insp2"]
    event = AuditEvent.objects.filter(action="allocate", object_pk=str(case.pk)).latest("id")
    assert event.before == {"allocated_to": None} and event.after == {"allocated_to": "insp2"}


def test_ratings_judgements_overrides_and_sign_off(client, world, fw):
    inspection = world["inspections"]["I1"]
    lead = login(client.__class__(), world["users"]["lead1"])
    inspector = login(client.__class__(), world["users"]["insp1"])
    case = world["cases"]["A000001"]
    inspector.post(
        reverse("case-edit", kwargs={"pk": case.pk}),
        {"version": case.version, "action": "submit", **complete_answers(fw)},
    )
    page = lead.get(reverse("inspection-ratings", kwargs={"pk": inspection.pk})).content.decode()
    assert "2.1.1 Engaging the service user" in page and "100.0%" in page and "95% interval" in page
    url = reverse("inspection-rating-decision", kwargs={"pk": inspection.pk})
    lead.post(
        url,
        {
            "code": "1.1",
            "s1.1-standard": "1.1",
            "s1.1-standard_title": "Leadership",
            "s1.1-kind": "judgement",
            "s1.1-rating": "Good",
            "s1.1-reasons": "Clear vision, well communicated.",
        },
    )
    lead.post(
        url,
        {
            "code": "2.1",
            "s2.1-standard": "2.1",
            "s2.1-standard_title": "Assessment",
            "s2.1-kind": "override",
            "s2.1-rating": "Good",
            "s2.1-reasons": "One case only: the panel moderates.",
        },
    )
    assert RatingDecision.objects.filter(inspection=inspection).count() == 2
    page = lead.get(reverse("inspection-ratings", kwargs={"pk": inspection.pk})).content.decode()
    assert "1.1 Leadership: Good" in page and "panel override" in page
    # one case of a minimum of 20: every case-based rating is provisional, with its count
    assert "Provisional" in page and "below 20" in page
    sign_off = reverse("inspection-sign-off", kwargs={"pk": inspection.pk})
    # sign-off refused while cases are open, then allowed
    lead.post(sign_off, {"confirm": "yes", "reason": "Panel decision."})
    inspection.refresh_from_db()
    assert inspection.status != "signed_off"
    Case.objects.filter(inspection=inspection).exclude(pk=case.pk).update(status="dropped")
    lead.post(reverse("case-review", kwargs={"pk": case.pk}), {"decision": "accept"})
    # the confirmation page lists what will be signed off and why it is not ready
    confirm = lead.get(sign_off).content.decode()
    assert "What will be signed off" in confirm and "1.1 Leadership" in confirm
    assert "1.2 Staff is not rated" in confirm and "2.2 Planning is provisional" in confirm
    assert lead.post(sign_off, {"reason": "x"}).status_code == 400  # not confirmed
    refused = lead.post(sign_off, {"confirm": "yes"})
    assert refused.status_code == 400 and "record why they should be signed off" in (
        refused.content.decode()
    )
    inspection.refresh_from_db()
    assert inspection.status != "signed_off"
    lead.post(sign_off, {"confirm": "yes", "reason": "Pilot inspection: ratings indicative only."})
    inspection.refresh_from_db()
    assert inspection.status == "signed_off"
    closed = lead.get(reverse("inspection-allocate", kwargs={"pk": inspection.pk}))
    assert closed.status_code == 403  # read-only now, and the page says why in plain words
    assert "This inspection is closed" in closed.content.decode()
    assert "your role" not in closed.content.decode().lower().split("<main")[1]
    event = AuditEvent.objects.filter(action="sign-off", inspection=inspection).get()
    assert (
        event.after["ratings"]["overall"] and "1.2 Staff is not rated" in event.after["not_ready"]
    )
    assert event.after["reason"] == "Pilot inspection: ratings indicative only."
    # reopening: administrators only, with a reason, audited
    reopen = reverse("inspection-reopen", kwargs={"pk": inspection.pk})
    assert lead.post(reopen, {"reason": "typo"}).status_code == 403
    admin = login(client.__class__(), world["users"]["admin"])
    admin.post(reopen, {"reason": ""})
    inspection.refresh_from_db()
    assert inspection.status == "signed_off"
    admin.post(reopen, {"reason": "Case A000001 was rated under the wrong provider."})
    inspection.refresh_from_db()
    assert inspection.status == "fieldwork" and inspection.signed_off_by is None
    assert AuditEvent.objects.get(action="reopen").after["reason"].startswith("Case A000001")


def test_rating_reasons_are_kept_when_the_page_is_shown_again(client, world):
    inspection = world["inspections"]["I1"]
    lead = login(client, world["users"]["lead1"])
    response = lead.post(
        reverse("inspection-rating-decision", kwargs={"pk": inspection.pk}),
        {
            "code": "1.1",
            "s1.1-standard": "1.1",
            "s1.1-standard_title": "Leadership",
            "s1.1-kind": "judgement",
            "s1.1-rating": "",
            "s1.1-reasons": "Strong vision; thin evidence of delivery.",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Strong vision; thin evidence of delivery." in html  # kept
    assert 'id="id_s1.1-rating-error"' in html  # the error is beside the field
    assert 'rows="[' not in html and "StandardRow(" not in html


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet", "sav", "dta"])
def test_downloads_keep_labels_and_are_audited(client, world, fw, fmt, tmp_path):
    from caseinspect.web.store import import_cases

    frame = case_frame(fw, 30, inspections=1, prefix="D")
    frame["inspection_id"], frame["provider"], frame["provider_type"] = "I1", "Provider A", "CRC"
    frame.loc[frame["rosh"] == "High/Very high", "rosh"] = "Low"
    frame.loc[2, "kq_2_1_1__rationale"] = '=HYPERLINK("http://x")'
    import_cases(frame, fw, source="d.csv", inspection=world["inspections"]["I1"])
    c = login(client, world["users"]["analyst"])
    response = c.get(
        reverse(
            "inspection-download",
            kwargs={"pk": world["inspections"]["I1"].pk, "what": "cases", "fmt": fmt},
        )
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="I1-cases.{fmt}"'
    path = tmp_path / f"x.{fmt}"
    path.write_bytes(response.content)
    if fmt == "csv":
        assert len(pd.read_csv(path, dtype=str, keep_default_na=False)) == 30
    elif fmt == "xlsx":
        import openpyxl

        sheet = openpyxl.load_workbook(path)["cases"]
        assert sheet.max_row == 31
        assert all(
            not (isinstance(c.value, str) and c.data_type == "f")
            for row in sheet.iter_rows()
            for c in row
        )
    elif fmt == "parquet":
        assert len(pd.read_parquet(path)) == 30
    else:
        import pyreadstat

        data, meta = (pyreadstat.read_sav if fmt == "sav" else pyreadstat.read_dta)(str(path))
        assert len(data) == 30
        assert meta.variable_value_labels["gender"] == {1: "Male", 2: "Female"}
        assert meta.variable_value_labels["kq_2_1_1"] == {0: "No", 1: "Yes"}
        assert meta.column_names_to_labels["need_drug_misuse"] == "Drug misuse"
        assert all(len(name) <= (32 if fmt == "dta" else 64) for name in meta.column_names)
    event = AuditEvent.objects.filter(action="download").latest("id")
    assert event.actor_username == "analyst" and event.after == {
        "what": "cases",
        "format": fmt,
        "rows": 30,
    }


def test_analysis_pages_show_annex_tables(client, world, fw):
    from caseinspect.web.store import import_cases

    frame = case_frame(fw, 60, inspections=1, prefix="R")
    frame["inspection_id"], frame["provider"], frame["provider_type"] = "I2", "Provider B", "NPS"
    import_cases(frame, fw, source="r.csv", inspection=world["inspections"]["I2"])
    c = login(client, world["users"]["analyst"])
    page = c.get(
        reverse("inspection-analysis", kwargs={"pk": world["inspections"]["I2"].pk})
    ).content.decode()
    assert "Table C1" in page and "Mean number of needs" in page
    from caseinspect.web.models import Round

    rnd = Round.objects.create(name="2018-19", framework_id="hmip-2018")
    rnd.inspections.set([world["inspections"]["I1"], world["inspections"]["I2"]])
    page = c.get(reverse("round-analysis", kwargs={"name": "2018-19"})).content.decode()
    assert "Round 2018-19" in page and "Figure" in page
    response = c.get(
        reverse("round-download", kwargs={"name": "2018-19", "what": "tables", "fmt": "xlsx"})
    )
    assert response.status_code == 200 and response.content[:2] == b"PK"
