"""A cycle's reports page and the PDF download (views/reports.py): staff and the governance
board members on the cycle ask for, retry and download reports; community leads, members
not on the cycle and outsiders cannot."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from cycles.models import Report, ReportKind
from cycles.services import reports
from cycles.tests.builders import make_cycle, make_stage_one_cycle
from cycles.tests.reports import list_url, request_report
from t2a.models import JobStatus, Role
from tests.cast import make_member
from tests.matrix import assert_role_matrix

pytestmark = pytest.mark.django_db


# Who may do what --------------------------------------------------------------------------


def test_reports_page_permissions(org, users, client_for, outsider):
    cycle = make_stage_one_cycle(org, users)
    allowed = {Role.ADMIN, Role.ENGAGEMENT_LEAD, Role.GOVERNANCE}
    url = list_url(org, cycle)
    assert_role_matrix(client_for, users, url, get=allowed)
    assert_role_matrix(client_for, users, url, post=allowed, data={"kind": "case_for_change"})
    assert client_for(outsider).get(url).status_code == 404
    # A board member who does not sit on this cycle cannot tell it exists.
    other_board = make_member(org, Role.GOVERNANCE, "board2@northgate.example.org")
    assert client_for(other_board).get(url).status_code == 404


def test_download_permissions_and_tenant_isolation(
    org, other_org, users, client_for, outsider, django_capture_on_commit_callbacks
):
    cycle = make_stage_one_cycle(org, users)
    report, _ = request_report(
        org, cycle, ReportKind.CASE_FOR_CHANGE, users[Role.ADMIN],
        django_capture_on_commit_callbacks,
    )  # fmt: skip
    assert report.status == JobStatus.DONE
    url = reverse("cycles:report_download", args=[org.slug, cycle.pk, report.pk])
    assert_role_matrix(
        client_for, users, url, get={Role.ADMIN, Role.ENGAGEMENT_LEAD, Role.GOVERNANCE}
    )
    assert client_for(users[Role.COMMUNITY_LEAD]).get(url).status_code == 403
    assert client_for(outsider).get(url).status_code == 404
    other_board = make_member(org, Role.GOVERNANCE, "board2@northgate.example.org")
    assert client_for(other_board).get(url).status_code == 404
    # The report through another cycle of the same organisation: 404.
    second = make_cycle(org, "Another cycle")
    wrong_cycle = reverse("cycles:report_download", args=[org.slug, second.pk, report.pk])
    assert client_for(users[Role.ADMIN]).get(wrong_cycle).status_code == 404
    # The outsider's own organisation, with this organisation's ids: 404.
    foreign = reverse("cycles:report_download", args=[other_org.slug, cycle.pk, report.pk])
    assert client_for(outsider).get(foreign).status_code == 404


# Bad input --------------------------------------------------------------------------------


def test_bad_kind_is_refused_and_nothing_is_saved(org, users, client_for):
    cycle = make_stage_one_cycle(org, users)
    lead = client_for(users[Role.ENGAGEMENT_LEAD])
    for bad in ({"kind": "everything"}, {}, {"kind": "x" * 10_000}):
        response = lead.post(list_url(org, cycle), bad, follow=True)
        assert response.status_code == 200
        assert "Choose which report to make." in response.text
    with scopes_disabled():
        assert not Report.objects.exists()


# What the page does -----------------------------------------------------------------------


def test_a_failed_render_is_recorded_and_can_be_tried_again(
    org, users, client_for, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    cycle = make_stage_one_cycle(org, users)

    def broken(*, html):
        raise RuntimeError("fonts went missing")

    monkeypatch.setattr(reports, "pdf_render", broken)
    lead = client_for(users[Role.ENGAGEMENT_LEAD])
    with django_capture_on_commit_callbacks(execute=True):
        lead.post(list_url(org, cycle), {"kind": ReportKind.CASE_FOR_CHANGE})
    with scopes_disabled():
        failed = Report.objects.get()
    assert failed.status == JobStatus.FAILED
    # People read a plain message; what broke goes to the log only.
    assert failed.error == Report.broke_message
    assert "RuntimeError: fonts went missing" in caplog.text
    assert not failed.file
    page = lead.get(list_url(org, cycle)).text
    assert "Failed" in page and "Something went wrong" in page and "Try again" in page
    assert "fonts went missing" not in page
    assert "every 2s" not in page
    # Asking for the same data again is not answered with the failed one.
    monkeypatch.undo()
    retry = reverse("cycles:report_retry", args=[org.slug, cycle.pk, failed.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert lead.post(retry).status_code == 302
    with scopes_disabled():
        attempts = list(Report.objects.order_by("pk"))
    assert [r.status for r in attempts] == [JobStatus.FAILED, JobStatus.DONE]
    assert attempts[1].page_count >= 3
    # Only failed reports can be retried.
    done_retry = reverse("cycles:report_retry", args=[org.slug, cycle.pk, attempts[1].pk])
    assert lead.post(done_retry).status_code == 404


# Query counts -----------------------------------------------------------------------------


def test_reports_page_query_count_is_flat(
    org, users, client_for, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    cycle = make_stage_one_cycle(org, users)
    lead = client_for(users[Role.ENGAGEMENT_LEAD])
    request_report(
        org, cycle, ReportKind.CASE_FOR_CHANGE, users[Role.ADMIN],
        django_capture_on_commit_callbacks,
    )  # fmt: skip
    lead.get(list_url(org, cycle))
    with CaptureQueriesContext(connection) as one:
        lead.get(list_url(org, cycle))
    with scopes_disabled():
        for _ in range(15):
            Report.objects.create(
                organisation=org, cycle=cycle, kind="annual_evaluation", data_hash="b" * 64,
                requested_by=users[Role.ADMIN], status=JobStatus.FAILED, error="boom",
            )  # fmt: skip
    with django_assert_max_num_queries(len(one)):
        assert lead.get(list_url(org, cycle)).status_code == 200


# The row that updates itself --------------------------------------------------------------


def _pending_report(org, cycle, by) -> Report:
    with scopes_disabled():
        return Report.objects.create(
            organisation=org, cycle=cycle, kind=ReportKind.CASE_FOR_CHANGE, data_hash="c" * 64,
            requested_by=by, status=JobStatus.QUEUED,
        )  # fmt: skip


def _row_url(org, cycle, report) -> str:
    return reverse("cycles:report_row", args=[org.slug, cycle.pk, report.pk])


def test_a_pending_row_turns_into_the_download_link_by_itself(org, users, client_for):
    cycle = make_stage_one_cycle(org, users)
    lead = client_for(users[Role.ENGAGEMENT_LEAD])
    report = _pending_report(org, cycle, users[Role.ADMIN])
    page = lead.get(list_url(org, cycle)).text
    row_url = _row_url(org, cycle, report)
    # The pending row, not the page, asks for itself again.
    assert f'hx-get="{row_url}" hx-trigger="every 2s"' in page
    assert "is being made" in page and "Download PDF" not in page
    row = lead.get(row_url, headers={"HX-Request": "true"})
    assert row.status_code == 200
    assert "every 2s" in row.text and "is being made" in row.text
    assert "<html" not in row.text

    with scopes_disabled():
        Report.objects.filter(pk=report.pk).update(
            status=JobStatus.DONE, page_count=4, size_bytes=2048, finished_at=timezone.now()
        )
    row = lead.get(row_url, headers={"HX-Request": "true"}).text
    assert "Download PDF" in row and "4 pages" in row
    assert "every 2s" not in row and "being made" not in row  # and it stops asking

    with scopes_disabled():
        Report.objects.filter(pk=report.pk).update(status=JobStatus.FAILED, error="It broke.")
    row = lead.get(row_url, headers={"HX-Request": "true"}).text
    assert "Try again" in row and "every 2s" not in row


def test_asking_for_a_report_does_not_leave_a_being_made_message(
    org, users, client_for, django_capture_on_commit_callbacks
):
    cycle = make_stage_one_cycle(org, users)
    lead = client_for(users[Role.ENGAGEMENT_LEAD])
    with django_capture_on_commit_callbacks(execute=True):
        lead.post(list_url(org, cycle), {"kind": "case_for_change"})
    page = lead.get(list_url(org, cycle)).text
    # Tests render on commit: the report is made, and nothing on the page says otherwise.
    assert "Download PDF" in page
    assert "being made" not in page


def test_report_row_permissions_and_tenant_isolation(org, other_org, users, client_for, outsider):
    cycle = make_stage_one_cycle(org, users)
    report = _pending_report(org, cycle, users[Role.ADMIN])
    url = _row_url(org, cycle, report)
    assert_role_matrix(
        client_for, users, url, get={Role.ADMIN, Role.ENGAGEMENT_LEAD, Role.GOVERNANCE},
        htmx=True,
    )  # fmt: skip
    hx = {"HX-Request": "true"}
    assert client_for(users[Role.COMMUNITY_LEAD]).get(url, headers=hx).status_code == 403
    assert client_for(outsider).get(url, headers=hx).status_code == 404
    other_board = make_member(org, Role.GOVERNANCE, "board2@northgate.example.org")
    assert client_for(other_board).get(url, headers=hx).status_code == 404
    second = make_cycle(org, "Another cycle")
    admin = client_for(users[Role.ADMIN])
    assert admin.get(_row_url(org, second, report), headers=hx).status_code == 404
    foreign = reverse("cycles:report_row", args=[other_org.slug, cycle.pk, report.pk])
    assert client_for(outsider).get(foreign, headers=hx).status_code == 404


def test_report_row_bad_input(org, users, client_for):
    cycle = make_stage_one_cycle(org, users)
    report = _pending_report(org, cycle, users[Role.ADMIN])
    admin = client_for(users[Role.ADMIN])
    hx = {"HX-Request": "true"}
    missing = reverse("cycles:report_row", args=[org.slug, cycle.pk, report.pk + 1000])
    assert admin.get(missing, headers=hx).status_code == 404
    assert admin.post(_row_url(org, cycle, report), headers=hx).status_code == 405
    # Opened outside htmx (a copied link), it goes to the reports page.
    response = admin.get(_row_url(org, cycle, report))
    assert response.status_code == 302 and response.url == list_url(org, cycle)


def test_report_row_takes_a_fixed_number_of_queries(
    org, users, client_for, django_assert_max_num_queries
):
    cycle = make_stage_one_cycle(org, users)
    report = _pending_report(org, cycle, users[Role.ADMIN])
    lead = client_for(users[Role.ENGAGEMENT_LEAD])
    hx = {"HX-Request": "true"}
    lead.get(_row_url(org, cycle, report), headers=hx)
    with CaptureQueriesContext(connection) as one:
        lead.get(_row_url(org, cycle, report), headers=hx)
    print("report_row queries:", len(one))
    with django_assert_max_num_queries(len(one)):
        assert lead.get(_row_url(org, cycle, report), headers=hx).status_code == 200
    assert len(one) <= 6
