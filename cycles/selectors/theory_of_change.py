"""Reads for the theory of change: its items by part, one item for a request, and what the
next iteration would take of it."""

from collections import defaultdict

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import pluralize

from ..models import Cycle, TheoryOfChangeItem, TheoryOfChangeKind
from .cycles import get_cycle_for_request


def get_toc_item_for_request(
    request: HttpRequest, cycle_pk: int, toc_item_pk: int
) -> TheoryOfChangeItem:
    """An item of the theory of change of a cycle this member may see; 404 otherwise."""
    cycle = get_cycle_for_request(request, cycle_pk)
    item = get_object_or_404(TheoryOfChangeItem, cycle=cycle, pk=toc_item_pk)
    item.cycle = cycle
    return item


def theory_of_change_parts(cycle: Cycle) -> list[dict]:
    """Every part of the theory of change in the model's order, each with its items in
    their order (one query)."""
    by_kind: dict[str, list[TheoryOfChangeItem]] = defaultdict(list)
    for item in TheoryOfChangeItem.objects.filter(cycle=cycle).order_by("position", "pk"):
        by_kind[item.kind].append(item)
    return [
        {"kind": kind.value, "label": kind.label, "items": by_kind.get(kind.value, [])}
        for kind in TheoryOfChangeKind
    ]


def theory_of_change_preview(cycle: Cycle) -> dict:
    """What the next iteration would take of the theory of change (one query)."""
    items = TheoryOfChangeItem.objects.filter(cycle=cycle).count()
    return {
        "text": f"{items} theory of change item{pluralize(items)}, to agree again with communities"
    }
