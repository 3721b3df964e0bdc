"""The trust pulse (views/pulse.py). Staff: who may open, close and read it; the link shown
again; the results (count, averages, distribution, comments for staff only) and the trend
across iterations. The public form behind a shared link: who can reach it, once per
browser session, refusing bad answers whole, anonymity, closing, CSRF and the rate limit."""

import re

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.test import Client
from django_scopes import scope, scopes_disabled

from cycles.tests.builders import make_cycle
from feedback.models import PULSE_FIELDS, PULSE_QUESTIONS, PulseResponse, PulseSurvey
from feedback.selectors.pulse import COOKIE_NAME, survey_results, survey_token, token_hash
from feedback.services.pulse import pulse_survey_close, pulse_survey_new_link, pulse_survey_open
from feedback.tests.builders import make_iteration_chain, make_pulse_responses, make_pulse_survey
from feedback.tests.conftest import url
from t2a.links import absolute_url
from t2a.models import Role
from tests.matrix import ALL_ROLES, STAFF, assert_role_matrix

pytestmark = pytest.mark.django_db


def survey_of(cycle) -> PulseSurvey | None:
    with scopes_disabled():
        return PulseSurvey.objects.filter(cycle=cycle).first()


def shown_link(html: str) -> str:
    return re.search(r'id="pulse-link" type="text" value="([^"]+)"', html).group(1)


def test_permission_matrix(client_for, users, org, cycle):
    assert_role_matrix(client_for, users, url(org, "pulse", cycle.pk), get=ALL_ROLES)
    for name in ("pulse_open", "pulse_new_link", "pulse_close"):
        assert_role_matrix(client_for, users, url(org, name, cycle.pk), post=STAFF)
    for name in ("pulse_open", "pulse_new_link", "pulse_close"):
        assert client_for(users[Role.ADMIN]).get(url(org, name, cycle.pk)).status_code == 405


def test_a_cycle_the_member_cannot_see_is_404(client_for, users, org):
    hidden = make_cycle(org, "Not theirs", slug="not-theirs")
    for role in (Role.COMMUNITY_LEAD, Role.GOVERNANCE):
        assert client_for(users[role]).get(url(org, "pulse", hidden.pk)).status_code == 404


def test_other_organisations_get_404(client_for, outsider, org, cycle):
    make_pulse_survey(cycle)
    client = client_for(outsider)
    assert client.get(url(org, "pulse", cycle.pk)).status_code == 404
    for name in ("pulse_open", "pulse_new_link", "pulse_close"):
        assert client.post(url(org, name, cycle.pk)).status_code == 404
    assert survey_of(cycle).is_open


def test_a_lead_opens_the_survey_and_sees_the_link_again(client_for, users, org, cycle):
    lead = client_for(users[Role.ENGAGEMENT_LEAD])
    page = lead.get(url(org, "pulse", cycle.pk)).content.decode()
    assert "Open a trust pulse survey" in page and "pulse-link" not in page
    response = lead.post(url(org, "pulse_open", cycle.pk), follow=True)
    html = response.content.decode()
    assert "Trust pulse open. Copy the link below and share it." in html
    first = shown_link(html)
    # Built from SITE_URL, whatever host the request named: the link is shared outside.
    site = absolute_url("/")
    assert first.startswith(f"{site}p/{org.slug}/{cycle.slug}/trust-pulse/")
    token = first.rstrip("/").rsplit("/", 1)[1]
    survey = survey_of(cycle)
    # Only a hash of the token is stored; the same link is shown on every later visit.
    assert token not in {survey.token_nonce, survey.token_hash}
    assert survey.token_hash == token_hash(token)
    assert shown_link(lead.get(url(org, "pulse", cycle.pk)).content.decode()) == first
    assert Client().get("/" + first.removeprefix(site)).status_code == 200
    # Opening again changes nothing.
    lead.post(url(org, "pulse_open", cycle.pk))
    assert survey_of(cycle).token_hash == survey.token_hash


