"""PDF rendering with WeasyPrint that can read the app's own static files and nothing else.

Report templates link their CSS and images with `{% static %}` (paths under STATIC_URL).
The fetcher serves those from the static-files finders; it refuses every network URL and
every `file://` URL, so a value typed by a user (an image link, a CSS `@import`, an
attachment link) can neither reach the network nor read files from the server.
"""

import logging
import mimetypes
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

log = logging.getLogger(__name__)

BASE_URL = "t2a-static:///"


class StaticOnlyFetcher(URLFetcher):
    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.refused: list[str] = []

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        if url.startswith("data:"):
            # Inline data (SVG charts made by the server); no input or output happens.
            return super().fetch(url, headers)
        parts = urlsplit(url)
        path = unquote(parts.path)
        # Relative links such as "/static/report.css" arrive as they were written.
        if (
            parts.scheme in ("", "t2a-static")
            and not parts.netloc
            and path.startswith(settings.STATIC_URL)
        ):
            found = self._find(path.removeprefix(settings.STATIC_URL))
            if found:
                with open(found, "rb") as handle:
                    body = handle.read()
                content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
                return URLFetcherResponse(url, body, {"Content-Type": content_type})
        self.refused.append(url)
        log.warning("PDF renderer refused to fetch %s", url)
        raise ValueError(f"Refused to fetch {url!r}: reports may use the app's static files only")

    @staticmethod
    def _find(relative: str) -> str | None:
        try:
            found = finders.find(relative)
        except SuspiciousFileOperation:
            return None
        return found if isinstance(found, str) else None


@dataclass
class RenderedPDF:
    content: bytes
    page_count: int
    refused: list[str]


def pdf_render(*, html: str) -> RenderedPDF:
    fetcher = StaticOnlyFetcher(timeout=1)
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).render()
    content = document.write_pdf()
    return RenderedPDF(content=content, page_count=len(document.pages), refused=fetcher.refused)
