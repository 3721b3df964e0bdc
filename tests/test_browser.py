"""Rules for browser tests (tests/browser.py, tests/journeys/).

After a click, the next page may not be there yet: Playwright's click can return before a
form's submission lands, so a check that reads the page once can see the old page. Checks
use `expect(locator)`, which retries until the page shows it or five seconds pass. The rule
reads every test module and test helper of the apps and of tests/.
"""

import ast
from pathlib import Path

from t2a.registry import APP_ORDER

ROOT = Path(__file__).resolve().parent.parent
# Locator methods that answer from the page as it is at that instant, without waiting.
READ_ONCE = {"is_visible", "is_hidden"}


def test_browser_checks_wait_for_the_page():
    found = []
    for path in sorted(p for top in (*APP_ORDER, "tests") for p in (ROOT / top).rglob("*.py")):
        if "tests" not in path.relative_to(ROOT).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in READ_ONCE
            ):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.func.attr}()")
    assert found == [], "use expect(locator).to_be_visible() / .to_be_hidden():\n" + "\n".join(
        found
    )
