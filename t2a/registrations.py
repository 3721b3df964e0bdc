"""What the platform itself contributes to its own plug-in points (see registry.py)."""

from .registry import Registrar


def register(app: Registrar) -> None:
    app.reminder_source("t2a.selectors.invitations_expiring")
    app.organisation_data(
        "t2a.Membership",
        "t2a.Invitation",
        "t2a.Notification",
        "t2a.NotificationPreference",
        "t2a.Reminder",
        "t2a.OrganisationExport",
        "t2a.OutboundMessage",
        "t2a.OldSlug",
    )
    app.policies("t2a.policies")
