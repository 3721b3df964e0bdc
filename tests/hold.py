"""A Celery app for real-worker tests that holds every PDF report render after it has read
the cycle's data, until the test lets it finish: the window in which a change to the data
(an erasure) races a render.

Start a worker with `celery_worker_process.start(app="tests.hold", ...)`. The render sets
the Redis key REACHED once it has read its data, then waits until the key RELEASE exists;
`held_render_reached()` and `held_render_release()` drive it from the test.
"""

import importlib
import time

import redis
from celery.signals import worker_process_init
from django.conf import settings

from t2a.celery import app

__all__ = ["app"]

REACHED = "test-hold:render-reached"
RELEASE = "test-hold:render-release"


def _redis() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL)


def held_render_reset() -> None:
    _redis().delete(REACHED, RELEASE)


def held_render_reached(timeout: float = 60) -> None:
    """Wait until a render has read its data and is holding."""
    client = _redis()
    deadline = time.monotonic() + timeout
    while not client.exists(REACHED):
        if time.monotonic() > deadline:
            raise AssertionError("No report render reached the hold")
        time.sleep(0.1)


def held_render_release() -> None:
    _redis().set(RELEASE, "1")


@worker_process_init.connect
def _hold_renders(**kwargs) -> None:
    # In each pool process, once Django is set up: wrap the render the report service
    # calls after it has gathered the data. Imported here, by name, because the module
    # needs the app registry, which is not ready when Celery imports this app module.
    reports = importlib.import_module("cycles.services.reports")
    render = reports.pdf_render

    def held(**render_kwargs):
        client = _redis()
        client.set(REACHED, "1")
        deadline = time.monotonic() + 60
        while not client.exists(RELEASE) and time.monotonic() < deadline:
            time.sleep(0.1)
        return render(**render_kwargs)

    reports.pdf_render = held
