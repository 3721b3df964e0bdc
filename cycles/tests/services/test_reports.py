"""Asking for a PDF report and making it (services/reports.py): the same data is never
rendered twice; new data is a new report."""

import pytest
from django_scopes import scopes_disabled

from cycles.models import InequalityRow, ReportKind
from cycles.services import reports
from cycles.tests.builders import make_stage_one_cycle
from cycles.tests.reports import request_report
from t2a.models import JobStatus, Role

pytestmark = pytest.mark.django_db


def test_the_same_data_does_not_render_twice(
    org, users, django_capture_on_commit_callbacks, monkeypatch
):
    cycle = make_stage_one_cycle(org, users)
    renders = []
    real = reports.pdf_render

    def counting(*, html):
        renders.append(1)
        return real(html=html)

    monkeypatch.setattr(reports, "pdf_render", counting)
    capture = django_capture_on_commit_callbacks
    user = users[Role.ENGAGEMENT_LEAD]
    first, queued = request_report(org, cycle, ReportKind.CASE_FOR_CHANGE, user, capture)
    assert queued and first.status == JobStatus.DONE
    again, queued = request_report(org, cycle, ReportKind.CASE_FOR_CHANGE, user, capture)
    assert (again.pk, queued) == (first.pk, False)
    assert len(renders) == 1
    # The other kind is other data.
    _, queued = request_report(org, cycle, ReportKind.ANNUAL_EVALUATION, user, capture)
    assert queued and len(renders) == 2
    # A changed figure is new data: a new report.
    with scopes_disabled():
        InequalityRow.objects.filter(case_for_change__cycle=cycle).update(value=9.9)
    changed, queued = request_report(org, cycle, ReportKind.CASE_FOR_CHANGE, user, capture)
    assert queued and changed.pk != first.pk and changed.data_hash != first.data_hash
    assert len(renders) == 3
