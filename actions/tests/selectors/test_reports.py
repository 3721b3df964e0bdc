"""The annual-evaluation PDF carries the evaluation, the ripple-effect map, the report-backs
and every trust indicator with its trend: rendered by a real worker and read back."""

import json
import re
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from actions.models import Decision, Evaluation
from actions.selectors import ripple
from actions.services.plan import action_update
from actions.services.signoff import (
    action_plan_send_for_signoff,
    action_plan_set_min_approvals,
    signoff_record,
)
from cycles.models import Report, ReportKind
from cycles.selectors import reports
from cycles.tests.reports import pdf_text, pdftotext, render_report, section_data, wait_done
from feedback.selectors import reports as feedback_reports
from feedback.tests.builders import make_insight, make_report_back
from t2a.models import JobStatus, Membership, Role
from tests.integration.report_builders import make_report_cycle

from ..builders import make_action, make_effect, make_evaluation

RESULTS = Path(__file__).resolve().parents[3] / "test-results" / "reports"

EVALUATION = {
    "what_worked": "Cafés at the Eastside mosque brought forty women who had never met a midwife.",
    "what_to_adapt": "Start the evening clinic before the winter, not after it.",
    "evidence_confidence": "Two mothers now co-chair the maternity voices group.",
    "evidence_relationships": "Promises kept rose from 60% to 85% over the year.",
    "evidence_system": "The trust board now hears a community item at every meeting.",
    "evidence_services": "Interpreters are booked for every scan that needs one.",
    "evidence_health": "Bookings before ten weeks rose from 58% to 66% in Spinney Hills.",
    "learning_next_steps": "Hand the cafés to the community leads by March; measure stillbirth "
    "rates again in 2028.",
}


def build_ripple_map(cycle, *, leaves: int = 4) -> list:
    """A three-level map: an individual effect, communities out of it, system changes out of
    each community effect; `leaves` system effects per community effect."""
    insight = make_insight(cycle, summary="Nobody explained the scan results")
    sensitive = make_insight(cycle, summary="A private story about a stillbirth",
                             sensitivity="sensitive")  # fmt: skip
    root = make_effect(cycle, "Hodan became a trained community listener", insight=insight)
    made = [root]
    for c in range(2):
        community = make_effect(
            cycle, f"Somali mothers' group number {c + 1} meets every week",
            level="community", parent=root, insight=sensitive if c == 0 else None,
        )  # fmt: skip
        made.append(community)
        for s in range(leaves):
            made.append(
                make_effect(
                    cycle,
                    f"System change {c + 1}.{s + 1}: the trust rewrote its letters",
                    level="system",
                    parent=community,
                )  # fmt: skip
            )
    return made


def make_full_cycle(org, users, **kwargs):
    cycle = make_report_cycle(org, users, **kwargs)
    make_evaluation(cycle, **EVALUATION)
    now = timezone.now()
    make_report_back(cycle, "You said buses, we did a later bus",
                     published_at=now - timedelta(days=20))  # fmt: skip
    make_report_back(
        cycle,
        "Interpreters at every scan",
        published_at=now - timedelta(days=3),
        channels=["community_meeting", "other"],
        other_channel="Radio Ramadan",
    )
    make_report_back(cycle, "Draft about parking")
    return cycle


def _png(pdf: Path, page: int, name: str) -> Path:
    out = RESULTS / name
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", str(page), "-l", str(page), "-singlefile",
         str(pdf), str(out)],
        check=True,
    )  # fmt: skip
    return out.with_suffix(".png")


