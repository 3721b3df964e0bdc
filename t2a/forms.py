from allauth.account import app_settings as account_settings
from allauth.account.adapter import get_adapter
from allauth.account.forms import ConfirmLoginCodeForm as AllauthConfirmLoginCodeForm
from allauth.account.forms import RequestLoginCodeForm as AllauthRequestLoginCodeForm
from allauth.account.internal.userkit import filter_users_by_email
from allauth.core import context, ratelimit
from allauth.core.internal.ratelimit import get_ip
from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.forms.forms import DeclarativeFieldsMetaclass
from django.forms.models import ModelFormMetaclass
from django.forms.renderers import TemplatesSetting
from django.forms.utils import pretty_name

from .models import NotificationPreference, Organisation, Role, User
from .services.organisations import organisation_slug_check
from .text import LONG_TEXT, clean_text


class NHSFormRenderer(TemplatesSetting):
    """Render every form, ours and allauth's, with NHS.UK markup and an error summary."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


def _is_typed_text(field: forms.Field) -> bool:
    """A box a person types text into (not a password, a hidden value or a file)."""
    return (
        isinstance(field, forms.CharField)
        and not isinstance(field, forms.JSONField | forms.UUIDField)
        and field.strip
        and not isinstance(
            field.widget,
            forms.PasswordInput | forms.HiddenInput | forms.FileInput | forms.MultiWidget,
        )
    )


def apply_text_limits(fields: dict[str, forms.Field]) -> None:
    """Give every text box a maximum length (LONG_TEXT unless it says less) and a message
    that names the box and the limit."""
    for name, field in fields.items():
        if not _is_typed_text(field):
            continue
        if field.max_length is None:
            field.max_length = LONG_TEXT
            field.validators.append(MaxLengthValidator(LONG_TEXT))
            field.widget.attrs.update(field.widget_attrs(field.widget))
        if "max_length" not in field.error_messages:
            # The message is %-formatted with the length: a % in the label is escaped.
            label = str(field.label or pretty_name(name)).rstrip("?:. ").replace("%", "%%")
            field.error_messages["max_length"] = (
                f"{label} must be {field.max_length:,} characters or fewer (it has %(show_value)d)."
            )


class _TextRules:
    """Clean every text box's value with `t2a.text.clean_text` before validation, so
    "required", lengths and every later check see what a reader sees."""

    def full_clean(self) -> None:
        if self.is_bound:
            apply_text_limits(self.fields)  # also fields added in a form's __init__
            self.data = self._text_cleaned(self.data)
        super().full_clean()

    def _text_cleaned(self, data):
        data = data.copy()
        for name, field in self.fields.items():
            if field.disabled or not _is_typed_text(field):
                continue
            key = self.add_prefix(name)
            multiline = not isinstance(field.widget, forms.widgets.Input)
            if hasattr(data, "getlist"):
                if key in data:
                    data.setlist(key, [_clean(v, multiline) for v in data.getlist(key)])
            elif key in data:
                value = data[key]
                data[key] = (
                    [_clean(v, multiline) for v in value]
                    if isinstance(value, list | tuple)
                    else _clean(value, multiline)
                )
        return data


def _clean(value, multiline: bool):
    return clean_text(value, multiline=multiline) if isinstance(value, str) else value


class _TextRulesFormMetaclass(DeclarativeFieldsMetaclass):
    def __new__(mcs, name, bases, attrs):
        new_class = super().__new__(mcs, name, bases, attrs)
        apply_text_limits(new_class.base_fields)
        return new_class


class _TextRulesModelFormMetaclass(ModelFormMetaclass):
    def __new__(mcs, name, bases, attrs):
        new_class = super().__new__(mcs, name, bases, attrs)
        apply_text_limits(new_class.base_fields)
        return new_class


class T2AForm(_TextRules, forms.Form, metaclass=_TextRulesFormMetaclass):
    """Every form of the project: Django's, with the text rule (`t2a.text`) applied."""


class T2AModelForm(_TextRules, forms.ModelForm, metaclass=_TextRulesModelFormMetaclass):
    """Every model form of the project: Django's, with the text rule (`t2a.text`) applied."""


