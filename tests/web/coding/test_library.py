"""The practice library: search on both databases, filters, marking, review, publication."""

from __future__ import annotations

import pandas as pd
import pytest
from django.urls import reverse

from caseinspect.web.models import AuditEvent

from ..conftest import login

URLS = [
    ("get", "coding:workspace", None),
    ("get", "coding:agreement", None),
    ("get", "coding:library", None),
    ("get", "coding:publish", None),
    ("get", "coding:export", None),
    ("get", "coding:publish-csv", None),
    ("post", "coding:reindex", None),
    ("post", "coding:save", None),
    ("post", "coding:sample", None),
    ("post", "coding:suggest", None),
    ("post", "coding:mark", "pk"),
    ("get", "coding:review", "pk"),
]


def _index(client, world):
    login(client, world["users"]["analyst"])
    response = client.post(reverse("coding:reindex"), {"framework": "hmip-2018"})
    assert response.status_code == 302


@pytest.mark.parametrize(("method", "name", "arg"), URLS)
@pytest.mark.parametrize("who", ["admin", "lead", "insp"])
def test_only_analysts(client, coding_world, method, name, arg, who):
    case = next(c for c in coding_world["cases"].values() if c.practice_note)
    url = reverse(name, args=[case.pk] if arg else [])
    login(client, coding_world["users"][who])
    response = getattr(client, method)(url + "?framework=hmip-2018", {"framework": "hmip-2018"})
    assert response.status_code == 403


