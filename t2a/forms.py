from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting

from .models import NotificationPreference, Organisation, Role, User


class NHSFormRenderer(TemplatesSetting):
    """Render every form, ours and allauth's, with NHS.UK markup and an error summary."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "brand_colour"]
        labels = {"name": "Organisation name", "brand_colour": "Brand colour"}
        help_texts = {
            "name": "For example, Northgate Integrated Care Board.",
            "brand_colour": "Shown in the header. Use a dark colour so white text stays "
            "readable, written as # and six hex digits, like #005eb8.",
        }
        widgets = {"brand_colour": forms.TextInput(attrs={"spellcheck": "false"})}


class OrganisationSettingsForm(OrganisationForm):
    class Meta(OrganisationForm.Meta):
        fields = [
            "name",
            "brand_colour",
            "mfa_required",
            "escalate_owner_after_days",
            "escalate_lead_after_days",
            "escalate_governance_after_days",
            "reading_ease_target",
            "stakeholder_retention_months",
        ]
        error_messages = {
            "stakeholder_retention_months": {
                code: "Enter a number of months from 6 to 120, or leave it blank to keep "
                "contact details until someone removes them."
                for code in ("invalid", "min_value", "max_value")
            }
        }

    def clean(self):
        cleaned = super().clean()
        owner = cleaned.get("escalate_owner_after_days")
        lead = cleaned.get("escalate_lead_after_days")
        governance = cleaned.get("escalate_governance_after_days")
        if None not in (owner, lead, governance) and not owner <= lead <= governance:
            self.add_error(
                "escalate_lead_after_days",
                "Each step must come on or after the one before: owner, then engagement "
                "lead, then governance.",
            )
        target = cleaned.get("reading_ease_target")
        if target is not None and target > 100:
            self.add_error("reading_ease_target", "Enter a score from 0 to 100.")
        return cleaned


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label="Email address", max_length=254, help_text="We will send the invitation here."
    )
    role = forms.ChoiceField(label="Role", choices=[("", "Choose a role"), *Role.choices])


class RoleForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=Role.choices)


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(label="Your full name", max_length=150)
    password1 = forms.CharField(
        label="Create a password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Type the password again",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The two passwords do not match.")
        elif p1:
            try:
                password_validation.validate_password(
                    p1, User(email=self.email, full_name=cleaned.get("full_name", ""))
                )
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned


class NotificationPreferenceForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["delivery"]
        labels = {"delivery": "How should we email you about updates and reminders?"}
        widgets = {"delivery": forms.RadioSelect}


class OrganisationDeleteForm(forms.Form):
    confirm_name = forms.CharField(
        label="Type the organisation's name to confirm",
        max_length=200,
        help_text="This deletes every cycle, stakeholder, insight, action and report. "
        "It cannot be undone.",
    )
    understood = forms.BooleanField(
        label="I have downloaded an export if we need one, and I understand this cannot be undone"
    )


def add_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form it came from."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
