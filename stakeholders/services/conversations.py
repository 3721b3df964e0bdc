"""Writes for conversations and the commitments made in them."""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cycles.models import Cycle
from cycles.services.versions import cycle_changed
from t2a.models import Organisation, User
from t2a.services.versions import organisation_changed

from ..models import Commitment, Conversation, Stakeholder


def _changed(conversation: Conversation) -> None:
    # The organisation home counts conversations and commitments kept; a cycle's own
    # indicators count those logged against it.
    if conversation.cycle_id is not None:
        cycle_changed(conversation.cycle_id)
    else:
        organisation_changed(conversation.organisation_id)


@transaction.atomic
def conversation_log(
    *,
    organisation: Organisation,
    held_on: date,
    stakeholders: Iterable[Stakeholder],
    staff_member: User,
    channel: str,
    summary: str,
    meaningful: bool,
    cycle: Cycle | None = None,
) -> Conversation:
    stakeholders = list(stakeholders)
    if not stakeholders:
        raise ValidationError({"stakeholders": "Choose who the conversation was with."})
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": "The date must be today or in the past."})
    conversation = Conversation(
        organisation=organisation,
        held_on=held_on,
        staff_member=staff_member,
        channel=channel,
        summary=summary.strip(),
        meaningful=meaningful,
        cycle=cycle,
    )
    conversation.full_clean()
    conversation.save()
    conversation.stakeholders.set(stakeholders)
    _changed(conversation)
    return conversation


def commitment_record(
    *, conversation: Conversation, promise: str, made_to: Stakeholder, owner: User, due_on: date
) -> Commitment:
    if not conversation.stakeholders.filter(pk=made_to.pk).exists():
        raise ValidationError({"made_to": "Choose someone who was part of this conversation."})
    if due_on < conversation.held_on:
        raise ValidationError({"due_on": "The due date cannot be before the conversation."})
    commitment = Commitment(
        organisation_id=conversation.organisation_id,
        conversation=conversation,
        promise=promise.strip(),
        made_to=made_to,
        owner=owner,
        due_on=due_on,
    )
    commitment.full_clean()
    commitment.save()
    _changed(conversation)
    return commitment


def _claim_open(commitment: Commitment, **changes) -> None:
    # A conditional update, so a commitment marked kept in one tab and broken in another
    # ends up with exactly one outcome.
    changed = Commitment.objects.filter(
        pk=commitment.pk, kept_on__isnull=True, broken_on__isnull=True
    ).update(**changes)
    if changed != 1:
        raise ValidationError("This commitment has already been marked kept or broken.")
    for name, value in changes.items():
        setattr(commitment, name, value)
    _changed(commitment.conversation)


def commitment_mark_kept(*, commitment: Commitment, kept_on: date) -> Commitment:
    if kept_on > timezone.localdate():
        raise ValidationError({"kept_on": "The date kept must be today or in the past."})
    if kept_on < commitment.conversation.held_on:
        raise ValidationError({"kept_on": "The date kept cannot be before the promise was made."})
    _claim_open(commitment, kept_on=kept_on)
    return commitment


def commitment_mark_broken(*, commitment: Commitment, reason: str, broken_on: date) -> Commitment:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the commitment could not be kept."})
    _claim_open(commitment, broken_on=broken_on, broken_reason=reason)
    return commitment


def commitment_reopen(*, commitment: Commitment) -> Commitment:
    """Undo a mistaken "kept" or "broken"."""
    Commitment.objects.filter(pk=commitment.pk).update(
        kept_on=None, broken_on=None, broken_reason=""
    )
    commitment.kept_on = commitment.broken_on = None
    commitment.broken_reason = ""
    _changed(commitment.conversation)
    return commitment
