"""A cycle's steering group: its members, its meetings and the decisions they record.

Who may read a meeting's record or a decision is decided by `steering_access` in
selectors/steering.py; these views only ask it.
"""

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
from ..forms.steering import (
    ConfidentialityForm,
    SteeringDecisionForm,
    SteeringMeetingForm,
    SteeringMemberForm,
)
from ..models import Confidentiality, SteeringDecision, SteeringMeeting
from ..selectors.steering import (
    MEMBERS_ONLY_NOTE,
    SteeringAccess,
    get_steering_decision_for_request,
    get_steering_meeting_for_request,
    get_steering_member_for_request,
    meeting_attendees,
    meeting_decisions,
    steering_access,
    steering_decisions,
    steering_group_is_formed,
    steering_meetings,
    steering_members,
)
from ..services import steering as services

# Decisions listed on the steering group's page.
DECISIONS_SHOWN = 20


def _to_group(request: HttpRequest, cycle: Cycle) -> HttpResponse:
    return redirect("stakeholders:steering_group", request.organisation.slug, cycle.pk)


def _to_meeting(request: HttpRequest, meeting: SteeringMeeting) -> HttpResponse:
    return redirect(
        "stakeholders:steering_meeting", request.organisation.slug, meeting.cycle_id, meeting.pk
    )


def _access(request: HttpRequest, cycle: Cycle) -> SteeringAccess:
    return steering_access(membership=request.membership, cycle=cycle)


def _group_page(
    request: HttpRequest, cycle: Cycle, *, member_form: SteeringMemberForm | None = None
) -> HttpResponse:
    access = _access(request, cycle)
    members = steering_members(cycle=cycle)
    can_manage = policies.can_manage_steering_group(request.membership)
    context = {
        "cycle": cycle,
        "members": members,
        "formed": steering_group_is_formed({m.sector for m in members}),
        "sectors_present": sorted({m.get_sector_display() for m in members}),
        "meetings": steering_meetings(cycle=cycle),
        "decisions": steering_decisions(cycle=cycle, access=access, limit=DECISIONS_SHOWN),
        "can_manage": can_manage,
        "access": access,
        "members_only_note": MEMBERS_ONLY_NOTE,
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
                is_chair=form.cleaned_data["is_chair"],
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


@require_POST
@allowed_by(policies.can_manage_steering_group)
def steering_chair_set(
    request: HttpRequest, cycle_pk: int, steering_member_pk: int
) -> HttpResponse:
    member = get_steering_member_for_request(request, cycle_pk, steering_member_pk)
    services.steering_chair_set(member=member)
    messages.success(request, f"{member.name} now chairs the steering group.")
    return _to_group(request, member.cycle)


def _meeting_initial(meeting: SteeringMeeting) -> dict:
    """What the meeting's form shows of what is recorded."""
    return {
        "held_on": meeting.held_on,
        "starts_at": meeting.starts_at,
        "agenda": meeting.agenda,
        "minutes": meeting.minutes,
        "attendees": meeting.attendees.all(),
        "confidentiality": meeting.confidentiality,
    }


def _meeting_form(
    request: HttpRequest, cycle: Cycle, access: SteeringAccess, meeting=None
) -> SteeringMeetingForm:
    return SteeringMeetingForm(
        request.POST if request.method == "POST" else None,
        cycle=cycle,
        may_set_level=access.may_set_levels,
        initial=_meeting_initial(meeting) if meeting else None,
    )


def _decision_form(access: SteeringAccess, data=None) -> SteeringDecisionForm:
    # Its own ids: the meeting's form on the same page has fields of the same names.
    return SteeringDecisionForm(data, may_set_level=access.may_set_levels, auto_id="decision-%s")


def _meeting_page(
    request: HttpRequest,
    cycle: Cycle,
    access: SteeringAccess,
    form: SteeringMeetingForm | None,
    meeting: SteeringMeeting | None = None,
    *,
    decision_form: SteeringDecisionForm | None = None,
    level_form: ConfidentialityForm | None = None,
) -> HttpResponse:
    readable = meeting is not None and access.may_read(meeting)
    decisions = meeting_decisions(meeting=meeting, access=access) if meeting else None
    context = {
        "cycle": cycle,
        "meeting": meeting,
        "readable": readable,
        "members_only_note": MEMBERS_ONLY_NOTE,
        "form": form,
        "decisions": decisions,
        "decision_form": decision_form or _decision_form(access),
        "access": access,
        "attendees": meeting_attendees(meeting=meeting, access=access) if meeting else [],
    }
    if meeting is not None and access.may_set_levels:
        context["level_form"] = level_form or ConfidentialityForm(
            initial={"confidentiality": meeting.confidentiality}, auto_id="level-%s"
        )
        context["level_choices"] = Confidentiality.choices
    return render_form(
        request,
        "stakeholders/steering/steering_meeting.html",
        context,
        form=form,
        forms=[f for f in (decision_form, level_form) if f is not None],
    )


def _save_meeting(
    cycle: Cycle,
    access: SteeringAccess,
    form: SteeringMeetingForm,
    meeting: SteeringMeeting | None = None,
) -> SteeringMeeting | None:
    try:
        return services.steering_meeting_save(
            cycle=cycle,
            meeting=meeting,
            access=access,
            held_on=form.cleaned_data["held_on"],
            starts_at=form.cleaned_data["starts_at"],
            agenda=form.cleaned_data["agenda"],
            minutes=form.cleaned_data["minutes"],
            attendees=form.cleaned_data["attendees"],
            confidentiality=form.cleaned_data.get("confidentiality"),
        )
    except ValidationError as exc:
        add_errors(form, exc)
        return None


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_manage_steering_group)
def steering_meeting_create(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    access = _access(request, cycle)
    if not access.may_record:
        raise PermissionDenied
    form = _meeting_form(request, cycle, access)
    if form.is_bound and form.is_valid():
        meeting = _save_meeting(cycle, access, form)
        if meeting is not None:
            messages.success(request, "Meeting saved. Record its decisions below.")
            return _to_meeting(request, meeting)
    return _meeting_page(request, cycle, access, form)


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_view_steering_group)
def steering_meeting(request: HttpRequest, cycle_pk: int, steering_meeting_pk: int) -> HttpResponse:
    meeting = get_steering_meeting_for_request(request, cycle_pk, steering_meeting_pk)
    access = _access(request, meeting.cycle)
    may_edit = access.may_record and access.may_read(meeting)
    if request.method == "POST" and not may_edit:
        raise PermissionDenied
    form = _meeting_form(request, meeting.cycle, access, meeting) if may_edit else None
    if (
        form is not None
        and form.is_bound
        and form.is_valid()
        and _save_meeting(meeting.cycle, access, form, meeting) is not None
    ):
        messages.success(request, "Meeting saved.")
        return _to_meeting(request, meeting)
    return _meeting_page(request, meeting.cycle, access, form, meeting)


