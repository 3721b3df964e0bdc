"""Platform background work. Tasks are thin: load by id inside the tenant scope, call a service."""

from celery import shared_task
from django_scopes import scope

from .emails import invitation_email_send
from .models import Invitation


@shared_task(
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
    soft_time_limit=30,
    time_limit=60,
)
def invitation_send(*, organisation_id: int, invitation_id: int, token: str) -> None:
    with scope(organisation=organisation_id):
        invitation = (
            Invitation.objects.select_related("organisation", "invited_by")
            .filter(pk=invitation_id, accepted_at__isnull=True, revoked_at__isnull=True)
            .first()
        )
        if invitation is None:
            return
        invitation_email_send(invitation=invitation, token=token)
