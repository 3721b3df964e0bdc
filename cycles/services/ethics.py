"""Writes for the ethics log."""

from ..models import Cycle, EthicsLogEntry
from .versions import cycle_changed


def ethics_entry_save(*, cycle: Cycle, entry: EthicsLogEntry) -> EthicsLogEntry:
    entry.organisation_id = cycle.organisation_id
    entry.cycle = cycle
    entry.full_clean()
    entry.save()
    cycle_changed(cycle)
    return entry
