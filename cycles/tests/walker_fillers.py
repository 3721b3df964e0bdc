"""Tenant-isolation walker fillers for cycles URL keywords (see tests/walker.py).

Every filler hangs its row off the same cycle (slug "walker-cycle"), so a path with both
`cycle_pk` and a child's keyword points at a real child of that cycle. Other apps whose
URLs carry `cycle_pk` get this cycle too.
"""

from django_scopes import scopes_disabled

from cycles.models import Cycle
from t2a.models import Organisation

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


FILLERS = {
    "cycle_pk": lambda org: str(walker_cycle(org).pk),
    "data_source_pk": lambda org: str(make_data_source(walker_cycle(org)).pk),
    "inequality_row_pk": lambda org: str(make_inequality_row(walker_cycle(org)).pk),
    "toc_item_pk": lambda org: str(make_toc_item(walker_cycle(org)).pk),
    "ethics_entry_pk": lambda org: str(make_ethics_entry(walker_cycle(org)).pk),
}
