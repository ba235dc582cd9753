"""The coding workspace and the library in a real browser: a person's path through them,
with the accessibility checks of ``tests/web/test_accessibility.py`` on every page.

Screenshots go to ``$CASEINSPECT_SCREENSHOTS`` (default: a temp dir).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ..test_accessibility import AXE, _check, _report, _sign_in
from ..test_browser import CHROMIUM, browser  # noqa: F401  (``browser`` is a fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} not installed"),
    pytest.mark.skipif(not AXE.exists(), reason=f"{AXE} is absent: run `npm ci`"),
    pytest.mark.django_db(transaction=True),
]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def shots(tmp_path_factory):
    out = Path(os.environ.get("CASEINSPECT_SCREENSHOTS") or tmp_path_factory.mktemp("shots"))
    out.mkdir(parents=True, exist_ok=True)
    return out


def test_analyst_codes_searches_and_reviews(coding_world, live_server, browser, shots):  # noqa: F811
    from caseinspect.web.coding.models import PracticeExample, RationaleCoding

    found = []
    context, page = _sign_in(browser, live_server, "analyst")
    page.goto(f"{live_server.url}/coding/")
    page.click("button:has-text('Load the rationales and practice notes')")
    page.wait_for_load_state()
    assert page.locator(".app-coding-card").count() > 0
    _check(page, "workspace", found)
    page.screenshot(path=str(shots / "coding-workspace.png"), full_page=False)
    # Confirm the first rationale's codes with an added theme.
    first = page.locator(".app-coding-card").first
    first.locator("select[name=add]").select_option(index=1)
    first.locator("button:has-text('Confirm codes')").click()
    page.wait_for_load_state()
    assert "Codes confirmed" in page.content()
    assert RationaleCoding.objects.count() == 1
    # Search the library for poor practice mentioning a waiting list, mark the first.
    page.goto(f"{live_server.url}/coding/library/?framework=hmip-2018")
    page.fill("#q", "waiting list")
    page.select_option("#kind", "poor")
    page.click("button:has-text('Search')")
    page.wait_for_load_state()
    _check(page, "library search", found)
    page.screenshot(path=str(shots / "coding-library-search.png"), full_page=False)
    results = page.locator(".app-coding-card")
    assert results.count() >= 1
    results.first.locator("button:has-text('Mark for publication')").click()
    page.wait_for_load_state()
    page.click("a:has-text('Review pseudonymisation')")
    page.wait_for_load_state()
    _check(page, "review", found)
    page.check("#decision-approve")
    page.click("button:has-text('Record the decision')")
    page.wait_for_load_state()
    _check(page, "examples for publication", found)
    assert "approved" in page.content()
    assert PracticeExample.objects.filter(decision="approve").count() == 1
    page.goto(f"{live_server.url}/coding/agreement/?framework=hmip-2018")
    _check(page, "agreement", found)
    context.close()
    assert not [f for f in found if f[1]["impact"] in {"serious", "critical"}], _report(found)
