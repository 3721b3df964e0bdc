"""The WeasyPrint fetcher reaches no network and no file outside the static files."""

import http.server
import io
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
