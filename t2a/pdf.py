"""PDF rendering with WeasyPrint that can read the app's own static files and nothing else.

Report templates link their CSS and images with `{% static %}` (paths under STATIC_URL).
The fetcher serves those from the static-files finders; it refuses every network URL and
every `file://` URL, so a value typed by a user (an image link, a CSS `@import`, an
attachment link) can neither reach the network nor read files from the server.

Every PDF is tagged (PDF/UA-1, with the document's language and title), and lines in
scripts whose shaping reorders glyphs carry their text as /ActualText, so that text
extraction and screen readers read names as they were written (see
`_draw_first_line_with_actual_text`).
"""

import logging
import mimetypes
import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

import pydyf
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from weasyprint import HTML
from weasyprint.draw import text as weasyprint_text
from weasyprint.urls import URLFetcher, URLFetcherResponse

log = logging.getLogger(__name__)

BASE_URL = "t2a-static:///"

# Tagged PDF/UA-1 (a structure tree, the document's language from <html lang> and its
# title from <title>), so screen readers follow the reports.
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1"}

# Scripts whose shaping reorders or splits characters into several glyphs (a Bengali
# vowel sign drawn before its consonant, for example): Indic scripts and Sinhala, Thai
# and Lao, Tibetan, Myanmar and Khmer.
REORDERING_SCRIPTS = re.compile(
    "[\u0900-\u0dff\u0e00-\u0eff\u0f00-\u0fff\u1000-\u109f\u1780-\u17ff]"
)


def _draw_first_line_with_actual_text(stream, textbox, *args, **kwargs):
    """Draw a line of text; in a reordering script, inside an /ActualText span.

    A PDF font's ToUnicode map gives each glyph one text. WeasyPrint takes it from the
    first cluster that drew the glyph, so when shaping puts several glyphs in one cluster
    (ম and the vowel sign ি of "মি") the whole cluster's text goes to one of them, and
    every later ম reads "মি". No per-glyph map can be right for such scripts; the PDF's
    own answer is a marked-content span with /ActualText (ISO 32000-1, 14.9.4), which
    text extraction, copying and screen readers use instead of the glyphs.
    """
    if not REORDERING_SCRIPTS.search(textbox.text):
        return _draw_first_line(stream, textbox, *args, **kwargs)
    actual = pydyf.Dictionary({"ActualText": pydyf.String(textbox.text)})
    stream.begin_marked_content("Span", actual)
    try:
        return _draw_first_line(stream, textbox, *args, **kwargs)
    finally:
        stream.end_marked_content()


# WeasyPrint is pinned (pyproject.toml); t2a/tests/test_pdf.py fails if an upgrade moves
# or changes the function wrapped here.
_draw_first_line = getattr(
    weasyprint_text.draw_first_line, "__wrapped__", weasyprint_text.draw_first_line
)
_draw_first_line_with_actual_text.__wrapped__ = _draw_first_line
weasyprint_text.draw_first_line = _draw_first_line_with_actual_text


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
    content = document.write_pdf(**PDF_OPTIONS)
    return RenderedPDF(content=content, page_count=len(document.pages), refused=fetcher.refused)
