"""A stakeholder's data rights on screen (views/privacy.py): download everything held, or
erase it."""

import csv
import io
import json
import zipfile

import pytest
from django.db.models import Count
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from feedback.models import Insight
from stakeholders.models import (
    Commitment,
    Conversation,
    Stakeholder,
    StakeholderCycle,
    SteeringGroupMember,
    SteeringMeeting,
)
from stakeholders.selectors.privacy import erasure_handling, stakeholder_links
from stakeholders.services.privacy import stakeholder_erase
from stakeholders.services.stakeholders import stakeholder_save
from stakeholders.tests.builders import (
    make_stakeholder,
    with_contact,
)
from stakeholders.tests.privacy_builders import (
    EMAIL,
    NAME,
    PHONE,
    grace_everywhere,
    text_mentions,
)
from t2a.models import Membership, Role
from t2a.services.export import tenant_models
from t2a.tests.services.test_export import seed_full
from tests.matrix import assert_role_matrix


def export_url(org, stakeholder) -> str:
    return reverse("stakeholders:stakeholder_data_export", args=[org.slug, stakeholder.pk])


def erase_url(org, stakeholder) -> str:
    return reverse("stakeholders:stakeholder_erase", args=[org.slug, stakeholder.pk])


def read_zip(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(response.content))


def snapshot(org) -> dict:
    with scopes_disabled():
        return {
            model._meta.label: list(model._base_manager.filter(organisation=org).values())
            for model in tenant_models()
        }


def grace_name(grace) -> str:
    with scopes_disabled():
        return Stakeholder.objects.get(pk=grace.pk).name


@pytest.mark.django_db
def test_another_organisations_admin_gets_404(org, users, outsider, client_for):
    grace = with_contact(org, users[Role.ADMIN], NAME)
    client = client_for(outsider)
    assert client.get(export_url(org, grace)).status_code == 404
    assert client.post(erase_url(org, grace), {"confirm_name": NAME}).status_code == 404


@pytest.mark.django_db
def test_only_admins_may_export_or_erase(org, users, client_for):
    grace = with_contact(org, users[Role.ADMIN], NAME)
    assert_role_matrix(client_for, users, export_url(org, grace), get={Role.ADMIN})
    assert_role_matrix(
        client_for,
        users,
        erase_url(org, grace),
        get={Role.ADMIN},
        post={Role.ADMIN},
        data={"confirm_name": "Not her name", "understood": "on"},
    )
    with scopes_disabled():
        assert Stakeholder.objects.get(pk=grace.pk).erased_at is None


@pytest.mark.django_db
def test_detail_page_offers_export_and_erasure_to_admins_only(org, users, client_for):
    grace = with_contact(org, users[Role.ADMIN], NAME)
    url = reverse("stakeholders:stakeholder_detail", args=[org.slug, grace.pk])
    page = client_for(users[Role.ADMIN]).get(url).text
    assert export_url(org, grace) in page and erase_url(org, grace) in page
    page = client_for(users[Role.ENGAGEMENT_LEAD]).get(url).text
    assert export_url(org, grace) not in page and erase_url(org, grace) not in page


