"""Playwright in the machine's Chromium, with axe-core checks and saved screenshots.

    def test_journey(page, live_server, shoot): ...

`shoot(page, "name")` waits for the page to settle and runs axe-core (no serious or critical
violation allowed). Screenshots go to test-results/<test name>/: a full-page one of every
check when T2A_SCREENSHOTS=1 (`make screenshots`), and one of the page as it was whenever
a browser test fails. Saving every check on every run costs a fifth of the browser's time,
so a plain `make test` saves only failures.

The browser is Chromium's headless shell where it is installed (Debian's
chromium-headless-shell, the build Playwright itself uses for headless runs): the same
engine as /usr/bin/chromium, the fallback, at about two thirds of its CPU.
"""

import contextlib
import os
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

from tests.cast import PASSWORD

CHROMIUM = os.environ.get("CHROMIUM_PATH") or next(
    (
        path
        for path in ("/usr/bin/chromium-headless-shell", "/usr/bin/chromium")
        if Path(path).exists()
    ),
    "/usr/bin/chromium",
)
SCREENSHOTS = os.environ.get("T2A_SCREENSHOTS", "") not in ("", "0")
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
AXE = Axe()
# Whether the test's own call failed, for the page fixtures to save what the page showed.
CALL_FAILED = pytest.StashKey[bool]()


def results_folder(item) -> Path:
    return RESULTS / re.sub(r"[^\w.-]+", "_", item.nodeid.split("::")[-1])


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.stash[CALL_FAILED] = report.failed
    return report


def _close(page, request) -> None:
    """Close the page's context; first, if the test failed, save the page as it was."""
    if request.node.stash.get(CALL_FAILED, False):
        folder = results_folder(request.node)
        folder.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(Exception):  # a crashed page has nothing more to show
            page.screenshot(path=str(folder / "failed.png"), full_page=True)
    page.context.close()


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
    _close(page, request)


@pytest.fixture
def phone_page(chromium, request):
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
    _close(page, request)


def axe_violations(page) -> list[dict]:
    # axe-core is injected once per document: a second check of the same page after an
    # htmx swap runs it again without parsing its half a megabyte of script again.
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE.axe_script)
    results = page.evaluate("() => axe.run({resultTypes: ['violations']})")
    return [v for v in results["violations"] if v.get("impact") in BLOCKING_IMPACTS]


@pytest.fixture
def shoot(request):
    folder = results_folder(request.node)
    count = {"n": 0}

    def check(page, name: str) -> None:
        # Loaded, and no htmx request or swap under way (htmx marks both with a class).
        # Not "networkidle", which waits for half a second of silence on every check.
        page.wait_for_load_state("load")
        page.wait_for_function(f"() => !document.querySelector({HTMX_BUSY!r})")
        # The NHS.UK header script moves navigation that does not fit into "More"; check the
        # page as a person sees it, after that has happened.
        if page.locator('[data-module="nhsuk-header"]').count():
            page.wait_for_selector("[data-nhsuk-header-init]", state="attached", timeout=5_000)
        count["n"] += 1
        if SCREENSHOTS:
            folder.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(folder / f"{count['n']:02d}-{name}.png"), full_page=True)
        violations = axe_violations(page)
        assert not violations, f"axe-core on {page.url}:\n" + "\n".join(
            f"{v['id']} ({v['impact']}): {v['help']} – "
            + ", ".join(n["target"][0] for n in v["nodes"][:3])
            for v in violations
        )
        csp = [e for e in page.console_errors if "Content Security Policy" in e]
        assert not csp, f"CSP blocked something on {page.url}: {csp}"

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
