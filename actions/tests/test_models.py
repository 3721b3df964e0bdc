"""Declarations on the models that other code reads: the evaluation's sections, and what a
row says about itself."""

from django.db import models

from actions.models import (
    EVIDENCE_FIELDS,
    SECTION_FIELDS,
    SECTIONS,
    Action,
    Escalation,
    Evaluation,
)


def test_every_written_section_of_the_evaluation_is_declared_once():
    text_fields = [f.name for f in Evaluation._meta.fields if isinstance(f, models.TextField)]
    assert sorted(SECTION_FIELDS) == sorted(text_fields)
    assert len(set(SECTION_FIELDS)) == len(SECTIONS)
    assert all(s.heading and s.hint for s in SECTIONS)
    assert EVIDENCE_FIELDS == (
        "evidence_confidence",
        "evidence_relationships",
        "evidence_system",
        "evidence_services",
        "evidence_health",
    )


def test_partners_are_one_a_line_without_blanks():
    action = Action(partners="  Northgate Buses \n\n Faith forum\n")
    assert action.partner_list() == ["Northgate Buses", "Faith forum"]


def test_an_escalation_names_who_raised_it():
    assert Escalation(update_due_on="2026-03-01").raiser == "T2A's reminder ladder"
    assert Escalation().raiser == "a former member"
