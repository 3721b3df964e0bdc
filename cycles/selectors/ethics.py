"""Reads for the ethics log: its entries with their review state, one entry for a request,
and the counts the cycle page shows."""

from datetime import date

from django.db.models import Count, Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from ..models import Cycle, EthicsLogEntry, EthicsStatus
from .cycles import get_cycle_for_request


def get_ethics_entry_for_request(
    request: HttpRequest, cycle_pk: int, ethics_entry_pk: int
) -> EthicsLogEntry:
    """An entry of the ethics log of a cycle this member may see; 404 otherwise."""
    cycle = get_cycle_for_request(request, cycle_pk)
    entry = get_object_or_404(EthicsLogEntry, cycle=cycle, pk=ethics_entry_pk)
    entry.cycle = cycle
    return entry


def ethics_log_entries(cycle: Cycle, *, today: date) -> list[EthicsLogEntry]:
    """The log's entries (highest risk first), each marked `overdue` when its review date
    has passed and it is not closed."""
    entries = list(EthicsLogEntry.objects.filter(cycle=cycle).select_related("owner"))
    for entry in entries:
        entry.overdue = entry.is_review_overdue(today)
    return entries


def ethics_log_counts(cycle: Cycle, *, today: date) -> dict:
    """How many entries the log has, how many are open and how many are overdue a review."""
    return EthicsLogEntry.objects.filter(cycle=cycle).aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status=EthicsStatus.OPEN)),
        overdue=Count("pk", filter=Q(review_date__lt=today) & ~Q(status=EthicsStatus.CLOSED)),
    )
