"""Saving insight (services/insight.py): consent to be credited by name."""

import pytest
from django_scopes import scope

from feedback.models import Insight
from feedback.services.insight import insight_save
from t2a.models import Role

pytestmark = pytest.mark.django_db


def test_renaming_the_contributor_needs_consent_afresh(org, cycle, users):
    actor = users[Role.ENGAGEMENT_LEAD]
    with scope(organisation=org.pk):
        insight = Insight(organisation=org, cycle=cycle, summary="s", contributor_name="Hodan")
        insight_save(insight=insight, theme_names=[], credit_consent=True, actor=actor)
        first_consent = insight.credit_consent_at
        insight.contributor_name = "Amal"
        insight_save(insight=insight, theme_names=[], credit_consent=True, actor=actor)
        assert insight.credit_consent_at > first_consent
        insight.contributor_name = ""
        insight_save(insight=insight, theme_names=[], credit_consent=False, actor=actor)
        insight.refresh_from_db()
        assert insight.credit_consent_at is None and insight.credit_consent_recorded_by is None
