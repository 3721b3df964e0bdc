"""Provider clients behind one small interface: each channel of the outbox has one sender.

A sender takes an `OutboundMessage` and hands it to its provider, returning the provider's
reference for it (an email's Message-ID; a text-message service's id), or raises. It never
touches the database: the outbox (t2a/services/outbox.py) claims the row before and marks
it after. A text-message or letter provider (GOV.UK Notify, say) is a class with the same
`send` added to `SENDERS` under its channel; until then those channels fail with a plain
message rather than vanish.
"""

from typing import Protocol

from django.core.mail import EmailMultiAlternatives

from .models import Channel, OutboundMessage


class Sender(Protocol):
    def send(self, message: OutboundMessage) -> str:
        """Hand `message` to the provider; return its reference. Raise if it was refused."""
        ...


class NoSender(Exception):
    """No provider sends this channel yet."""


class EmailSender:
    """Email through Django's configured mailer (SMTP in production)."""

    def send(self, message: OutboundMessage) -> str:
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=message.body_text,
            to=[message.recipient],
            headers={"Message-ID": message.message_id},
        )
        if message.body_html:
            email.attach_alternative(message.body_html, "text/html")
        email.send()
        return message.message_id


SENDERS: dict[str, Sender] = {
    Channel.EMAIL: EmailSender(),
}


def sender_for(channel: str) -> Sender:
    try:
        return SENDERS[channel]
    except KeyError:
        raise NoSender(f"Nothing sends {Channel(channel).label.lower()}s yet.") from None
