"""Fuzz the cycle's main forms (cycle create and edit, case for change, ethics log entry)
through the real views: any input gives a page or a clear error, never a 500, and a refused
save writes nothing (no row, no changed field, no audit entry, no revision)."""

import pytest
from auditlog.models import LogEntry
from django.forms.models import model_to_dict
from django.urls import reverse
from django_scopes import scopes_disabled
from hypothesis import given
from hypothesis import strategies as st

from cycles.models import CaseForChange, CaseForChangeRevision, Cycle, EthicsLogEntry
from cycles.tests.builders import make_ethics_entry
from t2a.models import Role
from tests.fuzzing import BAD_BYTES, assert_answered, fuzz_settings, raw_post, tricky_text

pytestmark = pytest.mark.django_db

FUZZ = fuzz_settings(30)

# Hypothesis's text already mixes in control characters (NUL included), combining marks,
# astral-plane emoji and right-to-left scripts; these make the awkward cases common.
AWKWARD = [
    "",
    " ",
    "\x00",
    "Maternity\x00services",
    "\u202eevil\u202c",  # right-to-left override
    "صحة الأمهات في المدينة",
    "בריאות האם",
    "👩🏾‍🍼🤱🏽 ❤️‍🩹",
    "Z̸̢̛̗a̶͚͝l̷̬̈g̴͎̀o̵̳͒",
    "<script>alert(1)</script>",
    "{{ csp_nonce }}{% debug %}",
    "'; DROP TABLE cycles_cycle; --",
    "-3",
    "0",
    "6",
    "3",
    "1.5",
    "1e400",
    "NaN",
    "99999999999999999999",
    "2026-02-30",
    "2026-01-05",
    "2027-12-31",
    "31/12/2026",
    "0000-00-00",
    "x" * 5001,
]
text = st.text(max_size=300) | st.sampled_from(AWKWARD) | tricky_text
# Several values for one field (a list where one value is expected).
value = text | st.lists(text, min_size=2, max_size=3)
# A person field: a real member, another organisation's member, or junk.
PERSON = st.sampled_from(["LEAD", "COMMUNITY", "GOVERNANCE", "OUTSIDER", "", "0", "-1", "x"])
PEOPLE = st.lists(PERSON | text, max_size=3)
MEGABYTE = "ä" * 500_000  # 1 MB once UTF-8 encoded


def person(token, users, outsider):
    tokens = {
        "LEAD": users[Role.ENGAGEMENT_LEAD].pk,
        "COMMUNITY": users[Role.COMMUNITY_LEAD].pk,
        "GOVERNANCE": users[Role.GOVERNANCE].pk,
        "OUTSIDER": outsider.pk,
    }
    if isinstance(token, list):
        return [person(t, users, outsider) for t in token]
    return tokens.get(token, token)


def snapshot(model, pk=None) -> tuple:
    """Row counts that a refused save must leave alone, and the row's own fields."""
    with scopes_disabled():
        row = None
        if pk is not None:
            obj = model.objects.get(pk=pk)
            row = model_to_dict(obj)
            for name, field_value in row.items():
                if isinstance(field_value, list):  # many-to-many: compare the pks
                    row[name] = sorted(getattr(v, "pk", v) for v in field_value)
        return (
            Cycle.objects.count(),
            Cycle.community_leads.through.objects.count(),
            Cycle.governance_members.through.objects.count(),
            CaseForChange.objects.count(),
            CaseForChangeRevision.objects.count(),
            EthicsLogEntry.objects.count(),
            LogEntry.objects.count(),
            row,
        )


# --- cycle ----------------------------------------------------------------------------------

cycle_fields = {
    "title": value,
    "inequality": value,
    "place": value,
    "population_groups": value,
    "status": st.sampled_from(["draft", "active", "closed", "bogus", "", "DRAFT"]) | value,
    "start_date": value,
    "target_date": value,
    "lead": PERSON | value,
    "community_leads": PEOPLE,
    "governance_members": PEOPLE,
}


