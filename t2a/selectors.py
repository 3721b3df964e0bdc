"""Platform reads: what a reminder is, and the platform's own reminder source."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone

from .models import Invitation, MessageStatus, Organisation, OutboundMessage


@dataclass(frozen=True)
class Due:
    """Something a reminder source says is due: who to tell, about what, and by when.

    `due_date` names the occasion (a review date, the date an update fell due), so a new
    occasion reminds again while the same one reminds once."""

    kind: str
    obj: Model
    due_date: date
    recipient_id: int
    title: str
    body: str = ""
    url: str = ""
    step: int = 0


def invitations_expiring(*, organisation: Organisation, today: date) -> Iterator[Due]:
    """Tell the person who sent an invitation two days before it expires unanswered."""
    soon = Invitation.objects.filter(
        organisation=organisation,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        invited_by__isnull=False,
        expires_at__date__gt=today,
        expires_at__date__lte=today + timedelta(days=2),
    )
    for invitation in soon:
        yield Due(
            kind="invitation_expiring",
            obj=invitation,
            due_date=timezone.localdate(invitation.expires_at),
            recipient_id=invitation.invited_by_id,
            title=f"Your invitation to {invitation.email} expires soon",
            body=(
                f"{invitation.email} has not accepted the invitation to join "
                f"{organisation.name} yet. It stops working on "
                f"{timezone.localtime(invitation.expires_at):%-d %B %Y}."
            ),
            url=reverse("members", args=[organisation.slug]),
        )


# The outbox, as pages show it ------------------------------------------------------------


@dataclass(frozen=True)
class MessageState:
    """What a page says about the latest message about something: "Queued", "Sent" or
    "Failed" (with a send-again button). A message being sent still reads "Queued": it
    is not sent until the provider took it."""

    message: OutboundMessage

    @property
    def label(self) -> str:
        if self.message.status == MessageStatus.SENT:
            return "Sent"
        if self.message.status == MessageStatus.FAILED:
            return "Failed"
        return "Queued"

    @property
    def failed(self) -> bool:
        return self.message.status == MessageStatus.FAILED

    @property
    def tag(self) -> str:
        return {"Sent": "green", "Failed": "red"}.get(self.label, "grey")


def message_states(model: type[Model], ids: list[int]) -> dict[int, MessageState]:
    """The latest outbox message about each of `ids` (rows of `model`), in one query."""
    if not ids:
        return {}
    content_type = ContentType.objects.get_for_model(model)
    states: dict[int, MessageState] = {}
    messages = (
        OutboundMessage.objects.filter(content_type=content_type, object_id__in=ids)
        .only("object_id", "status", "created_at", "secret")
        .order_by("object_id", "-created_at", "-pk")
    )
    for message in messages:
        states.setdefault(message.object_id, MessageState(message))
    return states
