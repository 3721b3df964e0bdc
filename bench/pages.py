"""What the benchmark visits and measures, on the large demo organisation (`eastbrook`).

Kept apart from the `bench` command (bench/management/commands/bench.py) so each stage
app's pages join the list in one place. Imported by that command and by the query-count
tests on the large shape (tests/integration/test_large_pages.py), once Django is set up.
"""

import time

from django.db.models import Count
from django.urls import reverse
from django_scopes import scope

from bench import ladder
from cycles.models import Cycle, ReportKind
from cycles.selectors import reports
from t2a.models import Organisation
from t2a.pdf import pdf_render

LARGE_ORG = "eastbrook"
BENCH_USER = "admin+eastbrook@example.org"


def page_list(slug: str = LARGE_ORG) -> list[tuple[str, str]]:
    """(label, path) of every data page the benchmark loads, on the organisation's cycle
    with the most data (the query-count tests walk the same list)."""
    organisation = Organisation.objects.get(slug=slug)
    slug = organisation.slug
    paths = [
        ("organisation home", reverse("organisation_home", args=[slug])),
        ("members", reverse("members", args=[slug])),
    ]
    with scope(organisation=organisation.pk):
        paths += _stage_pages(organisation)
    return paths


def biggest_cycle():
    """The large organisation's cycle with the most insight (call inside its scope)."""
    return Cycle.objects.annotate(n=Count("insights")).order_by("-n", "pk").first()


def _stage_pages(organisation) -> list[tuple[str, str]]:
    """Pages of the stage apps, on the cycle with the most data."""
    slug = organisation.slug
    cycle = biggest_cycle()
    if cycle is None:
        return []
    args = [slug, cycle.pk]
    return [
        ("cycle list", reverse("cycles:cycle_list", args=[slug])),
        ("cycle page", reverse("cycles:cycle_detail", args=args)),
        ("case for change", reverse("cycles:case_for_change", args=args)),
        ("stakeholder register", reverse("stakeholders:stakeholder_list", args=[slug])),
        ("stakeholder grid (cycle)", reverse("stakeholders:cycle_grid", args=args)),
        ("listening (cycle)", reverse("feedback:cycle", args=args)),
        ("insight list (cycle)", reverse("feedback:insight_list", args=args)),
        ("action plan (cycle)", reverse("actions:plan_detail", args=args)),
        ("governance (cycle)", reverse("actions:governance_cycle", args=args)),
        ("governance (organisation)", reverse("actions:governance", args=[slug])),
    ]


def pdf_measurement() -> dict[str, str]:
    """Render the largest cycle's annual evaluation in this process, as a worker would."""
    organisation = Organisation.objects.get(slug=LARGE_ORG)
    with scope(organisation=organisation.pk):
        cycle = biggest_cycle()
        # Warm once (fonts, CSS parsing caches), as a long-lived worker is warm.
        data = reports.report_data(cycle, ReportKind.ANNUAL_EVALUATION)
        pdf_render(html=reports.report_render_html(data))
        started = time.perf_counter()
        data = reports.report_data(cycle, ReportKind.ANNUAL_EVALUATION)
        gathered = time.perf_counter() - started
        rendered = pdf_render(html=reports.report_render_html(data))
        total = time.perf_counter() - started
    verdict = "met" if total < 3 else "MISSED"
    return {
        "annual evaluation PDF (largest cycle)": (
            f"{total:.2f} s ({rendered.page_count} pages; data {gathered:.2f} s) "
            f"target < 3 s: {verdict}"
        )
    }


def extra_measurements() -> dict[str, str]:
    """Timed operations other than page loads (PDF render, then the reminder sweep in its
    own organisation, so the large one stays as the page runs found it)."""
    results: dict[str, str] = {}
    results.update(pdf_measurement())
    results.update(ladder.measure())
    return results
