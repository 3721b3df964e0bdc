"""Community-lead preparation views (stage 2): role agreements, training and check-ins.

Staff record everything. A community lead opens only their own page and confirms only
their own side of their agreement. Governance sees the cycle's counts, nothing more.
"""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cycles.models import Cycle
from cycles.selectors.cycles import get_cycle_for_request
from t2a.forms import add_errors
from t2a.htmx import render_form
from t2a.models import Role, User
from t2a.tenancy import allowed_by

from .. import policies
from ..forms.preparation import (
    AgreementConfirmForm,
    CheckInForm,
    RoleAgreementForm,
    TrainingRecordForm,
    TrainingTopicForm,
)
from ..models import CheckIn, CheckInKind, RoleAgreement, TrainingRecord
from ..selectors.preparation import (
    community_leads_of,
    get_checkin_for_request,
    get_community_lead_for_request,
    get_role_agreement_for_request,
    get_training_record_for_request,
    lead_agreement,
    lead_checkins,
    preparation_counts,
    preparation_rows,
    role_agreement_of,
    training_attended,
    training_for_cycle,
)
from ..services import preparation as services

# The check-in rhythm suggested on a new check-in: about once a month.
DEFAULT_CHECKIN_INTERVAL = timedelta(days=28)


def _to_lead_page(request: HttpRequest, cycle: Cycle, lead_pk: int) -> HttpResponse:
    return redirect("stakeholders:lead_preparation", request.organisation.slug, cycle.pk, lead_pk)


# --- the cycle's overview and one lead's page ----------------------------------------------


