"""Issue #14 in a real browser (Chromium, headless, through Playwright), the six steps:

1. an inspector tries to submit with a key question blank and is refused, with a link to it;
2. saves a draft with an inconsistency, which is kept, and fixes it;
3. submits;
4. the lead sees provisional ratings until the minimum number of cases is reached;
5. sign-off needs confirmation and is refused while any standard is unrated;
6. an analyst analyses a named round that excludes a test inspection and a superseded
   re-inspection.

Plus: at 320 px a save control is on screen in the middle of the long form. Screenshots go
to ``$CASEINSPECT_SCREENSHOTS`` (default: a temp dir)."""

from __future__ import annotations

from datetime import date

import pytest

from .test_browser import CHROMIUM, _answer, _sign_in, browser, shots  # noqa: F401 - fixtures

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not __import__("pathlib").Path(CHROMIUM).exists(), reason="no chromium"),
    pytest.mark.django_db(transaction=True),
]


def _import(fw, inspection, n, prefix, provider):
    from caseinspect.web.store import import_cases

    from .factories import case_frame

    frame = case_frame(fw, n, inspections=1, prefix=prefix)
    frame["inspection_id"], frame["provider"] = inspection.code, provider.name
    frame["provider_type"] = provider.provider_type
    frame.loc[frame["rosh"] == "High/Very high", "rosh"] = "Low"
    import_cases(frame, fw, source=f"{prefix}.csv", inspection=inspection, status="accepted")


def test_issue_14_workflow(world, fw, live_server, browser, shots, settings):  # noqa: F811
    from caseinspect.web.models import Case, Inspection

    from .conftest import PASSWORD

    settings.CASEINSPECT_BACKGROUND_ANALYSIS = True
    base = live_server.url
    case = world["cases"]["A000001"]

    # 1. submit with key question 2.1.1 blank: refused, with a link to it
    context, page = _sign_in(browser, live_server, "insp1", PASSWORD)
    page.goto(f"{base}/cases/{case.pk}/edit/")
    for item in fw.items:
        if item.applies_if is not None or item.code == "kq_2_1_1":
            continue
        _answer(page, item.code, "no" if item.kind == "identified" else "yes")
        if item.rationale == "required":
            page.fill(f"#id_rationale__{item.code}", f"Evidence for {item.label}.")
    page.click("button:has-text('Save and submit')")
    page.wait_for_load_state()
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    link = summary.locator('a[href="#answer__kq_2_1_1-1"]')
    assert "Answer this question" in link.inner_text()
    page.screenshot(path=shots / "14-1-submit-refused.png")
    link.click()
    assert page.evaluate("document.activeElement.id") == "answer__kq_2_1_1-1"
    page.screenshot(path=shots / "14-1b-linked-question.png")
    case.refresh_from_db()
    assert case.status == "draft"

    # 2. a draft with an inconsistency (good practice ticked, no note) is kept, then fixed
    page.click("label[for='practice_kind-1']")
    page.click("button:has-text('Save as draft') >> nth=-1")
    page.wait_for_load_state()
    assert "Your answers are saved as a draft" in page.inner_text("main")
    assert "Write the note, or choose" in page.inner_text(".govuk-error-summary")
    page.screenshot(path=shots / "14-2-draft-with-warning.png")
    case.refresh_from_db()
    assert case.practice_kind == "good" and case.answers.get("kq_2_1_2") == "yes"
    page.fill("#id_practice_note", "Joint home visit with the hostel keyworker.")

    # 3. answer the key question and submit
    _answer(page, "kq_2_1_1", "yes")
    page.fill("#id_rationale__kq_2_1_1", "Motivation analysed with the service user.")
    page.click("button:has-text('Save and submit')")
    page.wait_for_url(f"**/cases/{case.pk}/")
    assert "submitted for quality assurance" in page.inner_text("main")
    page.screenshot(path=shots / "14-3-submitted.png")
    context.close()
    case.refresh_from_db()
    assert case.status == "submitted" and case.practice_note.startswith("Joint home visit")

    # 4. the lead: provisional ratings (1 case) until the minimum (20) is reached
    inspection = world["inspections"]["I1"]
    context, lead = _sign_in(browser, live_server, "lead1", PASSWORD)
    lead.goto(f"{base}/inspections/{inspection.pk}/ratings/")
    assert "Provisional" in lead.inner_text("main") and "below 20" in lead.inner_text("main")
    lead.screenshot(path=shots / "14-4a-provisional.png", full_page=True)
    _import(fw, inspection, 20, "M", world["providers"]["A"])
    lead.reload()
    table = lead.locator("table", has_text="Ratings by standard").inner_text()
    assert "Provisional" not in table and "below 20" not in lead.inner_text("main")
    lead.screenshot(path=shots / "14-4b-minimum-reached.png", full_page=True)

    # 5. sign-off: a confirmation page; refused while standards are unrated
    lead.click("text=Check and sign off the ratings")
    main = lead.inner_text("main")
    assert "What will be signed off" in main and "1.1 Leadership is not rated" in main
    lead.check("#confirm")
    lead.click("button:has-text('Sign off and close the inspection')")
    lead.wait_for_load_state()
    assert "record why they should be signed off" in lead.inner_text(".govuk-error-summary")
    lead.screenshot(path=shots / "14-5-sign-off-refused.png", full_page=True)
    inspection.refresh_from_db()
    assert inspection.status != "signed_off"
    context.close()

    # 6. the analyst: a named round without the test inspection and the superseded one
    a = world["providers"]["A"]
    Inspection.objects.filter(pk=inspection.pk).update(fieldwork_start=date(2019, 2, 4))
    old = Inspection.objects.create(
        code="A-2018-FIRST",
        provider=a,
        framework_id=fw.id,
        framework_version=fw.version,
        framework_fingerprint=fw.fingerprint,
        fieldwork_start=date(2018, 6, 4),
    )
    _import(fw, old, 12, "OLD", a)
    test_insp = Inspection.objects.create(
        code="TRAINING-TEST",
        provider=world["providers"]["B"],
        framework_id=fw.id,
        framework_version=fw.version,
        framework_fingerprint=fw.fingerprint,
    )
    _import(fw, test_insp, 5, "TST", world["providers"]["B"])
    context, analyst = _sign_in(browser, live_server, "analyst", PASSWORD)
    analyst.goto(f"{base}/rounds/")
    analyst.fill("#id_name", "2018-19")
    analyst.click("button:has-text('Create the round')")
    analyst.wait_for_url("**/rounds/2018-19/")
    for code in ("I1", "I2", "A-2018-FIRST"):
        analyst.check(f"label:has-text('{code}:')")
    analyst.click("button:has-text('Save the round')")
    analyst.wait_for_load_state()
    main = analyst.inner_text("main")
    assert "Inspections used (2)" in main and "TRAINING-TEST" not in main.split("Choose")[0]
    assert "A-2018-FIRST: Provider A (CRC) was inspected again in I1" in main
    analyst.screenshot(path=shots / "14-6a-round.png", full_page=True)
    analyst.click("text=Analyse the round")
    analyst.wait_for_load_state()
    if "Working out the tables" in analyst.inner_text("main"):
        analyst.screenshot(path=shots / "14-6b-analysis-progress.png")
    analyst.wait_for_selector("text=Table C1", timeout=120_000)
    main = analyst.inner_text("main")
    n = Case.objects.filter(
        inspection__code__in=["I1", "I2"], status__in=["submitted", "accepted"]
    ).count()
    assert f"{n:,} case" in main and "A-2018-FIRST" in main  # named as left out
    analyst.screenshot(path=shots / "14-6c-analysis.png", full_page=True)
    context.close()


