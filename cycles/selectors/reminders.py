"""The cycles app's reminder sources for the periodic sweep (t2a/services/notifications.py)."""

from datetime import date

from django.db.models import F
from django.db.models.functions import Coalesce
from django.urls import reverse

from t2a.models import Membership, Organisation
from t2a.selectors import Due

from ..models import EthicsLogEntry, EthicsStatus


def ethics_reviews_due(*, organisation: Organisation, today: date) -> list[Due]:
    """Tell an ethics-log entry's owner (else the cycle's engagement lead) that its review
    date has come, while the entry is not closed.

    The Due's date is the review date, so each review date reminds once; setting a new
    review date after the review reminds again when that one comes. One query for the
    entries (with who to tell decided in SQL), one for who is still a member.
    """
    entries = list(
        EthicsLogEntry.objects.filter(review_date__lte=today)
        .exclude(status=EthicsStatus.CLOSED)
        .annotate(
            tell_id=Coalesce("owner_id", "cycle__lead_id"),
            cycle_title=F("cycle__title"),
        )
        .filter(tell_id__isnull=False)
        .only("pk", "cycle_id", "consideration", "review_date")
        .order_by()
    )
    if not entries:
        return []
    members = set(
        Membership.objects.filter(organisation=organisation).values_list("user_id", flat=True)
    )
    return [
        Due(
            kind="ethics_review_due",
            obj=entry,
            due_date=entry.review_date,
            recipient_id=entry.tell_id,
            title=f"Ethics log review {'due' if entry.review_date == today else 'overdue'}: "
            f"{entry.consideration[:80]}",
            body=f"An entry in the ethics log of {entry.cycle_title} was due for review on "
            f"{entry.review_date:%-d %B %Y}: \u2018{entry.consideration[:300]}\u2019. Review its "
            "mitigation and status, and set the next review date.",
            url=reverse("cycles:ethics_log", args=[organisation.slug, entry.cycle_id]),
        )
        for entry in entries
        if entry.tell_id in members
    ]
