"""Whole pages computed once per change to the data, not once per request.

`@page_cached` stores a page's HTML in the cache under a key that names everything the
page is drawn from:

- the organisation's data version, which every service that changes what a page shows
  moves on in the same transaction as the change (t2a.services.versions; a cycle's
  change moves its organisation's version on too), so the first request after a change
  draws the page afresh and nobody is ever served a page from before it;
- who asks: the person, their role, their name and the unread count in the header;
- what is asked: the address with its query, and the htmx headers that pick a partial;
- the organisation's own row (its name and brand are in the header);
- today's date (pages say what is overdue), and the code (templates and Python files),
  so a deployment never serves a page drawn by the code before it.

The decorator goes under the view's permission decorator, so policies are checked on every
request. What differs per response stays out of the stored copy: the CSRF token and the
CSP nonce are stored as markers and filled in for each response. A page is stored only
when it answered 200 with HTML and had no message to show; a request with a message
waiting is drawn afresh.
"""

import hashlib
import re
from collections.abc import Callable
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csp import get_nonce
from django.middleware.csrf import get_token
from django.utils import timezone

from t2a.services.versions import VERSIONED_CACHE_SECONDS

CSRF_MARK = "\x00csrf\x00"
NONCE_MARK = "\x00nonce\x00"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
HTMX_HEADERS = ("HX-Request", "HX-Boosted", "HX-Target", "HX-Trigger", "HX-Current-URL")
CODE_FOLDERS = ("templates", "t2a", "cycles", "stakeholders", "feedback", "actions")


def code_version() -> str:
    """A digest of the templates' and Python files' names, sizes and modification times
    and of the static files' manifest, read once per process."""
    digest = hashlib.blake2b(digest_size=8)
    base = Path(settings.BASE_DIR)
    for folder in CODE_FOLDERS:
        for path in sorted((base / folder).rglob("*")):
            if path.suffix in (".html", ".py", ".txt") and "tests" not in path.parts:
                stat = path.stat()
                digest.update(
                    f"{path.relative_to(base)}:{stat.st_size}:{stat.st_mtime_ns};".encode()
                )
    # Pages name static files by their hashed names (the manifest of collectstatic).
    manifest = Path(settings.STATIC_ROOT or base) / "staticfiles.json"
    if manifest.exists():
        digest.update(manifest.read_bytes())
    return digest.hexdigest()


_CODE_VERSION: list[str] = []


def _code() -> str:
    if not _CODE_VERSION:
        _CODE_VERSION.append(code_version())
    return _CODE_VERSION[0]


def _row(instance) -> str:
    """The values of a model instance's own columns, as text."""
    return repr([getattr(instance, f.attname) for f in instance._meta.concrete_fields])


def page_key(request: HttpRequest, view_name: str) -> str:
    organisation = request.organisation
    membership = request.membership
    parts = [
        _code(),
        view_name,
        request.get_full_path(),
        *(request.headers.get(name, "") for name in HTMX_HEADERS),
        str(request.user.pk),
        membership.role,
        _row(request.user),
        _row(organisation),
        str(membership.unread_notifications),
        timezone.localdate().isoformat(),
    ]
    digest = hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).hexdigest()
    return f"org:{organisation.pk}:v{organisation.data_version}:page:{digest}"


def _messages_waiting(request: HttpRequest) -> bool:
    return len(get_messages(request)) > 0


def _stored(request: HttpRequest, response: HttpResponse) -> dict | None:
    """The response with this request's token and nonce replaced by markers, or None when
    it is not a page to keep."""
    if (
        response.status_code != 200
        or response.streaming
        or not response.get("Content-Type", "").startswith("text/html")
        or response.cookies
        or _messages_waiting(request)
    ):
        return None
    html = response.content.decode(response.charset)
    if CSRF_MARK in html or NONCE_MARK in html:
        return None
    for token in set(CSRF_INPUT.findall(html)):
        html = html.replace(token, CSRF_MARK)
    nonce = get_nonce(request)
    if nonce:  # evaluated while drawing the page
        html = html.replace(str(nonce), NONCE_MARK)
    return {"html": html, "headers": dict(response.headers)}


def _served(request: HttpRequest, stored: dict) -> HttpResponse:
    html = stored["html"]
    if CSRF_MARK in html:
        html = html.replace(CSRF_MARK, get_token(request))
    if NONCE_MARK in html:
        html = html.replace(NONCE_MARK, str(get_nonce(request)))
    return HttpResponse(html, headers=stored["headers"])


def page_cached(view: Callable) -> Callable:
    """Serve the GET view's page from the cache while nothing it shows has changed."""
    view_name = f"{view.__module__}.{view.__qualname__}"

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method != "GET" or request.membership is None or _messages_waiting(request):
            return view(request, *args, **kwargs)
        key = page_key(request, view_name)
        stored = cache.get(key)
        if stored is not None:
            return _served(request, stored)
        response = view(request, *args, **kwargs)
        keep = _stored(request, response)
        if keep is not None:
            cache.set(key, keep, VERSIONED_CACHE_SECONDS)
        return response

    return wrapper
