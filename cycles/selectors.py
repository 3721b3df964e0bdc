"""Reads: which cycles a member may see, and fetching one for a request.

Other apps (stakeholders, feedback, actions) reuse these two functions, so keep their
names and signatures stable.
"""

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from t2a.models import Membership, Role

from .models import Cycle


def cycles_visible_to(membership: Membership) -> QuerySet[Cycle]:
    """The cycles this member may see: all of the organisation's for admins and engagement
    leads; only those they are attached to for community leads and governance members."""
    cycles = Cycle.objects.filter(organisation_id=membership.organisation_id)
    if membership.role in (Role.ADMIN, Role.ENGAGEMENT_LEAD):
        return cycles
    if membership.role == Role.COMMUNITY_LEAD:
        return cycles.filter(community_leads=membership.user_id)
    if membership.role == Role.GOVERNANCE:
        return cycles.filter(governance_members=membership.user_id)
    return cycles.none()


def get_cycle_for_request(request: HttpRequest, cycle_pk: int) -> Cycle:
    """The cycle if the signed-in member may see it; 404 otherwise (no existence leak)."""
    return get_object_or_404(
        cycles_visible_to(request.membership).select_related("lead"), pk=cycle_pk
    )
