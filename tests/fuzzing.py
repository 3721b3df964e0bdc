"""What the fuzz tests of every app share: hypothesis settings for tests that go through
the real views, bytes no browser should send, and the one rule each answer must keep."""

import unicodedata
from urllib.parse import quote_from_bytes

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st


def fuzz_settings(max_examples: int) -> settings:
    """Examples through the real views: no deadline (a page takes what it takes) and the
    function-scoped fixtures (one organisation for all examples) are meant."""
    return settings(
        max_examples=max_examples,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


# Text that looks like nothing, or like other text: invisible characters alone and inside
# words, both Unicode forms of one name, joiners that Persian, Bengali and emoji need,
# right-to-left scripts and direction overrides. Strung together, they make names and
# notes that the one text rule (t2a/text.py) must clean the same way every time.
TRICKY_TEXT = [
    "\u200b",
    "\u2060",
    "\ufeff",
    "\u00a0",
    "\u3000",
    "\u200c",
    "\u200d",
    "\u00ad",
    "\ufe0f",
    "\u0301",
    "\u202e",
    "\u2066",
    "\x00",
    "\r\n",
    "Siân Hughes",
    unicodedata.normalize("NFD", "Siân Hughes"),
    "می\u200cخواهم",
    "খবর\u200cটি",
    "ক্\u200dষ",
    "👩🏾\u200d🍼",
    "❤️\u200d🩹",
    "🏴\U000e0067\U000e0062\U000e0077\U000e006c\U000e0073\U000e007f",
    "💜",
    "عيادة مسائية",
    "מרפאת ערב",
    "a",
    " ",
]
tricky_text = st.lists(st.sampled_from(TRICKY_TEXT), max_size=8).map("".join)


BAD_BYTES = [
    b"\xff\xfe\xfd",  # not UTF-8 at all
    b"\xed\xa0\x80",  # a lone surrogate as CESU-8
    b"ok\xc3",  # cut mid-character
    b"\x00\x00",
]


def assert_answered(response, before, after, data=None) -> None:
    """A page or a clear error, never a 500; a refused save changed nothing."""
    if all(v == [] for v in (data or {}).values()):
        # An empty POST body (browsers always send at least the CSRF token) shows the
        # blank form.
        assert response.status_code in (200, 400)
        assert after == before
        return
    assert response.status_code in (302, 400), response.status_code
    if response.status_code == 400:
        assert "There is a problem" in response.text
        assert after == before, "a refused save changed something"


def raw_post(client, url, pairs: list[tuple[str, bytes]]):
    """Post bytes the test client would not encode itself: invalid UTF-8, lone surrogates."""
    body = "&".join(f"{k}={quote_from_bytes(v)}" for k, v in pairs)
    return client.generic("POST", url, body, content_type="application/x-www-form-urlencoded")
