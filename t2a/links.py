"""Absolute links: every link in an email, text message, letter, PDF or calendar feed is
built here, from settings.SITE_URL — never from the host a request happened to arrive on.
`manage.py check --deploy` refuses a production SITE_URL that is missing, not https, or
whose host is not in ALLOWED_HOSTS (t2a/checks.py)."""

from urllib.parse import urljoin, urlsplit, urlunsplit

from django.conf import settings


def absolute_url(path: str) -> str:
    """The full address of `path` (an absolute path, as `reverse()` gives) on this site."""
    if not path.startswith("/"):
        raise ValueError(f"Give an absolute path, not {path!r}")
    return urljoin(settings.SITE_URL.rstrip("/") + "/", path.lstrip("/"))


def site_root() -> str:
    return absolute_url("/")


def on_site(value):
    """`value` re-rooted on SITE_URL if it is an absolute http(s) address; anything else
    unchanged. For links a library built from the request's host (allauth's sign-up and
    password-reset links in its account emails) before they reach a message."""
    if not isinstance(value, str) or not value.startswith(("http://", "https://")):
        return value
    parts = urlsplit(value)
    return absolute_url(urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment)))
