"""Reminder sources for the periodic sweep (see t2a/notifications.py and REMINDER_SOURCES)."""

from collections.abc import Iterator
from datetime import date

from t2a.models import Organisation
from t2a.notifications import Due

from .selectors import checkins_due


def checkins_due_reminders(*, organisation: Organisation, today: date) -> Iterator[Due]:
    """Remind staff when a community lead's next check-in is due (or overdue, unheld).

    The reminder goes to whoever held the last check-in and to the cycle's engagement lead.
    It names the lead and the cycle but never carries the notes, which stay private.
    Each (check-in, due date, recipient) is sent once: a rescheduled check-in has a new
    due date and is reminded again.
    """
    for checkin in checkins_due(organisation=organisation, on_or_before=today):
        recipients = dict.fromkeys([checkin.held_by_id, checkin.cycle.lead_id])
        recipients.pop(None, None)
        url = (
            f"/o/{organisation.slug}/stakeholders/cycles/{checkin.cycle_id}/preparation/"
            f"leads/{checkin.community_lead_id}/"
        )
        overdue = checkin.next_due_on < today
        for recipient_id in recipients:
            yield Due(
                kind="checkin_due",
                obj=checkin,
                due_date=checkin.next_due_on,
                recipient_id=recipient_id,
                title=f"{'Overdue' if overdue else 'Due'}: check-in with {checkin.community_lead}",
                body=(
                    f"The next check-in with {checkin.community_lead} for "
                    f"{checkin.cycle.title} was due on {checkin.next_due_on:%-d %B %Y}. "
                    "Record it on their preparation page."
                    if overdue
                    else f"The next check-in with {checkin.community_lead} for "
                    f"{checkin.cycle.title} is due today. Record it on their preparation page."
                ),
                url=url,
            )
