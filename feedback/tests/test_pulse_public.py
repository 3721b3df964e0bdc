"""The public trust-pulse form behind a shared link: who can reach it, once per browser
session, refusing bad answers whole, anonymity, closing, CSRF and the rate limit."""

import re

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django_scopes import scope, scopes_disabled

from cycles.tests.builders import make_cycle
from feedback import pulse
from feedback.models import PulseResponse
from t2a.models import Role

from .builders import make_pulse_survey

pytestmark = pytest.mark.django_db

GOOD = {
    "openness": "4",
    "fairness": "3",
    "consistency": "2",
    "understanding": "5",
    "ability": "1",
    "integrity": "4",
    "comment": "The café felt welcoming.",
}


def link(org, cycle, token) -> str:
    return f"/p/{org.slug}/{cycle.slug}/trust-pulse/{token}/"


@pytest.fixture
def survey(cycle, users):
    return make_pulse_survey(cycle, actor=users[Role.ENGAGEMENT_LEAD])


def answers() -> list[PulseResponse]:
    with scopes_disabled():
        return list(PulseResponse.objects.all())


def test_anyone_with_the_link_sees_the_form(org, cycle, survey):
    _survey, token = survey
    response = Client().get(link(org, cycle, token))
    assert response.status_code == 200
    html = response.content.decode()
    assert "How much do you trust us?" in html
    for q in pulse.QUESTIONS:
        assert q.label in html and q.explanation in html
    assert "5 – Completely" in html and "1 – Not at all" in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in html
    # No session is started for a visitor (only the CSRF cookie for the form).
    assert set(response.cookies) <= {"csrftoken"}


def test_an_answer_is_saved_once_per_browser_session(org, cycle, survey):
    _survey, token = survey
    browser = Client()
    response = browser.post(link(org, cycle, token), GOOD)
    assert response.status_code == 302
    assert response.url == link(org, cycle, token)
    cookie = response.cookies[pulse.COOKIE_NAME]
    assert cookie["path"] == link(org, cycle, token)
    assert not cookie["expires"] and not cookie["max-age"]  # gone when the browser closes
    assert cookie["httponly"]
    [saved] = answers()
    assert (saved.openness, saved.fairness, saved.consistency) == (4, 3, 2)
    assert (saved.understanding, saved.ability, saved.integrity) == (5, 1, 4)
    assert saved.comment == "The café felt welcoming."

    # The same browser now sees the thank-you, not the form, and cannot answer again.
    again = browser.get(link(org, cycle, token))
    assert again.status_code == 200
    html = again.content.decode()
    assert "Thank you" in html and "Send my answers" not in html
    assert browser.post(link(org, cycle, token), GOOD).status_code == 200
    assert len(answers()) == 1

    # A new browser session (no cookie) may answer.
    fresh = Client()
    assert "Send my answers" in fresh.get(link(org, cycle, token)).content.decode()
    assert fresh.post(link(org, cycle, token), GOOD | {"comment": ""}).status_code == 302
    assert len(answers()) == 2


def test_a_forged_or_copied_cookie_does_not_count(org, cycle, survey, users):
    _survey, token = survey
    other = make_cycle(org, "Another cycle", slug="another")
    _other_survey, other_token = make_pulse_survey(other)
    browser = Client()
    browser.post(link(org, other, other_token), GOOD)
    # The other survey's signed cookie, replayed on this link, is not "answered here".
    browser.cookies[pulse.COOKIE_NAME] = browser.cookies[pulse.COOKIE_NAME].value
    assert "Send my answers" in browser.get(link(org, cycle, token)).content.decode()
    browser.cookies[pulse.COOKIE_NAME] = "answered"
    assert "Send my answers" in browser.get(link(org, cycle, token)).content.decode()


