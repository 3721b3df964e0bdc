"""Who may do what with listening: activities, insight and themes.

- Staff (admins and engagement leads) run listening: plan and edit activities, see and
  edit every insight (sensitive insight too), merge themes and close insight.
- Community leads see their cycles' activities and (non-sensitive) insight, record insight
  from activities they facilitate, and edit the insight they recorded.
- Governance board members read activities, non-sensitive insight, themes and figures.
- Staff write and publish report-backs and switch a cycle's public page on and off; every
  member who sees the cycle reads its report-backs. The public page itself needs no
  sign-in and no policy: what it may show is decided in
  `selectors.public_page.public_page_data`.

Which cycles a member sees at all is decided by `cycles.selectors.cycles.cycles_visible_to`;
sensitive insight is filtered out in `selectors.insight.insights_visible_to`, not in
templates.
"""

from t2a.models import Membership, Role
from t2a.policies import STAFF_ROLES

from .models import EngagementActivity, Insight


def _is_staff(membership: Membership) -> bool:
    return membership.role in STAFF_ROLES


def can_view_listening(membership: Membership) -> bool:
    return True


def can_manage_activities(membership: Membership) -> bool:
    return _is_staff(membership)


def can_record_insight(membership: Membership) -> bool:
    return _is_staff(membership) or membership.role == Role.COMMUNITY_LEAD


def can_record_insight_from(membership: Membership, activity: EngagementActivity) -> bool:
    """Staff for any activity; a community lead only for activities they facilitate."""
    if _is_staff(membership):
        return True
    return membership.role == Role.COMMUNITY_LEAD and any(
        f.pk == membership.user_id for f in activity.facilitators.all()
    )


def can_record_standalone_insight(membership: Membership) -> bool:
    return _is_staff(membership)


def can_edit_insight(membership: Membership, insight: Insight) -> bool:
    if _is_staff(membership):
        return True
    return membership.role == Role.COMMUNITY_LEAD and insight.captured_by_id == membership.user_id


def can_see_sensitive_insight(membership: Membership) -> bool:
    return _is_staff(membership)


def can_manage_themes(membership: Membership) -> bool:
    return _is_staff(membership)


def can_close_insight(membership: Membership) -> bool:
    return _is_staff(membership)


def can_view_report_backs(membership: Membership) -> bool:
    return True


def can_write_report_backs(membership: Membership) -> bool:
    return _is_staff(membership)


def can_manage_public_page(membership: Membership) -> bool:
    return _is_staff(membership)


def can_view_pulse(membership: Membership) -> bool:
    """Everyone who sees the cycle reads its trust pulse figures (never the comments)."""
    return True


def can_manage_pulse(membership: Membership) -> bool:
    """Open and close the survey, see and replace its link, read the comments."""
    return _is_staff(membership)
