"""Writes for progress: a progress update moves its action to a new delivery status."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from t2a.models import User

from ..models import Action, ActionStatus, ProgressUpdate


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
    dropped_reason: str = "",
) -> ProgressUpdate:
    """Record progress and move the action to `status` (not plan content: no new sign-off)."""
    action = Action.objects.select_for_update().get(pk=action.pk)
    if status == ActionStatus.DROPPED and not dropped_reason.strip():
        raise ValidationError({"dropped_reason": "Say why the action is being dropped."})
    update = ProgressUpdate(
        organisation_id=action.organisation_id,
        action=action,
        status=status,
        narrative=narrative,
        barriers=barriers,
        evidence_url=evidence_url,
        public=public,
        created_by=by,
        created_at=timezone.now(),
    )
    update.full_clean()
    update.save()
    action.status = status
    action.dropped_reason = dropped_reason.strip() if status == ActionStatus.DROPPED else ""
    action.full_clean()
    action.save(update_fields=["status", "dropped_reason", "updated_at"])
    return update
