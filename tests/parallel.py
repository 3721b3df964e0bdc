"""Parallel test runs (pytest-xdist): each worker process gets its own Redis database.

pytest-django already gives each xdist worker its own test database (`test_t2a_gw0`,
`test_t2a_gw1`, ...). Redis holds per-run state too: the cache (rate limits, TOTP replay
marks), which a fixture empties before every test, and the Celery broker that real-worker
tests share with their worker processes. So worker `gwN` uses the database N after the one
REDIS_URL names: `-n 2` with `REDIS_URL=redis://127.0.0.1:6379/1` uses databases 1 and 2.

The plugin is loaded with `-p tests.parallel` (pyproject's addopts), before pytest-django
reads the settings, and changes the environment rather than the settings: every process a
test starts (a Celery worker, gunicorn, manage.py) inherits the same database. Outside
xdist it does nothing.
"""

import os
from urllib.parse import urlsplit, urlunsplit

import pytest

# redis-server's default number of databases (`databases 16`).
REDIS_DATABASES = 16


def redis_url_for_worker(url: str, worker: int) -> str:
    """`url` with its database number moved on by `worker`."""
    parts = urlsplit(url)
    number = parts.path.strip("/") or "0"
    if parts.scheme not in ("redis", "rediss") or not number.isdigit():
        raise pytest.UsageError(
            f"Parallel tests need a REDIS_URL of the form redis://host:port/db, not {url!r}."
        )
    database = int(number) + worker
    if database >= REDIS_DATABASES:
        raise pytest.UsageError(
            f"xdist worker gw{worker} would use Redis database {database} of {url!r}, but "
            f"Redis has {REDIS_DATABASES} (0-{REDIS_DATABASES - 1}): choose a lower database "
            "in REDIS_URL or fewer workers."
        )
    return urlunsplit(parts._replace(path=f"/{database}"))


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args) -> None:
    worker = os.environ.get("PYTEST_XDIST_WORKER")  # "gw0", "gw1", ... set by xdist
    if not worker:
        return
    index = int(worker.removeprefix("gw"))
    for name in ("REDIS_URL", "CELERY_BROKER_URL"):
        if os.environ.get(name):
            os.environ[name] = redis_url_for_worker(os.environ[name], index)


# The longest tests first: with `--dist loadgroup` (the Makefile's), xdist hands the tests
# out in this order, each test (or `xdist_group`) as one unit and no more than a few
# waiting on any worker, so no worker starts a minute-long test while the others run out
# of work. Fault injection,
# then browser journeys, then tests with real Celery workers; each by marker or fixture.
SLOW_FIRST = (
    ("faults", set()),
    ("browser", {"live_server", "page", "phone_page", "chromium"}),
    ("celery_worker", {"celery_worker_process"}),
)


def pytest_collection_modifyitems(config, items) -> None:
    def rank(item) -> int:
        for position, (marker, fixtures) in enumerate(SLOW_FIRST):
            if item.get_closest_marker(marker) is not None or fixtures & set(item.fixturenames):
                return position
        return len(SLOW_FIRST)

    items.sort(key=rank)  # stable: within a rank, the order of collection
