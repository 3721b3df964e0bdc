"""Who may do what with cycles. Views and templates both ask these functions.

Which cycles a member sees at all is decided by `selectors.cycles.cycles_visible_to`; these
functions decide what a member may do with the cycles they can see.
"""

from t2a.models import Membership, Role

STAFF_ROLES = frozenset({Role.ADMIN, Role.ENGAGEMENT_LEAD})


def can_view_cycles(membership: Membership) -> bool:
    return True


def can_create_cycle(membership: Membership) -> bool:
    return membership.role in STAFF_ROLES


def can_edit_cycle(membership: Membership) -> bool:
    """Edit the cycle, its stage 1 documents and its ethics log, and move it between stages."""
    return membership.role in STAFF_ROLES


def can_change_stage(membership: Membership) -> bool:
    return membership.role in STAFF_ROLES


def can_use_reports(membership: Membership) -> bool:
    """See, request and download a cycle's PDF reports: staff and the governance board (for
    the cycles they sit on, through `cycles_visible_to`); not community leads."""
    return membership.role in STAFF_ROLES or membership.role == Role.GOVERNANCE


def can_view_closure(membership: Membership) -> bool:
    """Read a cycle's closure checklist: everyone who sees the cycle (community leads and
    governance members only for their own cycles, through `cycles_visible_to`)."""
    return True


def can_edit_closure(membership: Membership) -> bool:
    """Move a cycle to closing, record its closure steps and close it."""
    return membership.role in STAFF_ROLES


def can_start_next_iteration(membership: Membership) -> bool:
    return membership.role in STAFF_ROLES
