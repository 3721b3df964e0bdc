"""Reads for escalations: the governance board's list, as far as the member may see it."""

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from cycles.selectors.cycles import cycles_visible_to
from t2a.models import Membership

from ..models import Action, Escalation


def escalations_visible_to(membership: Membership) -> QuerySet[Escalation]:
    return Escalation.objects.filter(
        action__plan__cycle__in=cycles_visible_to(membership)
    ).select_related("action__plan__cycle", "raised_by", "decided_by")


def get_escalation_for_request(request: HttpRequest, escalation_pk: int) -> Escalation:
    return get_object_or_404(escalations_visible_to(request.membership), pk=escalation_pk)


def open_escalation_count(membership: Membership) -> int:
    return escalations_visible_to(membership).filter(decided_at__isnull=True).count()


def action_escalations(action: Action) -> QuerySet[Escalation]:
    return action.escalations.select_related("raised_by", "decided_by")
