"""A cycle's steering group: its members, its meetings and the decisions they record."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cycles.models import Cycle
from cycles.selectors.cycles import get_cycle_for_request
from t2a.forms import add_errors
from t2a.htmx import render_form
from t2a.tenancy import allowed_by

from .. import policies
from ..forms.steering import SteeringDecisionForm, SteeringMeetingForm, SteeringMemberForm
from ..models import SteeringMeeting
from ..selectors.steering import (
    get_steering_meeting_for_request,
    get_steering_member_for_request,
    meeting_attendees,
    meeting_decisions,
    steering_decisions,
    steering_group_is_formed,
    steering_meetings,
    steering_members,
)
from ..services import steering as services


def _to_group(request: HttpRequest, cycle: Cycle) -> HttpResponse:
    return redirect("stakeholders:steering_group", request.organisation.slug, cycle.pk)


def _to_meeting(request: HttpRequest, meeting: SteeringMeeting) -> HttpResponse:
    return redirect(
        "stakeholders:steering_meeting", request.organisation.slug, meeting.cycle_id, meeting.pk
    )


def _group_page(
    request: HttpRequest, cycle: Cycle, *, member_form: SteeringMemberForm | None = None
) -> HttpResponse:
    members = steering_members(cycle=cycle)
    can_manage = policies.can_manage_steering_group(request.membership)
    context = {
        "cycle": cycle,
        "members": members,
        "formed": steering_group_is_formed({m.sector for m in members}),
        "sectors_present": sorted({m.get_sector_display() for m in members}),
        "meetings": steering_meetings(cycle=cycle),
        "decisions": list(steering_decisions(cycle=cycle, limit=20)),
        "can_manage": can_manage,
    }
    if can_manage:
        context["member_form"] = member_form or SteeringMemberForm(cycle=cycle)
    return render_form(
        request, "stakeholders/steering/steering_group.html", context, form=member_form
    )


@require_GET
@allowed_by(policies.can_view_steering_group)
def steering_group(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    return _group_page(request, get_cycle_for_request(request, cycle_pk))


@require_POST
@allowed_by(policies.can_manage_steering_group)
def steering_member_add(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    form = SteeringMemberForm(request.POST, cycle=cycle)
    if form.is_valid():
        try:
            member = services.steering_member_add(
                cycle=cycle,
                stakeholder=form.cleaned_data["stakeholder"],
                user=form.cleaned_data["user"],
                sector=form.cleaned_data["sector"],
                role=form.cleaned_data["role"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"{member.name} has joined the steering group.")
            return _to_group(request, cycle)
    return _group_page(request, cycle, member_form=form)


@require_POST
@allowed_by(policies.can_manage_steering_group)
def steering_member_remove(
    request: HttpRequest, cycle_pk: int, steering_member_pk: int
) -> HttpResponse:
    member = get_steering_member_for_request(request, cycle_pk, steering_member_pk)
    services.steering_member_remove(member=member)
    messages.success(request, f"{member.name} has left the steering group.")
    return _to_group(request, member.cycle)


def _meeting_initial(meeting: SteeringMeeting) -> dict:
    """What the meeting's form shows of what is recorded."""
    return {
        "held_on": meeting.held_on,
        "starts_at": meeting.starts_at,
        "agenda": meeting.agenda,
        "minutes": meeting.minutes,
        "attendees": meeting.attendees.all(),
    }


def _meeting_page(
    request: HttpRequest,
    cycle: Cycle,
    form: SteeringMeetingForm | None,
    meeting: SteeringMeeting | None = None,
    decision_form: SteeringDecisionForm | None = None,
) -> HttpResponse:
    return render_form(
        request,
        "stakeholders/steering/steering_meeting.html",
        {
            "cycle": cycle,
            "meeting": meeting,
            "form": form,
            "decisions": meeting_decisions(meeting=meeting) if meeting else [],
            "decision_form": decision_form or SteeringDecisionForm(),
            "can_manage": policies.can_manage_steering_group(request.membership),
            "attendees": meeting_attendees(meeting=meeting) if meeting else [],
        },
        form=form,
        forms=[decision_form] if decision_form else [],
    )


def _save_meeting(
    cycle: Cycle, form: SteeringMeetingForm, meeting: SteeringMeeting | None = None
) -> SteeringMeeting | None:
    try:
        return services.steering_meeting_save(
            cycle=cycle,
            meeting=meeting,
            held_on=form.cleaned_data["held_on"],
            starts_at=form.cleaned_data["starts_at"],
            agenda=form.cleaned_data["agenda"],
            minutes=form.cleaned_data["minutes"],
            attendees=form.cleaned_data["attendees"],
        )
    except ValidationError as exc:
        add_errors(form, exc)
        return None


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_manage_steering_group)
def steering_meeting_create(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    form = SteeringMeetingForm(request.POST if request.method == "POST" else None, cycle=cycle)
    if form.is_bound and form.is_valid():
        meeting = _save_meeting(cycle, form)
        if meeting is not None:
            messages.success(request, "Meeting saved. Record its decisions below.")
            return _to_meeting(request, meeting)
    return _meeting_page(request, cycle, form)


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_view_steering_group)
def steering_meeting(request: HttpRequest, cycle_pk: int, steering_meeting_pk: int) -> HttpResponse:
    meeting = get_steering_meeting_for_request(request, cycle_pk, steering_meeting_pk)
    can_manage = policies.can_manage_steering_group(request.membership)
    if request.method == "POST" and not can_manage:
        raise PermissionDenied
    form = (
        SteeringMeetingForm(
            request.POST if request.method == "POST" else None,
            cycle=meeting.cycle,
            initial=_meeting_initial(meeting),
        )
        if can_manage
        else None
    )
    if (
        form is not None
        and form.is_bound
        and form.is_valid()
        and _save_meeting(meeting.cycle, form, meeting) is not None
    ):
        messages.success(request, "Meeting saved.")
        return _to_meeting(request, meeting)
    return _meeting_page(request, meeting.cycle, form, meeting)


@require_POST
@allowed_by(policies.can_manage_steering_group)
def steering_decision_add(
    request: HttpRequest, cycle_pk: int, steering_meeting_pk: int
) -> HttpResponse:
    meeting = get_steering_meeting_for_request(request, cycle_pk, steering_meeting_pk)
    decision_form = SteeringDecisionForm(request.POST)
    if decision_form.is_valid():
        services.steering_decision_record(meeting=meeting, text=decision_form.cleaned_data["text"])
        messages.success(request, "Decision recorded. It is listed on the cycle page.")
        return _to_meeting(request, meeting)
    form = SteeringMeetingForm(cycle=meeting.cycle, initial=_meeting_initial(meeting))
    return _meeting_page(request, meeting.cycle, form, meeting, decision_form)
