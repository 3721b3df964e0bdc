"""Fuzz the action form (create and edit) and the sign-off form through the real views: any
input gives a page or a clear error, never a 500, and a refused save writes nothing (no
row, no changed field, no superseded sign-off, no notification, no audit entry)."""

import pytest
from auditlog.models import LogEntry
from django.forms.models import model_to_dict
from django.urls import reverse
from django_scopes import scope, scopes_disabled
from hypothesis import given
from hypothesis import strategies as st

from actions.models import Action, ActionPlan, PlanStatus, SignOff, SignOffRound
from actions.services.signoff import action_plan_send_for_signoff, signoff_record
from actions.tests.builders import make_action, make_priority
from cycles.tests.builders import make_cycle
from t2a.models import Membership, Notification, Role
from tests.cast import make_member
from tests.fuzzing import BAD_BYTES, assert_answered, fuzz_settings, raw_post, tricky_text

pytestmark = pytest.mark.django_db

FUZZ = fuzz_settings(30)

# Hypothesis's text already mixes in control characters (NUL included), combining marks,
# astral-plane emoji and right-to-left scripts; these make the awkward cases common.
AWKWARD = [
    "",
    " ",
    "\x00",
    "Evening\x00clinic",
    "\u202eevil\u202c",
    "عيادة مسائية",
    "מרפאת ערב",
    "👩🏾‍🍼🤱🏽 ❤️‍🩹",
    "<script>alert(1)</script>",
    "{{ csp_nonce }}",
    "-1",
    "0",
    "1",
    "28",
    "365",
    "366",
    "1.5",
    "1e400",
    "99999999999999999999",
    "2026-02-30",
    "2026-01-05",
    "2026-03-01",
    "2025-12-01",
    "0000-00-00",
    "x" * 5001,
]
text = st.text(max_size=300) | st.sampled_from(AWKWARD) | tricky_text
value = text | st.lists(text, min_size=2, max_size=3)
MEGABYTE = "ä" * 500_000  # 1 MB once UTF-8 encoded


def snapshot(action_pk=None, cycle=None) -> tuple:
    """Everything a refused save must leave alone."""
    with scopes_disabled():
        action = model_to_dict(Action.objects.get(pk=action_pk)) if action_pk else None
        plan = (
            ActionPlan.objects.filter(cycle=cycle)
            .values("status", "version", "signed_off_at")
            .first()
            if cycle
            else None
        )
        return (
            Action.objects.count(),
            ActionPlan.objects.count(),
            list(SignOffRound.objects.values_list("pk", "status", "closed_at").order_by("pk")),
            list(
                SignOff.objects.values_list(
                    "pk", "decision", "comment", "superseded_at", "decided_at"
                ).order_by("pk")
            ),
            Notification.objects.count(),
            LogEntry.objects.count(),
            action,
            plan,
        )


@pytest.fixture
def second_lead(org):
    return make_member(org, Role.COMMUNITY_LEAD, "second.lead@northgate.example.org")


def membership(org, user) -> Membership:
    with scopes_disabled():
        return Membership.objects.select_related("user").get(organisation=org, user=user)


def signed_off_cycle(org, users, second_lead):
    """A fresh cycle whose plan (one action) both community leads have signed off."""
    cycle = make_cycle(
        org,
        "Maternity in Northgate",
        lead=users[Role.ENGAGEMENT_LEAD],
        community_leads=(users[Role.COMMUNITY_LEAD], second_lead),
    )
    action = make_action(cycle)
    round_ = open_round(org, cycle, users)
    for lead in (users[Role.COMMUNITY_LEAD], second_lead):
        with scope(organisation=org.pk):
            signoff_record(
                cycle=cycle,
                membership=membership(org, lead),
                decision="approve",
                comment="",
                content_hash=round_.content_hash,
            )
    with scopes_disabled():
        assert ActionPlan.objects.get(cycle=cycle).status == PlanStatus.SIGNED_OFF
    return cycle, action


def open_round(org, cycle, users) -> SignOffRound:
    with scope(organisation=org.pk):
        return action_plan_send_for_signoff(cycle=cycle, by=users[Role.ENGAGEMENT_LEAD])


# --- action ---------------------------------------------------------------------------------

PRIORITY = st.sampled_from(["MINE", "OTHER_CYCLE", "OTHER_ORG", "", "0", "-1", "x"])
OWNER = st.sampled_from(["LEAD", "COMMUNITY", "OUTSIDER", "", "0", "x"])
action_fields = {
    "priority": PRIORITY | value,
    "title": value,
    "description": value,
    "owner": OWNER | value,
    "partners": value,
    "start_date": value,
    "due_date": value,
    "community_measure": value,
    "specific_result": value,
    "metric": value,
    "baseline": value,
    "target": value,
    "scope": st.sampled_from(["in", "out", "maybe", ""]) | value,
    "out_of_scope_reason": value,
    "cadence_days": st.sampled_from(["28", "1", "365", "0", "366", "-7", "1.5", "x"]) | value,
}


