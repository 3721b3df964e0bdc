"""Jobs (t2a/jobs.py): running a job once, its errors and time limits, and the one recovery
sweep over every kind, with a report case and an export case for each path (tasks run
inline here; tests/faults/ runs them with real workers and killed processes)."""

import logging
from datetime import timedelta

import psycopg
import pytest
from celery.app.task import Task
from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from kombu.exceptions import OperationalError

from cycles import tasks as cycles_tasks
from cycles.models import Report, ReportKind
from cycles.services import reports
from t2a import jobs
from t2a import tasks as t2a_tasks
from t2a.celery import BEAT_SCHEDULE, app, task
from t2a.models import Job, JobStatus, OrganisationExport, Role
from t2a.registry import resolve
from t2a.services import export as privacy
from tests.integration.report_builders import make_report_cycle


def make_report(cycle, user, *, status=JobStatus.QUEUED, age=timedelta(0), **fields) -> Report:
    with scopes_disabled():
        return Report.objects.create(
            organisation=cycle.organisation,
            cycle=cycle,
            kind=ReportKind.CASE_FOR_CHANGE,
            requested_by=user,
            data_hash="x" * 64,
            status=status,
            created_at=timezone.now() - age,
            **fields,
        )


def make_export(org, user, *, status=JobStatus.QUEUED, age=timedelta(0)) -> OrganisationExport:
    with scopes_disabled():
        return OrganisationExport.objects.create(
            organisation=org, requested_by=user, status=status, created_at=timezone.now() - age
        )


def fresh(job: Job) -> Job:
    with scopes_disabled():
        job.refresh_from_db()
    return job


def key(job: Job) -> tuple[str, int]:
    return (job._meta.label, job.pk)


def render(report: Report) -> None:
    """One delivery of the report's message."""
    cycles_tasks.report_render(organisation_id=report.organisation_id, job_id=report.pk)


def export(job: OrganisationExport) -> None:
    """One delivery of the export's message."""
    t2a_tasks.organisation_export_task(organisation_id=job.organisation_id, job_id=job.pk)


@pytest.fixture
def report_cycle(org, users):
    return make_report_cycle(org, users)


@pytest.fixture
def lead(users):
    return users[Role.ENGAGEMENT_LEAD]


@pytest.fixture
def admin(users):
    return users[Role.ADMIN]


@pytest.fixture
def other_connection():
    """A second database connection, as a worker in another process would hold."""
    settings = connection.settings_dict
    other = psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        dbname=settings["NAME"],
        autocommit=True,
    )
    yield other
    other.close()


def hold_lock(other, job: Job) -> None:
    other.execute("SELECT pg_advisory_lock(%s, %s)", jobs._lock_key(type(job), job.pk))


# --- the kinds -----------------------------------------------------------------------------


def test_the_kinds_are_found_from_the_registry_and_name_what_runs_them():
    assert jobs.job_kinds() == [Report, OrganisationExport]
    for kind in jobs.job_kinds():
        assert isinstance(task(kind.task_name), jobs.JobTask)
        assert callable(resolve(kind.build_function))
        assert callable(resolve(kind.again_function))
        assert kind.requeue_after < kind.give_up_after
        assert jobs.job_kind_for_task(kind.task_name) is kind


def test_one_beat_entry_recovers_every_kind():
    entry = BEAT_SCHEDULE["job-recovery"]
    assert entry["task"] == "t2a.tasks.jobs_recover" and entry["task"] in app.tasks
    assert entry["options"]["expires"] < 5 * 60
    assert not {"report-recovery", "export-recovery"} & set(BEAT_SCHEDULE)


def test_a_job_task_sends_no_time_limits_so_the_worker_decides(monkeypatch):
    sent = {}

    def publish(self, args=None, kwargs=None, **options):
        sent.update(options)

    monkeypatch.setattr(Task, "apply_async", publish)
    cycles_tasks.report_render.apply_async(kwargs={"organisation_id": 1, "job_id": 1})
    assert sent["time_limit"] is None and sent["soft_time_limit"] is None


# --- running a job -------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_report_and_an_export_are_made_once_and_count_their_deliveries(
    report_cycle, lead, org, admin
):
    report = make_report(report_cycle, lead)
    render(report)
    report = fresh(report)
    assert (report.status, report.attempts, report.error) == (JobStatus.DONE, 1, "")
    assert report.file.name.startswith("reports/") and report.page_count >= 3
    assert report.started_at <= report.finished_at
    # A repeated delivery of a finished job does nothing, and is not an attempt.
    done_at, name = report.finished_at, report.file.name
    render(report)
    report = fresh(report)
    assert (report.status, report.attempts, report.finished_at, report.file.name) == (
        JobStatus.DONE, 1, done_at, name,
    )  # fmt: skip

    job = make_export(org, admin)
    export(job)
    export(job)
    job = fresh(job)
    assert (job.status, job.attempts) == (JobStatus.DONE, 1)
    assert job.file.name.startswith("exports/") and job.row_count > 0 and job.size_bytes > 0


