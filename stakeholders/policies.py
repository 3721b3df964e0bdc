"""Who may do what with stakeholders. Views and templates both ask these functions.

- Staff (admins and engagement leads) run the register: every row, contact details,
  import and export, conversations, commitments, steering groups and shared assets.
- Community leads see the stakeholders of the cycles they are part of (and those whose
  recorded contact they are), without contact details unless they are the recorded contact
  (`Stakeholder.contact_owner`); they see their cycles' maps and steering groups, and the
  shared assets they might use.
- Governance board members see counts and maps only: the summary page and the cycle maps,
  never the rows of the register.
"""

from t2a.models import Membership, Role
from t2a.policies import STAFF_ROLES

from .models import Stakeholder


def _is_staff(membership: Membership) -> bool:
    return membership.role in STAFF_ROLES


def can_view_register(membership: Membership) -> bool:
    return membership.role in STAFF_ROLES | {Role.COMMUNITY_LEAD}


def can_edit_stakeholders(membership: Membership) -> bool:
    return _is_staff(membership)


def can_import_export(membership: Membership) -> bool:
    return _is_staff(membership)


def can_see_contact_details(membership: Membership, stakeholder: Stakeholder) -> bool:
    return _is_staff(membership) or (
        membership.role == Role.COMMUNITY_LEAD
        and stakeholder.contact_owner_id == membership.user_id
    )


def can_handle_privacy_requests(membership: Membership) -> bool:
    """Export everything held about one stakeholder, or erase it, on their request.

    Admins only, as for the organisation's own export and deletion: these are formal
    data-protection requests, and erasure cannot be undone. Engagement leads already see
    and change every record on screen.
    """
    return membership.role == Role.ADMIN


def can_view_summary(membership: Membership) -> bool:
    return True


def can_view_maps(membership: Membership) -> bool:
    return True


def can_view_steering_group(membership: Membership) -> bool:
    # Governance members may sit on a steering group and are reminded of its meetings, so
    # they read it too (only for the cycles they are attached to: cycles_visible_to).
    return membership.role in STAFF_ROLES | {Role.COMMUNITY_LEAD, Role.GOVERNANCE}


def can_manage_steering_group(membership: Membership) -> bool:
    return _is_staff(membership)


def can_view_conversations(membership: Membership) -> bool:
    return _is_staff(membership)


def can_log_conversations(membership: Membership) -> bool:
    return _is_staff(membership)


def can_view_assets(membership: Membership) -> bool:
    return membership.role in STAFF_ROLES | {Role.COMMUNITY_LEAD}


def can_manage_assets(membership: Membership) -> bool:
    return _is_staff(membership)


# --- community-lead preparation -----------------------------------------------------------
#
# Staff record role agreements, training and check-ins. A community lead sees only their
# own preparation (and confirms only their own agreement); the notes of a check-in are for
# staff and that community lead alone. Governance sees counts for a cycle, never a lead's
# terms, training details or check-in notes.


def can_view_preparation(membership: Membership) -> bool:
    return True


def can_manage_preparation(membership: Membership) -> bool:
    return _is_staff(membership)


def can_view_lead_preparation(membership: Membership) -> bool:
    """Open one lead's agreement, training and check-ins (community leads: their own)."""
    return membership.role in STAFF_ROLES | {Role.COMMUNITY_LEAD}


def can_see_lead_details(membership: Membership, community_lead_id: int) -> bool:
    return _is_staff(membership) or (
        membership.role == Role.COMMUNITY_LEAD and membership.user_id == community_lead_id
    )


def can_confirm_agreements(membership: Membership) -> bool:
    """Staff confirm for the organisation; a community lead confirms their own side."""
    return membership.role in STAFF_ROLES | {Role.COMMUNITY_LEAD}
