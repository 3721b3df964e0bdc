"""Community-lead preparation views (stage 2): role agreements, training and check-ins.

Staff record everything. A community lead opens only their own page and confirms only
their own side of their agreement. Governance sees the cycle's counts, nothing more.
"""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cycles.selectors import get_cycle_for_request
from t2a.models import Role, User
from t2a.tenancy import allowed_by
from t2a.views import add_errors

from . import policies, preparation, selectors
from .forms import (
    AgreementConfirmForm,
    CheckInForm,
    RoleAgreementForm,
    TrainingRecordForm,
    TrainingTopicForm,
)
from .models import CheckIn, RoleAgreement, TrainingRecord

# The check-in rhythm suggested on a new check-in: about once a month.
DEFAULT_CHECKIN_INTERVAL = timedelta(days=28)


def _posted(request: HttpRequest) -> tuple:
    return (request.POST,) if request.method == "POST" else ()


def _get_lead(request: HttpRequest, cycle, community_lead_pk: int) -> User:
    """A community lead of `cycle` whose preparation this member may see; 404 otherwise."""
    if not policies.can_see_lead_details(request.membership, community_lead_pk):
        raise Http404("Not your preparation record.")
    return get_object_or_404(cycle.community_leads.all(), pk=community_lead_pk)


def _to_lead_page(request: HttpRequest, cycle, lead_pk: int) -> HttpResponse:
    return redirect("stakeholders:lead_preparation", request.organisation.slug, cycle.pk, lead_pk)


# --- the cycle's overview and one lead's page ----------------------------------------------


