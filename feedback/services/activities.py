"""Writes for listening activities. A refused change leaves nothing behind; errors are
ValidationErrors keyed by the form field."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from cycles.services.versions import cycle_changed
from t2a.models import User

from ..models import EngagementActivity


def activity_errors(activity: EngagementActivity) -> dict[str, list[str]]:
    """Rules that span fields or reach the cycle; the model's own rules come from full_clean."""
    errors: dict[str, list[str]] = {}
    cycle = activity.cycle
    if cycle.start_date and activity.held_on and activity.held_on < cycle.start_date:
        errors["held_on"] = [
            f"The date must be on or after the cycle started ({cycle.start_date:%-d %B %Y})."
        ]
    if activity.participants is not None and activity.participants < 0:
        errors["participants"] = ["The number of participants must be 0 or more."]
    reach = activity.reach or {}
    groups = set(cycle.population_groups or [])
    bad = []
    for group, count in reach.items():
        if group not in groups:
            bad.append(f"\u201c{group}\u201d is not one of this cycle's population groups.")
        elif not isinstance(count, int) or count < 0:
            bad.append(f"The number reached for {group} must be 0 or more.")
        elif activity.participants is None:
            bad.append("Enter the number of participants before counting reach by group.")
        elif count > activity.participants:
            bad.append(
                f"The number reached for {group} ({count}) is more than the "
                f"{activity.participants} participants."
            )
    if bad:
        errors["reach"] = bad
    return errors


@transaction.atomic
def activity_save(
    *, activity: EngagementActivity, facilitators: Iterable[User], actor: User
) -> EngagementActivity:
    """Create or update an activity and its facilitators, or raise and save nothing."""
    errors = activity_errors(activity)
    try:
        activity.full_clean(exclude=["created_by"])
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    if activity.pk is None:
        activity.created_by = actor
    activity.save()
    activity.facilitators.set(list(facilitators))
    cycle_changed(activity.cycle_id)
    return activity