class OrganisationForm(T2AModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "slug", "brand_colour"]
        labels = {
            "name": "Organisation name",
            "slug": "Web address",
            "brand_colour": "Brand colour",
        }
        help_texts = {
            "name": "For example, Northgate Integrated Care Board.",
            "slug": "The part of your organisation's web address after /o/, like "
            "northgate-icb. Lowercase letters, numbers and hyphens. Leave it blank to make "
            "one from the name.",
            "brand_colour": "Shown in the header. Use a dark colour so white text stays "
            "readable, written as # and six hex digits, like #005eb8.",
        }
        widgets = {
            "slug": forms.TextInput(attrs={"spellcheck": "false", "autocapitalize": "none"}),
            "brand_colour": forms.TextInput(attrs={"spellcheck": "false"}),
        }
        error_messages = {
            "slug": {
                "invalid": "Use 3 to 60 lowercase letters, numbers and single hyphens, "
                "starting and ending with a letter or number, like northgate-icb.",
            }
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        # The address the organisation has now (none before it is created).
        self.current_slug = self.instance.slug if self.instance.pk else ""

    def clean_slug(self) -> str:
        slug = self.cleaned_data.get("slug") or ""
        if not slug:
            return self.current_slug
        if slug == self.current_slug:
            return slug
        return organisation_slug_check(
            slug, organisation=self.instance if self.instance.pk else None
        )


class OrganisationSettingsForm(OrganisationForm):
    class Meta(OrganisationForm.Meta):
        fields = [
            "name",
            "slug",
            "brand_colour",
            "mfa_required",
            "escalate_owner_after_days",
            "escalate_lead_after_days",
            "escalate_governance_after_days",
            "reading_ease_target",
            "stakeholder_retention_months",
        ]
        help_texts = OrganisationForm.Meta.help_texts | {
            "slug": "The part of your organisation's web address after /o/. If you change "
            "it, links to the old address keep working for members.",
        }
        error_messages = OrganisationForm.Meta.error_messages | {
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


class RequestLoginCodeForm(AllauthRequestLoginCodeForm):
    """Ask for a sign-in code by email, counted per email address *and* client address.

    allauth counts requests per email alone, so anyone asking for codes again and again
    would stop the owner getting one: the way in while their password sign-in is locked
    (t2a.adapters.AccountAdapter). Per address, the ceiling in ACCOUNT_RATE_LIMITS still
    stops one address mailing many people.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Email address"
        self.fields["email"].widget.attrs.pop("placeholder", None)
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["email"].error_messages = {
            "required": "Enter your email address",
            "invalid": "Enter an email address in the right format, like name@example.org",
        }

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        if email:
            users = filter_users_by_email(
                email, is_active=True, prefer_verified=True, for_login=True
            )
            if not users and not account_settings.PREVENT_ENUMERATION:
                raise get_adapter().validation_error("unknown_email")
            request = context.request
            key = f"{email.lower()}:{get_ip(request)}"
            if not ratelimit.consume(request, action="request_login_code", key=key):
                raise ValidationError(
                    "You have asked for too many codes. Wait 15 minutes, then try again.",
                    code="too_many_codes",
                )
            self._user = users[0] if users else None
        return email


class ConfirmLoginCodeForm(AllauthConfirmLoginCodeForm):
    """The sign-in code from the email, labelled as NHS.UK forms are (no placeholder)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["code"]
        field.label = "Code from the email"
        field.help_text = "It looks like ABCD-EF23."
        field.widget.attrs.pop("placeholder", None)
        field.widget.attrs.update(spellcheck="false", autocapitalize="characters")
        field.error_messages["required"] = "Enter the code from the email"


class InvitationForm(T2AForm):
    email = forms.EmailField(
        label="Email address", max_length=254, help_text="We will send the invitation here."
    )
    role = forms.ChoiceField(label="Role", choices=[("", "Choose a role"), *Role.choices])


class RoleForm(T2AForm):
    role = forms.ChoiceField(label="Role", choices=Role.choices)


class AcceptInvitationForm(T2AForm):
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


class NotificationPreferenceForm(T2AModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["delivery"]
        labels = {"delivery": "How should we email you about updates and reminders?"}
        widgets = {"delivery": forms.RadioSelect}


class OrganisationDeleteForm(T2AForm):
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
