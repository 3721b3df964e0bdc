"""Stakeholder views: the register, maps, steering groups, conversations and shared assets."""

from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cycles.selectors import cycles_visible_to, get_cycle_for_request
from t2a.models import Membership
from t2a.tenancy import allowed_by
from t2a.views import add_errors

from . import csvfile, policies, selectors, services
from .forms import (
    AssetUseForm,
    CommitmentBrokenForm,
    CommitmentForm,
    CommitmentKeptForm,
    ConversationForm,
    CsvConfirmForm,
    CsvImportForm,
    CycleLinkForm,
    SharedAssetForm,
    StakeholderFilterForm,
    StakeholderForm,
    SteeringDecisionForm,
    SteeringMeetingForm,
    SteeringMemberForm,
)
from .grid import power_interest_grid
from .models import (
    Commitment,
    Conversation,
    SharedAsset,
    Stakeholder,
    StakeholderCycle,
    SteeringGroupMember,
    SteeringMeeting,
)

PAGE_SIZE = 50
LIST_FIELDS = (
    "pk",
    "name",
    "kind",
    "sector",
    "trusted_leader",
    "trusted_voice",
    "trusted_place",
    "influence",
    "interest",
    "relationship_strength",
    "erased_at",
)


def _cycles(membership: Membership):
    return list(cycles_visible_to(membership).only("pk", "title").order_by("title", "pk"))


def _posted(request: HttpRequest, *, files: bool = False) -> tuple:
    """Form arguments: bound on POST (even an empty one), unbound on GET."""
    if request.method != "POST":
        return ()
    return (request.POST, request.FILES) if files else (request.POST,)


def _slug(request: HttpRequest) -> str:
    return request.organisation.slug


# --- the register -------------------------------------------------------------------------


@require_GET
@allowed_by(policies.can_view_register)
def stakeholder_list(request: HttpRequest) -> HttpResponse:
    cycles = _cycles(request.membership)
    form = StakeholderFilterForm(request.GET or None, cycles=cycles)
    stakeholders = selectors.stakeholders_visible_to(request.membership)
    if form.is_bound and form.is_valid():
        f = form.cleaned_data
        stakeholders = selectors.stakeholder_search(
            stakeholders,
            query=f["q"].strip(),
            sector=f["sector"],
            tag=f["tag"],
            cycle_pk=f["cycle"],
            influence=f["influence"],
            interest=f["interest"],
        )
    elif form.is_bound:
        stakeholders = stakeholders.none()
    page = Paginator(stakeholders.only(*LIST_FIELDS), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "stakeholders": page.object_list}
    template = "stakeholders/stakeholder_list.html"
    return render(request, f"{template}#results" if request.htmx else template, context)


def _stakeholder_form_page(request: HttpRequest, form: StakeholderForm, stakeholder=None):
    status = 400 if form.errors else 200
    return render(
        request,
        "stakeholders/stakeholder_form.html",
        {"form": form, "stakeholder": stakeholder},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_edit_stakeholders)
def stakeholder_create(request: HttpRequest) -> HttpResponse:
    initial = {}
    tag = request.GET.get("tag")
    if tag:
        initial["trusted_tags"] = [tag]
    form = StakeholderForm(
        *_posted(request),
        instance=Stakeholder(organisation=request.organisation),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            stakeholder = services.stakeholder_save(stakeholder=form.build(), actor=request.user)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"{stakeholder.name} has been added to the register.")
            return redirect("stakeholders:stakeholder_detail", _slug(request), stakeholder.pk)
    return _stakeholder_form_page(request, form)


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_edit_stakeholders)
def stakeholder_edit(request: HttpRequest, stakeholder_pk: int) -> HttpResponse:
    stakeholder = selectors.get_stakeholder_for_request(request, stakeholder_pk)
    if stakeholder.is_erased:
        messages.error(request, services.ERASED_READ_ONLY)
        return redirect("stakeholders:stakeholder_detail", _slug(request), stakeholder.pk)
    form = StakeholderForm(*_posted(request), instance=stakeholder)
    if request.method == "POST" and form.is_valid():
        try:
            services.stakeholder_save(stakeholder=form.build(), actor=request.user)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"Changes to {stakeholder.name} saved.")
            return redirect("stakeholders:stakeholder_detail", _slug(request), stakeholder.pk)
    return _stakeholder_form_page(request, form, stakeholder)


