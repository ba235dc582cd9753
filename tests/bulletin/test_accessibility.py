"""bulletin.html passes axe-core's WCAG 2.2 A/AA rules (serious and critical) in Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} not installed"),
    pytest.mark.skipif(not AXE.exists(), reason=f"{AXE} is absent: run `npm ci`"),
]

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return result.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
                                        targets: v.nodes.slice(0, 3).map((n) => n.target.join(" "))}));
}"""


def test_bulletin_html_has_no_serious_accessibility_violation(written):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            found = {}
            for width in (1280, 320):
                page = browser.new_page(viewport={"width": width, "height": 900})
                page.goto((written / "bulletin.html").as_uri())
                page.add_script_tag(path=str(AXE))
                violations = page.evaluate(RUN_AXE, WCAG_AA)
                found[width] = [v for v in violations if v["impact"] in ("serious", "critical")]
                # 1.4.10 Reflow: at 320 px only the wide tables scroll, in their own box.
                if width == 320:
                    assert page.evaluate(
                        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"
                    )
                page.close()
        finally:
            browser.close()
    assert found == {1280: [], 320: []}
