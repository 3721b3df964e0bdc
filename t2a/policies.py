"""Who may do what on the platform. Views and templates both ask these functions."""

from collections.abc import Collection

from .models import Membership, Role

STAFF_ROLES = frozenset({Role.ADMIN, Role.ENGAGEMENT_LEAD})


def can_create_organisation(roles: Collection[str]) -> bool:
    """Whether a person may start a new organisation, given their roles in the ones they
    belong to: someone in none (they signed up to start one), or an admin of one (who may
    run another, such as a partnership's). Community leads and governance members are
    invited into an organisation's work; a new organisation of their own would be an
    empty, separate one where none of their colleagues' work is, so it is not offered."""
    return not roles or Role.ADMIN in roles


def can_manage_members(membership: Membership) -> bool:
    return membership.role == Role.ADMIN


def can_manage_organisation(membership: Membership) -> bool:
    return membership.role == Role.ADMIN


def can_view_organisation(membership: Membership) -> bool:
    return True
