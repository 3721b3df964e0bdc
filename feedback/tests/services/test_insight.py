"""Saving insight (services/insight.py): consent to be credited by name, consent to record."""

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scope

from feedback.models import Insight, RecordConsent
from feedback.services.insight import RECORD_NEEDS_CONSENT, insight_save
from feedback.tests.builders import make_activity, make_insight
from t2a.models import Role

pytestmark = pytest.mark.django_db


def test_renaming_the_contributor_needs_consent_afresh(org, cycle, users):
    actor = users[Role.ENGAGEMENT_LEAD]
    with scope(organisation=org.pk):
        insight = Insight(organisation=org, cycle=cycle, summary="s", contributor_name="Hodan")
        insight_save(
            insight=insight, theme_names=[], credit_consent=True, record_consent=True, actor=actor
        )
        first_consent = insight.credit_consent_at
        insight.contributor_name = "Amal"
        insight_save(insight=insight, theme_names=[], credit_consent=True, actor=actor)
        assert insight.credit_consent_at > first_consent
        insight.contributor_name = ""
        insight_save(insight=insight, theme_names=[], credit_consent=False, actor=actor)
        insight.refresh_from_db()
        assert insight.credit_consent_at is None and insight.credit_consent_recorded_by is None


def test_new_insight_needs_consent_to_record_and_nothing_is_saved_without(org, cycle, users):
    actor = users[Role.ENGAGEMENT_LEAD]
    with scope(organisation=org.pk):
        insight = Insight(organisation=org, cycle=cycle, summary="Buses stop too early.")
        with pytest.raises(ValidationError) as refused:
            insight_save(
                insight=insight, theme_names=["Transport"], credit_consent=False, actor=actor
            )
        assert refused.value.message_dict["record_consent"] == [RECORD_NEEDS_CONSENT]
        assert not Insight.objects.exists()


def test_ticked_consent_is_stamped_once_and_unticking_withdraws_it(org, cycle, users):
    actor = users[Role.COMMUNITY_LEAD]
    with scope(organisation=org.pk):
        insight = Insight(organisation=org, cycle=cycle, summary="s")
        insight_save(
            insight=insight, theme_names=[], credit_consent=False, record_consent=True, actor=actor
        )
        assert insight.record_consent == RecordConsent.IN_PERSON
        assert insight.record_consent_recorded_by == actor
        stamped = insight.record_consent_at
        insight_save(
            insight=insight, theme_names=[], credit_consent=False, record_consent=True,
            actor=users[Role.ADMIN],
        )  # fmt: skip
        assert insight.record_consent_at == stamped and insight.record_consent_recorded_by == actor
        insight_save(insight=insight, theme_names=[], credit_consent=False, actor=actor)
        insight.refresh_from_db()
        assert insight.record_consent == RecordConsent.NOT_RECORDED
        assert insight.record_consent_at is None and not insight.may_be_quoted_publicly


def test_an_activity_note_of_how_consent_was_gathered_covers_its_insight(org, cycle, users):
    actor = users[Role.COMMUNITY_LEAD]
    noted = make_activity(cycle, record_consent_note="Everyone at the table agreed out loud.")
    with scope(organisation=org.pk):
        insight = Insight(organisation=org, cycle=cycle, activity=noted, summary="s")
        insight_save(insight=insight, theme_names=[], credit_consent=False, actor=actor)
        insight.refresh_from_db()
        assert insight.record_consent == RecordConsent.ACTIVITY
        assert insight.record_consent_at is not None and insight.may_be_quoted_publicly


def test_insight_from_before_consent_was_asked_can_still_be_edited(org, cycle, users):
    old = make_insight(cycle, "Said before we asked.", record_consent="")
    with scope(organisation=org.pk):
        old.summary = "Said before we asked, tidied."
        insight_save(insight=old, theme_names=[], credit_consent=False, actor=users[Role.ADMIN])
        old.refresh_from_db()
        assert old.summary.endswith("tidied.") and not old.may_be_quoted_publicly
