"""Tenant-isolation walker fillers for cycles URL keywords (see tests/walker.py).

Every filler hangs its row off the same cycle (slug "walker-cycle"), so a path with both
`cycle_pk` and a child's keyword points at a real child of that cycle. Other apps whose
URLs carry `cycle_pk` get this cycle too.
"""

from django.core.files.base import ContentFile
from django_scopes import scopes_disabled

from cycles.models import Cycle, Report, ReportKind
from t2a.models import JobStatus, Organisation

from .builders import (
    make_cycle,
    make_data_source,
    make_ethics_entry,
    make_inequality_row,
    make_toc_item,
)


def walker_cycle(org: Organisation) -> Cycle:
    with scopes_disabled():
        cycle = Cycle.objects.filter(organisation=org, slug="walker-cycle").first()
    return cycle or make_cycle(org, "Walker cycle", slug="walker-cycle")


def walker_report(org: Organisation) -> str:
    # A finished report of the walker cycle, with its file, so the download would succeed.
    with scopes_disabled():
        report = Report(
            organisation=org, cycle=walker_cycle(org), kind=ReportKind.CASE_FOR_CHANGE,
            status=JobStatus.DONE, data_hash="0" * 64,
        )  # fmt: skip
        report.file.save("walker.pdf", ContentFile(b"%PDF-1.7 walker"), save=True)
    return str(report.pk)


FILLERS = {
    "cycle_pk": lambda org: str(walker_cycle(org).pk),
    "data_source_pk": lambda org: str(make_data_source(walker_cycle(org)).pk),
    "inequality_row_pk": lambda org: str(make_inequality_row(walker_cycle(org)).pk),
    "toc_item_pk": lambda org: str(make_toc_item(walker_cycle(org)).pk),
    "ethics_entry_pk": lambda org: str(make_ethics_entry(walker_cycle(org)).pk),
    "report_pk": walker_report,
    # A real closure step; the walker cycle is a draft, so its admin is sent to the
    # checklist page (a redirect, not a 404).
    "closure_key": lambda org: "communicated",
}