def test_non_staff_see_figures_but_never_the_link_or_comments(client_for, users, org, cycle):
    survey, token = make_pulse_survey(cycle)
    make_pulse_responses(survey, [(4, 4, 4, 4, 4, 4), (2, 2, 2, 2, 2, 2)], comments=[COMMENT])
    for role in (Role.COMMUNITY_LEAD, Role.GOVERNANCE):
        html = client_for(users[role]).get(url(org, "pulse", cycle.pk)).content.decode()
        assert "Openness" in html and ">3.0<" in html
        assert COMMENT not in html and token not in html
        assert "Close the survey" not in html
        assert "Comments are shown to engagement leads and admins only" in html
    for role in (Role.ADMIN, Role.ENGAGEMENT_LEAD):
        html = client_for(users[role]).get(url(org, "pulse", cycle.pk)).content.decode()
        assert COMMENT in html and token in html


COMMENT = "The clinic receptionist laughed at my accent."


def test_results_show_count_averages_and_distribution(client_for, users, org, cycle):
    survey, _ = make_pulse_survey(cycle)
    make_pulse_responses(
        survey,
        [(5, 1, 3, 4, 2, 5), (4, 1, 3, 4, 2, 5), (3, 2, 3, 4, 2, 1), (5, 1, 3, 4, 2, 5)],
        comments=["Good start.", "", "Still not sure."],
    )
    with scope(organisation=org.pk):
        results = survey_results(survey)
    assert results["responses"] == 4
    by_label = {q["label"]: q for q in results["questions"]}
    assert by_label["Openness"]["average"] == 4.25
    assert by_label["Fairness"]["average"] == 1.25
    assert [d["count"] for d in by_label["Openness"]["distribution"]] == [0, 0, 1, 1, 2]
    assert [d["percent"] for d in by_label["Integrity"]["distribution"]] == [25, 0, 0, 0, 75]
    html = client_for(users[Role.ADMIN]).get(url(org, "pulse", cycle.pk)).content.decode()
    assert '<span class="t2a-stat">4</span>' in html
    assert ">4.2<" in html or ">4.3<" in html  # 4.25 to one place
    assert "Good start." in html and "Still not sure." in html
    # The chart is server-made SVG with presentation attributes, no style attributes.
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert 'role="img"' in svg and "style=" not in svg
    assert 'fill="#005eb8"' in svg


def test_close_reopen_and_replace_the_link(client_for, users, org, cycle):
    lead = client_for(users[Role.ENGAGEMENT_LEAD])
    lead.post(url(org, "pulse_open", cycle.pk))
    first = shown_link(lead.get(url(org, "pulse", cycle.pk)).content.decode())
    path = first.removeprefix("http://testserver")

    html = lead.post(url(org, "pulse_close", cycle.pk), follow=True).content.decode()
    assert "Trust pulse closed." in html and "Open the survey again" in html
    assert "pulse-link" not in html
    assert "This survey has closed" in Client().get(path).content.decode()

    html = lead.post(url(org, "pulse_open", cycle.pk), follow=True).content.decode()
    assert "The link is the same as before" in html
    assert shown_link(html) == first

    html = lead.post(url(org, "pulse_new_link", cycle.pk), follow=True).content.decode()
    assert "The old link no longer works" in html
    second = shown_link(html)
    assert second != first
    assert Client().get(path).status_code == 404
    assert Client().get(second.removeprefix("http://testserver")).status_code == 200


def test_closing_or_replacing_a_survey_that_does_not_exist_is_404(client_for, users, org, cycle):
    lead = client_for(users[Role.ENGAGEMENT_LEAD])
    assert lead.post(url(org, "pulse_close", cycle.pk)).status_code == 404
    assert lead.post(url(org, "pulse_new_link", cycle.pk)).status_code == 404
    assert survey_of(cycle) is None