def test_save_control_reachable_at_320px(world, live_server, browser, shots):  # noqa: F811
    from .conftest import PASSWORD

    case = world["cases"]["A000002"]
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "insp2")
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('Sign in')")
    page.goto(f"{live_server.url}/cases/{case.pk}/edit/#section-2-3")
    page.wait_for_load_state()
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height > 5000  # a long form at this width
    for fraction in (0.3, 0.6):  # anywhere in the form, a save button is in the window
        page.evaluate(f"window.scrollTo(0, {int(height * fraction)})")
        bar = page.locator(".app-sticky-actions button:has-text('Save as draft')")
        box = bar.bounding_box()
        assert box is not None and 0 <= box["y"] and box["y"] + box["height"] <= 640, box
        whole = page.locator(".app-sticky-actions").bounding_box()
        assert whole["height"] < 70  # one compact row: it does not cover the form
    page.screenshot(path=shots / "14-320px-save-bar.png")
    context.close()


def test_large_upload_shows_progress(world, fw, live_server, browser, shots, tmp_path):  # noqa: F811
    """A case file upload shows how much is sent, then that the file is being checked."""
    from caseinspect.web.models import Case

    from .conftest import PASSWORD
    from .factories import case_frame

    inspection = world["inspections"]["I1"]
    frame = case_frame(fw, 1500, inspections=1, prefix="U")
    frame["inspection_id"], frame["provider"], frame["provider_type"] = "I1", "Provider A", "CRC"
    frame.loc[frame["rosh"] == "High/Very high", "rosh"] = "Low"
    path = tmp_path / "upload.csv"
    frame.to_csv(path, index=False)
    assert path.stat().st_size > 900_000
    context, page = _sign_in(browser, live_server, "lead1", PASSWORD)
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(  # a slow line, so the progress is there to see
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": 400_000},
    )
    page.goto(f"{live_server.url}/inspections/{inspection.pk}/import/")
    page.set_input_files("#id_file", str(path))
    page.click("button:has-text('Check and import')")
    status = page.locator(".app-upload-status")
    status.wait_for(state="visible", timeout=10_000)
    page.locator(".app-upload-status p", has_text="% sent").wait_for(timeout=10_000)
    assert "Uploading upload.csv" in status.inner_text()
    page.screenshot(path=shots / "14-upload-progress.png")
    page.wait_for_selector("text=Imported 1,500 cases", timeout=120_000)
    assert page.url.endswith(f"/inspections/{inspection.pk}/")
    page.screenshot(path=shots / "14-upload-done.png")
    context.close()
    assert Case.objects.filter(inspection=inspection, case_id__startswith="U").count() == 1500
