"""Reads for the case for change: the cycle's case, its data sources and inequality-map
rows (fetched through the cycle, so a row of another cycle is never reachable by id), and
what its page shows."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from ..models import CaseForChange, CaseForChangeRevision, Cycle, DataSource, InequalityRow
from .charts import inequality_chart
from .cycles import get_cycle_for_request

# The most recent changes the case for change page lists.
REVISIONS_SHOWN = 50


def case_for_change_for(cycle: Cycle) -> CaseForChange:
    """The cycle's case for change, or an unsaved blank one: reading or a failed save
    writes nothing; the first successful save stores it."""
    return CaseForChange.objects.filter(cycle=cycle).first() or CaseForChange(
        organisation_id=cycle.organisation_id, cycle=cycle
    )


def get_data_source_for_request(
    request: HttpRequest, cycle_pk: int, data_source_pk: int
) -> DataSource:
    """A data source of a cycle this member may see; 404 otherwise."""
    cycle = get_cycle_for_request(request, cycle_pk)
    source = get_object_or_404(
        DataSource.objects.select_related("case_for_change"),
        case_for_change__cycle=cycle,
        pk=data_source_pk,
    )
    source.case_for_change.cycle = cycle
    return source


def get_inequality_row_for_request(
    request: HttpRequest, cycle_pk: int, inequality_row_pk: int
) -> InequalityRow:
    """An inequality-map row of a cycle this member may see; 404 otherwise."""
    cycle = get_cycle_for_request(request, cycle_pk)
    row = get_object_or_404(
        InequalityRow.objects.select_related("case_for_change"),
        case_for_change__cycle=cycle,
        pk=inequality_row_pk,
    )
    row.case_for_change.cycle = cycle
    return row


def case_for_change_contents(case: CaseForChange) -> dict:
    """What the case for change page shows besides its sections: the data sources, the
    inequality map's rows and their chart, and the latest changes (nothing for a case not
    yet stored)."""
    if case.pk is None:
        return {"sources": [], "rows": [], "chart": None, "revisions": []}
    rows = list(InequalityRow.objects.filter(case_for_change=case))
    return {
        "sources": DataSource.objects.filter(case_for_change=case),
        "rows": rows,
        "chart": inequality_chart(rows),
        "revisions": CaseForChangeRevision.objects.filter(case_for_change=case).select_related(
            "author"
        )[:REVISIONS_SHOWN],
    }