def test_the_link_survives_a_rotated_secret_key_only_while_the_old_key_is_a_fallback(
    client_for, users, org, cycle, settings
):
    survey, token = make_pulse_survey(cycle)
    lead = client_for(users[Role.ENGAGEMENT_LEAD])
    old = settings.SECRET_KEY
    settings.SECRET_KEY = "a-brand-new-secret-key-" + "x" * 40
    settings.SECRET_KEY_FALLBACKS = [old]
    lead = client_for(users[Role.ENGAGEMENT_LEAD])
    html = lead.get(url(org, "pulse", cycle.pk)).content.decode()
    assert token in shown_link(html)
    settings.SECRET_KEY_FALLBACKS = []
    lead = client_for(users[Role.ENGAGEMENT_LEAD])
    html = lead.get(url(org, "pulse", cycle.pk)).content.decode()
    assert "The link cannot be shown again" in html and token not in html
    # The old link still works (it is found by its hash), until a new one is made.
    assert Client().get(f"/p/{org.slug}/{cycle.slug}/trust-pulse/{token}/").status_code == 200
    lead.post(url(org, "pulse_new_link", cycle.pk))
    assert "pulse-link" in lead.get(url(org, "pulse", cycle.pk)).content.decode()


def test_the_listening_pages_link_to_the_trust_pulse(client_for, users, org, cycle):
    html = client_for(users[Role.GOVERNANCE]).get(url(org, "cycle", cycle.pk)).content.decode()
    assert url(org, "pulse", cycle.pk) in html and "Trust pulse" in html


def test_opening_and_closing_are_in_the_audit_trail_without_the_token(
    client_for, users, org, cycle
):
    lead = client_for(users[Role.ENGAGEMENT_LEAD])
    lead.post(url(org, "pulse_open", cycle.pk))
    lead.post(url(org, "pulse_new_link", cycle.pk))
    lead.post(url(org, "pulse_close", cycle.pk))
    survey = survey_of(cycle)
    with scope(organisation=org.pk):
        token = survey_token(survey)
    Client().get(f"/p/{org.slug}/{cycle.slug}/trust-pulse/{token}/")
    entries = list(
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(PulseSurvey), object_id=survey.pk
        ).order_by("id")
    )
    assert [e.action for e in entries] == [
        LogEntry.Action.CREATE,
        LogEntry.Action.UPDATE,  # the new link
        LogEntry.Action.UPDATE,  # closed
    ]
    assert all(e.actor_id == users[Role.ENGAGEMENT_LEAD].pk for e in entries)
    assert set(entries[1].changes_dict) == {"link_made_at"}
    assert "closed_at" in entries[2].changes_dict
    text = " ".join(str(e.changes) for e in entries)
    assert survey.token_hash not in text and survey.token_nonce not in text and token not in text
    assert not LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(PulseResponse)
    ).exists()


def test_the_results_page_shows_the_trend(client_for, users, org):
    first, second = make_iteration_chain(org, "Maternity 2025", "Maternity 2026")
    with scopes_disabled():
        second.lead = users[Role.ENGAGEMENT_LEAD]
        second.save()
    old, _ = make_pulse_survey(first, closed=True)
    make_pulse_responses(old, [(2, 2, 2, 2, 2, 2)])
    new, _ = make_pulse_survey(second)
    make_pulse_responses(new, [(4, 4, 4, 4, 4, 4)])
    html = client_for(users[Role.ENGAGEMENT_LEAD]).get(url(org, "pulse", second.pk)).content
    html = html.decode()
    assert "This cycle is iteration 2 of the same work, which began with Maternity 2025" in html
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert "Maternity 2025: 2.0" in svg and "Maternity 2026: 4.0" in svg
    assert svg.count('fill="#768692"') == 6 and svg.count('fill="#005eb8"') == 6
    assert "style=" not in svg
    assert "Maternity 2026 (this cycle)" in html


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


def answers() -> list[PulseResponse]:
    with scopes_disabled():
        return list(PulseResponse.objects.all())