def _detail_context(request: HttpRequest, stakeholder: Stakeholder, **extra) -> dict:
    membership = request.membership
    visible_cycles = cycles_visible_to(membership)
    links = list(
        StakeholderCycle.objects.filter(stakeholder=stakeholder, cycle__in=visible_cycles)
        .select_related("cycle")
        .order_by("cycle__title")
    )
    staff = policies.can_edit_stakeholders(membership)
    context = {
        "stakeholder": stakeholder,
        "links": links,
        "show_contact": policies.can_see_contact_details(membership, stakeholder),
        "can_edit": staff and not stakeholder.is_erased,
        "can_handle_privacy": policies.can_handle_privacy_requests(membership),
        "timeline": selectors.relationship_timeline(stakeholder=stakeholder) if staff else [],
        "today": timezone.localdate(),
    }
    if staff:
        linked = {link.cycle_id for link in links}
        context["link_form"] = extra.pop("link_form", None) or CycleLinkForm(
            cycles=[c for c in _cycles(membership) if c.pk not in linked]
        )
    context.update(extra)
    return context


@require_GET
@allowed_by(policies.can_view_register)
def stakeholder_detail(request: HttpRequest, stakeholder_pk: int) -> HttpResponse:
    stakeholder = selectors.get_stakeholder_for_request(request, stakeholder_pk)
    return render(
        request, "stakeholders/stakeholder_detail.html", _detail_context(request, stakeholder)
    )


@require_POST
@allowed_by(policies.can_edit_stakeholders)
def stakeholder_link_cycle(request: HttpRequest, stakeholder_pk: int) -> HttpResponse:
    stakeholder = selectors.get_stakeholder_for_request(request, stakeholder_pk)
    form = CycleLinkForm(request.POST, cycles=_cycles(request.membership))
    if form.is_valid():
        cycle = get_cycle_for_request(request, form.cleaned_data["cycle"])
        services.stakeholder_link_cycle(
            stakeholder=stakeholder, cycle=cycle, role=form.cleaned_data["role"]
        )
        messages.success(request, f"{stakeholder.name} is now on the map for {cycle.title}.")
        return redirect("stakeholders:stakeholder_detail", _slug(request), stakeholder.pk)
    return render(
        request,
        "stakeholders/stakeholder_detail.html",
        _detail_context(request, stakeholder, link_form=form),
        status=400,
    )


@require_POST
@allowed_by(policies.can_edit_stakeholders)
def stakeholder_unlink_cycle(request: HttpRequest, stakeholder_pk: int, cycle_pk: int):
    stakeholder = selectors.get_stakeholder_for_request(request, stakeholder_pk)
    cycle = get_cycle_for_request(request, cycle_pk)
    services.stakeholder_unlink_cycle(stakeholder=stakeholder, cycle=cycle)
    messages.success(request, f"{stakeholder.name} has been taken off {cycle.title}.")
    return redirect("stakeholders:stakeholder_detail", _slug(request), stakeholder.pk)


# --- CSV import and export ----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_import_export)
def stakeholder_import(request: HttpRequest) -> HttpResponse:
    form = CsvImportForm(*_posted(request, files=True))
    if request.method == "POST" and form.is_valid():
        preview = csvfile.read_import(form.cleaned_data["file"], actor=request.user)
        return _preview(request, preview, form.cleaned_data["file"])
    return render(
        request,
        "stakeholders/import.html",
        {"form": form, "columns": csvfile.COLUMNS},
        status=400 if form.errors else 200,
    )


def _preview(request: HttpRequest, preview: csvfile.ImportPreview, content: str) -> HttpResponse:
    confirm = CsvConfirmForm(initial={"content": content}) if preview.is_valid else None
    return render(
        request,
        "stakeholders/import_preview.html",
        {"preview": preview, "confirm": confirm},
        status=200 if preview.is_valid else 400,
    )


@require_POST
@allowed_by(policies.can_import_export)
def stakeholder_import_confirm(request: HttpRequest) -> HttpResponse:
    form = CsvConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The import could not be confirmed. Upload the file again.")
        return redirect("stakeholders:stakeholder_import", _slug(request))
    content = form.cleaned_data["content"]
    # Read the rows again: what is saved is only what passed validation just now.
    preview = csvfile.read_import(content, actor=request.user)
    if not preview.is_valid:
        return _preview(request, preview, content)
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
    return redirect("stakeholders:stakeholder_list", _slug(request))