@require_POST
@allowed_by(policies.can_manage_steering_group)
def steering_decision_add(
    request: HttpRequest, cycle_pk: int, steering_meeting_pk: int
) -> HttpResponse:
    meeting = get_steering_meeting_for_request(request, cycle_pk, steering_meeting_pk)
    access = _access(request, meeting.cycle)
    if not access.may_record:
        raise PermissionDenied
    decision_form = _decision_form(access, request.POST)
    if decision_form.is_valid():
        decision = services.steering_decision_record(
            meeting=meeting,
            access=access,
            text=decision_form.cleaned_data["text"],
            confidentiality=decision_form.cleaned_data.get("confidentiality"),
        )
        where = (
            "It is listed on the cycle page for the steering group's members only."
            if decision.confidentiality == Confidentiality.MEMBERS
            else "It is listed on the cycle page."
        )
        messages.success(request, f"Decision recorded. {where}")
        return _to_meeting(request, meeting)
    form = (
        SteeringMeetingForm(
            cycle=meeting.cycle,
            may_set_level=access.may_set_levels,
            initial=_meeting_initial(meeting),
        )
        if access.may_read(meeting)
        else None
    )
    return _meeting_page(request, meeting.cycle, access, form, meeting, decision_form=decision_form)


def _set_level(
    request: HttpRequest,
    access: SteeringAccess,
    meeting: SteeringMeeting,
    record: SteeringMeeting | SteeringDecision,
) -> HttpResponse:
    if not access.may_set_levels:
        raise PermissionDenied
    level_form = ConfidentialityForm(request.POST, auto_id="level-%s")
    if level_form.is_valid():
        level = level_form.cleaned_data["confidentiality"]
        services.steering_confidentiality_set(record=record, level=level, access=access)
        what = "the meeting's record" if record is meeting else "the decision"
        messages.success(
            request, f"Saved: {what} is now for “{Confidentiality(level).label.lower()}”."
        )
        return _to_meeting(request, meeting)
    form = (
        SteeringMeetingForm(
            cycle=meeting.cycle,
            may_set_level=access.may_set_levels,
            initial=_meeting_initial(meeting),
        )
        if access.may_record and access.may_read(meeting)
        else None
    )
    return _meeting_page(request, meeting.cycle, access, form, meeting, level_form=level_form)


@require_POST
@allowed_by(policies.can_view_steering_group)
def steering_meeting_confidentiality(
    request: HttpRequest, cycle_pk: int, steering_meeting_pk: int
) -> HttpResponse:
    """The cycle's engagement lead or the group's chair sets who may read the record."""
    meeting = get_steering_meeting_for_request(request, cycle_pk, steering_meeting_pk)
    return _set_level(request, _access(request, meeting.cycle), meeting, meeting)


@require_POST
@allowed_by(policies.can_view_steering_group)
def steering_decision_confidentiality(
    request: HttpRequest, cycle_pk: int, steering_meeting_pk: int, steering_decision_pk: int
) -> HttpResponse:
    """The cycle's engagement lead or the group's chair sets who may read a decision."""
    decision = get_steering_decision_for_request(
        request, cycle_pk, steering_meeting_pk, steering_decision_pk
    )
    meeting = decision.meeting
    return _set_level(request, _access(request, meeting.cycle), meeting, decision)