def test_anyone_with_the_link_sees_the_form(org, cycle, survey):
    _survey, token = survey
    response = Client().get(link(org, cycle, token))
    assert response.status_code == 200
    html = response.content.decode()
    assert "How much do you trust us?" in html
    for q in PULSE_QUESTIONS:
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
    cookie = response.cookies[COOKIE_NAME]
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
    browser.cookies[COOKIE_NAME] = browser.cookies[COOKIE_NAME].value
    assert "Send my answers" in browser.get(link(org, cycle, token)).content.decode()
    browser.cookies[COOKIE_NAME] = "answered"
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
        *PULSE_FIELDS,
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
    label = next(q.label for q in PULSE_QUESTIONS if q.field == field)
    assert f"Choose a number from 1 to 5 for {label.lower()}." in html
    # The summary links to the first radio of the question, which can take focus.
    assert f'href="#id_{field}_0"' in html
    assert f'<input class="nhsuk-radios__input" id="id_{field}_0"' in html
    assert "<title>Error: " in html
    assert answers() == []
    assert COOKIE_NAME not in response.cookies
    # The other answers are kept in the form so the person fixes only what was wrong.
    assert 'value="4" checked' in html


def test_an_empty_post_lists_every_question(org, cycle, survey):
    _survey, token = survey
    response = Client().post(link(org, cycle, token), {})
    assert response.status_code == 400
    html = response.content.decode()
    for q in PULSE_QUESTIONS:
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
        pulse_survey_close(survey=found, actor=users[Role.ADMIN])
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
        pulse_survey_open(cycle=cycle, actor=users[Role.ADMIN])
    assert client.post(link(org, cycle, token), GOOD).status_code == 302


def test_a_replaced_link_stops_working(org, cycle, survey, users):
    found, token = survey
    with scope(organisation=org.pk):
        pulse_survey_new_link(survey=found, actor=users[Role.ADMIN])
        new_token = survey_token(found)
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
    monkeypatch.setattr("feedback.services.pulse.RATE_LIMITS", ((60, 3), (3600, 100)))
    for _ in range(3):
        assert Client().post(link(org, cycle, token), GOOD).status_code == 302
    response = Client().post(link(org, cycle, token), GOOD)
    assert response.status_code == 429
    assert "Too many answers at once" in response.content.decode()
    assert len(answers()) == 3
    assert COOKIE_NAME not in response.cookies
    # Another link has its own count.
    other = make_cycle(org, "Another cycle", slug="another")
    _other, other_token = make_pulse_survey(other)
    assert Client().post(link(org, other, other_token), GOOD).status_code == 302


def test_head_and_other_methods(org, cycle, survey):
    _survey, token = survey
    assert Client().head(link(org, cycle, token)).status_code == 200
    assert Client().put(link(org, cycle, token)).status_code == 405


RESULTS_QUERIES = 12  # with the recursive query for the chain of iterations


@pytest.mark.parametrize("answers", [5, 500])
def test_results_page_queries_do_not_grow_with_answers(
    client_for, users, org, cycle, answers, django_assert_max_num_queries
):
    survey, _ = make_pulse_survey(cycle)
    make_pulse_responses(
        survey,
        [tuple((n + k) % 5 + 1 for k in range(6)) for n in range(answers)],
        comments=[f"Comment {n}" for n in range(answers)],
    )
    client = client_for(users[Role.ENGAGEMENT_LEAD])
    with django_assert_max_num_queries(RESULTS_QUERIES):
        response = client.get(url(org, "pulse", cycle.pk))
    assert response.status_code == 200
    assert f'<span class="t2a-stat">{answers}</span>' in response.content.decode()


@pytest.mark.parametrize("iterations", [2, 12])
def test_results_page_queries_do_not_grow_with_iterations(
    client_for, users, org, iterations, django_assert_max_num_queries
):
    cycles = make_iteration_chain(org, *[f"Iteration {n}" for n in range(iterations)])
    for cycle in cycles:
        survey, _ = make_pulse_survey(cycle)
        make_pulse_responses(survey, [(3, 3, 3, 3, 3, 3)] * 3, comments=["A comment."])
    client = client_for(users[Role.ADMIN])
    with django_assert_max_num_queries(RESULTS_QUERIES):
        response = client.get(url(org, "pulse", cycles[-1].pk))
    assert response.status_code == 200
    assert response.content.decode().count("Iteration 0") >= 2