@pytest.mark.celery_worker
def test_annual_evaluation_pdf_from_a_real_worker(celery_worker_process, org, users, client_for):
    celery_worker_process.start(queues="celery,pdf")
    cycle = make_full_cycle(org, users, actions=30, rows=3)
    effects = build_ripple_map(cycle, leaves=12)  # 27 effects: the map needs two pages
    board = client_for(users[Role.GOVERNANCE])
    url = reverse("cycles:report_list", args=[org.slug, cycle.pk])
    assert board.post(url, {"kind": ReportKind.ANNUAL_EVALUATION}).status_code == 302
    with scopes_disabled():
        pk = Report.objects.get(cycle=cycle).pk
    report = wait_done(pk, timeout=120)
    assert report.status == JobStatus.DONE, report.error
    download = board.get(reverse("cycles:report_download", args=[org.slug, cycle.pk, pk]))
    content = b"".join(download.streaming_content)
    RESULTS.mkdir(parents=True, exist_ok=True)
    pdf = RESULTS / "annual_evaluation_full.pdf"
    pdf.write_bytes(content)
    text, pages = pdf_text(content)
    assert 8 <= pages <= 30, pages
    for expected in (
        "Report-backs made",
        "You said buses, we did a later bus",
        "Interpreters at every scan",
        "Community meeting, Radio Ramadan",
        "Evaluation",
        "Evidence of success",
        "Community confidence and capability",
        "Changes in system behaviour, culture or decision-making",
        "Health outcomes take time to show",
        "Ripple-effect map",
        "The map as a list",
        "Learning and next steps",
        "Month by month",
        *EVALUATION.values(),
        *(e.description for e in effects),
        "Insight: Nobody explained the scan results",
        "a sensitive insight",
    ):
        assert expected in text, expected
    assert "1 more still in draft" in text
    assert "Draft about parking" not in text
    assert "A private story about a stillbirth" not in text
    with scope(organisation=org.pk):
        data = reports.report_data(cycle, ReportKind.ANNUAL_EVALUATION)
    indicators = section_data(data, "indicators")["indicators"]
    for indicator in indicators:
        assert indicator["label"] in text and len(indicator["trend"]) == 12
    # The last month of the trend table is this month.
    assert indicators[0]["trend"][-1]["month"] in text

    # Look at page 1 and the ripple map's pages (found by their text).
    def page_text(n: int) -> str:
        found = subprocess.run(
            ["pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-"],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        return found.stdout

    ripple_page = next(
        n for n in range(1, pages + 1)
        if "Ripple-effect map" in page_text(n) and "27 effects of this cycle" in page_text(n)
    )  # fmt: skip
    for png in (_png(pdf, 1, "annual_evaluation_page1"),
                _png(pdf, ripple_page, "annual_evaluation_ripple"),
                _png(pdf, ripple_page + 1, "annual_evaluation_ripple_2")):  # fmt: skip
        assert png.stat().st_size > 2000


@pytest.mark.django_db
def test_the_data_is_plain_and_stable_and_follows_the_evaluation(org, users):
    cycle = make_full_cycle(org, users)
    build_ripple_map(cycle, leaves=1)
    with scope(organisation=org.pk):
        first = reports.report_data(cycle, ReportKind.ANNUAL_EVALUATION)
        again = reports.report_data(cycle, ReportKind.ANNUAL_EVALUATION)
    assert reports.data_hash(first) == reports.data_hash(again)
    # Plain data only: it goes through JSON and back unchanged.
    assert json.loads(json.dumps(first)) == first
    rows = section_data(first, "ripple")["rows"]
    assert [r["description"] for r in rows][:2] == [
        "Hodan became a trained community listener",
        "Somali mothers' group number 1 meets every week",
    ]
    assert rows[1]["parent"] == 0 and rows[2]["parent"] == 1
    sections = {
        s["field"]: s["text"]
        for key in ("evaluation", "evidence", "learning")
        for s in section_data(first, key)["sections"]
    }
    assert sections == EVALUATION
    assert [r["title"] for r in section_data(first, "report-backs")["published"]] == [
        "You said buses, we did a later bus",
        "Interpreters at every scan",
    ]
    with scopes_disabled():
        Evaluation.objects.filter(cycle=cycle).update(what_to_adapt="Something else")
    with scope(organisation=org.pk):
        changed = reports.report_data(cycle, ReportKind.ANNUAL_EVALUATION)
    assert reports.data_hash(changed) != reports.data_hash(first)


@pytest.mark.django_db
def test_the_trust_pulse_section_says_when_nobody_has_answered(org, users):
    """The board sees that the pulse was never answered, rather than a missing chapter."""
    cycle = make_full_cycle(org, users)  # no pulse survey, in this or any earlier iteration
    with scope(organisation=org.pk):
        data = reports.report_data(cycle, ReportKind.ANNUAL_EVALUATION)
        html = reports.report_render_html(data)
    assert "pulse" in {s["key"] for s in data["sections"]}
    assert 'id="pulse"' in html and "0 anonymous responses" in html
    assert 'id="learning"' in html


@pytest.mark.django_db
def test_the_trust_pulse_section_shows_the_agreed_shape(org, users, monkeypatch):
    cycle = make_full_cycle(org, users)

    def fake(c):
        return {
            "responses": 12,
            "averages": [
                {"label": "Openness", "average": 3.456},
                {"label": "Fairness", "average": None},
            ],
            "trend": [
                {"cycle": "Maternity 2025", "averages": {"Openness": 2.9, "Fairness": 3.1}},
                {"cycle": c.title, "averages": {"Openness": 3.456, "Fairness": None}},
            ],
            "comments": ["They came back and told us what happened <b>at last</b>."],
        }

    monkeypatch.setattr(feedback_reports, "pulse_report_data", fake)
    with scope(organisation=org.pk):
        data = reports.report_data(cycle, ReportKind.ANNUAL_EVALUATION)
        html = reports.report_render_html(data)
    assert section_data(data, "pulse")["responses"] == 12
    assert 'id="pulse"' in html and "12 anonymous responses" in html
    assert "3.5" in html and "Maternity 2025" in html
    assert "&lt;b&gt;at last&lt;/b&gt;" in html


@pytest.mark.django_db
def test_gathering_stays_a_fixed_number_of_queries_with_a_big_map(org, users):
    small = make_full_cycle(org, users, title="Small")
    large = make_full_cycle(org, users, title="Large")
    build_ripple_map(small, leaves=1)
    build_ripple_map(large, leaves=20)
    counts = []
    for cycle in (small, large):
        with scope(organisation=org.pk), CaptureQueriesContext(connection) as queries:
            reports.report_data(cycle, ReportKind.ANNUAL_EVALUATION)
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


@pytest.mark.django_db
def test_the_print_map_fits_the_page(org, users):
    cycle = make_full_cycle(org, users)
    build_ripple_map(cycle, leaves=12)
    with scope(organisation=org.pk):
        data = reports.report_data(cycle, ReportKind.ANNUAL_EVALUATION)
    rows = section_data(data, "ripple")["rows"]
    scale, per_page = ripple.print_fit(rows, width_mm=174, height_mm=205)
    slices = ripple.ripple_svg(rows, title="Map", max_rows=per_page, mm_per_unit=scale)
    assert len(slices) >= 2
    for svg in slices:
        width, height = (float(v) for v in re.search(
            r'width="([\d.]+)mm" height="([\d.]+)mm"', svg).groups())  # fmt: skip
        assert width <= 174.1 and height <= 205.1


@pytest.mark.django_db
def test_the_signoff_section_gives_each_versions_rule_and_who_had_not_answered(
    org, users, cycle, two_leads
):
    """A board reads in the PDF what the plan's own record shows: every version sent, the
    rule it was signed off under, each answer, and who had not answered."""
    shanice, farah = two_leads
    action = make_action(cycle, title="Evening antenatal clinic")
    lead = users[Role.ENGAGEMENT_LEAD]
    with scope(organisation=org.pk):
        action_plan_set_min_approvals(cycle=cycle, by=lead, min_approvals=1)
        first = action_plan_send_for_signoff(cycle=cycle, by=lead)
        signoff_record(
            cycle=cycle,
            membership=Membership.objects.get(organisation=org, user=shanice),
            decision=Decision.APPROVE,
            comment="Yes: start it before the winter.",
            content_hash=first.content_hash,
        )
        action.refresh_from_db()
        action_update(action=action, by=lead, fields={"title": "Evening and weekend clinic"})
        action_plan_send_for_signoff(cycle=cycle, by=lead)
    content = render_report(org, cycle, ReportKind.ANNUAL_EVALUATION)
    text = " ".join(pdftotext(content).split())
    today = timezone.localdate().isoformat()
    for expected in (
        f"Version 1: Signed off on {today}",
        "Who must approve: at least 1 community lead (1 approval needed when it was signed off)",
        f"{shanice.full_name} Approved {today} Yes: start it before the winter.",
        f"Had not answered when it was signed off: {farah.full_name}.",
        "Version 2: Waiting for community leads' answers",
        "No community lead has answered this version yet.",
        f"Not answered yet: {shanice.full_name}, {farah.full_name}.",
    ):
        assert expected in text, expected
    assert text.index("Version 1:") < text.index("Version 2:")
