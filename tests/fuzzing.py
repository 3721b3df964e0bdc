"""What the fuzz tests of every app share: hypothesis settings for tests that go through
the real views, bytes no browser should send, and the one rule each answer must keep."""

from urllib.parse import quote_from_bytes

from hypothesis import HealthCheck, settings


def fuzz_settings(max_examples: int) -> settings:
    """Examples through the real views: no deadline (a page takes what it takes) and the
    function-scoped fixtures (one organisation for all examples) are meant."""
    return settings(
        max_examples=max_examples,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


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
