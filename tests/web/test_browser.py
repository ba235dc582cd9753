"""End to end in a real browser (Debian's Chromium, headless, driven by Playwright).

An inspector fills in a case — a question disappears when the answer above rules it out —
and submits it; the lead inspector returns it, the inspector resubmits, the lead accepts.
Screenshots of the main pages go to ``$CASEINSPECT_SCREENSHOTS`` (default: a temp dir).
Skipped when /usr/bin/chromium is absent; never downloads a browser.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} not installed"),
    pytest.mark.django_db(transaction=True),
]
# Playwright's sync API runs an event loop in this thread; the test's own database set-up
# is synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def shots(tmp_path_factory):
    out = Path(os.environ.get("CASEINSPECT_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    out.mkdir(parents=True, exist_ok=True)
    return out


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        try:
            yield browser
        finally:
            # Under Playwright's sync API the test runs in a greenlet with its own context, so
            # Django opened a separate database connection; close it here, in that context, or
            # PostgreSQL cannot drop the test database afterwards.
            from django.db import connections

            connections.close_all()
            browser.close()


def _sign_in(browser, live_server, username, password):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button:has-text('Sign in')")
    return context, page


def _answer(page, code, value):
    index = {"yes": 1, "no": 2, "": 3}[value]
    page.click(f"label[for='answer__{code}-{index}']")


def test_inspector_fills_in_and_lead_reviews(world, fw, live_server, browser, shots):
    from caseinspect.web.models import Case

    from .conftest import PASSWORD

    case = world["cases"]["A000001"]
    context, page = _sign_in(browser, live_server, "insp1", PASSWORD)
    page.wait_for_url("**/cases/")
    page.screenshot(path=shots / "01-my-cases.png", full_page=True)
    page.click("text=A000001")
    page.click("text=Start the assessment")
    page.wait_for_url(f"**/cases/{case.pk}/edit/")
    page.screenshot(path=shots / "02-form-top.png")

    # the delivery question for a need shows only while that need is identified
    delivery = page.locator("#q-delivery_need_accommodation")
    assert delivery.is_hidden()  # nothing identified yet
    _answer(page, "need_accommodation", "yes")
    assert delivery.is_visible()
    _answer(page, "delivery_need_accommodation", "yes")
    _answer(page, "need_accommodation", "no")
    assert delivery.is_hidden()
    assert "no longer applies" in page.locator("[data-applies-status]").inner_text()

    for item in fw.items:
        if item.applies_if is not None or item.code == "need_accommodation":
            continue
        _answer(page, item.code, "no" if item.kind == "identified" else "yes")
        if item.rationale == "required":
            page.fill(f"#id_rationale__{item.code}", f"Evidence for {item.label}: <b>not bold</b>")
    page.locator("#section-2-3").scroll_into_view_if_needed()
    page.screenshot(path=shots / "03-form-section.png")
    page.click("button:has-text('Save and submit')")
    page.wait_for_url(f"**/cases/{case.pk}/")
    assert "submitted for quality assurance" in page.inner_text("main")
    page.screenshot(path=shots / "04-case-submitted.png", full_page=True)
    case.refresh_from_db()
    assert case.status == "submitted" and "delivery_need_accommodation" not in case.answers
    context.close()

    lead_context, lead = _sign_in(browser, live_server, "lead1", PASSWORD)
    lead.goto(f"{live_server.url}/inspections/{case.inspection_id}/qa/")
    lead.screenshot(path=shots / "05-qa-queue.png", full_page=True)
    lead.click("text=A000001")
    lead.click("label:has-text('Return it to the inspector')")
    lead.fill("#id_comment", "Explain the risk to the partner in 2.1.3.")
    lead.screenshot(path=shots / "06-review.png")
    lead.click("button:has-text('Record decision')")
    assert "returned" in lead.inner_text("main")
    case.refresh_from_db()
    assert case.status == "returned"

    context, page = _sign_in(browser, live_server, "insp1", PASSWORD)
    page.goto(f"{live_server.url}/cases/{case.pk}/edit/")
    assert "Explain the risk to the partner" in page.inner_text("main")
    page.fill("#id_rationale__kq_2_1_3", "Risk to the partner is analysed in the OASys review.")
    page.click("button:has-text('Save and submit')")
    page.wait_for_url(f"**/cases/{case.pk}/")
    context.close()

    lead.goto(f"{live_server.url}/cases/{case.pk}/")
    lead.click("label:has-text('Accept the assessment')")
    lead.click("button:has-text('Record decision')")
    case.refresh_from_db()
    assert case.status == "accepted"
    for name, url in [
        ("07-inspection-progress", f"/inspections/{case.inspection_id}/"),
        ("08-ratings", f"/inspections/{case.inspection_id}/ratings/"),
        ("09-analysis", f"/inspections/{case.inspection_id}/analysis/"),
        ("10-audit", f"/inspections/{case.inspection_id}/audit/"),
        ("11-case-accepted", f"/cases/{case.pk}/"),
    ]:
        lead.goto(live_server.url + url)
        lead.screenshot(path=shots / f"{name}.png", full_page=True)
    lead_context.close()
    assert Case.objects.get(pk=case.pk).rationales["kq_2_1_3"].startswith("Risk to the partner")
