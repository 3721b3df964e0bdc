"""Email sending: every message is a subject / text / HTML trio under templates/emails/."""

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from ..links import absolute_url
from ..models import Invitation


def email_send(*, template: str, to: list[str], context: dict) -> None:
    subject = render_to_string(f"emails/{template}_subject.txt", context).strip()
    text = render_to_string(f"emails/{template}.txt", context)
    html = render_to_string(f"emails/{template}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=to)
    message.attach_alternative(html, "text/html")
    message.send()


def invitation_email_send(*, invitation: Invitation, token: str) -> None:
    path = reverse(
        "invitation_accept",
        kwargs={"org_slug": invitation.organisation.slug, "token": token},
    )
    email_send(
        template="invitation",
        to=[invitation.email],
        context={
            "invitation": invitation,
            "organisation": invitation.organisation,
            "accept_url": absolute_url(path),
        },
    )
