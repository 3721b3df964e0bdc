"""PDF reports under faults, with real worker processes: time limits, the memory ceiling
per child, and workers killed mid-render. A report ends done, or failed with a readable
error and a way to try again; never "running" for ever.

A render that must be too slow, or still running when its worker is killed, is held
mid-render by the tests.hold app (after it has read the cycle's data) rather than made
slow with a big cycle: however fast the machine, the limit or the kill lands mid-render."""

import os
import signal
import time
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.urls import reverse
from django_scopes import scopes_disabled

from cycles.models import Report, ReportKind
from t2a.jobs import jobs_recover
from t2a.models import JobStatus, Role
from tests.hold import held_render_reached, held_render_release, held_render_reset
from tests.integration.report_builders import make_report_cycle

from .services import redeliver_unacked, wait_until

pytestmark = pytest.mark.faults


def list_url(org, cycle) -> str:
    return reverse("cycles:report_list", args=[org.slug, cycle.pk])


def the_report(**filters) -> Report:
    with scopes_disabled():
        return Report.objects.get(**filters)


def wait_status(pk: int, *statuses: str, timeout: float = 90) -> Report:
    return wait_until(
        lambda: (r := the_report(pk=pk)).status in statuses and r,
        timeout=timeout,
        what=f"report {pk} to be {' or '.join(statuses)}",
    )


def ask_for_report(org, cycle, client, kind=ReportKind.ANNUAL_EVALUATION) -> int:
    response = client.post(list_url(org, cycle), {"kind": kind})
    assert response.status_code == 302
    with scopes_disabled():
        return Report.objects.filter(cycle=cycle, kind=kind).latest("pk").pk


def pool_children(pid: int) -> list[int]:
    """The worker's pool processes (its child processes), from /proc."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended meanwhile
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return children


def log_of(worker, name: str) -> str:
    return (worker.log_dir / f"{name}.log").read_text()


def test_a_render_past_the_soft_limit_is_marked_failed_and_can_be_retried(
    celery_worker_process, org, users, client_for
):
    held_render_reset()
    tight = celery_worker_process.start(
        name="tight",
        queues="pdf",
        app="tests.hold",
        env={"REPORT_SOFT_TIME_LIMIT": "1", "REPORT_TIME_LIMIT": "20"},
    )
    cycle = make_report_cycle(org, users, actions=30, rows=30)
    lead = client_for(users[Role.ENGAGEMENT_LEAD])
    pk = ask_for_report(org, cycle, lead)

    failed = wait_status(pk, JobStatus.DONE, JobStatus.FAILED)
    assert failed.status == JobStatus.FAILED
    assert failed.error == Report.too_long_message
    assert not failed.file
    assert "Soft time limit (1s) exceeded" in log_of(celery_worker_process, "tight")
    page = lead.get(list_url(org, cycle)).text
    assert "took too long" in page and "Try again" in page and "every 2s" not in page

    # Try again on a worker with the usual limits. Its memory ceiling per child is set
    # absurdly low (1 KiB), so the child that rendered is replaced straight after.
    celery_worker_process.stop_one(tight)
    normal = celery_worker_process.start(
        name="normal", queues="pdf", env={"CELERY_WORKER_MAX_MEMORY_PER_CHILD": "1"}
    )
    children_before = pool_children(normal.pid)
    retry = reverse("cycles:report_retry", args=[org.slug, cycle.pk, pk])
    assert lead.post(retry).status_code == 302
    with scopes_disabled():
        attempt = Report.objects.filter(cycle=cycle).latest("pk")
    assert attempt.pk != pk
    done = wait_status(attempt.pk, JobStatus.DONE, JobStatus.FAILED, timeout=120)
    assert done.status == JobStatus.DONE, done.error
    assert done.page_count > 3
    assert len(children_before) == 1
    wait_until(
        lambda: (now := pool_children(normal.pid)) and set(now).isdisjoint(children_before),
        timeout=15,
        what="the pool child to be replaced",
    )


def test_a_render_past_the_hard_limit_is_killed_and_marked_failed_by_the_worker(
    celery_worker_process, org, users, client_for
):
    """With no soft limit (0) the child is killed without warning, as when a render is
    stuck in C code and never sees the soft limit: the worker's main process records it."""
    held_render_reset()
    celery_worker_process.start(
        name="hard",
        queues="pdf",
        app="tests.hold",
        env={
            "REPORT_SOFT_TIME_LIMIT": "0",
            "CELERY_TASK_SOFT_TIME_LIMIT": "0",  # or the pool's default soft limit applies
            "REPORT_TIME_LIMIT": "1",
        },
    )
    cycle = make_report_cycle(org, users)
    pk = ask_for_report(org, cycle, client_for(users[Role.ENGAGEMENT_LEAD]))
    failed = wait_status(pk, JobStatus.DONE, JobStatus.FAILED)
    assert failed.status == JobStatus.FAILED
    assert failed.error == Report.too_long_message
    assert "Hard time limit (1s) exceeded" in log_of(celery_worker_process, "hard")
    assert jobs_recover().requeued == []


