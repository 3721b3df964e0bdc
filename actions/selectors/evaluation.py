"""Reads for the annual evaluation: the cycle's evaluation and its sections as plain data,
headed as `models.SECTIONS` names them (the form, the read page and the PDF)."""

from cycles.models import Cycle

from ..models import SECTIONS, Evaluation


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
