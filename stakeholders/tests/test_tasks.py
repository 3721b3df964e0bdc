"""The app's background work (tasks.py): the daily retention sweep."""

import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django_scopes import scopes_disabled

from stakeholders import tasks
from stakeholders.models import Stakeholder
from stakeholders.tests.builders import with_contact
from t2a.celery import BEAT_SCHEDULE, app
from t2a.models import Organisation, Role

LONDON = ZoneInfo("Europe/London")


def set_retention(org: Organisation, months: int | None) -> Organisation:
    Organisation.objects.filter(pk=org.pk).update(stakeholder_retention_months=months)
    org.refresh_from_db()
    return org


def state(*stakeholders: Stakeholder) -> list[tuple]:
    with scopes_disabled():
        return [
            tuple(
                Stakeholder.objects.filter(pk=s.pk).values_list(
                    "email", "phone", "address", "consent_date", "contact_details_removed_at"
                )[0]
            )
            for s in stakeholders
        ]


@pytest.fixture
def admin(users):
    return users[Role.ADMIN]


def test_the_beat_schedule_runs_the_sweep_daily():
    entry = BEAT_SCHEDULE["stakeholder-retention"]
    assert entry["task"] == "stakeholders.tasks.retention_sweep"
    assert entry["task"] in app.tasks
    assert entry["schedule"].hour == {2} and entry["schedule"].minute == {30}
    assert entry["options"]["expires"] <= 24 * 60 * 60


@pytest.mark.celery_worker
def test_a_real_worker_runs_the_sweep_end_to_end(celery_worker_process, org, users):
    celery_worker_process.start()
    set_retention(org, 6)
    admin = users[Role.ADMIN]
    old = with_contact(org, admin, "Old Person", email="old@example.org")
    fresh = with_contact(org, admin, "Fresh Person", email="fresh@example.org")
    with scopes_disabled():
        Stakeholder.objects.filter(pk=old.pk).update(updated_at=datetime(2020, 1, 1, tzinfo=LONDON))

    tasks.retention_sweep.delay()

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and state(old)[0][0]:
        time.sleep(0.3)
    assert state(old)[0][:4] == ("", "", "", None)
    assert state(fresh)[0][0] == "fresh@example.org"
