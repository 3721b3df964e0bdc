"""Playwright in the machine's Chromium, with axe-core checks and saved screenshots.

    def test_journey(page, live_server, shoot): ...

`shoot(page, "name")` runs axe-core (no serious or critical violation allowed) and saves a
full-page screenshot under test-results/<test name>/.
"""

import os
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

from tests.cast import PASSWORD

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
RESULTS = Path(__file__).resolve().parent.parent / "test-results"
BLOCKING_IMPACTS = {"serious", "critical"}
HTMX_BUSY = ".htmx-request, .htmx-swapping, .htmx-settling"


@pytest.fixture(scope="session")
def chromium():
    # Playwright's sync API runs an event loop in this thread; the ORM calls our tests
    # make between browser steps are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, request):
    viewport = getattr(request, "param", None) or {"width": 1280, "height": 900}
    context = chromium.new_context(viewport=viewport, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    console_errors: list[str] = []
    page.on(
        "console",
        lambda msg: console_errors.append(msg.text) if msg.type == "error" else None,
    )
    page.console_errors = console_errors
    yield page
    context.close()


@pytest.fixture
def phone_page(chromium):
    context = chromium.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="en-GB"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.console_errors = []
    page.on(
        "console",
        lambda msg: page.console_errors.append(msg.text) if msg.type == "error" else None,
    )
    yield page
    context.close()


def axe_violations(page) -> list[dict]:
    results = Axe().run(page)
    return [v for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS]


@pytest.fixture
def shoot(request):
    folder = RESULTS / re.sub(r"[^\w.-]+", "_", request.node.nodeid.split("::")[-1])
    folder.mkdir(parents=True, exist_ok=True)
    count = {"n": 0}

    def check(page, name: str) -> Path:
        # Loaded, and no htmx request or swap under way (htmx marks both with a class).
        # Not "networkidle", which waits for half a second of silence on every check.
        page.wait_for_load_state("load")
        page.wait_for_function(f"() => !document.querySelector({HTMX_BUSY!r})")
        # The NHS.UK header script moves navigation that does not fit into "More"; check the
        # page as a person sees it, after that has happened.
        if page.locator('[data-module="nhsuk-header"]').count():
            page.wait_for_selector("[data-nhsuk-header-init]", state="attached", timeout=5_000)
        count["n"] += 1
        path = folder / f"{count['n']:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        violations = axe_violations(page)
        assert not violations, f"axe-core on {page.url}:\n" + "\n".join(
            f"{v['id']} ({v['impact']}): {v['help']} – "
            + ", ".join(n["target"][0] for n in v["nodes"][:3])
            for v in violations
        )
        csp = [e for e in page.console_errors if "Content Security Policy" in e]
        assert not csp, f"CSP blocked something on {page.url}: {csp}"
        return path

    return check


def sign_in(page, live_server, email: str) -> None:
    """Sign in through the real form, as whoever was signed in before leaves."""

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    # A member of one organisation lands on its home, a member of several on the chooser.
    page.wait_for_url(lambda url: url.startswith(live_server.url) and "/accounts/" not in url)
