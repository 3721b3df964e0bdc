"""PostgreSQL restarts under a running web server and worker (a cluster of our own, never
the machine's shared one). Both hold persistent connections (CONN_MAX_AGE), which the
restart breaks; with CONN_HEALTH_CHECKS each checks its connection before reusing it, so
the first request and the first task after the restart already succeed."""

import pytest

from t2a.celery import app as celery_app

from .services import app_env, manage

pytestmark = pytest.mark.faults

SETUP = """
from datetime import timedelta
from django.utils import timezone
from django.test import Client
from django_scopes import scopes_disabled
from t2a.models import Invitation, Organisation, Role
from tests.cast import make_member
org = Organisation.objects.create(name="Restart Trust", slug="restart")
admin = make_member(org, Role.ADMIN, "admin@restart.example.org")
client = Client()
client.force_login(admin)
print("SESSION=" + client.cookies["sessionid"].value)
"""

INVITE = """
from datetime import timedelta
from django.utils import timezone
from django_scopes import scopes_disabled
from t2a.models import Invitation, Organisation, Role, User
org = Organisation.objects.get(slug="restart")
with scopes_disabled():
    Invitation.objects.create(
        organisation=org, email="{email}", role=Role.GOVERNANCE, token_hash="{email}",
        invited_by=User.objects.get(email="admin@restart.example.org"),
        expires_at=timezone.now() + timedelta(days=1),
    )
"""


def test_web_and_worker_carry_on_after_a_postgresql_restart(
    private_postgres, celery_worker_process, web_server, settings
):
    private_postgres.create_database("t2a")
    database_url = private_postgres.url("t2a")
    env = app_env(DATABASE_URL=database_url, REDIS_URL=settings.REDIS_URL)
    manage("migrate", "--noinput", "--skip-checks", env=env)  # checked once elsewhere
    session = manage("shell", "-c", SETUP, env=env).split("SESSION=")[1].strip()
    cookies = {"sessionid": session}

    web = web_server(env)
    celery_worker_process.start(name="w", env={"DATABASE_URL": database_url})

    def sweep() -> None:
        celery_app.send_task("t2a.tasks.reminder_sweep", queue="celery")

    # Before: a page that reads the database, and a sweep that sends a reminder.
    assert web.get("/o/restart/", cookies=cookies).status == 200
    manage("shell", "-c", INVITE.format(email="first@example.org"), env=env)
    sweep()
    assert "first@example.org" in celery_worker_process.wait_for_emails(1, timeout=30)[0]

    private_postgres.restart()

    # After: the very first request on the same web process succeeds, and so does the
    # worker's next task (both reconnect instead of failing on the dead connection).
    response = web.get("/o/restart/", cookies=cookies)
    assert response.status == 200, web.log()[-3000:]
    assert "Restart Trust" in response.text
    manage("shell", "-c", INVITE.format(email="second@example.org"), env=env)
    sweep()
    emails = celery_worker_process.wait_for_emails(2, timeout=30)
    assert any("second@example.org" in email for email in emails)
    assert "Traceback" not in web.log()
