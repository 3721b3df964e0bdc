"""Reads of the organisation's members that stakeholder forms offer as choices."""

from django.db.models import QuerySet

from t2a.models import Membership, User
from t2a.policies import STAFF_ROLES


def members_of_organisation() -> QuerySet[User]:
    """Active members of the organisation in scope, by name."""
    return User.objects.filter(
        pk__in=Membership.objects.values("user_id"), is_active=True
    ).order_by("full_name", "email")


def staff_of_organisation() -> QuerySet[User]:
    """Active admins and engagement leads of the organisation in scope, by name."""
    return User.objects.filter(
        pk__in=Membership.objects.filter(role__in=STAFF_ROLES).values("user_id"),
        is_active=True,
    ).order_by("full_name", "email")
