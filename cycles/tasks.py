"""Cycles background work: PDF reports, rendered on their own "pdf" queue."""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django_scopes import scope

from t2a.models import JobStatus


@shared_task(acks_late=True, soft_time_limit=120, time_limit=150)
def report_render(*, organisation_id: int, report_id: int) -> None:
    from . import reports
    from .models import Report

    with scope(organisation=organisation_id):
        report = Report.objects.filter(
            pk=report_id, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]
        ).first()
        if report is None:
            return
        try:
            reports.report_build(report=report)
        except SoftTimeLimitExceeded:
            reports.report_fail(report_id=report_id, error="The report took too long to make.")
            raise
        except Exception as exc:
            reports.report_fail(report_id=report_id, error=repr(exc))
            raise