@pytest.fixture
def tokens(org, other_org, users, outsider, cycle):
    other_cycle = make_cycle(org, "Another cycle")
    foreign_cycle = make_cycle(other_org, "Southfield cycle")
    return {
        "MINE": make_priority(cycle, "Appointments that fit working lives").pk,
        "OTHER_CYCLE": make_priority(other_cycle, "Someone else's priority").pk,
        "OTHER_ORG": make_priority(foreign_cycle, "Another organisation's priority").pk,
        "LEAD": users[Role.ENGAGEMENT_LEAD].pk,
        "COMMUNITY": users[Role.COMMUNITY_LEAD].pk,
        "OUTSIDER": outsider.pk,
    }


def resolve(data: dict, tokens: dict) -> dict:
    for name in ("priority", "owner"):
        if isinstance(data.get(name), str):
            data[name] = tokens.get(data[name], data[name])
    return data


def assert_sound(action: Action, cycle, tokens) -> None:
    """A saved action belongs to this cycle's priority, a member owner and sane values."""
    assert action.priority_id == tokens["MINE"]
    assert action.owner_id != tokens["OUTSIDER"]
    assert 1 <= action.cadence_days <= 365
    assert not (action.start_date and action.due_date and action.due_date < action.start_date)
    assert action.in_scope or action.out_of_scope_reason.strip()


@FUZZ
@given(data=st.fixed_dictionaries({}, optional=action_fields))
def test_action_create_never_fails(org, users, client_for, cycle, tokens, data):
    resolve(data, tokens)
    client = client_for(users[Role.ENGAGEMENT_LEAD])
    before = snapshot(cycle=cycle)
    response = client.post(reverse("actions:action_create", args=[org.slug, cycle.pk]), data)
    after = snapshot(cycle=cycle)
    assert_answered(response, before, after, data)
    if response.status_code == 302:
        assert response["Location"].endswith(f"/cycles/{cycle.pk}/plan/")
        assert after[0] == before[0] + 1
        with scopes_disabled():
            action = Action.objects.select_related("plan").latest("pk")
        assert action.plan.cycle_id == cycle.pk
        assert_sound(action, cycle, tokens)
        assert client.get(response["Location"]).status_code == 200


@FUZZ
@given(data=st.fixed_dictionaries({}, optional=action_fields))
def test_action_edit_never_fails(org, users, second_lead, client_for, tokens, data):
    # Every example edits an action of a freshly signed-off plan: a refusal must leave the
    # plan signed off and its sign-offs standing.
    cycle, action = signed_off_cycle(org, users, second_lead)
    with scopes_disabled():
        tokens = tokens | {"MINE": action.priority_id}
    resolve(data, tokens)
    client = client_for(users[Role.ENGAGEMENT_LEAD])
    before = snapshot(action.pk, cycle)
    response = client.post(reverse("actions:action_edit", args=[org.slug, action.pk]), data)
    after = snapshot(action.pk, cycle)
    assert_answered(response, before, after, data)
    if response.status_code == 302:
        with scopes_disabled():
            action.refresh_from_db()
        assert_sound(action, cycle, tokens)
        # Either the plan is still signed off with its sign-offs standing, or the content
        # changed and the plan is back to draft with every sign-off superseded.
        superseded = [s[3] is not None for s in after[3]]
        if after[-1]["status"] == PlanStatus.SIGNED_OFF:
            assert not any(superseded) and after[2] == before[2]
        else:
            assert after[-1]["status"] == PlanStatus.DRAFT and all(superseded)
        assert client.get(response["Location"]).status_code == 200


# --- sign-off -------------------------------------------------------------------------------