def test_nothing_that_identifies_the_person_is_stored(org, cycle, survey):
    _survey, token = survey
    sessions = Session.objects.count()
    Client(
        HTTP_USER_AGENT="Mozilla/5.0 (FuzzPhone) Unique-Agent-123",
        REMOTE_ADDR="203.0.113.77",
    ).post(link(org, cycle, token), GOOD)
    assert Session.objects.count() == sessions
    field_names = {f.name for f in PulseResponse._meta.get_fields()}
    assert field_names == {
        "id",
        "organisation",
        "survey",
        *pulse.FIELDS,
        "comment",
        "given_on",
    }
    with scopes_disabled():
        row = PulseResponse.objects.values().get()
    flat = " ".join(str(v) for v in row.values())
    assert "203.0.113.77" not in flat and "Unique-Agent" not in flat


@pytest.mark.parametrize(
    "change, field",
    [
        ({"openness": "0"}, "openness"),
        ({"fairness": "6"}, "fairness"),
        ({"consistency": "-1"}, "consistency"),
        ({"understanding": "3.5"}, "understanding"),
        ({"ability": "five"}, "ability"),
        ({"integrity": ""}, "integrity"),
        ({"openness": "99999999999999999999"}, "openness"),
    ],
)
def test_out_of_range_or_missing_values_are_refused_whole(org, cycle, survey, change, field):
    _survey, token = survey
    browser = Client()
    response = browser.post(link(org, cycle, token), GOOD | change)
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    label = next(q.label for q in pulse.QUESTIONS if q.field == field)
    assert f"Choose a number from 1 to 5 for {label.lower()}." in html
    # The summary links to the first radio of the question, which can take focus.
    assert f'href="#id_{field}_0"' in html
    assert f'<input class="nhsuk-radios__input" id="id_{field}_0"' in html
    assert "<title>Error: " in html
    assert answers() == []
    assert pulse.COOKIE_NAME not in response.cookies
    # The other answers are kept in the form so the person fixes only what was wrong.
    assert 'value="4" checked' in html


def test_an_empty_post_lists_every_question(org, cycle, survey):
    _survey, token = survey
    response = Client().post(link(org, cycle, token), {})
    assert response.status_code == 400
    html = response.content.decode()
    for q in pulse.QUESTIONS:
        assert f"Choose a number from 1 to 5 for {q.label.lower()}." in html
    assert answers() == []


def test_a_long_comment_is_refused(org, cycle, survey):
    _survey, token = survey
    response = Client().post(link(org, cycle, token), GOOD | {"comment": "x" * 2001})
    assert response.status_code == 400
    assert "2,000 characters or fewer" in response.content.decode()
    assert answers() == []


def test_a_token_works_only_for_its_own_cycle_and_organisation(org, other_org, cycle, survey):
    _survey, token = survey
    other = make_cycle(org, "Another cycle", slug="another")
    _other_survey, other_token = make_pulse_survey(other)
    southfield = make_cycle(other_org, "Southfield cycle", slug=cycle.slug)
    make_pulse_survey(southfield)
    client = Client()
    # Cycle A's token on cycle B's address, and the other way round.
    assert client.get(link(org, other, token)).status_code == 404
    assert client.post(link(org, other, token), GOOD).status_code == 404
    assert client.get(link(org, cycle, other_token)).status_code == 404
    # Organisation A's token under organisation B's slug, even with a same-slug cycle there.
    assert client.get(link(other_org, southfield, token)).status_code == 404
    assert client.post(link(other_org, southfield, token), GOOD).status_code == 404
    assert answers() == []
    assert client.get(link(org, cycle, token)).status_code == 200


def test_unknown_or_forged_tokens_do_not_reveal_whether_a_cycle_exists(org, cycle, survey):
    _survey, token = survey
    client = Client()
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    real_cycle = client.get(link(org, cycle, forged))
    no_cycle = client.get(f"/p/{org.slug}/no-such-cycle/trust-pulse/{forged}/")
    short = client.get(link(org, cycle, "x"))
    pages = set()
    for response in (real_cycle, no_cycle, short):
        assert response.status_code == 404
        pages.add(re.sub(r'nonce="[^"]+"', "", response.content.decode()))
    assert len(pages) == 1  # the same page, bar the per-response CSP nonce
    assert cycle.title not in real_cycle.content.decode()


