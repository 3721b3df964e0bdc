"""The audit trail page: who changed what and when, for organisation admins. Read only."""

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .. import audit, policies
from ..forms import T2AForm
from ..models import Membership
from ..tenancy import allowed_by

PER_PAGE = 25
SYSTEM = "system"


class AuditFilterForm(T2AForm):
    type = forms.ChoiceField(label="Kind of record", required=False)
    object = forms.IntegerField(
        required=False,
        min_value=1,
        widget=forms.HiddenInput,
        error_messages={
            "invalid": "The link to one record's history is not valid.",
            "min_value": "The link to one record's history is not valid.",
        },
    )
    person = forms.ChoiceField(label="Changed by", required=False)

    def __init__(self, *args, members, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", "Any kind of record"), *audit.type_choices()]
        self.fields["person"].choices = [
            ("", "Anyone"),
            (SYSTEM, "System (automatic changes)"),
            *[(str(m.user_id), str(m.user)) for m in members],
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("object") and not cleaned.get("type"):
            self.add_error("type", "Choose the kind of record to see one record's history.")
        return cleaned


def _page_number(raw: str | None) -> int:
    """The page asked for; anything odd shows the first page rather than an error."""
    try:
        return min(max(int(raw or 1), 1), 100_000)
    except ValueError:
        return 1


@require_GET
@allowed_by(policies.can_manage_organisation)
def audit_trail(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation
    members = sorted(Membership.objects.select_related("user"), key=lambda m: str(m.user).lower())
    form = AuditFilterForm(request.GET or None, members=members)
    entries = audit.entries_for(organisation).select_related("actor", "content_type")
    page_number = _page_number(request.GET.get("page"))
    status = 200
    if form.is_bound and form.is_valid():
        f = form.cleaned_data
        if f["type"]:
            entries = entries.filter(content_type=audit.content_type_for(f["type"]))
            if f["object"]:
                entries = entries.filter(object_id=f["object"])
        if f["person"] == SYSTEM:
            entries = entries.filter(actor__isnull=True, actor_email__isnull=True)
        elif f["person"]:
            entries = entries.filter(actor_id=int(f["person"]))
    elif form.is_bound:
        entries = entries.none()
        status = 400
    # No COUNT over the organisation's whole trail: fetch one more than a page to know
    # whether an older page exists.
    start = (page_number - 1) * PER_PAGE
    found = list(entries[start : start + PER_PAGE + 1])
    rows = audit.describe(found[:PER_PAGE], organisation)
    cleaned = form.cleaned_data if form.is_bound and form.is_valid() else {}
    context = {
        "form": form,
        "rows": rows,
        "page_number": page_number,
        "has_newer": page_number > 1,
        "has_older": len(found) > PER_PAGE,
        "one_object": bool(cleaned.get("object")),
        "object_name": rows[0].entry.object_repr if rows and cleaned.get("object") else "",
        "type_label": dict(audit.type_choices()).get(cleaned.get("type", ""), ""),
        "filtered": any(cleaned.get(k) for k in ("type", "object", "person")),
    }
    template = "t2a/audit/trail.html"
    return render(
        request, f"{template}#results" if request.htmx else template, context, status=status
    )