@FUZZ
@given(
    data=st.fixed_dictionaries(
        {},
        optional={
            "decision": st.sampled_from(["approve", "request_changes", "reject", "", "APPROVE"])
            | value,
            "comment": value,
            "content_hash": st.sampled_from(["HASH", "", "0" * 64, "HASH" * 20]) | value,
        },
    ),
    answered_before=st.sampled_from([None, "approve", "request_changes"]),
)
def test_signoff_never_fails(org, users, second_lead, client_for, data, answered_before):
    cycle = make_cycle(
        org,
        "Maternity in Northgate",
        lead=users[Role.ENGAGEMENT_LEAD],
        community_leads=(users[Role.COMMUNITY_LEAD], second_lead),
    )
    make_action(cycle)
    round_ = open_round(org, cycle, users)
    lead = users[Role.COMMUNITY_LEAD]
    if answered_before:
        with scope(organisation=org.pk):
            signoff_record(
                cycle=cycle,
                membership=membership(org, lead),
                decision=answered_before,
                comment="Earlier answer",
                content_hash=round_.content_hash,
            )
    if isinstance(data.get("content_hash"), str):
        data["content_hash"] = data["content_hash"].replace("HASH", round_.content_hash)
    client = client_for(lead)
    before = snapshot(cycle=cycle)
    response = client.post(reverse("actions:signoff", args=[org.slug, cycle.pk]), data)
    after = snapshot(cycle=cycle)
    assert_answered(response, before, after, data)
    if response.status_code == 302:
        with scopes_disabled():
            mine = SignOff.objects.get(round=round_, lead=lead)
        assert mine.decision in ("approve", "request_changes")
        assert mine.content_hash == round_.content_hash
        assert mine.decision == "approve" or mine.comment.strip()
        # One lead of two approving does not sign the plan off on its own.
        assert after[-1]["status"] == PlanStatus.AWAITING_SIGNOFF
        assert client.get(response["Location"]).status_code == 200


# --- huge and undecodable input -------------------------------------------------------------

VALID_ACTION = {
    "title": "Evening clinic",
    "start_date": "2026-01-05",
    "due_date": "2026-03-01",
    "scope": "in",
    "cadence_days": "28",
}


@pytest.mark.parametrize(
    "field", ["title", "description", "partners", "metric", "cadence_days", "due_date"]
)
def test_a_megabyte_in_an_action_field_is_refused_clearly(
    org, users, client_for, cycle, tokens, field
):
    client = client_for(users[Role.ENGAGEMENT_LEAD])
    url = reverse("actions:action_create", args=[org.slug, cycle.pk])
    valid = VALID_ACTION | {"priority": tokens["MINE"], "owner": tokens["LEAD"]}
    before = snapshot(cycle=cycle)
    response = client.post(url, valid | {field: MEGABYTE})
    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert snapshot(cycle=cycle) == before
    assert len(response.content) < 3 * len(MEGABYTE.encode())
    assert client.post(url, valid).status_code == 302


@pytest.mark.parametrize("field", ["comment", "content_hash", "decision"])
def test_a_megabyte_in_a_signoff_field_is_refused_clearly(org, users, client_for, cycle, field):
    make_action(cycle)
    round_ = open_round(org, cycle, users)
    client = client_for(users[Role.COMMUNITY_LEAD])
    url = reverse("actions:signoff", args=[org.slug, cycle.pk])
    valid = {
        "decision": "request_changes",
        "comment": "Start in February.",
        "content_hash": round_.content_hash,
    }
    before = snapshot(cycle=cycle)
    response = client.post(url, valid | {field: MEGABYTE})
    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert snapshot(cycle=cycle) == before
    assert client.post(url, valid).status_code == 302


@pytest.mark.parametrize("raw", BAD_BYTES)
def test_undecodable_bytes_never_fail(org, users, client_for, cycle, tokens, raw):
    action = make_action(cycle)
    round_ = open_round(org, cycle, users)
    lead = client_for(users[Role.COMMUNITY_LEAD])
    before = snapshot(cycle=cycle)
    response = raw_post(
        lead,
        reverse("actions:signoff", args=[org.slug, cycle.pk]),
        [("decision", b"request_changes"), ("comment", raw), ("content_hash", raw)],
    )
    # The hash cannot match, so the answer is refused and nothing is written.
    assert response.status_code == 400
    assert snapshot(cycle=cycle) == before
    with scopes_disabled():
        assert SignOff.objects.filter(round=round_).count() == 0

    staff = client_for(users[Role.ENGAGEMENT_LEAD])
    ids = [("priority", str(tokens["MINE"]).encode()), ("scope", b"in"), ("cadence_days", b"28")]
    for url in (
        reverse("actions:action_create", args=[org.slug, cycle.pk]),
        reverse("actions:action_edit", args=[org.slug, action.pk]),
    ):
        before = snapshot(action.pk, cycle)
        response = raw_post(staff, url, [("title", raw), ("partners", raw), *ids])
        assert response.status_code in (302, 400), (url, response.status_code)
        if response.status_code == 400:
            assert snapshot(action.pk, cycle) == before
    with scopes_disabled():
        assert all("\x00" not in a.title + a.partners for a in Action.objects.all())
