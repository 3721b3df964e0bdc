"""The one text rule (t2a/text.py) as people meet it on the pages of every stage: text made
only of invisible characters is refused as empty, composed and decomposed letters are the
same text, and a long box refuses one character too many by name."""

import unicodedata

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from actions.models import Priority
from cycles.models import Cycle
from feedback.models import Insight
from feedback.tests.builders import make_activity
from stakeholders.models import Confidentiality, Stakeholder
from stakeholders.tests.builders import make_stakeholder
from t2a.models import Role

pytestmark = pytest.mark.django_db

INVISIBLE = ["\u200b", "\u2060", "\ufeff", "\u200b\u2060\ufeff \u00a0\u3000\u200c"]
SIAN = "Siân Hughes"
SIAN_DECOMPOSED = unicodedata.normalize("NFD", SIAN)


def rows(model) -> int:
    with scopes_disabled():
        return model.objects.count()


def _cycle(org, cycle, users):
    url = reverse("cycles:cycle_create", args=[org.slug])
    data = {"inequality": "A gap", "place": "Leicester", "status": "draft"}
    return url, data, "title", Cycle


def _stakeholder(org, cycle, users):
    url = reverse("stakeholders:stakeholder_create", args=[org.slug])
    data = {"kind": "person", "sector": "community", "influence": "3", "interest": "3",
            "relationship_strength": "3"}  # fmt: skip
    return url, data, "name", Stakeholder


def _insight(org, cycle, users):
    activity = make_activity(cycle, facilitators=[users[Role.COMMUNITY_LEAD]])
    url = reverse("feedback:insight_create", args=[org.slug, cycle.pk])
    return url, {"activity": activity.pk}, "summary", Insight


def _priority(org, cycle, users):
    url = reverse("actions:priority_create", args=[org.slug, cycle.pk])
    return url, {}, "title", Priority


@pytest.mark.parametrize("form", [_cycle, _stakeholder, _insight, _priority])
@pytest.mark.parametrize("typed", INVISIBLE, ids=["zwsp", "word-joiner", "bom", "mixed"])
def test_invisible_only_text_is_refused_as_empty(org, cycle, users, client_for, form, typed):
    url, data, field, model = form(org, cycle, users)
    before = rows(model)
    response = client_for(users[Role.ENGAGEMENT_LEAD]).post(url, data | {field: typed})
    assert response.status_code == 400
    page = response.text
    assert "There is a problem" in page and "<title>Error: " in page
    assert f'href="#id_{field}"' in page  # the summary links to the empty box
    assert rows(model) == before


def test_the_same_text_in_either_unicode_form_is_stored_composed(org, users, client_for):
    client = client_for(users[Role.ENGAGEMENT_LEAD])
    response = client.post(
        reverse("cycles:cycle_create", args=[org.slug]),
        {"title": f"\u200b{SIAN_DECOMPOSED}\u00a0", "inequality": "A gap", "place": "Cardiff",
         "status": "draft"},
    )  # fmt: skip
    assert response.status_code == 302
    with scopes_disabled():
        assert Cycle.objects.get(place="Cardiff").title == SIAN


@pytest.mark.parametrize(
    ("stored", "typed"), [(SIAN, SIAN_DECOMPOSED), (SIAN_DECOMPOSED, SIAN), (SIAN, "siân")]
)
def test_search_finds_either_unicode_form(org, users, client_for, stored, typed):
    # Rows saved before the rule may hold either form; every search asks for both.
    make_stakeholder(org, stored)
    make_stakeholder(org, "Bilal Ahmed")
    with scopes_disabled():
        Cycle.objects.create(organisation=org, title=stored, slug="sian", inequality="A gap",
                             place="Swansea")  # fmt: skip
    client = client_for(users[Role.ENGAGEMENT_LEAD])
    register = client.get(reverse("stakeholders:stakeholder_list", args=[org.slug]), {"q": typed})
    assert stored in register.text and "Bilal Ahmed" not in register.text
    cycles = client.get(reverse("cycles:cycle_list", args=[org.slug]), {"q": typed})
    assert stored in cycles.text