@FUZZ
@given(data=st.fixed_dictionaries({}, optional=cycle_fields))
def test_cycle_create_never_fails(org, users, outsider, client_for, data):
    for name in ("lead", "community_leads", "governance_members"):
        if name in data:
            data[name] = person(data[name], users, outsider)
    client = client_for(users[Role.ENGAGEMENT_LEAD])
    before = snapshot(Cycle)
    response = client.post(reverse("cycles:cycle_create", args=[org.slug]), data)
    after = snapshot(Cycle)
    assert_answered(response, before, after, data)
    if response.status_code == 302:
        assert after[0] == before[0] + 1
        with scopes_disabled():
            cycle = Cycle.objects.latest("pk")
            assert cycle.organisation_id == org.pk
            assert outsider not in cycle.community_leads.all()
            assert outsider not in cycle.governance_members.all()
            assert cycle.lead != outsider
        # Whatever was saved can be shown.
        assert client.get(response["Location"]).status_code == 200


@FUZZ
@given(data=st.fixed_dictionaries({}, optional=cycle_fields))
def test_cycle_edit_never_fails(org, users, outsider, client_for, cycle, data):
    for name in ("lead", "community_leads", "governance_members"):
        if name in data:
            data[name] = person(data[name], users, outsider)
    client = client_for(users[Role.ADMIN])
    before = snapshot(Cycle, cycle.pk)
    response = client.post(reverse("cycles:cycle_edit", args=[org.slug, cycle.pk]), data)
    after = snapshot(Cycle, cycle.pk)
    assert_answered(response, before, after, data)
    if response.status_code == 302:
        assert after[0] == before[0]
        assert outsider.pk not in after[-1]["community_leads"]
        assert client.get(response["Location"]).status_code == 200


# --- case for change ------------------------------------------------------------------------


@FUZZ
@given(
    data=st.fixed_dictionaries(
        {},
        optional={
            "inequality_addressed": value,
            "most_affected": value,
            "local_insight": value,
            "status": st.just("agreed"),  # not a field of the form: must be ignored
        },
    )
)
def test_case_for_change_never_fails(org, users, client_for, cycle, data):
    client = client_for(users[Role.ENGAGEMENT_LEAD])
    url = reverse("cycles:case_for_change_edit", args=[org.slug, cycle.pk])
    with scopes_disabled():
        case = CaseForChange.objects.filter(cycle=cycle).first()
    before = snapshot(CaseForChange, case and case.pk)
    response = client.post(url, data)
    after = snapshot(CaseForChange, case and case.pk)
    assert_answered(response, before, after, data)
    with scopes_disabled():
        assert not CaseForChange.objects.filter(status="agreed").exists()
        stored = CaseForChange.objects.filter(cycle=cycle).first()
    if response.status_code == 302:
        after = snapshot(CaseForChange, stored.pk)
        # One case per cycle; a save that changed a section adds one revision, else none.
        sections = ("inequality_addressed", "most_affected", "local_insight")
        old = before[-1] or dict.fromkeys(sections, "")
        changed = any(old[name] != after[-1][name] for name in sections)
        assert after[3] == 1 and after[4] == before[4] + changed
        assert client.get(response["Location"]).status_code == 200


# --- ethics log -----------------------------------------------------------------------------

ethics_fields = {
    "consideration": value,
    "category": st.sampled_from(["trauma", "consent", "other", "nope", ""]) | value,
    "affected_groups": value,
    "likelihood": st.sampled_from(["1", "3", "5", "0", "6", "-1", "2.0", ""]) | value,
    "impact": st.sampled_from(["1", "4", "5", "0", "6", "x", ""]) | value,
    "mitigation": value,
    "owner": PERSON | value,
    "status": st.sampled_from(["open", "mitigated", "closed", "shut", ""]) | value,
    "review_date": value,
}


