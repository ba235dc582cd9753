"""The assessment form: generated from the framework, validated by the core, saved as an
action with its audit row, protected against silent overwrites."""

from __future__ import annotations

import pytest
from django.urls import reverse

from caseinspect.web.models import AuditEvent, Case

from .conftest import complete_answers, login

pytestmark = pytest.mark.django_db


def _post(client, case, data, action="save"):
    return client.post(
        reverse("case-edit", kwargs={"pk": case.pk}),
        {"version": case.version, "action": action, **data},
    )


def test_form_is_generated_from_the_framework(client, world, fw):
    case = world["cases"]["A000001"]
    response = login(client, world["users"]["insp1"]).get(
        reverse("case-edit", kwargs={"pk": case.pk})
    )
    html = response.content.decode()
    for item in fw.items:
        assert f'name="answer__{item.code}"' in html
        if item.rationale != "none":
            assert f'name="rationale__{item.code}"' in html
    # key questions carry their prompts; conditional questions say when they apply
    assert "2.1.1 Engaging the service user" in html
    assert 'data-applies-if="{&quot;item&quot;: &quot;need_accommodation&quot;' in html
    assert "Answer only if ‘Accommodation’ is Yes." in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_save_draft_writes_answers_version_and_audit_row(client, world, fw):
    case = world["cases"]["A000001"]
    c = login(client, world["users"]["insp1"])
    response = _post(
        c,
        case,
        {
            "answer__need_accommodation": "yes",
            "answer__kq_2_1_1": "no",
            "rationale__kq_2_1_1": "No analysis of motivation.",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "draft" and case.version == 3  # 1 import, 2 allocation, 3 this save
    assert case.answers == {"need_accommodation": "yes", "kq_2_1_1": "no"}
    assert case.rationales == {"kq_2_1_1": "No analysis of motivation."}
    event = AuditEvent.objects.filter(
        object_type="case", object_pk=str(case.pk), action="update"
    ).get()
    assert event.actor_username == "insp1"
    assert event.before == {
        "answer.kq_2_1_1": None,
        "answer.need_accommodation": None,
        "rationale.kq_2_1_1": None,
        "status": "allocated",
    }
    assert event.after["answer.kq_2_1_1"] == "no" and event.after["status"] == "draft"


def test_draft_with_an_inconsistency_is_saved_and_the_inconsistency_listed(client, world):
    """Without JavaScript a ruled-out question can be answered: the draft keeps everything
    typed and says what is inconsistent; only submission enforces (issue #14)."""
    case = world["cases"]["A000001"]
    c = login(client, world["users"]["insp1"])
    response = _post(
        c,
        case,
        {
            "answer__need_accommodation": "no",
            "answer__delivery_need_accommodation": "yes",
            "practice_kind": "good",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "saved as a draft" in html
    assert "applies only when ‘Accommodation’ is Yes" in html
    assert 'href="#answer__delivery_need_accommodation-1"' in html
    assert "Write the note, or choose ‘No example in this case’ above" in html
    for internal in ("practice_kind", "practice_note is", "None:", "__rationale"):
        assert internal not in html.split("govuk-error-summary")[1].split("</ul>")[0]
    case.refresh_from_db()
    assert case.answers == {"need_accommodation": "no", "delivery_need_accommodation": "yes"}
    assert case.practice_kind == "good" and case.status == "draft"
    # fixing it: the next save has nothing to warn about and goes back to the case page
    fixed = _post(
        c,
        case,
        {
            "answer__need_accommodation": "no",
            "practice_kind": "good",
            "practice_note": "Three-way meeting with the hostel.",
        },
    )
    assert fixed.status_code == 302
    case.refresh_from_db()
    assert case.answers == {"need_accommodation": "no"}


def test_submit_incomplete_saves_the_draft_and_lists_what_is_missing(client, world):
    case = world["cases"]["A000001"]
    c = login(client, world["users"]["insp1"])
    response = _post(
        c, case, {"answer__need_accommodation": "yes", "answer__kq_2_1_1": "yes"}, action="submit"
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Answer this question" in html
    assert "Give the reasons for your judgement" in html
    case.refresh_from_db()
    assert case.status == "draft" and case.answers["kq_2_1_1"] == "yes"


def test_submission_needs_every_required_key_question_and_prompt(client, world, fw):
    """Case 4420 of the issue: needs and strengths answered, every key question blank."""
    case = world["cases"]["A000001"]
    c = login(client, world["users"]["insp1"])
    data = {
        k: v
        for k, v in complete_answers(fw).items()
        if not (
            k.startswith(("answer__kq_", "rationale__kq_")) or "needs_" in k or "strengths_" in k
        )
    }
    response = _post(c, case, data, action="submit")
    assert response.status_code == 400
    summary = response.content.decode().split("govuk-error-summary__list")[1].split("</ul>")[0]
    required = [i for i in fw.items if i.required and i.applies_if is None]
    assert len(required) >= 12
    for item in required:  # the error summary links to each missing one
        assert f'href="#answer__{item.code}-1"' in summary, item.code
    case.refresh_from_db()
    assert case.status == "draft"


def test_not_applicable_must_be_chosen_explicitly(client, world, fw):
    """A required question that allows 'Not applicable' passes only when it is chosen."""
    case = world["cases"]["A000001"]
    c = login(client, world["users"]["insp1"])
    data = complete_answers(fw)
    del data["answer__kq_2_4_1"], data["rationale__kq_2_4_1"]
    assert _post(c, case, data, action="submit").status_code == 400
    case.refresh_from_db()
    data["answer__kq_2_4_1"] = "na"
    response = _post(c, case, data, action="submit")
    assert response.status_code == 302, response.content.decode()[:3000]
    case.refresh_from_db()
    assert case.status == "submitted" and "kq_2_4_1" not in case.answers
    assert case.not_applicable == ["kq_2_4_1"]


def test_reallocation_while_editing_keeps_the_text_and_tells_the_lead(client, world):
    from caseinspect.web.actions.inspections import allocate_cases

    case = world["cases"]["A000001"]
    inspector = login(client.__class__(), world["users"]["insp1"])
    opened = inspector.get(reverse("case-edit", kwargs={"pk": case.pk}))
    assert opened.status_code == 200
    allocate_cases(world["users"]["lead1"], case.inspection, {case.pk: world["users"]["insp2"]})
    response = _post(
        inspector,
        case,
        {"answer__kq_2_1_1": "no", "rationale__kq_2_1_1": "Motivation never explored."},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "given to another inspector" in html and "Motivation never explored." in html
    case.refresh_from_db()
    assert case.answers == {} and case.allocated_to == world["users"]["insp2"]
    lead = login(client.__class__(), world["users"]["lead1"])
    page = lead.get(reverse("inspection-allocate", kwargs={"pk": case.inspection_id}))
    assert "insp1 had unsaved work in this case" in page.content.decode()


def test_submit_complete_case(client, world, fw):
    case = world["cases"]["A000001"]
    c = login(client, world["users"]["insp1"])
    response = _post(c, case, complete_answers(fw, needs="yes"), action="submit")
    assert response.status_code == 302, response.content.decode()[:2000]
    case.refresh_from_db()
    assert case.status == "submitted"
    assert case.answers["delivery_need_accommodation"] == "yes"
    assert AuditEvent.objects.filter(object_pk=str(case.pk), action="submit").exists()
    # a submitted case is no longer editable by its inspector
    assert c.get(reverse("case-edit", kwargs={"pk": case.pk})).status_code == 403


def test_two_people_saving_the_same_case_get_a_conflict_not_a_silent_overwrite(client, world, fw):
    case = world["cases"]["SA000001"]  # the provider's QA team shares its self-audit cases
    from caseinspect.web.actions.users import create_user

    colleague = create_user(
        None, "qa_a2", "provider_qa", "another-long-passphrase-7", provider="Provider A"
    )
    first = login(client.__class__(), world["users"]["qa_a"])
    second = login(client.__class__(), colleague)
    assert _post(first, case, {"answer__need_ete": "yes"}).status_code == 302
    response = _post(
        second, case, {"answer__need_ete": "no", "answer__need_drug_misuse": "yes"}
    )  # same base version
    assert response.status_code == 409
    html = response.content.decode()
    assert "saved this case while you were editing it" in html and "qa_a" in html
    assert 'value="no" checked' in html  # their input is kept in the form ...
    case.refresh_from_db()
    assert case.answers == {"need_ete": "yes"}  # ... and nothing was overwritten
    # saving again from the conflict page (now based on the current version) succeeds
    retry = second.post(
        reverse("case-edit", kwargs={"pk": case.pk}),
        {"version": case.version, "action": "save", "answer__need_ete": "no"},
    )
    assert retry.status_code == 302
    case.refresh_from_db()
    assert case.answers == {"need_ete": "no"}


def test_free_text_is_escaped(client, world):
    case = world["cases"]["A000001"]
    c = login(client, world["users"]["insp1"])
    _post(c, case, {"answer__kq_2_1_1": "yes", "rationale__kq_2_1_1": "<script>alert(1)</script>"})
    html = c.get(reverse("case", kwargs={"pk": case.pk})).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_quality_assurance_return_then_accept(client, world, fw):
    case = world["cases"]["A000001"]
    inspector = login(client.__class__(), world["users"]["insp1"])
    lead = login(client.__class__(), world["users"]["lead1"])
    assert _post(inspector, case, complete_answers(fw), action="submit").status_code == 302
    review = reverse("case-review", kwargs={"pk": case.pk})
    assert (
        lead.post(review, {"decision": "return", "comment": ""}).status_code == 400
    )  # comments required
    assert (
        lead.post(review, {"decision": "return", "comment": "Say more about risk."}).status_code
        == 302
    )
    case.refresh_from_db()
    assert case.status == "returned" and case.review_comment == "Say more about risk."
    assert (
        "Say more about risk."
        in inspector.get(reverse("case-edit", kwargs={"pk": case.pk})).content.decode()
    )
    assert (
        _post(
            inspector,
            case,
            complete_answers(fw, rationale="Risk to partner analysed."),
            action="submit",
        ).status_code
        == 302
    )
    assert lead.post(review, {"decision": "accept", "comment": ""}).status_code == 302
    case.refresh_from_db()
    assert case.status == "accepted"
    actions = list(
        AuditEvent.objects.filter(object_pk=str(case.pk), object_type="case")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["allocate", "submit", "return", "submit", "accept"]


def test_blind_second_marking_and_agreement(client, world, fw):
    case = world["cases"]["A000001"]
    lead = login(client.__class__(), world["users"]["lead1"])
    first = login(client.__class__(), world["users"]["insp1"])
    second = login(client.__class__(), world["users"]["insp2"])
    response = lead.post(
        reverse("case-second-marking", kwargs={"pk": case.pk}),
        {"marker": world["users"]["insp2"].pk},
    )
    assert response.status_code == 302
    copy = Case.objects.get(second_marking_of=case)
    assert copy.allocated_to == world["users"]["insp2"] and copy.answers == {}
    assert first.get(reverse("case", kwargs={"pk": copy.pk})).status_code == 404  # blind both ways
    assert second.get(reverse("case", kwargs={"pk": case.pk})).status_code == 404
    assert (
        _post(first, case, complete_answers(fw, answer="yes"), action="submit").status_code == 302
    )
    assert (
        _post(second, copy, complete_answers(fw, answer="no"), action="submit").status_code == 302
    )
    page = lead.get(reverse("inspection-qa", kwargs={"pk": case.inspection_id})).content.decode()
    assert "1 case marked twice" in page
    assert "Discrepancies for moderation" in page and "2.1.1 Engaging the service user" in page


def test_second_marker_must_differ_from_first(client, world):
    case = world["cases"]["A000001"]
    lead = login(client, world["users"]["lead1"])
    response = lead.post(
        reverse("case-second-marking", kwargs={"pk": case.pk}),
        {"marker": world["users"]["insp1"].pk},
    )
    assert response.status_code == 400
    assert not Case.objects.filter(second_marking_of=case).exists()
