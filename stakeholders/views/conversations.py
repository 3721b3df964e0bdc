"""Conversations with stakeholders and the commitments made in them: log one, record a
promise, and mark it kept, broken or open again."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from t2a.forms import add_errors
from t2a.htmx import error_status, render_form
from t2a.tenancy import allowed_by

from .. import policies
from ..forms.conversations import (
    CommitmentBrokenForm,
    CommitmentForm,
    CommitmentKeptForm,
    ConversationForm,
)
from ..models import Commitment, Conversation
from ..selectors.conversations import (
    conversation_commitments,
    conversation_stakeholders,
    conversations_latest_first,
    get_commitment_for_request,
    get_conversation_for_request,
    open_commitments,
)
from ..selectors.stakeholders import cycle_choices
from ..services import conversations as services

PAGE_SIZE = 50


def _to_conversation(request: HttpRequest, conversation_pk: int) -> HttpResponse:
    return redirect("stakeholders:conversation_detail", request.organisation.slug, conversation_pk)


@require_GET
@allowed_by(policies.can_view_conversations)
def conversation_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(conversations_latest_first(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "stakeholders/conversations/conversation_list.html",
        {
            "page": page,
            "conversations": page.object_list,
            "open_commitments": open_commitments(limit=50),
            "today": timezone.localdate(),
        },
    )


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_log_conversations)
def conversation_create(request: HttpRequest) -> HttpResponse:
    initial = {"held_on": timezone.localdate()}
    if request.GET.get("stakeholder", "").isdigit():
        initial["stakeholders"] = [int(request.GET["stakeholder"])]
    form = ConversationForm(
        request.POST if request.method == "POST" else None,
        cycles=cycle_choices(request.membership),
        initial=initial,
    )
    if form.is_bound and form.is_valid():
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
            return _to_conversation(request, conversation.pk)
    return render_form(
        request, "stakeholders/conversations/conversation_form.html", {"form": form}, form=form
    )


def _conversation_page(
    request: HttpRequest,
    conversation: Conversation,
    *,
    commitment_form: CommitmentForm | None = None,
    row_errors: dict[int, str] | None = None,
) -> HttpResponse:
    stakeholders = conversation_stakeholders(conversation=conversation)
    initial = {"owner": request.user, "due_on": timezone.localdate() + timedelta(7)}
    if len(stakeholders) == 1:
        initial["made_to"] = stakeholders[0]
    return render(
        request,
        "stakeholders/conversations/conversation_detail.html",
        {
            "conversation": conversation,
            "stakeholders": stakeholders,
            "commitments": conversation_commitments(conversation=conversation),
            "commitment_form": commitment_form
            or CommitmentForm(conversation=conversation, initial=initial),
            "row_errors": row_errors or {},
            "today": timezone.localdate(),
        },
        # A refused commitment, or a refused change to one, is shown on the page.
        status=error_status(request) if commitment_form or row_errors else 200,
    )


@require_GET
@allowed_by(policies.can_view_conversations)
def conversation_detail(request: HttpRequest, conversation_pk: int) -> HttpResponse:
    return _conversation_page(request, get_conversation_for_request(request, conversation_pk))


@require_POST
@allowed_by(policies.can_log_conversations)
def commitment_add(request: HttpRequest, conversation_pk: int) -> HttpResponse:
    conversation = get_conversation_for_request(request, conversation_pk)
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
            return _to_conversation(request, conversation.pk)
    return _conversation_page(request, conversation, commitment_form=form)


def _outcome_refused(request: HttpRequest, commitment: Commitment, error: str) -> HttpResponse:
    return _conversation_page(request, commitment.conversation, row_errors={commitment.pk: error})


def _outcome_recorded(request: HttpRequest, commitment: Commitment, done: str) -> HttpResponse:
    messages.success(request, f"Commitment {done}.")
    return _to_conversation(request, commitment.conversation_id)


def _form_error(form) -> str:
    return " ".join(e for errors in form.errors.values() for e in errors)


@require_POST
@allowed_by(policies.can_log_conversations)
def commitment_kept(request: HttpRequest, commitment_pk: int) -> HttpResponse:
    commitment = get_commitment_for_request(request, commitment_pk)
    form = CommitmentKeptForm(request.POST)
    if not form.is_valid():
        return _outcome_refused(request, commitment, _form_error(form))
    try:
        services.commitment_mark_kept(commitment=commitment, kept_on=form.cleaned_data["kept_on"])
    except ValidationError as exc:
        return _outcome_refused(request, commitment, " ".join(exc.messages))
    return _outcome_recorded(request, commitment, "marked kept")


@require_POST
@allowed_by(policies.can_log_conversations)
def commitment_broken(request: HttpRequest, commitment_pk: int) -> HttpResponse:
    commitment = get_commitment_for_request(request, commitment_pk)
    form = CommitmentBrokenForm(request.POST)
    if not form.is_valid():
        return _outcome_refused(request, commitment, _form_error(form))
    try:
        services.commitment_mark_broken(
            commitment=commitment,
            reason=form.cleaned_data["reason"],
            broken_on=timezone.localdate(),
        )
    except ValidationError as exc:
        return _outcome_refused(request, commitment, " ".join(exc.messages))
    return _outcome_recorded(request, commitment, "marked broken")


@require_POST
@allowed_by(policies.can_log_conversations)
def commitment_reopen(request: HttpRequest, commitment_pk: int) -> HttpResponse:
    commitment = get_commitment_for_request(request, commitment_pk)
    try:
        services.commitment_reopen(commitment=commitment)
    except ValidationError as exc:
        return _outcome_refused(request, commitment, " ".join(exc.messages))
    return _outcome_recorded(request, commitment, "reopened")
