"""Who may do what on the platform. Views and templates both ask these functions."""

from .models import Membership, Role

STAFF_ROLES = frozenset({Role.ADMIN, Role.ENGAGEMENT_LEAD})


def can_manage_members(membership: Membership) -> bool:
    return membership.role == Role.ADMIN


def can_manage_organisation(membership: Membership) -> bool:
    return membership.role == Role.ADMIN


def can_view_organisation(membership: Membership) -> bool:
    return True
