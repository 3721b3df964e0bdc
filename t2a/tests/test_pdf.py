"""The WeasyPrint fetcher reaches no network and no file outside the static files."""

import http.server
import io
import re
import subprocess
import tempfile
import threading

import pytest
from pypdf import PdfReader

from t2a.pdf import pdf_render


@pytest.fixture
def trap_server():
    """A local HTTP server that records every request it gets."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"body { color: red }")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()


def text_of(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_static_files_are_allowed():
    rendered = pdf_render(
        html='<link rel="stylesheet" href="/static/scss/t2a.scss">'
        '<img src="/static/favicon.svg" alt="T2A"><p>Hello report</p>'
    )
    assert rendered.refused == []
    assert rendered.page_count == 1
    assert "Hello report" in text_of(rendered.content)


@pytest.mark.parametrize(
    "payload",
    [
        '<img src="{server}/image.png" alt="">',
        "<style>@import url('{server}/evil.css');</style>",
        '<link rel="stylesheet" href="{server}/evil.css">',
        '<link rel="attachment" href="{server}/secret.txt">',
    ],
)
def test_outside_addresses_are_never_fetched(trap_server, payload):
    server, hits = trap_server
    rendered = pdf_render(html=payload.format(server=server) + "<p>Report</p>")
    assert hits == []
    assert rendered.refused
    assert all(url.startswith(server) for url in rendered.refused)


@pytest.mark.parametrize(
    "payload",
    [
        '<img src="file:///etc/passwd" alt="">',
        "<style>@import url('file:///etc/passwd');</style>",
        '<link rel="attachment" href="file:///etc/passwd">',
        '<img src="/static/../../../../etc/passwd" alt="">',
        '<link rel="attachment" href="/static/../t2a/settings.py">',
    ],
)
def test_local_files_outside_static_are_never_read(payload):
    rendered = pdf_render(html=payload + "<p>Report</p>")
    assert rendered.refused, "the fetcher should have refused the payload"
    assert b"root:" not in rendered.content
    assert b"SECRET_KEY" not in rendered.content


def poppler(tool: str, content: bytes, *args: str) -> str:
    """The output of a poppler tool (pdftotext, pdfinfo) run on the PDF."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(content)
        handle.flush()
        done = subprocess.run(
            [tool, *args, handle.name, *(["-"] if tool == "pdftotext" else [])],
            capture_output=True,
            check=True,
            text=True,
        )
    return done.stdout


NAMES = {
    "Bengali": "সুমি বেগম",
    "Arabic": "فاطمة الزهراء",
    "Polish": "Zofia Wójcik-Łęcka",
    "Welsh": "Siân Llŷr ap Gwŵr",
}


def test_pdfs_are_tagged_with_their_language_and_title():
    rendered = pdf_render(
        html='<html lang="en-GB"><head><title>Maternity: Case for change</title></head>'
        "<body><h1>Maternity</h1><p>Report</p></body></html>"
    )
    info = poppler("pdfinfo", rendered.content)
    assert re.search(r"^Tagged:\s+yes$", info, re.MULTILINE)
    assert re.search(r"^Title:\s+Maternity: Case for change$", info, re.MULTILINE)
    catalog = PdfReader(io.BytesIO(rendered.content)).trailer["/Root"]
    assert catalog["/Lang"] == "en-GB"
    assert "/StructTreeRoot" in catalog


@pytest.mark.parametrize("script", NAMES)
def test_a_name_in_every_script_extracts_as_written(script):
    """The Bengali name once came out as "সু মি বেগমি": the font's ToUnicode map gave ম the
    text "মি" of the first cluster that drew it."""
    name = NAMES[script]
    rendered = pdf_render(
        html=f'<html lang="en-GB"><body><p>Trusted Voice: {name}.</p>'
        f"<p><strong>{name}</strong></p></body></html>"
    )
    text = poppler("pdftotext", rendered.content, "-enc", "UTF-8")
    # pdftotext marks right-to-left runs with embedding controls; they are not text.
    lines = [line.strip("\u202a\u202b\u202c ") for line in text.splitlines()]
    assert name in lines
    # Within a sentence too (pdftotext puts a right-to-left name before the words it
    # follows, which is its order, not the PDF's).
    assert name in lines[0] and "Trusted Voice:" in lines[0]
