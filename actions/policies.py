"""Who may do what with priorities, the action plan, sign-off, progress and escalations.

- Staff (admins and engagement leads) write priorities and the plan, send it for sign-off,
  set the minimum number of approvals and move the plan into delivery.
- Community leads rank priorities and sign off (approve or request changes) — only they,
  and only on cycles they are part of. Nobody signs off on a lead's behalf.
- An action's owner, and staff, write its progress updates and escalate its barriers.
- Governance board members read, see the escalations of their cycles and record decisions
  on them; that is the only thing they write.

Which cycles a member sees at all is decided by `cycles.selectors.cycles.cycles_visible_to`.
"""

from t2a.models import Membership, Role
from t2a.policies import STAFF_ROLES

from .models import Action


def _is_staff(membership: Membership) -> bool:
    return membership.role in STAFF_ROLES


def can_view_plans(membership: Membership) -> bool:
    return True


def can_edit_plan(membership: Membership) -> bool:
    """Write priorities and actions, send the plan for sign-off, set approvals, deliver."""
    return _is_staff(membership)


def can_rank_priorities(membership: Membership) -> bool:
    return membership.role == Role.COMMUNITY_LEAD


def can_sign_off(membership: Membership) -> bool:
    return membership.role == Role.COMMUNITY_LEAD


def can_write_progress(membership: Membership) -> bool:
    """May write progress on some action (staff, or a member who owns actions)."""
    return membership.role != Role.GOVERNANCE


def can_write_progress_on(membership: Membership, action: Action) -> bool:
    if _is_staff(membership):
        return True
    return membership.role != Role.GOVERNANCE and action.owner_id == membership.user_id


def can_view_escalations(membership: Membership) -> bool:
    return _is_staff(membership) or membership.role == Role.GOVERNANCE


def can_decide_escalations(membership: Membership) -> bool:
    return membership.role == Role.GOVERNANCE


def can_view_governance(membership: Membership) -> bool:
    """The read-only governance dashboards: the board, and staff who answer to it."""
    return _is_staff(membership) or membership.role == Role.GOVERNANCE


# --- stage 5: the annual evaluation and the ripple-effect map -----------------------------
# Everyone who sees a cycle reads its evaluation and ripple map. The evaluation is the
# organisation's account to its board, so staff write it. Ripple-effect mapping is done
# with the community: the cycle's community leads add effects and change the ones they
# added; staff change any. Governance members read.


def can_view_evaluation(membership: Membership) -> bool:
    return True


def can_edit_evaluation(membership: Membership) -> bool:
    return _is_staff(membership)


def can_add_ripple_effects(membership: Membership) -> bool:
    """Staff, or a community lead (on a cycle they are part of: the cycle lookup checks)."""
    return _is_staff(membership) or membership.role == Role.COMMUNITY_LEAD


def can_change_ripple_effect(membership: Membership, effect) -> bool:
    if _is_staff(membership):
        return True
    return membership.role == Role.COMMUNITY_LEAD and effect.created_by_id == membership.user_id