@pytest.mark.django_db
def test_a_failed_job_shows_a_plain_english_error_and_the_log_has_the_exception(
    org, report_cycle, lead, admin, client_for, monkeypatch, caplog
):
    def broken(*, html):
        raise RuntimeError("fonts went missing")

    def broken_zip(*args, **kwargs):
        raise ValueError("disk on fire")

    monkeypatch.setattr(reports, "pdf_render", broken)
    monkeypatch.setattr(privacy, "_write_csv", broken_zip)
    report = make_report(report_cycle, lead)
    job = make_export(org, admin)
    with caplog.at_level(logging.ERROR, logger="t2a.jobs"):
        render(report)
        export(job)

    report, job = fresh(report), fresh(job)
    assert (report.status, report.error) == (JobStatus.FAILED, Report.broke_message)
    assert (job.status, job.error) == (JobStatus.FAILED, OrganisationExport.broke_message)
    assert report.attempts == job.attempts == 1 and not report.file and not job.file
    assert f"Could not make cycles.Report {report.pk}" in caplog.text
    assert f"Could not make t2a.OrganisationExport {job.pk}" in caplog.text
    assert "RuntimeError: fonts went missing" in caplog.text
    assert "ValueError: disk on fire" in caplog.text

    reports_page = client_for(lead).get(
        reverse("cycles:report_list", args=[org.slug, report_cycle.pk])
    )
    assert "Something went wrong on our side" in reports_page.text
    exports_page = client_for(admin).get(reverse("organisation_export", args=[org.slug]))
    assert "Something went wrong while making the export" in exports_page.text
    for page in (reports_page.text, exports_page.text):
        assert "fonts went missing" not in page and "disk on fire" not in page
        assert "RuntimeError" not in page and "ValueError" not in page
        assert "every 2s" not in page


@pytest.mark.django_db
def test_past_the_soft_time_limit_a_job_fails_as_too_long(report_cycle, lead, monkeypatch):
    def slow(*, html):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(reports, "pdf_render", slow)
    report = make_report(report_cycle, lead)
    render(report)
    assert (fresh(report).status, fresh(report).error) == (
        JobStatus.FAILED, Report.too_long_message,
    )  # fmt: skip


@pytest.mark.django_db
def test_past_the_hard_time_limit_the_worker_marks_the_job_failed(report_cycle, lead, org, admin):
    """`on_failure` runs in the worker's main process once the child was killed."""
    report = make_report(report_cycle, lead, status=JobStatus.RUNNING)
    job = make_export(org, admin, status=JobStatus.RUNNING)
    for job_task, row in (
        (cycles_tasks.report_render, report),
        (t2a_tasks.organisation_export_task, job),
    ):
        kwargs = {"organisation_id": org.pk, "job_id": row.pk}
        job_task.on_failure(RuntimeError("not a time limit"), "id", (), kwargs, None)
        assert fresh(row).status == JobStatus.RUNNING
        job_task.on_failure(TimeLimitExceeded(150), "id", (), kwargs, None)
        assert (fresh(row).status, fresh(row).error) == (
            JobStatus.FAILED,
            type(row).too_long_message,
        )


# --- the recovery sweep: reports -------------------------------------------------------------


@pytest.mark.django_db
def test_a_recent_queued_report_is_left_alone_and_an_old_one_is_enqueued_again(report_cycle, lead):
    recent = make_report(report_cycle, lead, age=timedelta(minutes=2))
    lost = make_report(report_cycle, lead, age=timedelta(minutes=11))
    result = jobs.jobs_recover()
    assert result.requeued == [key(lost)] and result.failed == []
    assert fresh(recent).status == JobStatus.QUEUED
    assert fresh(lost).status == JobStatus.DONE  # the (inline) render ran


@pytest.mark.django_db
def test_a_running_report_nobody_renders_is_rendered_again_as_a_second_attempt(report_cycle, lead):
    orphan = make_report(
        report_cycle, lead, status=JobStatus.RUNNING, age=timedelta(minutes=1), attempts=1
    )
    assert jobs.jobs_recover().requeued == [key(orphan)]
    assert (fresh(orphan).status, fresh(orphan).attempts) == (JobStatus.DONE, 2)


@pytest.mark.django_db
def test_a_report_a_worker_is_rendering_is_left_alone(report_cycle, lead, other_connection):
    busy = make_report(
        report_cycle, lead, status=JobStatus.RUNNING, age=timedelta(hours=2), attempts=1
    )
    hold_lock(other_connection, busy)  # another connection (a worker) holds the lock
    assert jobs.jobs_recover().as_dict() == {"requeued": [], "failed": []}
    # A second delivery of its message does nothing either, and is not an attempt.
    render(busy)
    assert (fresh(busy).status, fresh(busy).attempts) == (JobStatus.RUNNING, 1)
    other_connection.close()  # the lock goes with the connection, as when a worker dies
    assert jobs.jobs_recover().failed == [key(busy)]