@require_GET
@allowed_by(policies.can_import_export)
def stakeholder_export(request: HttpRequest) -> StreamingHttpResponse:
    stakeholders = Stakeholder.objects.none()
    if request.GET.get("template") != "1":
        cycles = _cycles(request.membership)
        form = StakeholderFilterForm(request.GET or None, cycles=cycles)
        stakeholders = selectors.stakeholders_visible_to(request.membership).order_by("name", "pk")
        if form.is_bound and form.is_valid():
            f = form.cleaned_data
            stakeholders = selectors.stakeholder_search(
                stakeholders,
                query=f["q"].strip(),
                sector=f["sector"],
                tag=f["tag"],
                cycle_pk=f["cycle"],
                influence=f["influence"],
                interest=f["interest"],
            )
    response = StreamingHttpResponse(
        csvfile.export_lines(stakeholders.iterator(chunk_size=500)),
        content_type="text/csv; charset=utf-8",
    )
    name = "stakeholders-template" if request.GET.get("template") == "1" else "stakeholders"
    response["Content-Disposition"] = (
        f'attachment; filename="{request.organisation.slug}-{name}.csv"'
    )
    response["Cache-Control"] = "no-store"
    return response


# --- summary: counts and trust indicators -------------------------------------------------


def _last_twelve_months() -> tuple[date, date]:
    today = timezone.localdate()
    return selectors.first_of_month(today, months_back=11), today


