"""What a PDF report shows (selectors/reports.py): its sections in registry order, a
section that gathers nothing left out, and text people wrote printed as text, never
fetched."""

import io
from pathlib import Path

import pytest
from django_scopes import scope, scopes_disabled
from pypdf import PdfReader

from cycles.models import CaseForChange, DataSource, InequalityRow, ReportKind
from cycles.selectors import reports
from cycles.tests.builders import make_stage_one_cycle
from cycles.tests.reports import link_uris, pdf_text, pdftotext, poppler, render_report
from t2a.pdf import pdf_render
from t2a.registry import Registry, ReportSection, registry

pytestmark = pytest.mark.django_db

RESULTS = Path(__file__).resolve().parents[3] / "test-results" / "reports"


def test_user_entered_markup_is_escaped_and_never_fetched(org, users):
    cycle = make_stage_one_cycle(org, users)
    payload = '<img src="http://127.0.0.1:9/tracker.png"> <link rel="attachment" href="file:///etc/passwd">'
    with scopes_disabled():
        CaseForChange.objects.filter(cycle=cycle).update(most_affected=payload)
    with scope(organisation=org.pk):
        data = reports.report_data(cycle, ReportKind.CASE_FOR_CHANGE)
        html = reports.report_render_html(data)
        rendered = pdf_render(html=html)
    assert "&lt;img src=&quot;http://127.0.0.1:9/tracker.png&quot;&gt;" in html
    assert '<img src="http' not in html
    # Nothing was fetched or refused: the report's own stylesheet loaded, the payload is text.
    assert rendered.refused == []
    text, _ = pdf_text(rendered.content)
    assert '<img src="http://127.0.0.1:9/tracker.png">' in text


def nothing_to_report(cycle) -> None:
    """Gather nothing, whatever the cycle holds."""
    return None


def a_note(cycle) -> dict:
    """Gather a fixed note."""
    return {"most_affected": "A note from a registered section."}


def test_a_section_that_gathers_nothing_is_left_out_of_the_contents_and_the_body(
    org, users, monkeypatch
):
    cycle = make_stage_one_cycle(org, users)
    sections = Registry()
    for section in registry.all(ReportSection):
        sections.add(section)
    app = sections.for_app("cycles")
    for key, position, heading, gather in [
        ("nothing", 12, "Nothing to see here", "nothing_to_report"),
        ("note", 14, "A registered note", "a_note"),
    ]:
        app.report_section(
            report=ReportKind.CASE_FOR_CHANGE,
            key=key,
            position=position,
            heading=heading,
            template="cycles/reports/most-affected.html",
            gather=f"cycles.tests.selectors.test_reports.{gather}",
            chapter=True,
        )
    monkeypatch.setattr(reports, "registry", sections)
    with scope(organisation=org.pk):
        data = reports.report_data(cycle, ReportKind.CASE_FOR_CHANGE)
        html = reports.report_render_html(data)
        rendered = pdf_render(html=html)
    assert [s["key"] for s in data["sections"]][:3] == ["inequality", "note", "sources"]
    assert "nothing" not in {s["key"] for s in data["sections"]}
    assert 'href="#nothing"' not in html and 'id="nothing"' not in html
    assert '<a href="#note">A registered note</a>' in html
    assert '<section id="note" class="chapter">' in html
    text, _ = pdf_text(rendered.content)
    assert "Nothing to see here" not in text
    assert text.count("A registered note") == 2  # in the contents and as the heading
    assert "A note from a registered section." in text


def test_every_source_link_is_clickable_in_the_pdf(org, users):
    cycle = make_stage_one_cycle(org, users)
    with scopes_disabled():
        DataSource.objects.filter(case_for_change__cycle=cycle).update(
            url="https://fingertips.phe.org.uk/maternity"
        )
        first, second = InequalityRow.objects.filter(case_for_change__cycle=cycle)[:2]
        first.source, first.source_url = "ONS births 2024", "https://www.ons.gov.uk/births"
        first.save()
        # Only web addresses become links, whatever reached the database.
        second.source_url = "javascript:alert(1)"
        second.save()
    content = render_report(org, cycle, ReportKind.CASE_FOR_CHANGE)
    if RESULTS.is_dir():
        (RESULTS / "source_links.pdf").write_bytes(content)
    uris = link_uris(content)
    assert "https://fingertips.phe.org.uk/maternity" in uris
    assert "https://www.ons.gov.uk/births" in uris
    assert not [u for u in uris if u.startswith("javascript")]
    assert "ONS births 2024" in pdftotext(content)


@pytest.mark.parametrize("kind", ReportKind.values)
def test_both_reports_are_tagged_pdfs_with_language_and_title(org, users, kind):
    cycle = make_stage_one_cycle(org, users)
    content = render_report(org, cycle, kind)
    info = poppler("pdfinfo", content)
    assert "Tagged:          yes" in info
    label = ReportKind(kind).label
    assert f"Title:           {cycle.title}: {label}" in info
    assert PdfReader(io.BytesIO(content)).trailer["/Root"]["/Lang"] == "en-GB"
