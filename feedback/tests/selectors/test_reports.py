"""Listening's sections of the annual evaluation (selectors/reports.py)."""

import json

import pytest
from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import timezone
from django_scopes import scope

from feedback.models import Channel
from feedback.selectors.report_backs import REPORT_BACK_LINK
from feedback.selectors.reports import report_backs, trust_pulse
from feedback.tests.builders import (
    make_insight,
    make_iteration_chain,
    make_pulse_responses,
    make_pulse_survey,
    make_report_back,
    make_theme,
)
from t2a.registry import Extension
from tests.registry import only

pytestmark = pytest.mark.django_db


def test_the_report_section_says_when_nobody_has_answered_yet(org):
    first, second = make_iteration_chain(org, "Maternity 2025", "Maternity 2026")
    make_pulse_survey(second)  # opened, not answered yet
    with scope(organisation=org.pk):
        assert trust_pulse(second)["responses"] == 0
    old, _ = make_pulse_survey(first, closed=True)
    make_pulse_responses(old, [(2, 2, 2, 2, 2, 2)])
    with scope(organisation=org.pk):
        found = trust_pulse(second)
    assert found["responses"] == 0
    assert [row["cycle"] for row in found["trend"]] == ["Maternity 2025", "Maternity 2026"]
    assert found["trend"][0]["averages"]["Openness"] == 2.0


class ThemesReported:
    """A kind of "we did" that stands in for a later stage's: it counts a report-back's
    themes, so the section's counting is tested without naming the app that answers."""

    name = "themes_reported"
    count_label = "Themes reported"

    @staticmethod
    def count() -> Count:
        return Count("themes", distinct=True)


def report_backs_section(org, cycle) -> dict:
    with scope(organisation=org.pk):
        return report_backs(cycle)


def test_the_report_backs_section_lists_what_was_published(org, cycle, monkeypatch):
    only(monkeypatch, Extension, keep=lambda e: e.point != REPORT_BACK_LINK)
    answered = [make_insight(cycle, f"Insight {n}") for n in range(2)]
    make_report_back(
        cycle,
        "What you told us",
        insights=answered,
        channels=[Channel.LETTER, Channel.OTHER],
        other_channel="Radio phone-in",
        published_at=timezone.now(),
    )
    make_report_back(cycle, "Still a draft")
    section = report_backs_section(org, cycle)
    assert section["drafts"] == 1 and section["we_did_columns"] == []
    [published] = section["published"]
    assert published["title"] == "What you told us"
    assert published["channels"] == "Letter, Radio phone-in"
    assert published["insights"] == 2 and published["we_did"] == []
    json.dumps(section)  # hashed and stored with the report: plain values only


def test_the_report_backs_section_counts_each_kind_of_we_did(org, cycle, monkeypatch):
    counted = Extension(
        app="feedback",
        key="test",
        position=0,
        point=REPORT_BACK_LINK,
        target=f"{__name__}.ThemesReported",
    )
    only(monkeypatch, Extension, counted, keep=lambda e: e.point != REPORT_BACK_LINK)
    themes = [make_theme(cycle, "Transport"), make_theme(cycle, "Childcare")]
    make_report_back(cycle, "Two themes", themes=themes, published_at=timezone.now())
    section = report_backs_section(org, cycle)
    assert section["we_did_columns"] == ["Themes reported"]
    assert [row["we_did"] for row in section["published"]] == [[2]]
    html = render_to_string(
        "feedback/reports/report-backs.html",
        {"section": {"key": "report-backs", "heading": "Report-backs made"}, "data": section},
    )
    assert '<th scope="col" class="num">Themes reported</th>' in html
    assert '<td class="num">2</td>' in html
