"""Staff side of the trust pulse: who may open, close and read it; the link shown again;
the results (count, averages, distribution, comments for staff only); query counts."""

import re

import pytest
from django.test import Client
from django_scopes import scope, scopes_disabled

from cycles.tests.builders import make_cycle
from feedback import pulse
from feedback.models import PulseSurvey
from t2a.models import Role
from tests.matrix import ALL_ROLES, STAFF, assert_role_matrix

from .builders import make_pulse_responses, make_pulse_survey
from .conftest import url

pytestmark = pytest.mark.django_db

COMMENT = "The clinic receptionist laughed at my accent."


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
    assert first.startswith(f"http://testserver/p/{org.slug}/{cycle.slug}/trust-pulse/")
    token = first.rstrip("/").rsplit("/", 1)[1]
    survey = survey_of(cycle)
    # Only a hash of the token is stored; the same link is shown on every later visit.
    assert token not in {survey.token_nonce, survey.token_hash}
    assert survey.token_hash == pulse.token_hash(token)
    assert shown_link(lead.get(url(org, "pulse", cycle.pk)).content.decode()) == first
    assert Client().get(first.removeprefix("http://testserver")).status_code == 200
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


def test_results_show_count_averages_and_distribution(client_for, users, org, cycle):
    survey, _ = make_pulse_survey(cycle)
    make_pulse_responses(
        survey,
        [(5, 1, 3, 4, 2, 5), (4, 1, 3, 4, 2, 5), (3, 2, 3, 4, 2, 1), (5, 1, 3, 4, 2, 5)],
        comments=["Good start.", "", "Still not sure."],
    )
    with scope(organisation=org.pk):
        results = pulse.survey_results(survey)
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


def test_tokens_are_long_and_random(org):
    tokens = set()
    for n in range(5):
        cycle = make_cycle(org, f"Cycle {n}", slug=f"cycle-x{n}")
        _survey, token = make_pulse_survey(cycle)
        assert len(token) >= 43 and re.fullmatch(r"[A-Za-z0-9_-]+", token)
        tokens.add(token)
    assert len(tokens) == 5


def test_the_listening_pages_link_to_the_trust_pulse(client_for, users, org, cycle):
    html = client_for(users[Role.GOVERNANCE]).get(url(org, "cycle", cycle.pk)).content.decode()
    assert url(org, "pulse", cycle.pk) in html and "Trust pulse" in html


# --- query counts ---------------------------------------------------------------------------

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


def test_opening_and_closing_are_in_the_audit_trail_without_the_token(
    client_for, users, org, cycle
):
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    from feedback.models import PulseResponse

    lead = client_for(users[Role.ENGAGEMENT_LEAD])
    lead.post(url(org, "pulse_open", cycle.pk))
    lead.post(url(org, "pulse_new_link", cycle.pk))
    lead.post(url(org, "pulse_close", cycle.pk))
    survey = survey_of(cycle)
    with scope(organisation=org.pk):
        token = pulse.survey_token(survey)
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
