"""The annual evaluation: the T2A model's template, and what other apps read from it.

`SECTIONS` names every section once, in the model's order, with the hint shown beside it;
the form, the read page and the PDF all take their headings from here.
"""

from dataclasses import dataclass

from cycles.models import Cycle

from .models import Evaluation


@dataclass(frozen=True)
class Section:
    field: str
    heading: str
    hint: str
    group: str = ""  # "evidence" for the five evidence-of-success headings


SECTIONS: tuple[Section, ...] = (
    Section(
        "what_worked",
        "What worked",
        "The approaches, places and people that helped communities take part and be heard.",
    ),
    Section(
        "what_to_adapt",
        "What to adapt",
        "What you would do differently next time. This becomes the starting notes of the "
        "next iteration of this cycle.",
    ),
    Section(
        "evidence_confidence",
        "Community confidence and capability",
        "For example, community leads taking on new roles, people speaking at meetings, "
        "skills gained through training.",
        "evidence",
    ),
    Section(
        "evidence_relationships",
        "Relationships and trust",
        "For example, promises kept, more people coming back, partners working together, "
        "what the trust indicators show.",
        "evidence",
    ),
    Section(
        "evidence_system",
        "Changes in system behaviour, culture or decision-making",
        "For example, a policy, budget or decision that changed because of what communities "
        "said, or community members now sitting on a board.",
        "evidence",
    ),
    Section(
        "evidence_services",
        "Quality and relevance of services",
        "For example, a service moved, opened at new times, translated or redesigned with "
        "the community.",
        "evidence",
    ),
    Section(
        "evidence_health",
        "Health outcomes",
        "Health outcomes take time to show: early signs, such as more people attending "
        "screening, count here. Say what you will measure in later years.",
        "evidence",
    ),
    Section(
        "learning_next_steps",
        "Learning and next steps",
        "What you have learned and what happens next, and who will do it.",
    ),
)

SECTION_FIELDS: tuple[str, ...] = tuple(s.field for s in SECTIONS)


def evaluation_for(cycle: Cycle) -> Evaluation | None:
    return Evaluation.objects.filter(cycle=cycle).first()


def evaluation_what_to_adapt(cycle: Cycle) -> str:
    """The evaluation's "what to adapt" for the next iteration's notes ("" if none)."""
    value = Evaluation.objects.filter(cycle=cycle).values_list("what_to_adapt", flat=True).first()
    return (value or "").strip()


def evaluation_sections(evaluation: Evaluation | None) -> list[dict]:
    """Plain data for templates and the PDF: heading, hint, group and text of each section."""
    return [
        {
            "field": s.field,
            "heading": s.heading,
            "hint": s.hint,
            "group": s.group,
            "text": getattr(evaluation, s.field) if evaluation is not None else "",
        }
        for s in SECTIONS
    ]


def evaluation_save(*, cycle: Cycle, by, fields: dict[str, str]) -> Evaluation:
    """Write the evaluation's sections (creating it the first time)."""
    unknown = set(fields) - set(SECTION_FIELDS)
    if unknown:
        raise ValueError(f"Not evaluation sections: {sorted(unknown)}")
    evaluation, _ = Evaluation.objects.update_or_create(
        organisation_id=cycle.organisation_id,
        cycle=cycle,
        defaults={**{k: v.strip() for k, v in fields.items()}, "updated_by": by},
    )
    return evaluation
