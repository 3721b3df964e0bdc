"""PDF reports: real renders by a real worker, the report lifecycle, permissions, escaping."""

import io
import time
from pathlib import Path

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled
from pypdf import PdfReader

from cycles import reports
from cycles.models import CaseForChange, InequalityRow, Report, ReportKind
from t2a.models import JobStatus, Role
from tests.cast import make_member
from tests.matrix import assert_role_matrix

from .builders import make_cycle
from .report_builders import make_report_cycle

RESULTS = Path(__file__).resolve().parents[2] / "test-results" / "reports"


def pdf_text(content: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(content))
    text = " ".join(page.extract_text() for page in reader.pages)
    return " ".join(text.split()), len(reader.pages)


def list_url(org, cycle) -> str:
    return reverse("cycles:report_list", args=[org.slug, cycle.pk])


def request_report(org, cycle, kind, user, capture) -> tuple[Report, bool]:
    with capture(execute=True), scope(organisation=org.pk):
        report, queued = reports.report_request(cycle=cycle, kind=kind, requested_by=user)
    with scopes_disabled():
        report.refresh_from_db()
    return report, queued


def wait_done(report_pk: int, timeout: float = 60) -> Report:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with scopes_disabled():
            report = Report.objects.get(pk=report_pk)
        if report.status in (JobStatus.DONE, JobStatus.FAILED):
            return report
        time.sleep(0.3)
    raise AssertionError(f"report {report_pk} still {report.status}")


@pytest.mark.celery_worker
def test_both_reports_rendered_by_a_real_worker_on_the_pdf_queue(
    celery_worker_process, org, users, client_for
):
    celery_worker_process.start(queues="celery,pdf")
    cycle = make_report_cycle(org, users, actions=60, rows=12)
    board = client_for(users[Role.GOVERNANCE])
    RESULTS.mkdir(parents=True, exist_ok=True)
    texts = {}
    for kind in ReportKind.values:
        response = board.post(list_url(org, cycle), {"kind": kind})
        assert response.status_code == 302
        with scopes_disabled():
            pk = Report.objects.get(cycle=cycle, kind=kind).pk
        # While it is pending the list polls itself.
        pending = board.get(list_url(org, cycle), headers={"HX-Request": "true"}).text
        report = wait_done(pk)
        assert report.status == JobStatus.DONE, report.error
        assert 'hx-trigger="every 2s"' in pending or report.status == JobStatus.DONE
        page = board.get(list_url(org, cycle), headers={"HX-Request": "true"}).text
        assert "Download PDF" in page and "every 2s" not in page
        download = board.get(reverse("cycles:report_download", args=[org.slug, cycle.pk, pk]))
        assert download["Content-Type"] == "application/pdf"
        assert download["Cache-Control"] == "private, no-store"
        content = b"".join(download.streaming_content)
        (RESULTS / f"{kind}.pdf").write_bytes(content)
        text, pages = pdf_text(content)
        assert pages == report.page_count
        assert report.size_bytes == len(content)
        texts[kind] = (text, pages)

    text, pages = texts[ReportKind.CASE_FOR_CHANGE]
    assert 4 <= pages <= 20
    for expected in (
        "Maternity services in Northgate",
        "Northgate ICB",
        "Case for change",
        "Contents",
        "Data sources",
        "Who is most affected and why",
        "Inequality map",
        "Black African 12",
        "19.1",  # the twelfth row's value (8.1 + 11)
        "Stakeholders and the 3Ts",
        "Eastside mosque",
        "Theory of change",
        "Open ethics considerations",
        "Meet away from NHS premises",
        f"Page 2 of {pages}",
    ):
        assert expected in text, expected

    text, pages = texts[ReportKind.ANNUAL_EVALUATION]
    assert 4 <= pages <= 30
    for expected in (
        "Maternity services in Northgate",
        "Annual evaluation",
        "Reach",
        "Conversation café",
        "Somali women",
        "Insight and themes",
        "Transport",
        "Appointments people can get to",
        "Evening antenatal clinic",
        "Action 60",
        "Sign-off record",
        "This is what we asked for.",
        "Trust indicators",
        f"Page 3 of {pages}",
    ):
        assert expected in text, expected


@pytest.mark.django_db
def test_the_same_data_does_not_render_twice(
    org, users, django_capture_on_commit_callbacks, monkeypatch
):
    cycle = make_report_cycle(org, users)
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