@pytest.mark.django_db
def test_a_report_pending_for_over_an_hour_fails_readably_and_can_be_retried(
    org, report_cycle, lead, client_for, django_capture_on_commit_callbacks
):
    stuck = make_report(report_cycle, lead, age=timedelta(minutes=61))
    assert jobs.jobs_recover().failed == [key(stuck)]
    assert (fresh(stuck).status, fresh(stuck).error) == (JobStatus.FAILED, Report.gave_up_message)
    page = client_for(lead).get(reverse("cycles:report_list", args=[org.slug, report_cycle.pk]))
    assert "could not be made in time" in page.text and "Try again" in page.text
    retry = reverse("cycles:report_retry", args=[org.slug, report_cycle.pk, stuck.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert client_for(lead).post(retry).status_code == 302
    with scopes_disabled():
        assert Report.objects.latest("pk").status == JobStatus.DONE


@pytest.mark.django_db
def test_asking_for_a_report_while_the_broker_is_down_is_recorded_not_an_error(
    org, report_cycle, lead, client_for, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    def unreachable(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(cycles_tasks.report_render, "apply_async", unreachable)
    url = reverse("cycles:report_list", args=[org.slug, report_cycle.pk])
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

    # While the broker is still down the sweep leaves it queued, to try again next time.
    with scope(organisation=org.pk):
        Report.objects.filter(pk=report.pk).update(
            created_at=timezone.now() - timedelta(minutes=11)
        )
    assert jobs.jobs_recover().requeued == []
    assert fresh(report).status == JobStatus.QUEUED
    monkeypatch.undo()
    assert jobs.jobs_recover().requeued == [key(report)]
    assert fresh(report).status == JobStatus.DONE


# --- the recovery sweep: exports -------------------------------------------------------------


@pytest.mark.django_db
def test_an_export_stuck_queued_past_its_requeue_age_is_enqueued_again_and_completes(
    org, admin, client_for
):
    recent = make_export(org, admin, age=timedelta(minutes=2))
    lost = make_export(org, admin, age=OrganisationExport.requeue_after + timedelta(minutes=1))
    export_page = reverse("organisation_export", args=[org.slug])
    assert 'hx-trigger="every 2s"' in client_for(admin).get(export_page).text

    result = jobs.jobs_recover()
    assert result.requeued == [key(lost)] and result.failed == []
    lost = fresh(lost)
    assert (lost.status, lost.attempts, lost.error) == (JobStatus.DONE, 1, "")
    assert lost.file and lost.row_count > 0
    assert fresh(recent).status == JobStatus.QUEUED


@pytest.mark.django_db
def test_a_running_export_nobody_builds_is_built_again_and_a_busy_one_left_alone(
    org, admin, other_connection
):
    orphan = make_export(org, admin, status=JobStatus.RUNNING, age=timedelta(minutes=1))
    busy = make_export(org, admin, status=JobStatus.RUNNING, age=timedelta(minutes=1))
    hold_lock(other_connection, busy)
    assert jobs.jobs_recover().requeued == [key(orphan)]
    assert (fresh(orphan).status, fresh(orphan).attempts) == (JobStatus.DONE, 1)
    assert fresh(busy).status == JobStatus.RUNNING


@pytest.mark.django_db
def test_exports_that_will_never_finish_are_failed_and_the_page_stops_waiting(
    org, other_org, admin, outsider, client_for
):
    lost = make_export(org, admin, age=timedelta(hours=2))
    dead = make_export(org, admin, status=JobStatus.RUNNING, age=timedelta(minutes=61))
    recent = make_export(org, admin, age=timedelta(minutes=5))
    done = make_export(org, admin, status=JobStatus.DONE, age=timedelta(hours=3))
    theirs = make_export(other_org, outsider, age=timedelta(hours=2))
    client = client_for(admin)
    export_page = reverse("organisation_export", args=[org.slug])
    assert 'hx-trigger="every 2s"' in client.get(export_page).text

    result = jobs.jobs_recover()
    assert sorted(result.failed) == sorted(key(j) for j in (lost, dead, theirs))
    gave_up = (JobStatus.FAILED, OrganisationExport.gave_up_message)
    for job in (lost, dead, theirs):
        assert (fresh(job).status, fresh(job).error) == gave_up
    assert fresh(recent).status == JobStatus.QUEUED and fresh(done).status == JobStatus.DONE
    assert jobs.jobs_recover(now=timezone.now()).failed == []

    # Recent is still pending, so the page keeps polling; once it too is given up, it stops.
    jobs.jobs_recover(now=timezone.now() + timedelta(hours=1))
    page = client.get(export_page).text
    assert 'hx-trigger="every 2s"' not in page
    assert "Ask for a new one." in page
