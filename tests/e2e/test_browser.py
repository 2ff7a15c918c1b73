"""A real browser (Playwright driving Debian's Chromium) through the dashboard behind authentication:
log in, search a client, read the decision, gauge and explanation, switch the comparison population,
tick both charts, run a what-if. Screenshots go to the test artifacts directory.

Accessibility (WCAG 2.1 AA) is checked in the page itself: the title in the HTML as served (2.4.2),
every visible text's contrast against its background, SVG chart text included (1.4.3), a text
alternative after every chart (1.1.1), and the page at 200 % zoom without text cut off or a
sideways scroll (1.4.4). Class and decision are never colour alone (1.4.1): see test_dashboard.py."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from a11y import CHARTS_WITHOUT_TEXT, CLIPPED_TEXT, LOW_CONTRAST_TEXT
from conftest import TEST_PASSWORD, TEST_USER
from live_server import REPO
from playwright.sync_api import expect, sync_playwright

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TITLE = "Credit scoring dashboard — Prêt à dépenser"


def check_accessibility(page, where: str) -> None:
    assert page.evaluate(LOW_CONTRAST_TEXT, 4.5) == [], f"{where}: text below 4.5:1 contrast"
    assert page.evaluate(CHARTS_WITHOUT_TEXT) == [], f"{where}: a chart without its text alternative"


@pytest.fixture(scope="module")
def artifacts() -> Path:
    path = Path(os.environ.get("SCORING_TEST_ARTIFACTS", REPO / "test-artifacts")) / "browser"
    path.mkdir(parents=True, exist_ok=True)
    return path


def test_dashboard_in_chromium(auth_server, client_id, artifacts):
    server = auth_server
    assert Path(CHROMIUM).exists(), "run scripts/install_chromium.sh (make test does)"
    external: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.on(
            "request", lambda req: external.append(req.url) if not req.url.startswith((server.url, "data:", "blob:")) else None
        )
        page.set_default_timeout(60_000)
        expect.set_options(timeout=60_000)  # a loaded CI machine: as patient as the page's own waits

        # Log in: the gate sends the browser to the login page first.
        page.goto(server.url + "/")
        expect(page).to_have_url(re.compile(r"/login"))
        expect(page).to_have_title(re.compile("Sign in"))
        page.get_by_label("User name").fill(TEST_USER)
        page.get_by_label("Password").fill(TEST_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page).to_have_title(TITLE)
        # WCAG 2.4.2: the title is in the HTML the server sends, before any script runs.
        served = page.context.request.get(server.url + "/", headers={"accept": "text/html"})
        assert served.ok and f"<title>{TITLE}</title>" in served.text()

        # Search and choose a client from the short list.
        page.get_by_label("Application id (or its first digits)").fill(str(client_id))
        choice = page.get_by_label(f"{client_id} — historical client")
        choice.check()
        decision = page.locator("#decision-text")
        expect(decision).to_contain_text(re.compile("ACCEPTED|REFUSED"))
        expect(decision).to_contain_text(str(client_id))
        expect(page.locator("#gauge .js-plotly-plot")).to_be_visible()
        expect(page.locator("#gauge-alt")).to_contain_text("threshold")
        expect(page.locator("#why-plot .js-plotly-plot")).to_be_visible()
        expect(page.locator("#why-summary")).to_contain_text(
            re.compile(r"The application is (accepted|refused): the estimated risk of default")
        )
        expect(page.locator("#profile")).to_contain_text("years")
        expect(decision).to_contain_text("the bank's limit")
        # The profile wraps: no value is cut off.
        assert page.evaluate(CLIPPED_TEXT, "#profile td, #decision-text, .alt-text") == []
        page.wait_for_timeout(500)  # let plotly finish drawing before measuring its text
        check_accessibility(page, "decision and why")
        page.screenshot(path=str(artifacts / "01-decision.png"), full_page=True)

        # Compare: both charts, then another population.
        page.get_by_role("tab", name="Compare").click()
        page.get_by_label("Box plots by outcome").check()
        page.get_by_label("Two-feature plot").check()
        expect(page.locator("#box-plot .js-plotly-plot")).to_be_visible()
        expect(page.locator("#scatter-plot .js-plotly-plot")).to_be_visible()
        expect(page.locator("#compare-note")).to_contain_text("all historical clients")
        page.get_by_label("The 20 most similar clients").check()
        expect(page.locator("#compare-note")).to_contain_text("20 most similar")
        expect(page.locator("#scatter-alt")).to_contain_text("this client")
        check_accessibility(page, "compare")
        page.screenshot(path=str(artifacts / "02-compare-similar.png"), full_page=True)
        # A group chosen with the filters the issue names (gender, age band, income type, contract).
        page.get_by_label("A group chosen with filters").check()
        for name in ("gender", "age band", "income type", "contract"):
            expect(page.get_by_label(f"Group filter: {name}")).to_be_visible()
        page.get_by_label("Group filter: contract").click()
        page.get_by_role("option").first.click()
        expect(page.locator("#compare-note")).to_contain_text("contract =")

        # What-if: double the income.
        page.get_by_role("tab", name="What-if").click()
        income = page.locator("#wi-amt_income_total input")
        expect(income).not_to_have_value("")
        income.fill(str(float(income.input_value()) * 2))
        page.get_by_role("button", name="Score the edited application").click()
        expect(page.locator("#what-if-result")).to_contain_text("Edited")
        check_accessibility(page, "what-if")
        page.screenshot(path=str(artifacts / "03-what-if.png"), full_page=True)

        # The model tab renders its charts too.
        page.get_by_role("tab", name="Model").click()
        expect(page.locator("#model-summary")).to_contain_text("AUC")
        page.wait_for_timeout(500)
        check_accessibility(page, "model")
        page.screenshot(path=str(artifacts / "04-model.png"), full_page=True)

        # The decision view, viewport only, is the README's picture.
        page.get_by_role("tab", name="Why").click()
        page.set_viewport_size({"width": 1400, "height": 1500})
        page.evaluate("window.scrollTo(0, 0)")
        page.wait_for_timeout(500)
        page.screenshot(path=str(artifacts / "dashboard.png"))

        # WCAG 1.4.4: a 1400-pixel window zoomed to 200 % lays the page out in 700 CSS pixels at twice
        # the size. Same session; the text must reflow, not be cut off or need a sideways scroll.
        zoomed = browser.new_page(
            viewport={"width": 700, "height": 1000}, device_scale_factor=2, storage_state=page.context.storage_state()
        )
        zoomed.set_default_timeout(60_000)
        zoomed.goto(server.url + "/")
        zoomed.get_by_label("Application id (or its first digits)").fill(str(client_id))
        zoomed.get_by_label(f"{client_id} — historical client").check()
        expect(zoomed.locator("#decision-text")).to_contain_text(str(client_id))
        expect(zoomed.locator("#why-plot .js-plotly-plot")).to_be_visible()
        assert zoomed.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), "sideways scroll at 200 %"
        assert zoomed.evaluate(CLIPPED_TEXT, "#profile td, #decision-text, #why-summary, .alt-text") == []
        zoomed.locator("#decision-text").scroll_into_view_if_needed()
        zoomed.screenshot(path=str(artifacts / "05-zoom-200.png"))
        browser.close()
    assert not external, f"the page fetched resources from outside the server: {sorted(set(external))[:5]}"
    assert (artifacts / "dashboard.png").stat().st_size > 10_000
