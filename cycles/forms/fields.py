"""Fields, widgets and the one small form that several of the app's forms share.

Fields that choose people get their querysets in a form's `__init__`, inside the request's
scope, so they only ever offer the organisation's own members.
"""

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from t2a.forms import T2AForm
from t2a.models import Membership, Role, User

from ..models import LONG_TEXT

DATE_HINT = "For example, 15 3 2026 or use the date picker."


def members_with_roles(*roles: Role) -> QuerySet[User]:
    """The organisation's members with one of `roles` (any role when none are given)."""
    memberships = Membership.objects.all()
    if roles:
        memberships = memberships.filter(role__in=roles)
    return User.objects.filter(pk__in=memberships.values("user_id")).order_by("full_name", "email")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user: User) -> str:
        return user.full_name or user.email


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user: User) -> str:
        return user.full_name or user.email


def long_text(
    label: str, *, required: bool = True, help_text: str = "", rows: int = 5, missing: str = ""
):
    """A long text box. `missing` is its own "required" message, so a form with several
    required boxes does not list the same "This field is required." for each."""
    messages = {
        "max_length": f"{label.rstrip('?')} must be {LONG_TEXT:,} characters or fewer "
        "(it has %(show_value)d)."
    }
    if missing:
        messages["required"] = missing
    return forms.CharField(
        label=label,
        required=required,
        max_length=LONG_TEXT,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages=messages,
    )


def not_in_future(value, label: str):
    if value and value > timezone.localdate():
        raise forms.ValidationError(f"{label} must be today or in the past.")
    return value


class AgreedOnForm(T2AForm):
    agreed_on = forms.DateField(label="Date agreed", widget=DateInput(), help_text=DATE_HINT)

    def clean_agreed_on(self):
        return not_in_future(self.cleaned_data["agreed_on"], "The date agreed")
