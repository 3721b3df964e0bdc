"""Redis goes down under a running web server and worker, then comes back empty (a crash
of a Redis without persistence, which also loses every queued message).

Web pages keep working; sign-in is refused while the rate limits cannot be counted (they
fail safe); a report asked for meanwhile is recorded and made once Redis is back; reminders
that fell due meanwhile go out once, none lost, none twice.
"""

import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from cycles.models import Report, ReportKind
from t2a.celery import app as celery_app
from t2a.models import Invitation, JobStatus, Reminder, Role
from tests.cast import PASSWORD
from tests.integration.report_builders import make_report_cycle
from tests.workers import _database_url

from .conftest import session_cookies
from .services import app_env, wait_until

pytestmark = pytest.mark.faults

# A few seconds. Nothing here depends on the length: the web server gives up on Redis
# within a second per request and tries it again a few seconds later (t2a.cache), and the
# worker keeps retrying its connection (every 2, 4, 6, ... seconds, up to 30), so a longer
# outage only makes the test wait longer for the same things.
OUTAGE_SECONDS = 3


def beat(redis_url: str, task: str) -> None:
    """Enqueue a periodic task on the private Redis, as beat would on its next tick."""
    with celery_app.connection_for_write(redis_url) as connection:
        celery_app.send_task(task, connection=connection, queue="celery")


def test_web_and_worker_ride_out_a_redis_outage(
    celery_worker_process, private_redis, web_server, org, users, settings
):
    redis_url = private_redis.url()
    worker_env = {
        "REDIS_URL": redis_url,
        "REMINDER_STALE_SECONDS": "0",
        "REPORT_REQUEUE_SECONDS": "0",
    }
    celery_worker_process.start(name="w", queues="celery,pdf", env=worker_env)

    web = web_server(
        app_env(
            DATABASE_URL=_database_url(),
            REDIS_URL=redis_url,
            PRIVATE_FILES_DIR=settings.STORAGES["default"]["OPTIONS"]["location"],
        )
    )
    lead = users[Role.ENGAGEMENT_LEAD]
    cycle = make_report_cycle(org, users, actions=20, rows=5)
    cookies = session_cookies(lead)
    home = f"/o/{org.slug}/"
    reports_page = reverse("cycles:report_list", args=[org.slug, cycle.pk])
    cycle_page = reverse("cycles:cycle_detail", args=[org.slug, cycle.pk])
    assert web.get(home, cookies=cookies).status == 200

    private_redis.stop()
    down_at = time.monotonic()

    # Pages keep working, each answered promptly.
    for path in (home, cycle_page, reports_page, f"/o/{org.slug}/notifications/", "/health/"):
        response = web.get(path, cookies=cookies)
        assert response.status == 200, (path, response.status, web.log()[-3000:])
        assert response.seconds < 5, (path, response.seconds)

    # A report asked for now is recorded, queued, and the person is told so.
    asked = web.post(reports_page, {"kind": ReportKind.CASE_FOR_CHANGE}, cookies=cookies)
    assert asked.status == 302, asked.text[-2000:]
    with scopes_disabled():
        report = Report.objects.get(cycle=cycle)
    assert report.status == JobStatus.QUEUED
    assert "Could not enqueue cycles.tasks.report_render" in web.log()

    # Sign-in is refused while the rate limits cannot be counted: fail safe, not open.
    login = web.post(
        "/accounts/login/", {"login": users[Role.ADMIN].email, "password": PASSWORD}, cookies={}
    )
    assert login.status in (200, 429), login.status
    assert "sessionid" not in login.cookies
    assert "Cache unavailable" in web.log()

    # An invitation now falls due for its "expires soon" reminder.
    with scopes_disabled():
        Invitation.objects.create(
            organisation=org,
            email="late@example.org",
            role=Role.GOVERNANCE,
            token_hash="faults-redis-down",
            invited_by=users[Role.ADMIN],
            expires_at=timezone.now() + timedelta(days=1),
        )

    time.sleep(max(0, OUTAGE_SECONDS - (time.monotonic() - down_at)))
    private_redis.start()  # back, and empty

    # Sign-in works again once Redis answers (the cache retries it after a few seconds).
    wait_until(
        lambda: (
            web.post(
                "/accounts/login/",
                {"login": users[Role.ADMIN].email, "password": PASSWORD},
                cookies={},
            ).status
            == 302
        ),
        timeout=20,
        what="sign-in to work again",
    )

    # Beat's next ticks: the reminder sweep and the report recovery sweep.
    beat(redis_url, "t2a.tasks.reminder_sweep")
    beat(redis_url, "t2a.tasks.jobs_recover")
    emails = celery_worker_process.wait_for_emails(1, timeout=90)
    assert "late@example.org" in emails[0]
    wait_until(
        lambda: _report(report.pk).status == JobStatus.DONE,
        timeout=90,
        what="the report asked for during the outage to be made",
    )

    # Later sweeps find nothing more to do: one email, one sent reminder, one report.
    beat(redis_url, "t2a.tasks.reminder_sweep")
    beat(redis_url, "t2a.tasks.jobs_recover")
    celery_worker_process.wait_until_idle(redis_url)
    assert len(celery_worker_process.emails()) == 1
    with scopes_disabled():
        assert Reminder.objects.filter(sent_at__isnull=False).count() == 1
        assert Report.objects.filter(cycle=cycle).count() == 1
    assert web.get(reports_page, cookies=cookies).status == 200


def _report(pk: int) -> Report:
    with scopes_disabled():
        return Report.objects.get(pk=pk)
