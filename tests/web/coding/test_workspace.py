"""The coding workspace: suggestions, confirmations (audited), double coding, agreement, export."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from django.urls import reverse

import caseinspect.text
from caseinspect.agreement import agreement_coefficients
from caseinspect.web.coding.models import RationaleCoding, SampleMember, Suggestion
from caseinspect.web.models import AuditEvent

from ..conftest import login

FW = "hmip-2018"


def _themes(fw):
    from caseinspect.web.coding.services import themes_of

    return [t.code for t in themes_of(fw)]


@pytest.fixture
def indexed(client, coding_world):
    login(client, coding_world["users"]["analyst"])
    assert client.post(reverse("coding:reindex"), {"framework": FW}).status_code == 302
    return coding_world


def _fake_suggest(themes):
    def suggest_codes(cases, framework, *, confirmed=None, **_):
        rows = []
        for column in [c for c in cases.columns if c.endswith("__rationale")]:
            item = column[: -len("__rationale")]
            for case_id, text in zip(cases["case_id"], cases[column], strict=True):
                if text:
                    k = (len(text) + len(item)) % len(themes)
                    rows.append(
                        (case_id, item, themes[k], 0.5 + k / (2 * len(themes)), "suggested")
                    )
        return pd.DataFrame(rows, columns=["case_id", "item", "theme", "score", "source"])

    return suggest_codes


def test_suggest_stores_scores_and_the_page_shows_them(client, indexed, fw, monkeypatch):
    themes = _themes(fw)
    monkeypatch.setattr(caseinspect.text, "suggest_codes", _fake_suggest(themes), raising=False)
    response = client.post(reverse("coding:suggest"), {"framework": FW})
    assert response.status_code == 302
    assert Suggestion.objects.count() > 20
    assert AuditEvent.objects.filter(action="coding.suggest").get().after["suggestions"] == (
        Suggestion.objects.count()
    )
    s = Suggestion.objects.select_related("case").first()
    page = client.get(
        reverse("coding:workspace"), {"framework": FW, "by": "theme", "theme": s.theme}
    )
    assert page.status_code == 200
    rows = page.context["rows"]
    assert rows and all(s.theme in {t for t, _, _ in r.suggestions} for r in rows)
    assert f"score {s.score:.2f}" in page.content.decode()


def test_by_item_lists_that_items_rationales(client, indexed, fw):
    page = client.get(
        reverse("coding:workspace"), {"framework": FW, "by": "item", "item": "kq_2_1_1"}
    )
    items = {r.document.item for r in page.context["rows"]}
    frame = indexed["frame"]
    assert items == {"kq_2_1_1"}
    assert page.context["total"] == (frame["kq_2_1_1__rationale"] != "").sum()


def test_confirm_accept_reject_add_is_audited(client, indexed, fw):
    themes = _themes(fw)
    case = next(iter(indexed["cases"].values()))
    item = next(k for k, v in case.rationales.items() if v)
    Suggestion.objects.create(case=case, item=item, theme=themes[0], score=0.9)
    Suggestion.objects.create(case=case, item=item, theme=themes[1], score=0.7)
    response = client.post(
        reverse("coding:save"),
        {"case": case.pk, "item": item, "slot": "1", "theme": [themes[0]], "add": themes[2]},
    )
    assert response.status_code == 302
    coding = RationaleCoding.objects.get(case=case, item=item, slot=1)
    assert coding.themes == sorted([themes[0], themes[2]])
    event = AuditEvent.objects.get(action="coding.confirm")
    assert event.after["accepted"] == [themes[0]]
    assert event.after["rejected"] == [themes[1]]
    assert event.after["added"] == [themes[2]]
    assert event.actor_username == "analyst" and event.object_repr == case.case_id
    # A theme that is not in the codebook is refused and nothing is written.
    client.post(reverse("coding:save"), {"case": case.pk, "item": item, "theme": ["nonsense"]})
    assert AuditEvent.objects.filter(action="coding.confirm").count() == 1
    assert RationaleCoding.objects.get(case=case, item=item, slot=1).themes == coding.themes


def test_double_coding_agreement_matches_an_independent_count(client, indexed, fw):
    from django.test import Client

    themes = _themes(fw)[:3]
    keys = [
        (c, item) for c in indexed["cases"].values() for item, text in c.rationales.items() if text
    ][:30]
    first_codes, second_codes = {}, {}
    for n, (case, item) in enumerate(keys):
        first_codes[(case.pk, item)] = [themes[n % 3]] if n % 4 else []
        second_codes[(case.pk, item)] = [themes[n % 3]] if n % 5 else [themes[(n + 1) % 3]]
        client.post(
            reverse("coding:save"),
            {"case": case.pk, "item": item, "slot": "1", "theme": first_codes[(case.pk, item)]},
        )
    response = client.post(reverse("coding:sample"), {"framework": FW, "n": "20", "seed": "4"})
    assert response.status_code == 302
    sample = list(SampleMember.objects.values_list("case_id", "item"))
    assert len(sample) == 20
    # The first coder may not second-code.
    case_pk, item = sample[0]
    client.post(reverse("coding:save"), {"case": case_pk, "item": item, "slot": "2", "theme": []})
    assert not RationaleCoding.objects.filter(slot=2).exists()
    second = login(Client(), indexed["users"]["analyst2"])
    page = second.get(reverse("coding:workspace"), {"framework": FW, "slot": "2"})
    assert page.context["total"] == 20
    assert all(r.suggestions == [] for r in page.context["rows"])  # blind
    for case_pk, item in sample:
        second.post(
            reverse("coding:save"),
            {"case": case_pk, "item": item, "slot": "2", "theme": second_codes[(case_pk, item)]},
        )
    page = second.get(reverse("coding:agreement"), {"framework": FW})
    assert page.context["both"] == 20
    by_theme = {r.theme.code: r for r in page.context["rows"]}
    for theme in themes:
        table = [[0, 0], [0, 0]]
        for key in sample:
            a = 0 if theme in first_codes[key] else 1
            b = 0 if theme in second_codes[key] else 1
            table[a][b] += 1
        expected = agreement_coefficients(table)
        got = by_theme[theme].coefficients
        assert (got.n, got.agreement, got.kappa, got.ac1) == (
            expected.n,
            expected.agreement,
            expected.kappa,
            expected.ac1,
        )
    assert AuditEvent.objects.filter(action="coding.sample").get().after["seed"] == 4


def test_export_is_the_coded_set_and_audited(client, indexed, fw):
    themes = _themes(fw)
    case = next(iter(indexed["cases"].values()))
    item = next(k for k, v in case.rationales.items() if v)
    Suggestion.objects.create(case=case, item=item, theme=themes[0], score=0.8125)
    client.post(reverse("coding:save"), {"case": case.pk, "item": item, "theme": themes[:2]})
    response = client.get(reverse("coding:export"), {"framework": FW})
    frame = pd.read_csv(io.BytesIO(response.content), dtype=str, keep_default_na=False)
    assert list(frame.columns) == ["case_id", "item", "theme", "score", "source"]
    assert frame.values.tolist() == [
        [case.case_id, item, themes[0], "0.812", "confirmed"],
        [case.case_id, item, themes[1], "", "confirmed"],
    ]
    assert AuditEvent.objects.filter(
        action="download", object_repr__startswith="coded set"
    ).exists()


@pytest.mark.skipif(
    not hasattr(caseinspect.text, "suggest_codes"), reason="the themes classifier is not built"
)
def test_suggest_with_the_real_classifier(client, indexed, fw):
    response = client.post(reverse("coding:suggest"), {"framework": FW}, follow=True)
    assert response.status_code == 200
    stored = list(Suggestion.objects.values_list("theme", "score"))
    assert stored, response.content.decode()[:500]
    assert set(t for t, _ in stored) <= set(_themes(fw))
    assert all(0.0 <= s <= 1.0 for _, s in stored)
