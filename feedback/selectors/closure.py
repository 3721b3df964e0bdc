"""Evidence for the responsible-closure step "learning shared" (registered in
registrations.py; see t2a/registry.py ClosureEvidence)."""

from cycles.models import Cycle

from ..models import ReportBack


def closure_report_back_published(cycle_pks: list[int]) -> set[int]:
    """The cycles that have published a report-back (one query)."""
    return set(
        ReportBack.objects.filter(cycle__in=cycle_pks, published_at__isnull=False)
        .values_list("cycle_id", flat=True)
        .distinct()
    )


def closure_first_report_back(cycle: Cycle) -> dict:
    """The cycle's first published report-back, for the closure checklist (one query)."""
    found = (
        ReportBack.objects.filter(cycle=cycle, published_at__isnull=False)
        .order_by("published_at", "pk")
        .values("pk", "title", "published_at")
        .first()
    )
    return {"report_back": found, "met": found is not None}
