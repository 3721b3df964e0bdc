"""The report recovery sweep and the broker-outage path of asking for a report (tasks run
inline here; tests/faults/ runs them with real workers and killed processes)."""

import logging
from datetime import timedelta

import psycopg
import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from kombu.exceptions import OperationalError

from cycles import report_recovery, tasks
from cycles.models import Report, ReportKind
from t2a.models import JobStatus, Role

from .report_builders import make_report_cycle


def make_report(cycle, user, *, status=JobStatus.QUEUED, age=timedelta(0)) -> Report:
    with scopes_disabled():
        report = Report.objects.create(
            organisation=cycle.organisation,
            cycle=cycle,
            kind=ReportKind.CASE_FOR_CHANGE,
            requested_by=user,
            data_hash="x" * 64,
            status=status,
        )
        Report.objects.filter(pk=report.pk).update(created_at=timezone.now() - age)
    return report


def status_of(report: Report) -> tuple[str, str]:
    with scopes_disabled():
        report.refresh_from_db()
    return report.status, report.error


@pytest.fixture
def cycle(org, users):
    return make_report_cycle(org, users)


@pytest.fixture
def lead(users):
    return users[Role.ENGAGEMENT_LEAD]


@pytest.mark.django_db
def test_a_recent_queued_report_is_left_alone_and_an_old_one_is_enqueued_again(cycle, lead):
    recent = make_report(cycle, lead, age=timedelta(minutes=2))
    lost = make_report(cycle, lead, age=timedelta(minutes=11))
    result = report_recovery.reports_recover()
    assert result.requeued == [lost.pk] and result.failed == []
    assert status_of(recent)[0] == JobStatus.QUEUED
    assert status_of(lost)[0] == JobStatus.DONE  # the (inline) render ran


@pytest.mark.django_db
def test_a_running_report_nobody_renders_is_rendered_again(cycle, lead):
    orphan = make_report(cycle, lead, status=JobStatus.RUNNING, age=timedelta(minutes=1))
    assert report_recovery.reports_recover().requeued == [orphan.pk]
    assert status_of(orphan)[0] == JobStatus.DONE


@pytest.mark.django_db
def test_a_report_a_worker_is_rendering_is_left_alone(cycle, lead):
    busy = make_report(cycle, lead, status=JobStatus.RUNNING, age=timedelta(hours=2))
    settings = connection.settings_dict
    other = psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        dbname=settings["NAME"],
        autocommit=True,
    )
    try:  # another connection (a worker) holds the render lock
        other.execute("SELECT pg_advisory_lock(%s, %s)", [report_recovery.LOCK_NAMESPACE, busy.pk])
        assert report_recovery.reports_recover().as_dict() == {"requeued": [], "failed": []}
        # A second delivery of its message does nothing either.
        tasks.report_render(organisation_id=cycle.organisation_id, report_id=busy.pk)
        assert status_of(busy)[0] == JobStatus.RUNNING
    finally:
        other.close()  # the lock goes with the connection, as when a worker dies
    assert report_recovery.reports_recover().failed == [busy.pk]


@pytest.mark.django_db
def test_a_report_pending_for_over_an_hour_fails_readably_and_can_be_retried(
    org, cycle, lead, client_for, django_capture_on_commit_callbacks
):
    stuck = make_report(cycle, lead, age=timedelta(minutes=61))
    assert report_recovery.reports_recover().failed == [stuck.pk]
    assert status_of(stuck) == (JobStatus.FAILED, report_recovery.GAVE_UP)
    page = client_for(lead).get(reverse("cycles:report_list", args=[org.slug, cycle.pk])).text
    assert "could not be made in time" in page and "Try again" in page
    retry = reverse("cycles:report_retry", args=[org.slug, cycle.pk, stuck.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert client_for(lead).post(retry).status_code == 302
    with scopes_disabled():
        assert Report.objects.latest("pk").status == JobStatus.DONE


@pytest.mark.django_db
def test_a_repeated_delivery_of_a_finished_report_does_nothing(cycle, lead):
    report = make_report(cycle, lead)
    tasks.report_render(organisation_id=cycle.organisation_id, report_id=report.pk)
    with scopes_disabled():
        report.refresh_from_db()
    done_at, name = report.generated_at, report.file.name
    tasks.report_render(organisation_id=cycle.organisation_id, report_id=report.pk)
    with scopes_disabled():
        report.refresh_from_db()
    assert (report.status, report.generated_at, report.file.name) == (
        JobStatus.DONE, done_at, name,
    )  # fmt: skip


@pytest.mark.django_db
def test_asking_for_a_report_while_the_broker_is_down_is_recorded_not_an_error(
    org, cycle, lead, client_for, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    def unreachable(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.report_render, "apply_async", unreachable)
    url = reverse("cycles:report_list", args=[org.slug, cycle.pk])
    with (
        caplog.at_level(logging.ERROR, logger="t2a.celery"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client_for(lead).post(url, {"kind": ReportKind.CASE_FOR_CHANGE})
    assert response.status_code == 302
    with scopes_disabled():
        report = Report.objects.get()
    assert report.status == JobStatus.QUEUED
    assert "Could not enqueue cycles.tasks.report_render" in caplog.text
    page = client_for(lead).get(url).text
    assert "every 2s" in page  # shown as on its way; the recovery sweep will enqueue it

    monkeypatch.undo()
    with scope(organisation=org.pk):
        Report.objects.filter(pk=report.pk).update(
            created_at=timezone.now() - timedelta(minutes=11)
        )
    assert report_recovery.reports_recover().requeued == [report.pk]
    assert status_of(report)[0] == JobStatus.DONE