def test_a_closed_survey_says_so_and_takes_nothing(org, cycle, survey, users):
    found, token = survey
    with scope(organisation=org.pk):
        pulse.pulse_survey_close(survey=found, actor=users[Role.ADMIN])
    client = Client()
    response = client.get(link(org, cycle, token))
    assert response.status_code == 200
    html = response.content.decode()
    assert "This survey has closed" in html and "Send my answers" not in html
    response = client.post(link(org, cycle, token), GOOD)
    assert response.status_code == 409
    assert "This survey has closed" in response.content.decode()
    assert answers() == []
    # Reopened, the same link works again.
    with scope(organisation=org.pk):
        pulse.pulse_survey_open(cycle=cycle, actor=users[Role.ADMIN])
    assert client.post(link(org, cycle, token), GOOD).status_code == 302


def test_the_service_refuses_a_closed_survey_and_bad_ratings(org, cycle, survey, users):
    from django.core.exceptions import ValidationError

    found, _token = survey
    ratings = {field: 3 for field in pulse.FIELDS}
    with scope(organisation=org.pk):
        with pytest.raises(ValidationError):
            pulse.pulse_response_record(survey=found, ratings=ratings | {"ability": 7}, comment="")
        with pytest.raises(ValidationError):
            pulse.pulse_response_record(
                survey=found, ratings={k: v for k, v in ratings.items() if k != "ability"},
                comment="",
            )  # fmt: skip
        pulse.pulse_survey_close(survey=found, actor=users[Role.ADMIN])
        with pytest.raises(ValidationError, match="closed"):
            pulse.pulse_response_record(survey=found, ratings=ratings, comment="")
    assert answers() == []


def test_the_database_refuses_a_rating_outside_1_to_5(cycle, survey):
    from django.db import IntegrityError, transaction

    found, _token = survey
    with scopes_disabled(), pytest.raises(IntegrityError), transaction.atomic():
        PulseResponse.objects.create(
            organisation_id=found.organisation_id,
            survey=found,
            **{field: 3 for field in pulse.FIELDS} | {"integrity": 6},
        )


def test_a_replaced_link_stops_working(org, cycle, survey, users):
    found, token = survey
    with scope(organisation=org.pk):
        pulse.pulse_survey_new_link(survey=found, actor=users[Role.ADMIN])
        new_token = pulse.survey_token(found)
    assert new_token != token
    assert Client().get(link(org, cycle, token)).status_code == 404
    assert Client().get(link(org, cycle, new_token)).status_code == 200


def test_csrf_is_enforced(org, cycle, survey):
    _survey, token = survey
    client = Client(enforce_csrf_checks=True)
    assert client.post(link(org, cycle, token), GOOD).status_code == 403
    assert answers() == []
    client.get(link(org, cycle, token))
    csrf = client.cookies["csrftoken"].value
    response = client.post(link(org, cycle, token), GOOD | {"csrfmiddlewaretoken": csrf})
    assert response.status_code == 302
    assert len(answers()) == 1


def test_answers_per_link_are_rate_limited(org, cycle, survey, monkeypatch):
    found, token = survey
    monkeypatch.setattr(pulse, "RATE_LIMITS", ((60, 3), (3600, 100)))
    for _ in range(3):
        assert Client().post(link(org, cycle, token), GOOD).status_code == 302
    response = Client().post(link(org, cycle, token), GOOD)
    assert response.status_code == 429
    assert "Too many answers at once" in response.content.decode()
    assert len(answers()) == 3
    assert pulse.COOKIE_NAME not in response.cookies
    # Another link has its own count.
    other = make_cycle(org, "Another cycle", slug="another")
    _other, other_token = make_pulse_survey(other)
    assert Client().post(link(org, other, other_token), GOOD).status_code == 302


def test_head_and_other_methods(org, cycle, survey):
    _survey, token = survey
    assert Client().head(link(org, cycle, token)).status_code == 200
    assert Client().put(link(org, cycle, token)).status_code == 405
