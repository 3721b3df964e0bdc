"""Writes for escalations: barriers raised with the governance board, its decisions, and the
escalations the reminder ladder raises for missed progress updates."""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cycles.services.versions import cycle_changed, cycles_changed
from t2a import audit
from t2a.models import User
from t2a.services.notifications import notification_create

from ..models import Action, Escalation


@transaction.atomic
def escalation_raise(*, action: Action, by: User, reason: str) -> Escalation:
    escalation = Escalation(
        organisation_id=action.organisation_id,
        action=action,
        reason=reason.strip(),
        raised_by=by,
        raised_at=timezone.now(),
    )
    escalation.full_clean()
    escalation.save()
    cycle = action.plan.cycle
    cycle_changed(cycle)
    for member in cycle.governance_members.all():
        notification_create(
            organisation=cycle.organisation,
            recipient=member,
            kind="escalation_raised",
            title=f"Escalation on \u2018{action.title}\u2019 ({cycle.title})",
            body=escalation.reason,
            url=reverse("actions:escalation_list", args=[cycle.organisation.slug]),
        )
    return escalation


@transaction.atomic
def escalation_decide(*, escalation: Escalation, by: User, decision: str) -> Escalation:
    escalation = Escalation.objects.select_for_update().get(pk=escalation.pk)
    if escalation.decided_at is not None:
        raise ValidationError("A decision has already been recorded for this escalation.")
    decision = decision.strip()
    if not decision:
        raise ValidationError({"decision": "Write the board's decision."})
    escalation.decision = decision
    escalation.decided_by = by
    escalation.decided_at = timezone.now()
    escalation.full_clean()
    escalation.save(update_fields=["decision", "decided_by", "decided_at"])
    cycle_changed(escalation.action.plan.cycle_id)
    return escalation


def escalations_raise_for_missed_updates(
    *, organisation_id: int, missed: Iterable[tuple[int, date, int]]
) -> int:
    """Record on the governance board's list that actions went without a progress update.

    `missed` holds (action id, date the update fell due, days overdue). Run by the reminder
    sweep inside its transaction; the unique constraint on (action, update_due_on) makes
    the insert a no-op for a period already escalated. The governance members hear about
    it through the ladder's own reminder, so nothing is sent from here.
    """
    now = timezone.now()
    rows = [
        Escalation(
            organisation_id=organisation_id,
            action_id=action_id,
            reason=f"No progress update for {days} day{'s' if days != 1 else ''}: the update "
            f"promised to the community was due on {due_on:%-d %B %Y}.",
            raised_by=None,
            raised_at=now,
            update_due_on=due_on,
        )
        for action_id, due_on, days in missed
    ]
    Escalation.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    # ignore_conflicts leaves the ids unset: the rows raised now are read back for the
    # audit trail (a period already escalated kept its earlier row and time).
    raised = Escalation.objects.filter(
        organisation_id=organisation_id, raised_at=now, raised_by__isnull=True
    )
    audit.record_bulk_created(raised)
    if rows:
        cycles_changed(
            organisation_id,
            Action.objects.filter(pk__in=[row.action_id for row in rows]).values("plan__cycle_id"),
        )
    return len(rows)
