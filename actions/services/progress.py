"""Writes for progress: a progress update moves its action to a new delivery status."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cycles.services.versions import cycle_changed
from t2a.models import User

from ..models import EXPLAINED_STATUSES, Action, ProgressUpdate, status_reason_missing


@transaction.atomic
def progress_update_create(
    *,
    action: Action,
    by: User,
    status: str,
    narrative: str,
    barriers: str = "",
    evidence_url: str = "",
    public: bool = False,
    status_reason: str = "",
    measured_value: Decimal | None = None,
    measured_on: date | None = None,
) -> ProgressUpdate:
    """Record progress and move the action to `status` (not plan content: no new sign-off).

    A paused or dropped action carries a reason written for the public page; any other
    status clears it. The public page shows the change on its next request.
    """
    action = Action.objects.select_for_update().select_related("plan").get(pk=action.pk)
    status_reason = status_reason.strip()
    if status in EXPLAINED_STATUSES and not status_reason:
        raise ValidationError({"status_reason": status_reason_missing(status)})
    if measured_value is not None and not action.is_numeric:
        raise ValidationError(
            {"measured_value": "This action's measure is in words: describe progress instead."}
        )
    if (measured_value is None) != (measured_on is None):
        raise ValidationError({"measured_on": "A measured value needs the date it was measured."})
    if measured_on is not None and measured_on > timezone.localdate():
        raise ValidationError({"measured_on": "The date measured must be today or in the past."})
    update = ProgressUpdate(
        organisation_id=action.organisation_id,
        action=action,
        status=status,
        narrative=narrative,
        barriers=barriers,
        evidence_url=evidence_url,
        public=public,
        measured_value=measured_value,
        measured_on=measured_on,
        created_by=by,
        created_at=timezone.now(),
    )
    update.full_clean()
    update.save()
    action.status = status
    action.status_reason = status_reason if status in EXPLAINED_STATUSES else ""
    action.full_clean()
    action.save(update_fields=["status", "status_reason", "updated_at"])
    cycle_changed(action.plan.cycle_id)
    return update