@require_GET
@allowed_by(policies.can_view_preparation)
def preparation_overview(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    membership = request.membership
    today = timezone.localdate()
    leads = community_leads_of(cycle=cycle)
    if membership.role == Role.COMMUNITY_LEAD:
        leads = [lead for lead in leads if lead.pk == membership.user_id]
    rows = preparation_rows(cycle=cycle, leads=leads)
    can_manage = policies.can_manage_preparation(membership)
    context = {
        "cycle": cycle,
        "counts": preparation_counts(rows, today=today),
        # Governance gets the counts only: no names, no terms, no dates of check-ins.
        "rows": rows if policies.can_view_lead_preparation(membership) else None,
        "training": training_for_cycle(cycle=cycle) if can_manage else [],
        "can_manage": can_manage,
        "today": today,
    }
    return render(request, "stakeholders/preparation/preparation.html", context)


def _lead_page(
    request: HttpRequest, cycle: Cycle, lead: User, *, confirm_error: str = "", status: int = 200
) -> HttpResponse:
    membership = request.membership
    agreement = lead_agreement(membership=membership, cycle=cycle, lead=lead)
    checkins = lead_checkins(membership=membership, cycle=cycle, lead=lead)
    staff = policies.can_manage_preparation(membership)
    is_self = membership.user_id == lead.pk
    return render(
        request,
        "stakeholders/preparation/lead_preparation.html",
        {
            "cycle": cycle,
            "lead": lead,
            "agreement": agreement,
            "training": training_attended(community_lead_id=lead.pk, limit=50),
            "checkins": checkins,
            "can_manage": staff,
            "is_self": is_self,
            "confirm_as_organisation": staff
            and agreement is not None
            and agreement.lead_confirmed_at is None,
            "confirm_as_self": is_self
            and agreement is not None
            and agreement.community_lead_confirmed_at is None,
            "confirm_error": confirm_error,
            "today": timezone.localdate(),
        },
        status=status,
    )


@require_GET
@allowed_by(policies.can_view_lead_preparation)
def lead_preparation(request: HttpRequest, cycle_pk: int, community_lead_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    return _lead_page(
        request, cycle, get_community_lead_for_request(request, cycle, community_lead_pk)
    )


# --- role agreements ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_manage_preparation)
def agreement_edit(request: HttpRequest, cycle_pk: int, community_lead_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    lead = get_community_lead_for_request(request, cycle, community_lead_pk)
    agreement = role_agreement_of(cycle=cycle, lead=lead) or RoleAgreement(
        organisation=request.organisation, cycle=cycle, community_lead=lead
    )
    was_confirmed = agreement.pk is not None and (
        agreement.lead_confirmed_at is not None or agreement.community_lead_confirmed_at is not None
    )
    form = RoleAgreementForm(request.POST if request.method == "POST" else None, instance=agreement)
    if form.is_bound and form.is_valid():
        try:
            agreement, cleared = services.role_agreement_save(agreement=form.save(commit=False))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if cleared:
                messages.success(
                    request,
                    f"Role agreement saved. The terms changed, so both confirmations were "
                    f"cleared: the organisation and {lead} need to confirm it again.",
                )
            else:
                messages.success(
                    request,
                    "Role agreement saved."
                    if agreement.is_confirmed
                    else "Role agreement saved. Both sides now need to confirm it.",
                )
            return _to_lead_page(request, cycle, lead.pk)
    return render_form(
        request,
        "stakeholders/preparation/agreement_form.html",
        {"cycle": cycle, "lead": lead, "form": form, "was_confirmed": was_confirmed},
        form=form,
    )


@require_POST
@allowed_by(policies.can_confirm_agreements)
def agreement_confirm(request: HttpRequest, cycle_pk: int, agreement_pk: int) -> HttpResponse:
    # A community lead finds only their own agreement: anyone else's is a 404.
    agreement = get_role_agreement_for_request(request, cycle_pk, agreement_pk)
    cycle = agreement.cycle
    form = AgreementConfirmForm(request.POST)
    error = ""
    if not form.is_valid():
        error = (
            "Choose which side you are confirming for."
            if "side" in form.errors
            else "Read the agreement again, then confirm."
        )
    else:
        try:
            services.role_agreement_confirm(
                agreement=agreement,
                actor=request.user,
                side=form.cleaned_data["side"],
                version=form.cleaned_data["version"],
                is_staff=policies.can_manage_preparation(request.membership),
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
    if not error:
        messages.success(request, "Thank you. Your confirmation has been recorded.")
        return _to_lead_page(request, cycle, agreement.community_lead_id)
    return _lead_page(request, cycle, agreement.community_lead, confirm_error=error, status=400)


# --- training -----------------------------------------------------------------------------


def _training_form(request: HttpRequest, cycle: Cycle, training: TrainingRecord) -> HttpResponse:
    topics = services.training_topics_for(request.organisation)
    initial = {}
    if training.pk is None:
        initial["held_on"] = timezone.localdate()
        if request.GET.get("lead", "").isdigit():
            initial["attendees"] = [int(request.GET["lead"])]
    form = TrainingRecordForm(
        request.POST if request.method == "POST" else None,
        instance=training,
        cycle=cycle,
        topics=topics,
        initial=initial,
    )
    if form.is_bound and form.is_valid():
        try:
            services.training_record_save(
                training=form.save(commit=False),
                attendees=form.cleaned_data["attendees"],
                actor=request.user,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Training recorded.")
            return redirect("stakeholders:preparation", request.organisation.slug, cycle.pk)
    return render_form(
        request,
        "stakeholders/preparation/training_form.html",
        {"cycle": cycle, "form": form, "training": training},
        form=form,
    )


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_manage_preparation)
def training_create(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    return _training_form(
        request, cycle, TrainingRecord(organisation=request.organisation, cycle=cycle)
    )


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_manage_preparation)
def training_edit(request: HttpRequest, cycle_pk: int, training_pk: int) -> HttpResponse:
    training = get_training_record_for_request(request, cycle_pk, training_pk)
    return _training_form(request, training.cycle, training)


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_manage_preparation)
def training_topics(request: HttpRequest) -> HttpResponse:
    form = TrainingTopicForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            topic = services.training_topic_add(
                organisation=request.organisation, name=form.cleaned_data["name"]
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"“{topic.name}” added to the training topics.")
            return redirect("stakeholders:training_topics", request.organisation.slug)
    return render_form(
        request,
        "stakeholders/preparation/training_topics.html",
        {"form": form, "topics": services.training_topics_for(request.organisation)},
        form=form,
    )


# --- check-ins ----------------------------------------------------------------------------


def _checkin_form(
    request: HttpRequest, cycle: Cycle, checkin: CheckIn, initial: dict
) -> HttpResponse:
    form = CheckInForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_bound and form.is_valid():
        try:
            services.checkin_save(checkin=checkin, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Check-in saved.")
            return _to_lead_page(request, cycle, checkin.community_lead_id)
    return render_form(
        request,
        "stakeholders/preparation/checkin_form.html",
        {"cycle": cycle, "lead": checkin.community_lead, "form": form, "checkin": checkin},
        form=form,
    )


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_manage_preparation)
def checkin_create(request: HttpRequest, cycle_pk: int, community_lead_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    lead = get_community_lead_for_request(request, cycle, community_lead_pk)
    today = timezone.localdate()
    checkin = CheckIn(
        organisation=request.organisation, cycle=cycle, community_lead=lead, held_by=request.user
    )
    initial = {
        "kind": CheckInKind.WELLBEING,
        "held_on": today,
        "next_due_on": today + DEFAULT_CHECKIN_INTERVAL,
    }
    return _checkin_form(request, checkin.cycle, checkin, initial)


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_manage_preparation)
def checkin_edit(request: HttpRequest, cycle_pk: int, checkin_pk: int) -> HttpResponse:
    checkin = get_checkin_for_request(request, cycle_pk, checkin_pk)
    initial = {
        "kind": checkin.kind,
        "held_on": checkin.held_on,
        "notes": checkin.notes,
        "next_due_on": checkin.next_due_on,
    }
    return _checkin_form(request, checkin.cycle, checkin, initial)
