"""Steps the role journeys share: signing in through the real form, and page checks."""

from tests.browser import sign_in

__all__ = ["no_sideways_scroll", "sign_in"]


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
