"""Emails: every message is a subject / text / HTML trio under templates/emails/, rendered
when it is decided and written to the outbox (t2a/services/outbox.py), never sent here.
Links in them are built by `t2a.links.absolute_url` (the `absolute_url` filter)."""

from django.db import models
from django.template.loader import render_to_string
from django.urls import reverse

from ..links import absolute_url
from ..models import Channel, Invitation, Organisation, OutboundMessage
from .outbox import message_queue


def email_queue(
    *,
    template: str,
    to: str,
    context: dict,
    organisation: Organisation | None,
    about: models.Model | None = None,
    secret: bool = False,
) -> OutboundMessage:
    """Render `templates/emails/<template>*` and put the email in the outbox."""
    return message_queue(
        channel=Channel.EMAIL,
        recipient=to,
        subject=" ".join(render_to_string(f"emails/{template}_subject.txt", context).split()),
        body_text=render_to_string(f"emails/{template}.txt", context),
        body_html=render_to_string(f"emails/{template}.html", context),
        organisation=organisation,
        about=about,
        secret=secret,
    )


def invitation_email_queue(*, invitation: Invitation, token: str) -> OutboundMessage:
    """Queue the invitation email. Its link carries the token, so the row is secret: the
    body is emptied once sent, and only the token's hash stays on the invitation."""
    path = reverse(
        "invitation_accept",
        kwargs={"org_slug": invitation.organisation.slug, "token": token},
    )
    return email_queue(
        template="invitation",
        to=invitation.email,
        context={
            "invitation": invitation,
            "organisation": invitation.organisation,
            "accept_url": absolute_url(path),
        },
        organisation=invitation.organisation,
        about=invitation,
        secret=True,
    )