@FUZZ
@given(data=st.fixed_dictionaries({}, optional=ethics_fields), edit=st.booleans())
def test_ethics_entry_never_fails(org, users, outsider, client_for, cycle, data, edit):
    if "owner" in data:
        data["owner"] = person(data["owner"], users, outsider)
    client = client_for(users[Role.ENGAGEMENT_LEAD])
    if edit:
        entry = make_ethics_entry(cycle)
        url = reverse("cycles:ethics_entry_edit", args=[org.slug, cycle.pk, entry.pk])
    else:
        entry = None
        url = reverse("cycles:ethics_entry_create", args=[org.slug, cycle.pk])
    before = snapshot(EthicsLogEntry, entry and entry.pk)
    response = client.post(url, data)
    after = snapshot(EthicsLogEntry, entry and entry.pk)
    assert_answered(response, before, after, data)
    if response.status_code == 302:
        with scopes_disabled():
            saved = entry and EthicsLogEntry.objects.get(pk=entry.pk)
            saved = saved or EthicsLogEntry.objects.latest("pk")
        assert 1 <= saved.likelihood <= 5 and 1 <= saved.impact <= 5
        assert saved.owner_id != outsider.pk
        assert client.get(response["Location"]).status_code == 200


# --- huge and undecodable input -------------------------------------------------------------


@pytest.mark.parametrize(
    "name,field",
    [
        ("cycle_create", "title"),
        ("cycle_create", "population_groups"),
        ("cycle_edit", "inequality"),
        ("case_for_change_edit", "most_affected"),
        ("ethics_entry_create", "consideration"),
        ("ethics_entry_create", "likelihood"),
    ],
)
def test_a_megabyte_in_any_field_is_refused_clearly(org, users, client_for, cycle, name, field):
    valid = {
        "cycle_create": {"title": "A", "inequality": "B", "place": "C", "status": "draft"},
        "cycle_edit": {"title": "A", "inequality": "B", "place": "C", "status": "draft"},
        "case_for_change_edit": {"inequality_addressed": "A", "most_affected": "B"},
        "ethics_entry_create": {
            "consideration": "A",
            "category": "trauma",
            "likelihood": "3",
            "impact": "3",
            "status": "open",
        },
    }[name]
    args = [org.slug] if name == "cycle_create" else [org.slug, cycle.pk]
    url = reverse(f"cycles:{name}", args=args)
    client = client_for(users[Role.ENGAGEMENT_LEAD])
    pk = cycle.pk if name == "cycle_edit" else None
    before = snapshot(Cycle, pk)
    response = client.post(url, valid | {field: MEGABYTE})
    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert snapshot(Cycle, pk) == before
    # The refused value is shown back once for correcting, not copied all over the page.
    assert len(response.content) < 3 * len(MEGABYTE.encode())
    # The same form with sensible values saves: the refusal was about the size.
    assert client.post(url, valid).status_code == 302


@pytest.mark.parametrize("raw", BAD_BYTES)
def test_undecodable_bytes_never_fail(org, users, client_for, cycle, raw):
    client = client_for(users[Role.ENGAGEMENT_LEAD])
    before = snapshot(Cycle, cycle.pk)
    posts = {
        reverse("cycles:cycle_create", args=[org.slug]): [
            ("title", raw),
            ("inequality", raw),
            ("place", raw),
            ("status", b"draft"),
            ("start_date", raw),
        ],
        reverse("cycles:cycle_edit", args=[org.slug, cycle.pk]): [
            ("title", raw),
            ("status", raw),
            ("lead", raw),
        ],
        reverse("cycles:case_for_change_edit", args=[org.slug, cycle.pk]): [
            ("inequality_addressed", raw),
            ("most_affected", raw),
        ],
        reverse("cycles:ethics_entry_create", args=[org.slug, cycle.pk]): [
            ("consideration", raw),
            ("category", b"trauma"),
            ("likelihood", raw),
            ("impact", b"3"),
        ],
    }
    for url, pairs in posts.items():
        response = raw_post(client, url, pairs)
        assert response.status_code in (302, 400), (url, response.status_code)
    after = snapshot(Cycle, cycle.pk)
    if b"\x00" in raw:
        # NUL is refused everywhere, so nothing at all was written.
        assert after == before
    with scopes_disabled():
        for saved in Cycle.objects.all():
            assert "\x00" not in saved.title
