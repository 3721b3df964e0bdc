"""Reads for conversations and the commitments made in them."""

from datetime import date

from django.db.models import Count, Prefetch, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from t2a.models import Organisation

from ..models import Commitment, Conversation, Stakeholder


def conversations_latest_first() -> QuerySet[Conversation]:
    """Every conversation of the organisation in scope, with who it was with and how many
    commitments it holds (for the paged list)."""
    return (
        Conversation.objects.select_related("staff_member", "cycle")
        .prefetch_related(Prefetch("stakeholders", queryset=Stakeholder.objects.only("name")))
        .annotate(commitment_count=Count("commitments"))
        .order_by("-held_on", "-pk")
    )


def open_commitments(*, limit: int = 50) -> list[Commitment]:
    """Commitments neither kept nor broken, soonest due first."""
    return list(
        Commitment.objects.filter(kept_on__isnull=True, broken_on__isnull=True)
        .select_related("owner", "made_to", "conversation")
        .order_by("due_on", "pk")[:limit]
    )


def get_conversation_for_request(request: HttpRequest, conversation_pk: int) -> Conversation:
    """A conversation of the member's organisation (the views that call this are for staff,
    who see every conversation); 404 otherwise."""
    return get_object_or_404(
        Conversation.objects.select_related("staff_member", "cycle"), pk=conversation_pk
    )


def conversation_commitments(*, conversation: Conversation) -> list[Commitment]:
    return list(
        conversation.commitments.select_related("owner", "made_to").order_by("due_on", "pk")
    )


def conversation_stakeholders(*, conversation: Conversation) -> list[Stakeholder]:
    return list(conversation.stakeholders.order_by("name"))


def get_commitment_for_request(request: HttpRequest, commitment_pk: int) -> Commitment:
    """A commitment of the member's organisation (staff only, as for conversations); 404
    otherwise."""
    return get_object_or_404(Commitment.objects.select_related("conversation"), pk=commitment_pk)


def commitments_due_between(
    *, organisation: Organisation, start: date, end: date, open_only: bool = True
) -> QuerySet[Commitment]:
    """Commitments falling due from `start` to `end` (inclusive); open ones by default."""
    commitments = Commitment.objects.filter(
        organisation=organisation, due_on__gte=start, due_on__lte=end
    )
    if open_only:
        commitments = commitments.filter(kept_on__isnull=True, broken_on__isnull=True)
    return commitments.select_related("owner", "made_to")