def test_a_worker_killed_mid_render_leaves_a_report_the_recovery_sweep_finishes_once(
    celery_worker_process, org, users, client_for, monkeypatch
):
    held_render_reset()
    doomed = celery_worker_process.start(name="doomed", queues="pdf", app="tests.hold")
    cycle = make_report_cycle(org, users)
    pk = ask_for_report(org, cycle, client_for(users[Role.ENGAGEMENT_LEAD]))
    held_render_reached()
    assert the_report(pk=pk).status == JobStatus.RUNNING

    # While it renders, the sweep leaves it alone however old it looks: its lock is held.
    monkeypatch.setattr(Report, "requeue_after", timedelta(0))
    assert jobs_recover().requeued == []

    celery_worker_process.kill(doomed)
    time.sleep(1)
    assert the_report(pk=pk).status == JobStatus.RUNNING  # stuck: nobody will finish it

    celery_worker_process.start(name="rescuer", queues="pdf")
    assert jobs_recover().requeued == [("cycles.Report", pk)]
    done = wait_status(pk, JobStatus.DONE, JobStatus.FAILED)
    assert done.status == JobStatus.DONE, done.error

    # An hour later Redis hands the dead worker's message out again: nothing happens.
    assert redeliver_unacked(_broker()) == 1
    wait_until(
        lambda: log_of(celery_worker_process, "rescuer").count("report_render") >= 4,
        timeout=20,
        what="the redelivered message to be handled",
    )
    again = the_report(pk=pk)
    assert (again.status, again.finished_at, again.file.name) == (
        JobStatus.DONE, done.finished_at, done.file.name,
    )  # fmt: skip
    assert (done.attempts, again.attempts) == (2, 2)  # the killed delivery and the rescue
    assert jobs_recover().requeued == []


def test_a_pool_child_killed_mid_render_is_retried_at_once(
    celery_worker_process, org, users, client_for
):
    """Only the child dies (the out-of-memory killer's usual choice): the worker puts the
    message back (acks_late, reject_on_worker_lost) and a new child renders the report."""
    held_render_reset()
    worker = celery_worker_process.start(name="w", queues="pdf", app="tests.hold")
    cycle = make_report_cycle(org, users)
    pk = ask_for_report(org, cycle, client_for(users[Role.ENGAGEMENT_LEAD]))
    held_render_reached()
    (child,) = pool_children(worker.pid)
    os.kill(child, signal.SIGKILL)
    held_render_release()  # the new child's render runs to the end
    done = wait_status(pk, JobStatus.DONE, JobStatus.FAILED)
    assert done.status == JobStatus.DONE, done.error
    assert "WorkerLostError" in log_of(celery_worker_process, "w")


def _broker():
    return redis.Redis.from_url(settings.CELERY_BROKER_URL)
