"""Automated accessibility checks (WCAG 2.2 AA) of the main pages, in Debian's Chromium.

axe-core comes from the front-end build's devDependencies (``npm ci`` puts it in
``node_modules/axe-core``); nothing is downloaded at test time. Each page is loaded in the
state a user meets it in, axe is injected and run with the WCAG 2.0/2.1/2.2 A and AA rules,
at a desktop width and again at 320 CSS pixels (a phone, or 400% zoom); a violation of
impact ``serious`` or ``critical`` fails the test. Two checks axe does not make are added:
at 320 pixels the page must not scroll sideways (1.4.10 Reflow), and on the case form no
field may be hidden under the sticky action bar when it takes focus (2.4.11 Focus Not
Obscured). Automated checks cover only part of WCAG: see docs/web.md, "Accessibility".
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from .conftest import PASSWORD, complete_answers, login
from .test_browser import CHROMIUM, _answer, browser  # noqa: F401  (``browser`` is a fixture)
from .test_inspections import eligible_list

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = {"serious", "critical"}
DESKTOP, NARROW = {"width": 1280, "height": 900}, {"width": 320, "height": 640}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} not installed"),
    pytest.mark.skipif(
        not AXE.exists(), reason=f"{AXE} is absent: run `npm ci` at the repository root"
    ),
    pytest.mark.django_db(transaction=True),
]

# Run axe; keep only what the report needs (the full result is large).
RUN_AXE = """async (tags) => {
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));  // let resize handlers run
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return result.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
                                        targets: v.nodes.map((n) => n.target.join(" "))}));
}"""

# 1.4.10: at 320 px the page itself must not scroll sideways; list the elements that stick
# out of the window and are not clipped by a scrolling box (wide tables scroll in their own).
SIDEWAYS = """() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width) return [];
  const clipped = (el) => {
    let positioned = !["absolute", "fixed"].includes(getComputedStyle(el).position);
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      const style = getComputedStyle(up);
      positioned = positioned || style.position !== "static";
      if (positioned && style.overflowX !== "visible") return true;
    }
    return false;
  };
  const wide = Array.from(document.body.querySelectorAll("*"))
    .filter((el) => el.getBoundingClientRect().right > width + 1 && !clipped(el));
  const found = wide.filter((el) => !wide.includes(el.parentElement)).slice(0, 5)
    .map((el) => `${el.outerHTML.slice(0, 100)} (right edge at ${Math.round(el.getBoundingClientRect().right)}px)`);
  return found.length ? found : [`document ${document.documentElement.scrollWidth}px wide`];
}"""

# 2.4.11: focus every field of the form (the browser scrolls it into view as it would for
# Tab) and list those left entirely under a fixed or sticky element.
OBSCURED = """() => {
  const stuck = Array.from(document.querySelectorAll("body *"))
    .filter((el) => ["sticky", "fixed"].includes(getComputedStyle(el).position));
  const hidden = [];
  for (const el of document.querySelectorAll("main input, main select, main textarea, main button, main a[href]")) {
    if (el.disabled || !el.getClientRects().length) continue;
    el.focus();
    const r = el.getBoundingClientRect();
    for (const cover of stuck) {
      if (cover.contains(el)) continue;
      const c = cover.getBoundingClientRect();
      if (c.height && r.top >= c.top && r.bottom <= c.bottom && r.left >= c.left && r.right <= c.right) {
        hidden.push(`${el.id || el.outerHTML.slice(0, 80)} under ${cover.className}`);
      }
    }
  }
  document.activeElement.blur();
  return hidden;
}"""


def _context(chromium):
    # The app's Content-Security-Policy (script-src 'self') rightly refuses the injected
    # inline script; it is bypassed for the test only.
    return chromium.new_context(viewport=DESKTOP, bypass_csp=True)


def _sign_in(chromium, live_server, username):
    context = _context(chromium)
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('Sign in')")
    page.wait_for_load_state()
    return context, page


def _check(page, name, found):
    """Run axe at desktop width and at 320 px, and the reflow check at 320 px."""
    page.add_script_tag(path=str(AXE))
    for v in page.evaluate(RUN_AXE, WCAG_AA):
        found.append((name, v))
    page.set_viewport_size(NARROW)
    for v in page.evaluate(RUN_AXE, WCAG_AA):
        found.append((f"{name} at 320px", v))
    sideways = page.evaluate(SIDEWAYS)
    if sideways:
        found.append(
            (
                f"{name} at 320px",
                {
                    "id": "reflow (1.4.10, own check)",
                    "impact": "serious",
                    "help": "The page scrolls sideways at 320 CSS pixels",
                    "targets": sideways,
                },
            )
        )
    page.set_viewport_size(DESKTOP)


def _report(found):
    lines = []
    for name, v in found:
        more = f" (+{len(v['targets']) - 3} more)" if len(v["targets"]) > 3 else ""
        lines.append(
            f"{name}: {v['id']} [{v['impact']}] {v['help']} — {', '.join(v['targets'][:3])}{more}"
        )
    return "\n".join(lines)


def _prepare(world, fw, client):
    """Set up on the server: two cases submitted, one of them accepted; a drawn sample; an
    inspection with no cases (the sampling form); a third case allocated, not started."""
    from django.urls import reverse

    from caseinspect.web.actions.cases import accept_case
    from caseinspect.web.actions.inspections import allocate_cases
    from caseinspect.web.actions.sampling import draw_inspection_sample
    from caseinspect.web.models import Case, Inspection

    users, cases = world["users"], world["cases"]
    for username, case_id in [("insp1", "A000001"), ("insp2", "A000002")]:
        case = cases[case_id]
        response = login(client, users[username]).post(
            reverse("case-edit", kwargs={"pk": case.pk}),
            {"version": case.version, "action": "submit", **complete_answers(fw, needs="yes")},
        )
        assert response.status_code == 302
        client.logout()
    accept_case(users["lead1"], Case.objects.get(pk=cases["A000002"].pk))
    allocate_cases(
        users["lead1"], world["inspections"]["I1"], {cases["A000003"].pk: users["insp1"]}
    )
    new = {
        code: Inspection.objects.create(
            code=code,
            provider=world["providers"]["A"],
            framework_id=fw.id,
            framework_version=fw.version,
            framework_fingerprint="x",
            lead=users["lead1"],
        )
        for code in ("SAMPLED", "EMPTY")
    }
    draw_inspection_sample(
        users["lead1"],
        new["SAMPLED"],
        eligible_list(),
        seed=7,
        reference_date=dt.date(2024, 7, 20),
        size=20,
    )
    from caseinspect.web.models import Round

    Round.objects.create(name="R-A11Y", framework_id=fw.id).inspections.set(
        [world["inspections"]["I1"], world["inspections"]["I2"]]
    )
    return new


def test_main_pages_have_no_serious_accessibility_violations(
    world,
    fw,
    client,
    live_server,
    browser,  # noqa: F811 - the imported fixture
):
    new = _prepare(world, fw, client)
    inspection = world["inspections"]["I1"]
    submitted, accepted, unstarted = (world["cases"][k] for k in ("A000001", "A000002", "A000003"))
    base = live_server.url
    found = []

    # signed out: the sign-in page, blank and after a failed attempt
    context = _context(browser)
    page = context.new_page()
    page.goto(f"{base}/login/")
    _check(page, "sign-in", found)
    page.fill("#id_username", "nobody")
    page.fill("#id_password", "not the password")
    page.click("button:has-text('Sign in')")
    page.wait_for_load_state()
    _check(page, "sign-in with an error", found)
    context.close()

    # the inspector: their cases, a case, the form with a section open, the form's errors
    context, page = _sign_in(browser, live_server, "insp1")
    _check(page, "my cases", found)
    page.goto(f"{base}/cases/{unstarted.pk}/")
    _check(page, "case overview (inspector)", found)
    page.goto(f"{base}/cases/{unstarted.pk}/edit/#section-2-3")
    _answer(page, "need_accommodation", "yes")
    _answer(
        page, "need_accommodation", "no"
    )  # a question is hidden: the live status message is set
    _check(page, "case form", found)
    for field in page.evaluate(OBSCURED):
        found.append(
            (
                "case form",
                {
                    "id": "focus-obscured (2.4.11, own check)",
                    "impact": "serious",
                    "help": "A focused field is hidden under a sticky element",
                    "targets": [field],
                },
            )
        )
    page.click("button:has-text('Save and submit')")  # incomplete: error summary and error messages
    page.wait_for_load_state()
    _check(page, "case form with errors", found)
    context.close()

    # the lead: the inspection's pages, a review and its outcome, the sampling pages
    context, page = _sign_in(browser, live_server, "lead1")
    for name, url in [
        ("inspections list", "/inspections/"),
        ("inspection progress", f"/inspections/{inspection.pk}/"),
        ("inspection cases", f"/inspections/{inspection.pk}/cases/"),
        ("allocation", f"/inspections/{inspection.pk}/allocate/"),
        ("QA queue", f"/inspections/{inspection.pk}/qa/"),
        ("review", f"/cases/{submitted.pk}/"),
        ("case overview (accepted)", f"/cases/{accepted.pk}/"),
        ("ratings", f"/inspections/{inspection.pk}/ratings/"),
        ("analysis", f"/inspections/{inspection.pk}/analysis/"),
        ("audit trail", f"/inspections/{inspection.pk}/audit/"),
        ("sampling form", f"/inspections/{new['EMPTY'].pk}/sample/"),
        ("drawn sample", f"/inspections/{new['SAMPLED'].pk}/sample/"),
        ("sign-off confirmation", f"/inspections/{inspection.pk}/sign-off/"),
        ("rounds", "/rounds/"),
        ("round", "/rounds/R-A11Y/"),
    ]:
        page.goto(base + url)
        _check(page, name, found)
    page.goto(f"{base}/cases/{submitted.pk}/")
    page.click("label:has-text('Return it to the inspector')")
    page.fill("#id_comment", "Explain the risk to the partner in 2.1.3.")
    page.click("button:has-text('Record decision')")
    page.wait_for_load_state()
    assert "returned" in page.inner_text("main")
    _check(page, "case returned (success banner)", found)
    context.close()

    # the administrator: users and providers, a user's page, the filtered audit trail
    context, page = _sign_in(browser, live_server, "admin")
    for name, url in [
        ("users", "/users/"),
        ("a user", f"/users/{world['users']['insp1'].pk}/"),
        ("audit trail filtered", "/audit/?user=lead1&date_from=2000-01-01"),
    ]:
        page.goto(base + url)
        _check(page, name, found)
    context.close()

    blocking = [(name, v) for name, v in found if v["impact"] in BLOCKING]
    assert not blocking, (
        "accessibility violations (WCAG 2.2 A/AA, axe-core and own checks):\n" + _report(blocking)
    )