@pytest.mark.django_db
def test_export_holds_everything_about_the_person_and_nothing_about_others(
    org, other_org, users, client_for
):
    grace = grace_everywhere(org, users)
    make_stakeholder(other_org, NAME, notes="Southfield's Grace")
    response = client_for(users[Role.ADMIN]).get(export_url(org, grace))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]

    archive = read_zip(response)
    everything = json.loads(archive.read("everything.json"))
    assert everything["stakeholder"][0]["email"] == EMAIL
    assert everything["stakeholder"][0]["consent_basis"] == "consent"
    for found in stakeholder_links():
        assert everything[found.section], f"{found.key} missing from the export"
        assert f"{found.section}.csv" in archive.namelist()
    assert len(everything["stakeholders_conversation_stakeholders"]) == 2
    # Only commitments made to Grace, not the one to Tunde in a shared conversation.
    assert [c["promise"] for c in everything["stakeholders_commitment_made_to"]] == [
        f"Send {NAME} the times"
    ]
    assert len(everything["steering_meetings_attended"]) == 1
    assert [i["contributor_name"] for i in everything["insights_credited"]] == [NAME]
    # Consent history: the record's changes from the audit trail (field names, not values).
    history = everything["record_history"]
    assert history and "consent_date" in history[0]["fields_changed"]
    assert set(history[0]) == {"timestamp", "action", "fields_changed", "changed_by_id"}
    assert {m["full_name"] for m in everything["members_named"]} == {users[Role.ADMIN].full_name}
    raw = b"".join(archive.read(n) for n in archive.namelist()).decode()
    assert "Tunde" not in raw.replace(f"{NAME} and Tunde planned", "")
    assert "Southfield" not in raw

    rows = list(csv.DictReader(io.StringIO(archive.read("stakeholder.csv").decode())))
    assert rows[0]["notes"].startswith("'=HYPERLINK"), "CSV cells must not run as formulas"
    assert "README.txt" in archive.namelist()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data, message",
    [
        ({"confirm_name": "Grace Belo", "understood": "on"}, "Type the stakeholder"),
        ({"confirm_name": "grace bello", "understood": "on"}, "Type the stakeholder"),
        ({"confirm_name": NAME}, "Tick the box to confirm you understand"),
        ({"confirm_name": "", "understood": "on"}, "Type the stakeholder"),
        ({"confirm_name": "x" * 5000, "understood": "on"}, "Type the stakeholder"),
    ],
)
def test_wrong_confirmation_is_refused_clearly_and_erases_nothing(
    org, users, client_for, data, message
):
    grace = grace_everywhere(org, users)
    before = snapshot(org)
    response = client_for(users[Role.ADMIN]).post(erase_url(org, grace), data)
    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert message in response.text
    assert "<title>Error:" in response.text
    assert snapshot(org) == before


@pytest.mark.django_db
def test_erasure_removes_the_person_everywhere_and_keeps_the_work(
    org, other_org, users, client_for
):
    grace = grace_everywhere(org, users)
    namesake = make_stakeholder(other_org, NAME, email="", notes=f"Call {PHONE}")
    admin = users[Role.ADMIN]
    before = text_mentions(org, NAME, EMAIL, "07700")
    assert "auditlog.LogEntry.object_repr has 'Grace Bello'" in before, before
    assert "stakeholders.SteeringMeeting.minutes has '07700'" in before
    with scopes_disabled():
        counts = {
            model: model.objects.filter(organisation=org).count()
            for model in (Conversation, Commitment, SteeringGroupMember, StakeholderCycle, Insight)
        }

    client = client_for(admin)
    page = client.get(erase_url(org, grace))
    assert "Records about Grace Bello" in page.text
    assert "Listening activities they hosted" in page.text
    assert "Insights credited to them by name" in page.text
    assert "organisation exports made before now are deleted" in page.text
    response = client.post(erase_url(org, grace), {"confirm_name": NAME, "understood": "on"})
    assert response.status_code == 302

    assert text_mentions(org, NAME, EMAIL, "07700 900123", "07700900123") == []
    with scopes_disabled():
        grace.refresh_from_db()
        assert grace.name == f"Erased stakeholder #{grace.pk}"
        assert (grace.email, grace.phone, grace.address, grace.notes) == ("", "", "", "")
        assert grace.consent_date is None and grace.contact_owner is None
        assert grace.erased_by == admin
        assert grace.erased_at is not None
        # The organisation's work stays, anonymously.
        for model, n in counts.items():
            assert model.objects.filter(organisation=org).count() == n, model
        assert (
            Insight.objects.filter(
                organisation=org, summary="The night bus does not stop at the hospital."
            )
            .get()
            .attribution
            == "A community member"
        )
        summaries = set(
            Conversation.objects.filter(organisation=org).values_list("summary", flat=True)
        )
        handling = erasure_handling()["stakeholders.Conversation.stakeholders"]
        assert handling.clear_when_alone["summary"] in summaries
        assert "[name removed] and Tunde planned the café. [name removed]" in summaries
        assert grace.conversations.count() == 2
        assert SteeringMeeting.objects.get(organisation=org).minutes == (
            "[name removed] asked for a creche. Call [name removed]."
        )
        # Another organisation's person of the same name is not touched.
        namesake.refresh_from_db()
        assert (namesake.name, namesake.notes) == (NAME, f"Call {PHONE}")

    detail = client.get(reverse("stakeholders:stakeholder_detail", args=[org.slug, grace.pk]))
    assert "data was erased on" in detail.text
    register = client.get(reverse("stakeholders:stakeholder_list", args=[org.slug]))
    assert "Erased</strong>" in register.text