def test_anonymous_is_sent_to_login(client, coding_world):
    response = client.get(reverse("coding:library"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_search_finds_words_and_stems_and_filters(client, coding_world):
    _index(client, coding_world)
    frame = coding_world["frame"]
    response = client.get(
        reverse("coding:library"), {"framework": "hmip-2018", "q": "waiting list"}
    )
    assert response.status_code == 200
    expected = {
        cid
        for col in [c for c in frame.columns if c.endswith("__rationale")] + ["practice_note"]
        for cid, text in zip(frame["case_id"], frame[col], strict=True)
        if "waiting list" in text.lower()
    }
    found = {r["doc"].case.case_id for r in response.context["results"]}
    assert expected and found <= expected and len(found) == min(len(expected), 100)
    # Stemming: "referrals" finds "referral" too (FTS5 porter / PostgreSQL english).
    response = client.get(reverse("coding:library"), {"framework": "hmip-2018", "q": "referrals"})
    texts = [r["doc"].text.lower() for r in response.context["results"]]
    assert any("referral " in t or "referral." in t for t in texts)
    # Filters: good practice notes only, of NPS cases.
    response = client.get(
        reverse("coding:library"),
        {"framework": "hmip-2018", "kind": "good", "provider_type": "NPS"},
    )
    docs = [r["doc"] for r in response.context["results"]]
    assert docs and {d.practice_kind for d in docs} == {"good"}
    assert {d.provider_type for d in docs} == {"NPS"}
    want = ((frame["practice_kind"] == "good") & (frame["provider_type"] == "NPS")).sum()
    assert response.context["total"] == want


def test_need_filter_matches_the_case_answers(client, coding_world):
    _index(client, coding_world)
    frame = coding_world["frame"]
    response = client.get(
        reverse("coding:library"),
        {"framework": "hmip-2018", "kind": "practice", "need": "need_accommodation"},
    )
    found = {r["doc"].case.case_id for r in response.context["results"]}
    expected = set(
        frame.loc[
            (frame["need_accommodation"] == "yes") & (frame["practice_note"] != ""), "case_id"
        ]
    )
    assert found == expected


def test_query_syntax_cannot_break_the_search(client, coding_world):
    _index(client, coding_world)
    for q in ['"', "NEAR(", "a OR", "*", "'; DROP TABLE coding_fts; --", "<script>"]:
        response = client.get(reverse("coding:library"), {"framework": "hmip-2018", "q": q})
        assert response.status_code == 200
        assert b"<script>" not in response.content


def test_library_never_shows_an_original_name(client, coding_world):
    _index(client, coding_world)
    response = client.get(reverse("coding:library"), {"framework": "hmip-2018", "kind": "practice"})
    names = set(
        coding_world["frame"].loc[lambda f: f["practice_pseudonym"] != "", "practice_pseudonym"]
    )
    page = response.content.decode()
    assert [n for n in names if f">{n}" in page or f" {n} " in page or f" {n}'" in page] == []


def test_mark_review_and_publish(client, coding_world):
    _index(client, coding_world)
    noted = [c for c in coding_world["cases"].values() if c.practice_note][:3]
    for case in noted:
        response = client.post(reverse("coding:mark", args=[case.pk]), {"marked": "1"})
        assert response.status_code == 302
    assert AuditEvent.objects.filter(action="practice.mark").count() == 3
    # Nothing is published before review.
    response = client.get(reverse("coding:publish-csv"), {"framework": "hmip-2018"})
    assert pd.read_csv(pd.io.common.BytesIO(response.content)).empty
    # Review: approve the first, reject the second, leave the third.
    for case, decision in zip(noted[:2], ["approve", "reject"], strict=True):
        page = client.get(reverse("coding:review", args=[case.pk]))
        assert page.status_code == 200
        assert case.practice_pseudonym in page.content.decode()  # the reviewer sees originals
        digest = page.context["proposed"]["digest"]
        response = client.post(
            reverse("coding:review", args=[case.pk]), {"decision": decision, "digest": digest}
        )
        assert response.status_code == 302
    review = AuditEvent.objects.filter(action="practice.review").order_by("pk")
    assert [e.after["decision"] for e in review] == ["approve", "reject"]
    response = client.get(reverse("coding:publish"), {"framework": "hmip-2018"})
    statuses = {r["case_id"]: r["status"] for r in response.context["rows"]}
    assert statuses == {
        noted[0].case_id: "approved",
        noted[1].case_id: "rejected",
        noted[2].case_id: "pending",
    }
    response = client.get(reverse("coding:publish-csv"), {"framework": "hmip-2018"})
    published = pd.read_csv(pd.io.common.BytesIO(response.content), dtype=str)
    assert list(published["case_id"]) == [noted[0].case_id]
    assert noted[0].practice_pseudonym not in published.loc[0, "text"]
    assert AuditEvent.objects.filter(action="download", object_type="export").exists()
    # The note changes after approval: the approval lapses and nothing is published.
    case = noted[0]
    case.practice_note += " His partner, Tiegan, was supportive."
    case.save()
    response = client.get(reverse("coding:publish-csv"), {"framework": "hmip-2018"})
    assert pd.read_csv(pd.io.common.BytesIO(response.content)).empty


def test_review_with_a_stale_digest_is_refused(client, coding_world):
    _index(client, coding_world)
    case = next(c for c in coding_world["cases"].values() if c.practice_note)
    response = client.post(
        reverse("coding:review", args=[case.pk]),
        {"decision": "approve", "digest": "0" * 16},
        follow=True,
    )
    assert "changed since the page was shown" in response.content.decode()
    assert not AuditEvent.objects.filter(action="practice.review").exists()


def test_csrf_is_enforced(coding_world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    login(client, coding_world["users"]["analyst"])
    response = client.post(reverse("coding:reindex"), {"framework": "hmip-2018"})
    assert response.status_code == 403


def test_reviewer_adds_a_missed_name(client, coding_world):
    _index(client, coding_world)
    case = next(c for c in coding_world["cases"].values() if c.practice_note)
    case.practice_note += " He often saw bez and the others."
    case.save()
    page = client.get(reverse("coding:review", args=[case.pk]))
    assert "bez" in page.context["proposed"]["text"]
    response = client.post(reverse("coding:review", args=[case.pk]), {"names": "Bez; "})
    assert response.status_code == 302
    page = client.get(reverse("coding:review", args=[case.pk]))
    assert "bez" not in page.context["proposed"]["text"].lower().split()
    rules = {d["original"]: d["rule"] for d in page.context["detections"]}
    assert rules["bez"] == "reviewer"
    event = AuditEvent.objects.get(action="practice.names")
    assert event.after == {"added_names": 1} and "Bez" not in str(event.after)
    # Approve, then publish: the added name stays replaced in the download.
    client.post(reverse("coding:mark", args=[case.pk]), {"marked": "1"})
    client.post(
        reverse("coding:review", args=[case.pk]),
        {"decision": "approve", "digest": page.context["proposed"]["digest"]},
    )
    response = client.get(reverse("coding:publish-csv"), {"framework": "hmip-2018"})
    published = pd.read_csv(pd.io.common.BytesIO(response.content), dtype=str)
    assert list(published["case_id"]) == [case.case_id]
    assert " bez " not in published.loc[0, "text"]


def test_word_matching_fallback_finds_the_same_exact_words(client, coding_world, monkeypatch):
    from caseinspect.web.coding import search

    _index(client, coding_world)
    filters = search.Filters(framework_id="hmip-2018")
    ranked = {d.pk for d in search.search_documents("waiting list", filters, limit=5000)}
    monkeypatch.setattr(search, "_engine", lambda: "words")
    assert search.backend_name() == "word matching"
    plain = {d.pk for d in search.search_documents("waiting list", filters, limit=5000)}
    # Word matching has no stemming, so it finds a subset of what full-text search finds.
    assert plain and plain <= ranked
