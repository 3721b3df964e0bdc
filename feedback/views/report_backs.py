"""Report-backs ("you said, we did"): a cycle's list, writing and editing a draft, a
report-back's page, and publishing it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cycles.models import Cycle
from cycles.selectors.cycles import get_cycle_for_request
from t2a.forms import add_errors
from t2a.htmx import render_form
from t2a.tenancy import allowed_by

from .. import policies
from ..forms.report_backs import ReportBackForm
from ..models import ReportBack
from ..selectors.public_page import public_page_for
from ..selectors.reading_ease import readability_for
from ..selectors.report_backs import (
    cycle_report_backs,
    get_report_back_for_request,
    report_back_contents,
    report_back_count_columns,
)
from ..services.report_backs import report_back_publish as publish
from ..services.report_backs import report_back_save


def _detail_url(request: HttpRequest, report_back: ReportBack) -> str:
    return reverse("feedback:report_back_detail", args=[request.organisation.slug, report_back.pk])


@require_GET
@allowed_by(policies.can_view_report_backs)
def report_back_list(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    return render(
        request,
        "feedback/report_backs/report_back_list.html",
        {
            "cycle": cycle,
            "report_backs": cycle_report_backs(cycle=cycle),
            "count_columns": report_back_count_columns(),
            "public_page": public_page_for(cycle),
        },
    )


def _report_back_form_page(
    request: HttpRequest, form: ReportBackForm, cycle: Cycle, report_back: ReportBack | None
) -> HttpResponse:
    return render_form(
        request,
        "feedback/report_backs/report_back_form.html",
        {
            "form": form,
            "we_did": form.we_did(),
            "cycle": cycle,
            "report_back": report_back,
            "readability": readability_for(request.organisation, form["body"].value() or ""),
        },
        form=form,
    )


def _report_back_form(request: HttpRequest, cycle: Cycle, instance: ReportBack) -> ReportBackForm:
    return ReportBackForm(
        request.POST or None,
        instance=instance,
        cycle=cycle,
        reading_ease_url=reverse("feedback:reading_ease", args=[request.organisation.slug]),
    )


def _save_report_back(request: HttpRequest, form: ReportBackForm) -> ReportBack | None:
    if not form.is_valid():
        return None
    report_back = form.apply_to(form.save(commit=False))
    try:
        return report_back_save(report_back=report_back, actor=request.user, **form.related())
    except ValidationError as exc:
        add_errors(form, exc)
        return None


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_write_report_backs)
def report_back_create(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    form = _report_back_form(
        request, cycle, ReportBack(organisation=request.organisation, cycle=cycle)
    )
    if request.method == "POST":
        report_back = _save_report_back(request, form)
        if report_back:
            messages.success(request, "Report-back saved as a draft. Publish it when it is ready.")
            return redirect(_detail_url(request, report_back))
    return _report_back_form_page(request, form, cycle, None)


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_write_report_backs)
def report_back_edit(request: HttpRequest, report_back_pk: int) -> HttpResponse:
    report_back = get_report_back_for_request(request, report_back_pk)
    cycle = report_back.cycle
    form = _report_back_form(request, cycle, report_back)
    if request.method == "POST" and _save_report_back(request, form):
        messages.success(
            request,
            "Report-back saved. The public page shows the change."
            if report_back.is_published
            else "Report-back saved.",
        )
        return redirect(_detail_url(request, report_back))
    return _report_back_form_page(request, form, cycle, report_back)


def _report_back_page(
    request: HttpRequest,
    report_back: ReportBack,
    errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "feedback/report_backs/report_back_detail.html",
        {
            "report_back": report_back,
            "cycle": report_back.cycle,
            "contents": report_back_contents(report_back, request.membership),
            "readability": readability_for(request.organisation, report_back.body),
            "can_write": policies.can_write_report_backs(request.membership),
            "publish_errors": errors or [],
        },
        status=status,
    )


@require_GET
@allowed_by(policies.can_view_report_backs)
def report_back_detail(request: HttpRequest, report_back_pk: int) -> HttpResponse:
    report_back = get_report_back_for_request(request, report_back_pk)
    return _report_back_page(request, report_back)


@require_POST
@allowed_by(policies.can_write_report_backs)
def report_back_publish(request: HttpRequest, report_back_pk: int) -> HttpResponse:
    report_back = get_report_back_for_request(request, report_back_pk)
    try:
        publish(report_back=report_back, actor=request.user)
    except ValidationError as exc:
        errors = [m for messages_ in exc.message_dict.values() for m in messages_]
        return _report_back_page(request, report_back, errors=errors, status=400)
    messages.success(
        request,
        "Report-back published. The insight it answers now counts as answered.",
    )
    return redirect(_detail_url(request, report_back))
