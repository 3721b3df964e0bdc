"""Writes for a cycle's public "you said, we did" page: its own text and switch, and
dropping its cached copy whenever what it shows changes."""

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cycles.models import Cycle
from t2a.models import User

from ..models import PublicPage
from ..selectors.public_page import public_page_cache_key


def public_page_forget(cycle: Cycle) -> None:
    """Drop the cycle's cached public page now and again once the change has committed.

    Now, so this process's next read misses; after commit, because a visitor may have
    cached the old page from the old rows between the first delete and the commit.
    """
    key = public_page_cache_key(cycle.organisation_id, cycle.slug)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


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
    public_page_forget(page.cycle)
    return page