@pytest.mark.django_db
def test_a_failed_render_is_recorded_and_can_be_tried_again(
    org, users, client_for, django_capture_on_commit_callbacks, monkeypatch
):
    cycle = make_report_cycle(org, users)

    def broken(*, html):
        raise RuntimeError("fonts went missing")

    monkeypatch.setattr(reports, "pdf_render", broken)
    lead = client_for(users[Role.ENGAGEMENT_LEAD])
    with django_capture_on_commit_callbacks(execute=True):
        lead.post(list_url(org, cycle), {"kind": ReportKind.CASE_FOR_CHANGE})
    with scopes_disabled():
        failed = Report.objects.get()
    assert failed.status == JobStatus.FAILED
    assert "fonts went missing" in failed.error
    assert not failed.file
    page = lead.get(list_url(org, cycle)).text
    assert "Failed" in page and "fonts went missing" in page and "Try again" in page
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


@pytest.mark.django_db
def test_user_entered_markup_is_escaped_and_never_fetched(org, users):
    cycle = make_report_cycle(org, users)
    payload = '<img src="http://127.0.0.1:9/tracker.png"> <link rel="attachment" href="file:///etc/passwd">'
    with scopes_disabled():
        CaseForChange.objects.filter(cycle=cycle).update(most_affected=payload)
    with scope(organisation=org.pk):
        data = reports.report_data(cycle, ReportKind.CASE_FOR_CHANGE)
        html = reports.report_render_html(data)
        rendered = reports.pdf_render(html=html)
    assert "&lt;img src=&quot;http://127.0.0.1:9/tracker.png&quot;&gt;" in html
    assert '<img src="http' not in html
    # Nothing was fetched or refused: the report's own stylesheet loaded, the payload is text.
    assert rendered.refused == []
    text, _ = pdf_text(rendered.content)
    assert '<img src="http://127.0.0.1:9/tracker.png">' in text


@pytest.mark.django_db
def test_reports_page_permissions(org, users, client_for, outsider):
    cycle = make_report_cycle(org, users)
    allowed = {Role.ADMIN, Role.ENGAGEMENT_LEAD, Role.GOVERNANCE}
    url = list_url(org, cycle)
    assert_role_matrix(client_for, users, url, get=allowed)
    assert_role_matrix(client_for, users, url, post=allowed, data={"kind": "case_for_change"})
    assert client_for(outsider).get(url).status_code == 404
    # A board member who does not sit on this cycle cannot tell it exists.
    other_board = make_member(org, Role.GOVERNANCE, "board2@northgate.example.org")
    assert client_for(other_board).get(url).status_code == 404


@pytest.mark.django_db
def test_download_permissions_and_tenant_isolation(
    org, other_org, users, client_for, outsider, django_capture_on_commit_callbacks
):
    cycle = make_report_cycle(org, users)
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


@pytest.mark.django_db
def test_bad_kind_is_refused_and_nothing_is_saved(org, users, client_for):
    cycle = make_report_cycle(org, users)
    lead = client_for(users[Role.ENGAGEMENT_LEAD])
    for bad in ({"kind": "everything"}, {}, {"kind": "x" * 10_000}):
        response = lead.post(list_url(org, cycle), bad, follow=True)
        assert response.status_code == 200
        assert "Choose which report to make." in response.text
    with scopes_disabled():
        assert not Report.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ReportKind.values)
def test_gathering_the_data_takes_a_fixed_number_of_queries(
    org, users, kind, django_assert_max_num_queries
):
    small = make_report_cycle(org, users, actions=2, rows=1, title="Small")
    large = make_report_cycle(org, users, actions=40, rows=25, title="Large")
    counts = []
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for cycle in (small, large):
        with scope(organisation=org.pk), CaptureQueriesContext(connection) as queries:
            reports.report_data(cycle, kind)
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    with scope(organisation=org.pk), django_assert_max_num_queries(counts[0]):
        reports.report_data(large, kind)


@pytest.mark.django_db
def test_reports_page_query_count_is_flat(
    org, users, client_for, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    cycle = make_report_cycle(org, users)
    lead = client_for(users[Role.ENGAGEMENT_LEAD])
    request_report(
        org, cycle, ReportKind.CASE_FOR_CHANGE, users[Role.ADMIN],
        django_capture_on_commit_callbacks,
    )  # fmt: skip
    lead.get(list_url(org, cycle))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

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