@pytest.mark.django_db
def test_an_erased_stakeholder_cannot_be_edited_back(org, users, client_for):
    grace = with_contact(org, users[Role.ADMIN], NAME)
    with scopes_disabled():
        stale = Stakeholder.objects.get(pk=grace.pk)  # an edit form opened before erasure
    client = client_for(users[Role.ADMIN])
    client.post(erase_url(org, grace), {"confirm_name": NAME, "understood": "on"})
    edit = reverse("stakeholders:stakeholder_edit", args=[org.slug, grace.pk])
    response = client.post(
        edit, {"kind": "person", "name": NAME, "sector": "community", "influence": 3}
    )
    assert response.status_code == 302
    assert "cannot be changed" in client.get(response.url).text

    stale.name = NAME
    with scope(organisation=org.pk), pytest.raises(Exception, match="cannot be changed"):
        stakeholder_save(stakeholder=stale, actor=users[Role.ADMIN])
    with scopes_disabled():
        assert Stakeholder.objects.get(pk=grace.pk).name.startswith("Erased stakeholder")

    again = client.post(
        erase_url(org, grace), {"confirm_name": grace_name(grace), "understood": "on"}
    )
    assert again.status_code == 400
    assert "already been erased" in again.text


@pytest.mark.django_db
def test_erased_stakeholders_are_not_offered_for_new_conversations(org, users, client_for):
    grace = with_contact(org, users[Role.ADMIN], NAME)
    with scope(organisation=org.pk):
        stakeholder_erase(stakeholder=grace, typed_name=NAME, actor=users[Role.ADMIN])
    page = client_for(users[Role.ADMIN]).get(
        reverse("stakeholders:conversation_create", args=[org.slug])
    )
    assert f"Erased stakeholder #{grace.pk}" not in page.text


@pytest.mark.django_db
def test_erasure_in_a_full_demo_organisation_leaves_no_trace(client_for):
    demo = seed_full("erase-demo")
    with scopes_disabled():
        person = (
            Stakeholder.objects.filter(organisation=demo, kind="person")
            .exclude(email="")
            .annotate(n=Count("conversations", distinct=True) + Count("cycle_links", distinct=True))
            .order_by("-n", "pk")
            .first()
        )
        admin = Membership.objects.get(organisation=demo, role=Role.ADMIN).user
        name, email = person.name, person.email
        insights = Insight.objects.filter(organisation=demo).count()
    assert person.n >= 2, "the demo should give the person some history"
    assert text_mentions(demo, name, email)

    response = client_for(admin).post(
        erase_url(demo, person), {"confirm_name": name, "understood": "on"}
    )
    assert response.status_code == 302
    assert text_mentions(demo, name, email) == []
    with scopes_disabled():
        assert Insight.objects.filter(organisation=demo).count() == insights


@pytest.mark.django_db
def test_export_queries_do_not_grow_with_the_data(
    org, users, client_for, django_assert_max_num_queries
):
    admin = client_for(users[Role.ADMIN])
    small = with_contact(org, users[Role.ADMIN], "Small Person", email="small@example.org")
    with django_assert_max_num_queries(17):
        assert admin.get(export_url(org, small)).status_code == 200
    big = grace_everywhere(org, users, extra_conversations=25)
    with django_assert_max_num_queries(17):
        response = admin.get(export_url(org, big))
    assert (
        len(
            json.loads(read_zip(response).read("everything.json"))[
                "stakeholders_commitment_made_to"
            ]
        )
        == 26
    )
