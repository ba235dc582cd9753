"""Crawl every page each role can reach by following links, and check that none renders
the repr of a Python object (issue #14: ``SampleSize(n=134, …)``, ``rows="[(StandardRow(…``,
raw "kappa undefined" lines), and that every page answers without a server error."""

from __future__ import annotations

import re
from collections import deque
from datetime import date

import pytest
from django.urls import reverse

from caseinspect.web.actions.cases import request_second_marking
from caseinspect.web.models import Case, Inspection, Round

from .conftest import complete_answers, login
from .test_inspections import _csv, eligible_list

pytestmark = pytest.mark.django_db

FORBIDDEN = ("(n=", "Row(", "object at 0x", "SampleSize(", "kappa undefined", "Traceback")
SKIP = re.compile(r"^/(logout|admin|static)/|/download/|\.(csv|xlsx|parquet|sav|dta|html)$")
HREF = re.compile(r'href="(/[^"#]*)')


def _crawl(client, start="/", limit=150):
    seen, queue, pages = set(), deque([start]), {}
    while queue and len(pages) < limit:
        url = queue.popleft().replace("&amp;", "&")
        if url in seen or SKIP.search(url.split("?")[0]):
            continue
        seen.add(url)
        response = client.get(url, follow=True)
        assert response.status_code < 500, url
        html = response.content.decode()
        pages[url] = (response.status_code, html)
        queue.extend(h for h in HREF.findall(html) if h not in seen)
    return pages


@pytest.fixture
def busy_world(client, world, fw):
    """Submitted, accepted, second-marked cases, a drawn sample and a round."""
    lead, insp1, insp2 = world["users"]["lead1"], world["users"]["insp1"], world["users"]["insp2"]
    case = world["cases"]["A000001"]
    c1 = login(client.__class__(), insp1)
    c1.post(
        reverse("case-edit", kwargs={"pk": case.pk}),
        {"version": case.version, "action": "submit", **complete_answers(fw)},
    )
    copy = request_second_marking(lead, Case.objects.get(pk=case.pk), insp2)
    c2 = login(client.__class__(), insp2)
    c2.post(
        reverse("case-edit", kwargs={"pk": copy.pk}),
        {"version": copy.version, "action": "submit", **complete_answers(fw)},
    )
    sampled = Inspection.objects.create(
        code="S-1",
        provider=world["providers"]["A"],
        framework_id=fw.id,
        framework_version=fw.version,
        framework_fingerprint=fw.fingerprint,
        lead=lead,
        fieldwork_start=date(2024, 7, 20),
    )
    login(client.__class__(), lead).post(
        reverse("inspection-sample", kwargs={"pk": sampled.pk}),
        {
            "file": _csv(eligible_list(), "list.csv"),
            "reference_date": "2024-07-20",
            "seed": "3",
            "confirm_provider": "on",
        },
    )
    assert sampled.cases.exists()
    rnd = Round.objects.create(name="2018-19", framework_id=fw.id)
    rnd.inspections.set([world["inspections"]["I1"], world["inspections"]["I2"]])
    return world


@pytest.mark.parametrize("role", ["admin", "lead1", "insp1", "analyst", "qa_a"])
def test_no_page_renders_a_python_repr(client, busy_world, role):
    pages = _crawl(login(client, busy_world["users"][role]))
    assert len(pages) >= 3
    bad = {
        url: [w for w in FORBIDDEN if w in html]
        for url, (_, html) in pages.items()
        if any(w in html for w in FORBIDDEN)
    }
    assert bad == {}


def test_the_crawl_reaches_the_pages_that_showed_reprs(client, busy_world):
    """The check above is only worth something if the crawl sees those pages."""
    pages = _crawl(login(client, busy_world["users"]["lead1"]))
    visited = " ".join(pages)
    for part in ("/sample/", "/ratings/", "/qa/", "/rounds/2018-19/"):
        assert part in visited, part
    qa = next(
        html
        for url, (_, html) in pages.items()
        if url.endswith("/qa/") and "1 case marked twice" in html
    )
    assert "kappa cannot be calculated for" in qa


def test_csv_downloads_neutralise_spreadsheet_formulas(client, busy_world, fw):
    from caseinspect.web.store import import_cases

    from .factories import case_frame

    frame = case_frame(fw, 3, inspections=1, prefix="F")
    frame["inspection_id"], frame["provider"], frame["provider_type"] = "I2", "Provider B", "NPS"
    frame.loc[2, "kq_2_1_1__rationale"] = '=HYPERLINK("http://example.invalid")'
    import_cases(frame, fw, source="f.csv", inspection=busy_world["inspections"]["I2"])
    c = login(client, busy_world["users"]["analyst"])
    body = c.get(reverse("round-download", args=["2018-19", "cases", "csv"])).content.decode(
        "utf-8-sig"
    )
    assert "'=HYPERLINK" in body and ",=HYPERLINK" not in body