@require_GET
@allowed_by(policies.can_view_summary)
def stakeholder_summary(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation
    start, end = _last_twelve_months()
    context = {
        "counts": selectors.register_counts(organisation=organisation),
        "per_month": selectors.meaningful_conversations_per_month(
            organisation=organisation, start=start, end=end
        ),
        "kept": selectors.commitment_kept_rate(organisation=organisation, start=start, end=None),
        "by_staff": selectors.trust_by_staff(organisation=organisation, start=start, end=end),
        "start": start,
        "end": end,
    }
    return render(request, "stakeholders/summary.html", context)


# --- maps ---------------------------------------------------------------------------------


def _map_context(request: HttpRequest, cycle) -> dict:
    cycle_map = selectors.cycle_map(cycle=cycle)
    return {
        "cycle": cycle,
        "map": cycle_map,
        "can_open": policies.can_view_register(request.membership),
    }


@require_GET
@allowed_by(policies.can_view_maps)
def cycle_grid(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    context = _map_context(request, cycle)
    list_url = reverse("stakeholders:stakeholder_list", args=[_slug(request)])
    context["grid"] = power_interest_grid(
        context["map"].stakeholders,
        detail_url=(
            reverse("stakeholders:stakeholder_detail", args=[_slug(request), 0]).replace(
                "/0/", "/{pk}/"
            )
            if context["can_open"]
            else None
        ),
        more_url=f"{list_url}?cycle={cycle.pk}&influence={{influence}}&interest={{interest}}"
        if context["can_open"]
        else None,
    )
    return render(request, "stakeholders/cycle_grid.html", context)


@require_GET
@allowed_by(policies.can_view_maps)
def cycle_trusted(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    context = _map_context(request, cycle)
    rows = context["map"].stakeholders
    context["columns"] = [
        ("Trusted Leaders", "leader", [r for r in rows if r["trusted_leader"]]),
        ("Trusted Voices", "voice", [r for r in rows if r["trusted_voice"]]),
        ("Trusted Places", "place", [r for r in rows if r["trusted_place"]]),
    ]
    return render(request, "stakeholders/cycle_trusted.html", context)


# --- steering groups ----------------------------------------------------------------------


def _steering_context(request: HttpRequest, cycle, **forms) -> dict:
    members = selectors.steering_members(cycle=cycle)
    meetings = list(
        SteeringMeeting.objects.filter(cycle=cycle)
        .annotate(decision_count=Count("decisions", distinct=True))
        .order_by("-held_on", "-pk")
    )
    can_manage = policies.can_manage_steering_group(request.membership)
    context = {
        "cycle": cycle,
        "members": members,
        "formed": selectors.steering_group_is_formed({m.sector for m in members}),
        "sectors_present": sorted({m.get_sector_display() for m in members}),
        "meetings": meetings,
        "decisions": list(selectors.steering_decisions(cycle=cycle, limit=20)),
        "can_manage": can_manage,
    }
    if can_manage:
        context["member_form"] = forms.get("member_form") or SteeringMemberForm(cycle=cycle)
    return context


@require_GET
@allowed_by(policies.can_view_steering_group)
def steering_group(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    return render(request, "stakeholders/steering_group.html", _steering_context(request, cycle))


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
            return redirect("stakeholders:steering_group", _slug(request), cycle.pk)
    return render(
        request,
        "stakeholders/steering_group.html",
        _steering_context(request, cycle, member_form=form),
        status=400,
    )


@require_POST
@allowed_by(policies.can_manage_steering_group)
def steering_member_remove(request: HttpRequest, cycle_pk: int, steering_member_pk: int):
    cycle = get_cycle_for_request(request, cycle_pk)
    member = get_object_or_404(
        SteeringGroupMember.objects.select_related("stakeholder", "user"),
        pk=steering_member_pk,
        cycle=cycle,
    )
    services.steering_member_remove(member=member)
    messages.success(request, f"{member.name} has left the steering group.")
    return redirect("stakeholders:steering_group", _slug(request), cycle.pk)


def _meeting_page(request, cycle, form, meeting=None, decision_form=None, status=200):
    decisions = list(meeting.decisions.order_by("pk")) if meeting else []
    return render(
        request,
        "stakeholders/steering_meeting.html",
        {
            "cycle": cycle,
            "meeting": meeting,
            "form": form,
            "decisions": decisions,
            "decision_form": decision_form or SteeringDecisionForm(),
            "can_manage": policies.can_manage_steering_group(request.membership),
            "attendees": list(meeting.attendees.select_related("stakeholder", "user"))
            if meeting
            else [],
        },
        status=status,
    )


def _save_meeting(request, cycle, form, meeting=None):
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
    form = SteeringMeetingForm(*_posted(request), cycle=cycle)
    if request.method == "POST" and form.is_valid():
        meeting = _save_meeting(request, cycle, form)
        if meeting is not None:
            messages.success(request, "Meeting saved. Record its decisions below.")
            return redirect("stakeholders:steering_meeting", _slug(request), cycle.pk, meeting.pk)
    return _meeting_page(request, cycle, form, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_view_steering_group)
def steering_meeting(request: HttpRequest, cycle_pk: int, steering_meeting_pk: int):
    cycle = get_cycle_for_request(request, cycle_pk)
    meeting = get_object_or_404(SteeringMeeting, pk=steering_meeting_pk, cycle=cycle)
    can_manage = policies.can_manage_steering_group(request.membership)
    if request.method == "POST" and not can_manage:
        raise PermissionDenied
    initial = {
        "held_on": meeting.held_on,
        "starts_at": meeting.starts_at,
        "agenda": meeting.agenda,
        "minutes": meeting.minutes,
        "attendees": meeting.attendees.all(),
    }
    form = (
        SteeringMeetingForm(*_posted(request), cycle=cycle, initial=initial) if can_manage else None
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and _save_meeting(request, cycle, form, meeting) is not None
    ):
        messages.success(request, "Meeting saved.")
        return redirect("stakeholders:steering_meeting", _slug(request), cycle.pk, meeting.pk)
    status = 400 if form is not None and form.errors else 200
    return _meeting_page(request, cycle, form, meeting, status=status)


@require_POST
@allowed_by(policies.can_manage_steering_group)
def steering_decision_add(request: HttpRequest, cycle_pk: int, steering_meeting_pk: int):
    cycle = get_cycle_for_request(request, cycle_pk)
    meeting = get_object_or_404(SteeringMeeting, pk=steering_meeting_pk, cycle=cycle)
    decision_form = SteeringDecisionForm(request.POST)
    if decision_form.is_valid():
        services.steering_decision_record(meeting=meeting, text=decision_form.cleaned_data["text"])
        messages.success(request, "Decision recorded. It is listed on the cycle page.")
        return redirect("stakeholders:steering_meeting", _slug(request), cycle.pk, meeting.pk)
    form = SteeringMeetingForm(
        cycle=cycle,
        initial={
            "held_on": meeting.held_on,
            "starts_at": meeting.starts_at,
            "agenda": meeting.agenda,
            "minutes": meeting.minutes,
            "attendees": meeting.attendees.all(),
        },
    )
    return _meeting_page(request, cycle, form, meeting, decision_form, status=400)


# --- conversations and commitments --------------------------------------------------------


@require_GET
@allowed_by(policies.can_view_conversations)
def conversation_list(request: HttpRequest) -> HttpResponse:
    conversations = (
        Conversation.objects.select_related("staff_member", "cycle")
        .prefetch_related(Prefetch("stakeholders", queryset=Stakeholder.objects.only("name")))
        .annotate(commitment_count=Count("commitments"))
        .order_by("-held_on", "-pk")
    )
    page = Paginator(conversations, PAGE_SIZE).get_page(request.GET.get("page"))
    open_commitments = (
        Commitment.objects.filter(kept_on__isnull=True, broken_on__isnull=True)
        .select_related("owner", "made_to", "conversation")
        .order_by("due_on", "pk")[:50]
    )
    return render(
        request,
        "stakeholders/conversation_list.html",
        {
            "page": page,
            "conversations": page.object_list,
            "open_commitments": open_commitments,
            "today": timezone.localdate(),
        },
    )


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_log_conversations)
def conversation_create(request: HttpRequest) -> HttpResponse:
    initial = {"held_on": timezone.localdate()}
    if request.GET.get("stakeholder", "").isdigit():
        initial["stakeholders"] = [int(request.GET["stakeholder"])]
    form = ConversationForm(*_posted(request), cycles=_cycles(request.membership), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            conversation = services.conversation_log(
                organisation=request.organisation,
                staff_member=request.user,
                held_on=form.cleaned_data["held_on"],
                stakeholders=form.cleaned_data["stakeholders"],
                channel=form.cleaned_data["channel"],
                summary=form.cleaned_data["summary"],
                meaningful=form.cleaned_data["meaningful"],
                cycle=form.cleaned_data["cycle"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Conversation logged. Record any promises made in it.")
            return redirect("stakeholders:conversation_detail", _slug(request), conversation.pk)
    return render(
        request,
        "stakeholders/conversation_form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


def _conversation_page(request, conversation, *, status=200, **forms) -> HttpResponse:
    commitments = list(
        conversation.commitments.select_related("owner", "made_to").order_by("due_on", "pk")
    )
    stakeholders = list(conversation.stakeholders.order_by("name"))
    initial = {"owner": request.user, "due_on": timezone.localdate() + timedelta(7)}
    if len(stakeholders) == 1:
        initial["made_to"] = stakeholders[0]
    return render(
        request,
        "stakeholders/conversation_detail.html",
        {
            "conversation": conversation,
            "stakeholders": stakeholders,
            "commitments": commitments,
            "commitment_form": forms.get("commitment_form")
            or CommitmentForm(
                conversation=conversation,
                initial=initial,
            ),
            "row_errors": forms.get("row_errors", {}),
            "today": timezone.localdate(),
        },
        status=status,
    )


def _get_conversation(conversation_pk: int) -> Conversation:
    return get_object_or_404(
        Conversation.objects.select_related("staff_member", "cycle"), pk=conversation_pk
    )


@require_GET
@allowed_by(policies.can_view_conversations)
def conversation_detail(request: HttpRequest, conversation_pk: int) -> HttpResponse:
    return _conversation_page(request, _get_conversation(conversation_pk))


@require_POST
@allowed_by(policies.can_log_conversations)
def commitment_add(request: HttpRequest, conversation_pk: int) -> HttpResponse:
    conversation = _get_conversation(conversation_pk)
    form = CommitmentForm(request.POST, conversation=conversation)
    if form.is_valid():
        try:
            services.commitment_record(
                conversation=conversation,
                promise=form.cleaned_data["promise"],
                made_to=form.cleaned_data["made_to"],
                owner=form.cleaned_data["owner"],
                due_on=form.cleaned_data["due_on"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Commitment recorded.")
            return redirect("stakeholders:conversation_detail", _slug(request), conversation.pk)
    return _conversation_page(request, conversation, status=400, commitment_form=form)


def _commitment_outcome(request: HttpRequest, commitment_pk: int, outcome: str):
    commitment = get_object_or_404(
        Commitment.objects.select_related("conversation"), pk=commitment_pk
    )
    if outcome == "kept":
        form = CommitmentKeptForm(request.POST)
        action = services.commitment_mark_kept
        args = lambda f: {"kept_on": f["kept_on"]}  # noqa: E731
    elif outcome == "broken":
        form = CommitmentBrokenForm(request.POST)
        action = services.commitment_mark_broken
        args = lambda f: {"reason": f["reason"], "broken_on": timezone.localdate()}  # noqa: E731
    else:
        form, action, args = None, services.commitment_reopen, lambda f: {}  # noqa: E731
    error = None
    if form is None or form.is_valid():
        try:
            action(commitment=commitment, **args(form.cleaned_data if form else {}))
        except ValidationError as exc:
            error = " ".join(exc.messages)
    else:
        error = " ".join(e for errors in form.errors.values() for e in errors)
    if error is None:
        done = {"kept": "marked kept", "broken": "marked broken", "reopen": "reopened"}[outcome]
        messages.success(request, f"Commitment {done}.")
        return redirect(
            "stakeholders:conversation_detail", _slug(request), commitment.conversation_id
        )
    return _conversation_page(
        request, commitment.conversation, status=400, row_errors={commitment.pk: error}
    )


@require_POST
@allowed_by(policies.can_log_conversations)
def commitment_kept(request: HttpRequest, commitment_pk: int) -> HttpResponse:
    return _commitment_outcome(request, commitment_pk, "kept")


@require_POST
@allowed_by(policies.can_log_conversations)
def commitment_broken(request: HttpRequest, commitment_pk: int) -> HttpResponse:
    return _commitment_outcome(request, commitment_pk, "broken")


@require_POST
@allowed_by(policies.can_log_conversations)
def commitment_reopen(request: HttpRequest, commitment_pk: int) -> HttpResponse:
    return _commitment_outcome(request, commitment_pk, "reopen")


# --- shared assets ------------------------------------------------------------------------


@require_GET
@allowed_by(policies.can_view_assets)
def asset_list(request: HttpRequest) -> HttpResponse:
    assets = (
        SharedAsset.objects.select_related("owner")
        .annotate(use_count=Count("uses"))
        .order_by("kind", "name", "pk")
    )
    page = Paginator(assets, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "stakeholders/asset_list.html", {"page": page, "assets": page.object_list}
    )


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_manage_assets)
def asset_create(request: HttpRequest) -> HttpResponse:
    return _asset_form(request, SharedAsset(organisation=request.organisation))


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_manage_assets)
def asset_edit(request: HttpRequest, shared_asset_pk: int) -> HttpResponse:
    return _asset_form(request, get_object_or_404(SharedAsset, pk=shared_asset_pk))


def _asset_form(request: HttpRequest, asset: SharedAsset) -> HttpResponse:
    form = SharedAssetForm(*_posted(request), instance=asset)
    if request.method == "POST" and form.is_valid():
        try:
            asset = services.shared_asset_save(asset=form.save(commit=False))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"{asset.name} saved.")
            return redirect("stakeholders:asset_detail", _slug(request), asset.pk)
    return render(
        request,
        "stakeholders/asset_form.html",
        {"form": form, "asset": asset},
        status=400 if form.errors else 200,
    )


def _asset_page(request, asset, *, use_form=None, status=200) -> HttpResponse:
    can_manage = policies.can_manage_assets(request.membership)
    return render(
        request,
        "stakeholders/asset_detail.html",
        {
            "asset": asset,
            "uses": list(asset.uses.select_related("used_by")[:100]),
            "can_manage": can_manage,
            "use_form": (use_form or AssetUseForm(initial={"used_on": timezone.localdate()}))
            if can_manage
            else None,
        },
        status=status,
    )


@require_GET
@allowed_by(policies.can_view_assets)
def asset_detail(request: HttpRequest, shared_asset_pk: int) -> HttpResponse:
    asset = get_object_or_404(SharedAsset.objects.select_related("owner"), pk=shared_asset_pk)
    return _asset_page(request, asset)


@require_POST
@allowed_by(policies.can_manage_assets)
def asset_use_add(request: HttpRequest, shared_asset_pk: int) -> HttpResponse:
    asset = get_object_or_404(SharedAsset.objects.select_related("owner"), pk=shared_asset_pk)
    form = AssetUseForm(request.POST)
    if form.is_valid():
        try:
            services.asset_use_record(
                asset=asset,
                used_by=form.cleaned_data["used_by"],
                used_on=form.cleaned_data["used_on"],
                purpose=form.cleaned_data["purpose"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Use recorded.")
            return redirect("stakeholders:asset_detail", _slug(request), asset.pk)
    return _asset_page(request, asset, use_form=form, status=400)
