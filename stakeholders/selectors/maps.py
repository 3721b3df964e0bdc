"""Reads for a cycle's maps: who is on it, and how they cover its population groups."""

from dataclasses import dataclass, field

from django.db.models import F

from cycles.models import Cycle

from ..models import TAG_FIELDS, Stakeholder, StakeholderCycle, TrustedTag


def _normalise(group: str) -> str:
    return " ".join(group.split()).casefold()


@dataclass
class GroupCoverage:
    group: str
    reached_by: int = 0
    tags: set[str] = field(default_factory=set)

    @property
    def missing_tags(self) -> list[str]:
        return [tag.label for tag in TrustedTag if tag.value not in self.tags]

    @property
    def is_gap(self) -> bool:
        return bool(self.missing_tags)


@dataclass
class CycleMap:
    stakeholders: list[dict]
    coverage: list[GroupCoverage]

    @property
    def gaps(self) -> list[GroupCoverage]:
        return [c for c in self.coverage if c.is_gap]


MAP_FIELDS = (
    "pk",
    "name",
    "kind",
    "sector",
    "influence",
    "interest",
    "trusted_leader",
    "trusted_voice",
    "trusted_place",
    "communities_reached",
    "named_in_reports",
)


def cycle_map(*, cycle: Cycle) -> CycleMap:
    """Everyone linked to the cycle, and how they cover its population groups (one query).

    A population group is a gap when no stakeholder on the map reaches it, or when none of
    those who reach it is a Trusted Leader, a Trusted Voice or a Trusted Place.
    """
    rows = list(
        Stakeholder.objects.filter(cycle_links__cycle=cycle)
        .order_by("name", "pk")
        .values(*MAP_FIELDS, role=F("cycle_links__role"))
    )
    coverage = {
        _normalise(g): GroupCoverage(group=g) for g in (cycle.population_groups or []) if g.strip()
    }
    for row in rows:
        for community in row["communities_reached"] or []:
            found = coverage.get(_normalise(str(community)))
            if found is None:
                continue
            found.reached_by += 1
            for tag, field_name in TAG_FIELDS.items():
                if row[field_name]:
                    found.tags.add(tag.value)
    return CycleMap(stakeholders=rows, coverage=list(coverage.values()))


def trusted_columns(cycle_map: CycleMap) -> list[tuple[str, str, list[dict]]]:
    """The 3Ts view: (heading, tag, stakeholders) for each of the three tags."""
    rows = cycle_map.stakeholders
    return [
        ("Trusted Leaders", "leader", [r for r in rows if r["trusted_leader"]]),
        ("Trusted Voices", "voice", [r for r in rows if r["trusted_voice"]]),
        ("Trusted Places", "place", [r for r in rows if r["trusted_place"]]),
    ]


def mapped_count(*, cycle: Cycle) -> int:
    """How many stakeholders are on the cycle's map."""
    return StakeholderCycle.objects.filter(cycle=cycle).count()
