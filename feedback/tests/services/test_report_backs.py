"""Saving and publishing report-backs (services/report_backs.py)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from cycles.tests.builders import make_cycle
from feedback.models import Insight, ReportBack
from feedback.services.insight import insight_mark_answered
from feedback.services.report_backs import report_back_publish, report_back_save
from feedback.tests.builders import make_insight, make_report_back, make_theme
from t2a.models import Role

pytestmark = pytest.mark.django_db


def fetch(model, pk):
    with scopes_disabled():
        return model.objects.get(pk=pk)


def test_a_later_report_back_keeps_the_first_answer_time(org, cycle, users):
    insight = make_insight(cycle, captured_at=timezone.now() - timedelta(days=30))
    earlier = timezone.now() - timedelta(days=10)
    with scope(organisation=org.pk):
        insight_mark_answered(insight=insight, at=earlier)
    report_back = make_report_back(cycle, insights=[insight])
    with scope(organisation=org.pk):
        report_back_publish(report_back=report_back, actor=users[Role.ENGAGEMENT_LEAD])
    assert fetch(Insight, insight.pk).answered_at == earlier


def test_the_service_refuses_rows_of_another_cycle(org, cycle, users):
    other = make_cycle(org, "Another cycle")
    report_back = ReportBack(
        organisation=org, cycle=cycle, title="T", body="B", channels=["letter"]
    )
    with scope(organisation=org.pk), pytest.raises(ValidationError) as error:
        report_back_save(
            report_back=report_back,
            insights=[make_insight(other)],
            themes=[make_theme(other, "Elsewhere")],
            actor=users[Role.ENGAGEMENT_LEAD],
        )
    assert error.value.message_dict == {
        "insights": ["Choose insight from this cycle."],
        "themes": ["Choose themes from this cycle."],
    }
    with scopes_disabled():
        assert not ReportBack.objects.exists()


def test_the_service_refuses_a_link_nobody_registered(org, cycle, users):
    report_back = ReportBack(
        organisation=org, cycle=cycle, title="T", body="B", channels=["letter"]
    )
    with scope(organisation=org.pk), pytest.raises(ValueError, match="no_such_link"):
        report_back_save(
            report_back=report_back,
            insights=[],
            themes=[],
            links={"no_such_link": []},
            actor=users[Role.ENGAGEMENT_LEAD],
        )
