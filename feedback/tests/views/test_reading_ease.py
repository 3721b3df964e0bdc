"""The live reading-ease score (views/reading_ease.py)."""

import pytest
from django_scopes import scopes_disabled

from feedback.tests.builders import make_report_back
from feedback.tests.conftest import url
from t2a.models import Role
from tests.matrix import STAFF, assert_role_matrix

pytestmark = pytest.mark.django_db


def test_another_organisations_admin_gets_404(client_for, outsider, org):
    response = client_for(outsider).post(url(org, "reading_ease"), {"field": "body", "body": "Hi"})
    assert response.status_code == 404


def test_reading_ease(client_for, users, org):
    assert_role_matrix(
        client_for,
        users,
        url(org, "reading_ease"),
        post=STAFF,
        data={"field": "body", "body": "We listened."},
        htmx=True,
    )


PLAIN = "We listened to you. The bus now runs later."


DENSE = (
    "Going forward, the ICB will leverage its commissioning intervention and co-production "
    "pathway across the integrated stakeholder cohort to facilitate holistic outcomes."
)


@pytest.fixture
def lead(client_for, users):
    return client_for(users[Role.ENGAGEMENT_LEAD])


def test_the_partial_scores_the_draft_against_the_organisations_target(lead, org):
    response = lead.post(
        url(org, "reading_ease"), {"field": "body", "body": PLAIN}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="body-readability"' in html
    assert "Reading ease: 99 (very easy to read)" in html
    assert "Meets your target of 60" in html

    with scopes_disabled():
        org.reading_ease_target = 100
        org.save()
    html = lead.post(url(org, "reading_ease"), {"field": "body", "body": PLAIN}).content.decode()
    assert "Below your target of 100" in html


def test_long_sentences_and_jargon_are_flagged(lead, org):
    html = lead.post(
        url(org, "reading_ease"), {"field": "summary", "summary": DENSE}
    ).content.decode()
    assert 'id="summary-readability"' in html
    assert "Below your target of 60" in html
    assert "1 sentence over 25 words" not in html  # 22 words: not long
    assert "&ldquo;stakeholder&rdquo;: try people and groups involved" in html
    assert "&ldquo;ICB&rdquo;" in html
    long = " ".join(["word"] * 30) + "."
    html = lead.post(url(org, "reading_ease"), {"field": "body", "body": long}).content.decode()
    assert "1 sentence over 25 words" in html


@pytest.mark.parametrize("data", [{"field": "password", "password": "x"}, {}, {"field": ""}])
def test_unknown_fields_are_refused(lead, org, data):
    assert lead.post(url(org, "reading_ease"), data).status_code == 400


def test_empty_and_huge_drafts(lead, org):
    html = lead.post(url(org, "reading_ease"), {"field": "body", "body": ""}).content.decode()
    assert "start writing" in html
    response = lead.post(url(org, "reading_ease"), {"field": "body", "body": "Word. " * 50_000})
    assert response.status_code == 200


def test_the_form_shows_the_score_on_a_full_page_load(lead, org, cycle):
    html = lead.get(url(org, "report_back_create", cycle.pk)).content.decode()
    assert "start writing to see how easy this is to read" in html
    assert f'hx-post="{url(org, "reading_ease")}"' in html
    assert 'hx-trigger="keyup changed delay:800ms"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    report_back = make_report_back(cycle, body=PLAIN)
    html = lead.get(url(org, "report_back_edit", report_back.pk)).content.decode()
    assert "Reading ease: 99 (very easy to read)" in html
    # A failed save keeps the score of what was typed.
    response = lead.post(url(org, "report_back_create", cycle.pk), {"title": "", "body": DENSE})
    assert response.status_code == 400
    assert "Below your target of 60" in response.content.decode()
    html = lead.get(url(org, "public_page_settings", cycle.pk)).content.decode()
    assert 'id="summary-readability"' in html and 'id="how_to_get_involved-readability"' in html
