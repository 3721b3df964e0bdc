"""Writes for a cycle's public "you said, we did" page: its own text and switch.

The page is cached under the cycle's data version, so this service, like every other
that changes what the page shows, moves the version on (`cycle_changed`) in the same
transaction, and the next request shows the change.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cycles.services.versions import cycle_changed
from t2a.models import User

from ..models import PublicPage


@transaction.atomic
def public_page_save(*, page: PublicPage, actor: User) -> PublicPage:
    """Save the public page's text and switch; it shows (or stops showing) at once."""
    page.summary = page.summary.strip()
    page.how_to_get_involved = page.how_to_get_involved.strip()
    errors: dict[str, list[str]] = {}
    if page.enabled:
        if not page.summary:
            errors["summary"] = [
                "Describe the inequality in a paragraph before you switch the page on."
            ]
        if not page.how_to_get_involved:
            errors["how_to_get_involved"] = [
                "Tell people how to get involved before you switch the page on."
            ]
    try:
        page.full_clean(exclude=["updated_by"])
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    if page.enabled and page.first_enabled_at is None:
        page.first_enabled_at = timezone.now()
    page.updated_by = actor
    page.save()
    cycle_changed(page.cycle_id)
    return page
