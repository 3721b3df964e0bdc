"""The two PDF reports composed from every app's sections: real renders by a real worker
on the pdf queue, every heading in the contents and the body, and the data gathered with a
fixed number of queries however much every stage holds."""

import json
import re
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from actions.tests.builders import make_effect, make_evaluation
from cycles.models import CaseForChange, Cycle, Report, ReportKind
from cycles.selectors import reports
from cycles.tests.builders import make_cycle
from cycles.tests.reports import list_url, pdf_text, wait_done
from feedback.tests.builders import make_pulse_responses, make_pulse_survey
from t2a.models import JobStatus, Role
from t2a.pdf import pdf_render
from tests.integration.report_builders import make_report_cycle

RESULTS = Path(__file__).resolve().parents[2] / "test-results" / "reports"


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
@pytest.mark.parametrize("kind", ReportKind.values)
def test_gathering_the_data_takes_a_fixed_number_of_queries(
    org, users, kind, django_assert_max_num_queries
):
    small = make_report_cycle(org, users, actions=2, rows=1, title="Small")
    large = make_report_cycle(org, users, actions=40, rows=25, title="Large")
    counts = []
    for cycle in (small, large):
        with scope(organisation=org.pk), CaptureQueriesContext(connection) as queries:
            reports.report_data(cycle, kind)
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    with scope(organisation=org.pk), django_assert_max_num_queries(counts[0]):
        reports.report_data(large, kind)


# Every section heading each report has printed, in order, with the headings inside them.
HEADINGS = {
    ReportKind.CASE_FOR_CHANGE: [
        ("inequality", "The inequality"),
        ("sources", "Data sources"),
        ("most-affected", "Who is most affected and why"),
        ("map", "Inequality map"),
        ("stakeholders", "Stakeholders and the 3Ts"),
        ("steering", "Steering group"),
        ("theory", "Theory of change"),
        ("ethics", "Open ethics considerations"),
    ],
    ReportKind.ANNUAL_EVALUATION: [
        ("reach", "Reach"),
        ("insight", "Insight and themes"),
        ("priorities", "Priorities"),
        ("plan", "The action plan"),
        ("signoff", "Sign-off record"),
        ("report-backs", "Report-backs made"),
        ("indicators", "Trust indicators"),
        ("evaluation", "Evaluation"),
        ("steering", "Steering group decisions"),
        ("evidence", "Evidence of success"),
        ("ripple", "Ripple-effect map"),
        ("pulse", "Trust pulse"),
        ("learning", "Learning and next steps"),
    ],
}


SUBHEADINGS = {
    ReportKind.CASE_FOR_CHANGE: ["Local insight", "Population groups and who reaches them"],
    ReportKind.ANNUAL_EVALUATION: [
        "Activities by method",
        "Participants by population group",
        "Month by month",
        "What worked",
        "What to adapt",
        "Community confidence and capability",
        "Relationships and trust",
        "Changes in system behaviour, culture or decision-making",
        "Quality and relevance of services",
        "Health outcomes",
        "The map as a list",
        "Across iterations of this cycle",
        "What people wrote",
    ],
}


def assert_in_order(text: str, expected: list[str]) -> None:
    at = 0
    for item in expected:
        found = text.find(item, at)
        assert found >= 0, f"{item!r} missing (or out of order) after {text[at - 60 : at]!r}"
        at = found + len(item)


@pytest.mark.django_db
def test_both_pdfs_print_every_heading_in_the_contents_and_the_body(org, users):
    cycle = make_report_cycle(org, users)
    earlier = make_cycle(org, "Maternity services in Northgate 2025", slug="maternity-2025")
    with scopes_disabled():
        Cycle.objects.filter(pk=cycle.pk).update(previous_iteration=earlier)
        CaseForChange.objects.filter(cycle=cycle).update(local_insight="Buses stop at six.")
    make_evaluation(cycle, what_worked="Cafés at the mosque.", learning_next_steps="Hand over.")
    root = make_effect(cycle, "Hodan became a trained community listener")
    make_effect(cycle, "The mothers' group meets weekly", level="community", parent=root)
    survey, _ = make_pulse_survey(cycle)
    make_pulse_responses(survey, [(4, 4, 3, 3, 5, 4)], comments=["They came back to us."])

    for kind, expected in HEADINGS.items():
        with scope(organisation=org.pk):
            data = reports.report_data(cycle, kind)
            rendered = pdf_render(html=reports.report_render_html(data))
        assert [(s["key"], s["heading"]) for s in data["sections"]] == expected
        assert "<svg" not in json.dumps(data)  # drawings are made at render time, not hashed
        text, _ = pdf_text(rendered.content)
        start = text.index("Contents ") + len("Contents ")
        end = text.index(" 1. 2. ", start)  # the list's numbers follow its entries
        headings = [heading for _, heading in expected]
        assert re.findall(r"([A-Z][^.]*?) \.{4,} \d+", text[start:end]) == headings
        assert_in_order(text[end:], headings)
        for heading in SUBHEADINGS[kind]:
            assert heading in text, heading