@pytest.mark.parametrize(
    ("titles", "start", "slug"),
    [
        (("💜🌱", "🌱💜"), "2026-12-14", "cycle-2026-12"),
        (("سلامت مادر", "سلامت کودک"), "2027-03-02", "cycle-2027-03"),
        (("💜 Maternity", "Maternity 🌱"), "2026-12-01", "maternity"),
    ],
)
def test_a_title_without_letters_for_a_url_gets_its_start_month(
    org, users, client_for, titles, start, slug
):
    client = client_for(users[Role.ENGAGEMENT_LEAD])
    for title in titles:
        data = {"title": title, "inequality": "A gap", "place": "Leicester", "status": "draft",
                "start_date": start}  # fmt: skip
        response = client.post(reverse("cycles:cycle_create", args=[org.slug]), data)
        assert response.status_code == 302
    with scopes_disabled():
        slugs = sorted(Cycle.objects.filter(start_date=start).values_list("slug", flat=True))
    assert slugs == [slug, f"{slug}-2"]


def test_zero_width_non_joiner_inside_a_persian_word_is_kept(org, users, client_for):
    name = "خانه\u200cی سلامت"  # "house of health": the ZWNJ keeps خانه and ی apart
    client = client_for(users[Role.ENGAGEMENT_LEAD])
    response = client.post(
        reverse("stakeholders:stakeholder_create", args=[org.slug]),
        {"kind": "place", "name": f"\u200c{name}\u200b ", "sector": "community",
         "influence": "3", "interest": "3", "relationship_strength": "3"},
    )  # fmt: skip
    assert response.status_code == 302
    page = client.get(response["Location"]).text
    assert name in page
    with scopes_disabled():
        assert Stakeholder.objects.get().name == name


# Every long box that took megabytes: one character over its limit is refused by name.
LONG_BOXES = [
    ("stakeholder", "notes", "Notes"),
    ("stakeholder", "access_needs", "Access needs"),
    ("stakeholder", "address", "Address"),
    ("stakeholder", "communities_text", "Communities reached"),
    ("meeting", "agenda", "Agenda"),
    ("meeting", "minutes", "Minutes"),
    ("conversation", "summary", "Summary"),
]


def _long_box_post(org, users, kind: str):
    if kind == "stakeholder":
        return reverse("stakeholders:stakeholder_create", args=[org.slug]), {
            "kind": "person", "name": "Long notes", "sector": "community", "influence": "3",
            "interest": "3", "relationship_strength": "3", "consent_date": "2026-01-05",
            "consent_basis": "consent",
        }  # fmt: skip
    if kind == "meeting":
        return None
    stakeholder = make_stakeholder(org, "Pastor Grace")
    return reverse("stakeholders:conversation_create", args=[org.slug]), {
        "held_on": "2026-01-05", "channel": "phone", "stakeholders": [stakeholder.pk]}  # fmt: skip


@pytest.mark.parametrize(("kind", "field", "label"), LONG_BOXES)
def test_a_long_box_refuses_one_character_too_many_by_name(
    org, cycle, users, client_for, kind, field, label
):
    client = client_for(users[Role.ENGAGEMENT_LEAD])
    if kind == "meeting":
        url = reverse("stakeholders:steering_meeting_create", args=[org.slug, cycle.pk])
        data = {"held_on": "2026-01-05", "confidentiality": Confidentiality.ORGANISATION}
    else:
        url, data = _long_box_post(org, users, kind)
    response = client.post(url, data | {field: "x" * 5_001})
    assert response.status_code == 400, response.status_code
    assert f"{label} must be 5,000 characters or fewer (it has 5001)." in response.text
    fine = client.post(url, data | {field: "x" * 5_000})
    assert fine.status_code == 302, fine.status_code
