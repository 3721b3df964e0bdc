"""The stakeholders app's sections of the PDF reports (registered in registrations.py)."""

from collections import Counter

from cycles.models import Cycle

from ..models import TAG_FIELDS, Kind, Sector, TrustedTag
from .maps import cycle_map
from .steering import steering_members, steering_record_shared_outside

ROLE_HEADINGS = {
    TrustedTag.LEADER: "Trusted Leaders",
    TrustedTag.VOICE: "Trusted Voices",
    TrustedTag.PLACE: "Trusted Places",
}


def may_name_in_reports(row: dict) -> bool:
    """Places and organisations are named; a person only with their recorded consent to be
    named in governance reports."""
    return row["kind"] != Kind.PERSON or row["named_in_reports"]


def _three_ts_named(rows: list[dict]) -> list[dict]:
    """Per 3Ts role: who may be named (name, kind, sector, role in the cycle) and how many
    people are left unnamed because they have not agreed to be."""
    sector_labels = dict(Sector.choices)
    kind_labels = dict(Kind.choices)
    roles = []
    for tag, field_name in TAG_FIELDS.items():
        tagged = [r for r in rows if r[field_name]]
        roles.append(
            {
                "tag": tag.label,
                "heading": ROLE_HEADINGS[tag],
                "count": len(tagged),
                "named": [
                    {
                        "name": r["name"],
                        "kind": kind_labels.get(r["kind"], r["kind"]),
                        "sector": sector_labels.get(r["sector"], r["sector"]),
                        "role": r["role"] or "",
                    }
                    for r in tagged
                    if may_name_in_reports(r)
                ],
                "unnamed": sum(1 for r in tagged if not may_name_in_reports(r)),
            }
        )
    return roles


def stakeholders_and_three_ts(cycle: Cycle) -> dict:
    """Stakeholders linked to the cycle by sector and 3Ts role, who the Trusted Leaders,
    Voices and Places are (as far as each may be named), and who reaches each group."""
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
        "three_ts_named": _three_ts_named(found.stakeholders),
        "coverage": [
            {"group": c.group, "reached_by": c.reached_by, "missing": ", ".join(c.missing_tags)}
            for c in found.coverage
        ],
    }


def steering_group(cycle: Cycle) -> dict:
    """The cycle's steering group members, with their sector and role, and what of its
    record may leave the organisation (decisions that may be summarised publicly)."""
    return {
        "members": [
            {"name": str(m), "sector": m.get_sector_display(), "role": m.role}
            for m in steering_members(cycle=cycle)
        ],
        **steering_record_shared_outside(cycle=cycle),
    }


def steering_decisions_shared(cycle: Cycle) -> dict:
    """The annual evaluation's account of the steering group: meetings held and the
    decisions that may be summarised publicly."""
    return steering_record_shared_outside(cycle=cycle)
