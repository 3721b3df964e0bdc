"""Writes for the annual evaluation."""

from django.db import transaction

from cycles.models import Cycle
from cycles.services.versions import cycle_changed
from t2a.models import User

from ..models import SECTION_FIELDS, Evaluation


def evaluation_save(*, cycle: Cycle, by: User | None, fields: dict[str, str]) -> Evaluation:
    """Write the evaluation's sections (creating it the first time)."""
    unknown = set(fields) - set(SECTION_FIELDS)
    if unknown:
        raise ValueError(f"Not evaluation sections: {sorted(unknown)}")
    with transaction.atomic():
        evaluation, _ = Evaluation.objects.update_or_create(
            organisation_id=cycle.organisation_id,
            cycle=cycle,
            defaults={**{k: v.strip() for k, v in fields.items()}, "updated_by": by},
        )
        cycle_changed(cycle)
    return evaluation