@require_GET
@allowed_by(policies.can_view_preparation)
def preparation_overview(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    membership = request.membership
    today = timezone.localdate()
    leads = selectors.community_leads_of(cycle=cycle)
    if membership.role == Role.COMMUNITY_LEAD:
        leads = [lead for lead in leads if lead.pk == membership.user_id]
    rows = selectors.preparation_rows(cycle=cycle, leads=leads)
    can_manage = policies.can_manage_preparation(membership)
    context = {
        "cycle": cycle,
        "counts": selectors.preparation_counts(rows, today=today),
        # Governance gets the counts only: no names, no terms, no dates of check-ins.
        "rows": rows if policies.can_view_lead_preparation(membership) else None,
        "training": selectors.training_for_cycle(cycle=cycle) if can_manage else [],
        "can_manage": can_manage,
        "today": today,
    }
    return render(request, "stakeholders/preparation.html", context)


def _lead_page(
    request: HttpRequest, cycle, lead: User, *, confirm_error: str = "", status: int = 200
) -> HttpResponse:
    membership = request.membership
    agreement = (
        selectors.agreements_visible_to(membership)
        .filter(cycle=cycle, community_lead=lead)
        .select_related("lead_confirmed_by")
        .first()
    )
    checkins = list(
        selectors.checkins_visible_to(membership)
        .filter(cycle=cycle, community_lead=lead)
        .select_related("held_by")
        .order_by("-held_on", "-pk")[:100]
    )
    staff = policies.can_manage_preparation(membership)
    is_self = membership.user_id == lead.pk
    return render(
        request,
        "stakeholders/lead_preparation.html",
        {
            "cycle": cycle,
            "lead": lead,
            "agreement": agreement,
            "training": selectors.training_attended(community_lead_id=lead.pk, limit=50),
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
    return _lead_page(request, cycle, _get_lead(request, cycle, community_lead_pk))


# --- role agreements ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_manage_preparation)
def agreement_edit(request: HttpRequest, cycle_pk: int, community_lead_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    lead = _get_lead(request, cycle, community_lead_pk)
    agreement = RoleAgreement.objects.filter(
        cycle=cycle, community_lead=lead
    ).first() or RoleAgreement(organisation=request.organisation, cycle=cycle, community_lead=lead)
    was_confirmed = agreement.pk is not None and (
        agreement.lead_confirmed_at is not None or agreement.community_lead_confirmed_at is not None
    )
    form = RoleAgreementForm(*_posted(request), instance=agreement)
    if request.method == "POST" and form.is_valid():
        try:
            agreement, cleared = preparation.role_agreement_save(agreement=form.save(commit=False))
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
    return render(
        request,
        "stakeholders/agreement_form.html",
        {"cycle": cycle, "lead": lead, "form": form, "was_confirmed": was_confirmed},
        status=400 if form.errors else 200,
    )


@require_POST
@allowed_by(policies.can_confirm_agreements)
def agreement_confirm(request: HttpRequest, cycle_pk: int, agreement_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    # A community lead finds only their own agreement: anyone else's is a 404.
    agreement = get_object_or_404(
        selectors.agreements_visible_to(request.membership).select_related("community_lead"),
        pk=agreement_pk,
        cycle=cycle,
    )
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
            preparation.role_agreement_confirm(
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


def _training_form(request: HttpRequest, cycle, training: TrainingRecord) -> HttpResponse:
    topics = preparation.training_topics_for(request.organisation)
    initial = {}
    if training.pk is None:
        initial["held_on"] = timezone.localdate()
        if request.GET.get("lead", "").isdigit():
            initial["attendees"] = [int(request.GET["lead"])]
    form = TrainingRecordForm(
        *_posted(request), instance=training, cycle=cycle, topics=topics, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            preparation.training_record_save(
                training=form.save(commit=False),
                attendees=form.cleaned_data["attendees"],
                actor=request.user,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Training recorded.")
            return redirect("stakeholders:preparation", request.organisation.slug, cycle.pk)
    return render(
        request,
        "stakeholders/training_form.html",
        {"cycle": cycle, "form": form, "training": training},
        status=400 if form.errors else 200,
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
    cycle = get_cycle_for_request(request, cycle_pk)
    training = get_object_or_404(
        TrainingRecord.objects.select_related("topic"), pk=training_pk, cycle=cycle
    )
    return _training_form(request, cycle, training)


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_manage_preparation)
def training_topics(request: HttpRequest) -> HttpResponse:
    form = TrainingTopicForm(*_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            topic = preparation.training_topic_add(
                organisation=request.organisation, name=form.cleaned_data["name"]
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"“{topic.name}” added to the training topics.")
            return redirect("stakeholders:training_topics", request.organisation.slug)
    return render(
        request,
        "stakeholders/training_topics.html",
        {"form": form, "topics": preparation.training_topics_for(request.organisation)},
        status=400 if form.errors else 200,
    )


# --- check-ins ----------------------------------------------------------------------------


def _checkin_form(request: HttpRequest, cycle, checkin: CheckIn, initial: dict) -> HttpResponse:
    form = CheckInForm(*_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            preparation.checkin_save(checkin=checkin, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Check-in saved.")
            return _to_lead_page(request, cycle, checkin.community_lead_id)
    return render(
        request,
        "stakeholders/checkin_form.html",
        {"cycle": cycle, "lead": checkin.community_lead, "form": form, "checkin": checkin},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_manage_preparation)
def checkin_create(request: HttpRequest, cycle_pk: int, community_lead_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    lead = _get_lead(request, cycle, community_lead_pk)
    today = timezone.localdate()
    checkin = CheckIn(
        organisation=request.organisation, cycle=cycle, community_lead=lead, held_by=request.user
    )
    initial = {
        "kind": "wellbeing",
        "held_on": today,
        "next_due_on": today + DEFAULT_CHECKIN_INTERVAL,
    }
    return _checkin_form(request, cycle, checkin, initial)


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_manage_preparation)
def checkin_edit(request: HttpRequest, cycle_pk: int, checkin_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    checkin = get_object_or_404(
        selectors.checkins_visible_to(request.membership).select_related("community_lead"),
        pk=checkin_pk,
        cycle=cycle,
    )
    initial = {
        "kind": checkin.kind,
        "held_on": checkin.held_on,
        "notes": checkin.notes,
        "next_due_on": checkin.next_due_on,
    }
    return _checkin_form(request, cycle, checkin, initial)
