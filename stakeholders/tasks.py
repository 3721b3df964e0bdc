"""Stakeholder background work: the daily retention sweep. Tasks load by id and scope."""

from celery import shared_task
from django_scopes import scope

from t2a.models import Organisation

from .services.retention import contact_details_remove_inactive


@shared_task(acks_late=True, soft_time_limit=60, time_limit=90, expires=6 * 60 * 60)
def retention_sweep() -> int:
    """Enqueue one retention run per organisation that has the setting switched on."""
    organisation_ids = list(
        Organisation.objects.filter(stakeholder_retention_months__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for organisation_id in organisation_ids:
        retention_apply.delay(organisation_id=organisation_id)
    return len(organisation_ids)


@shared_task(acks_late=True, soft_time_limit=240, time_limit=300)
def retention_apply(*, organisation_id: int) -> int:
    """Remove the contact details of one organisation's inactive stakeholders."""
    with scope(organisation=organisation_id):
        organisation = Organisation.objects.filter(pk=organisation_id).first()
        if organisation is None:
            return 0
        return contact_details_remove_inactive(organisation=organisation)
