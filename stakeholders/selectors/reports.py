"""The stakeholders app's sections of the PDF reports (registered in registrations.py)."""

from collections import Counter

from cycles.models import Cycle

from ..models import TAG_FIELDS, Sector, TrustedTag
from .maps import cycle_map
from .steering import steering_members


def stakeholders_and_three_ts(cycle: Cycle) -> dict:
    """Stakeholders linked to the cycle by sector and 3Ts tag, and who reaches each group."""
    found = cycle_map(cycle=cycle)
    tags: Counter[str] = Counter()
    sectors: Counter[str] = Counter()
    for row in found.stakeholders:
        sectors[row["sector"]] += 1
        for tag, field_name in TAG_FIELDS.items():
            if row[field_name]:
                tags[tag] += 1
    return {
        "total": len(found.stakeholders),
        "by_sector": [
            {"sector": label, "count": sectors[value]}
            for value, label in Sector.choices
            if sectors[value]
        ],
        "three_ts": [{"tag": tag.label, "count": tags[tag]} for tag in TrustedTag],
        "coverage": [
            {"group": c.group, "reached_by": c.reached_by, "missing": ", ".join(c.missing_tags)}
            for c in found.coverage
        ],
    }


def steering_group(cycle: Cycle) -> dict:
    """The cycle's steering group members, with their sector and role."""
    return {
        "members": [
            {"name": str(m), "sector": m.get_sector_display(), "role": m.role}
            for m in steering_members(cycle=cycle)
        ]
    }
