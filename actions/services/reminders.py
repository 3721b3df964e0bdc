"""The reminder source for progress updates (registered in registrations.py): the escalation
ladder of selectors/reminders.py, and the escalations it raises."""

from datetime import date

from t2a.models import Organisation
from t2a.selectors import Due

from ..selectors.reminders import action_updates_ladder
from .escalations import escalations_raise_for_missed_updates


def action_updates_due(*, organisation: Organisation, today: date) -> list[Due]:
    """Reminder source: progress updates due, climbing the escalation ladder.

    Also raises the governance step's Escalation, in the sweep's transaction, so the
    board's list and the board members' reminders appear together or not at all.
    """
    ladder = action_updates_ladder(organisation=organisation, today=today)
    if ladder.missed:
        escalations_raise_for_missed_updates(organisation_id=organisation.pk, missed=ladder.missed)
    return ladder.dues
