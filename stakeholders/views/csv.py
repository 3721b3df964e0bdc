"""The register as a CSV file: import (upload, preview, confirm) and export.

Export writes the columns that import reads (forms/csv.py), so an exported file imports
again unchanged.
"""

import csv
from collections.abc import Iterable, Iterator

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from t2a.htmx import error_status, render_form
from t2a.services.export import spreadsheet_safe
from t2a.tenancy import allowed_by
from t2a.uploads import upload_limit

from .. import policies
from ..forms.csv import (
    COLUMN_FIELDS,
    COLUMNS,
    TAGS_COLUMN,
    CsvConfirmForm,
    CsvImportForm,
    ImportPreview,
    read_import,
)
from ..forms.stakeholders import StakeholderFilterForm
from ..models import TAG_FIELDS, Stakeholder, TrustedTag
from ..selectors.stakeholders import cycle_choices, stakeholder_search, stakeholders_visible_to
from ..services import stakeholders as services


@require_http_methods(["GET", "POST"])
@upload_limit(CsvImportForm.MAX_BYTES)
@allowed_by(policies.can_import_export)
def stakeholder_import(request: HttpRequest) -> HttpResponse:
    form = CsvImportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if form.is_bound and form.is_valid():
        preview = read_import(
            form.cleaned_data["file"],
            actor=request.user,
            register=stakeholders_visible_to(request.membership),
        )
        return _preview(request, preview, form.cleaned_data["file"])
    return render_form(
        request, "stakeholders/csv/import.html", {"form": form, "columns": COLUMNS}, form=form
    )


def _preview(
    request: HttpRequest,
    preview: ImportPreview,
    content: str,
    confirm: CsvConfirmForm | None = None,
) -> HttpResponse:
    if preview.is_valid and confirm is None:
        confirm = CsvConfirmForm(initial={"content": content})
    ok = preview.is_valid and not confirm.errors
    return render(
        request,
        "stakeholders/csv/import_preview.html",
        {"preview": preview, "confirm": confirm if preview.is_valid else None},
        status=200 if ok else error_status(request),
    )


@require_POST
@allowed_by(policies.can_import_export)
def stakeholder_import_confirm(request: HttpRequest) -> HttpResponse:
    form = CsvConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The import could not be confirmed. Upload the file again.")
        return redirect("stakeholders:stakeholder_import", request.organisation.slug)
    content = form.cleaned_data["content"]
    # Read the rows again: what is saved is only what passed validation just now.
    preview = read_import(
        content, actor=request.user, register=stakeholders_visible_to(request.membership)
    )
    if not preview.is_valid:
        return _preview(request, preview, content)
    if preview.same_names and not form.cleaned_data["same_names_confirmed"]:
        form.add_error(
            "same_names_confirmed",
            "Some rows have the same name as another row or a stakeholder already on the "
            "register. Check them, then tick the box to import them anyway.",
        )
        return _preview(request, preview, content, form)
    try:
        created = services.stakeholders_import(
            organisation=request.organisation,
            stakeholders=preview.stakeholders,
            actor=request.user,
        )
    except ValidationError as exc:
        preview.file_errors.extend(exc.messages)
        return _preview(request, preview, content)
    messages.success(request, f"{len(created)} stakeholders imported.")
    return redirect("stakeholders:stakeholder_list", request.organisation.slug)


def _cell(stakeholder: Stakeholder, column: str):
    """One exported cell, written as the import reads it back."""
    if column == TAGS_COLUMN:
        labels = dict(TrustedTag.choices)
        return "; ".join(labels[t] for t, name in TAG_FIELDS.items() if getattr(stakeholder, name))
    (name,) = COLUMN_FIELDS[column]
    value = getattr(stakeholder, name)
    if isinstance(value, list):
        return "; ".join(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def export_rows(stakeholders: Iterable[Stakeholder]) -> Iterator[list[str]]:
    yield COLUMNS
    for stakeholder in stakeholders:
        yield [spreadsheet_safe(_cell(stakeholder, column)) for column in COLUMNS]


class Echo:
    """A file-like object whose write returns the line, for a streamed CSV response."""

    def write(self, value: str) -> str:
        return value


def export_lines(stakeholders: Iterable[Stakeholder]) -> Iterator[str]:
    writer = csv.writer(Echo())
    for row in export_rows(stakeholders):
        yield writer.writerow(row)


@require_GET
@allowed_by(policies.can_import_export)
def stakeholder_export(request: HttpRequest) -> StreamingHttpResponse:
    template = request.GET.get("template") == "1"
    # The template is the header alone.
    stakeholders = stakeholders_visible_to(request.membership).none()
    if not template:
        form = StakeholderFilterForm(request.GET or None, cycles=cycle_choices(request.membership))
        stakeholders = stakeholders_visible_to(request.membership).order_by("name", "pk")
        if form.is_bound and form.is_valid():
            stakeholders = stakeholder_search(stakeholders, **form.search_terms())
    response = StreamingHttpResponse(
        export_lines(stakeholders.iterator(chunk_size=500)),
        content_type="text/csv; charset=utf-8",
    )
    name = "stakeholders-template" if template else "stakeholders"
    response["Content-Disposition"] = (
        f'attachment; filename="{request.organisation.slug}-{name}.csv"'
    )
    response["Cache-Control"] = "no-store"
    return response
