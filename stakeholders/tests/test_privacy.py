"""A stakeholder's subject-access export and erasure."""

import csv
import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.apps import apps
from django.db import models
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from cycles.tests.builders import make_cycle
from feedback.models import Insight
from feedback.tests.builders import make_activity, make_insight
from stakeholders import privacy, retention
from stakeholders.models import (
    Commitment,
    Conversation,
    Stakeholder,
    StakeholderCycle,
    SteeringGroupMember,
    SteeringMeeting,
)
from stakeholders.services import stakeholder_save
from t2a.models import Role
from t2a.privacy import tenant_models
from tests.matrix import assert_role_matrix

from .builders import (
    link,
    make_asset,
    make_asset_use,
    make_commitment,
    make_conversation,
    make_meeting,
    make_stakeholder,
    make_steering_member,
    with_contact,
)

NAME = "Grace Bello"
EMAIL = "grace.bello@example.org"
PHONE = "07700 900123"

# Every field in the project that points at a stakeholder today. A new one fails this
# test on purpose: decide what the export, erasure and retention do with it first.
KNOWN_LINKS = {
    "feedback.EngagementActivity.venue",
    "stakeholders.AssetUse.used_by",
    "stakeholders.Commitment.made_to",
    "stakeholders.Conversation.stakeholders",
    "stakeholders.SharedAsset.owner",
    "stakeholders.StakeholderCycle.stakeholder",
    "stakeholders.SteeringGroupMember.stakeholder",
}


def export_url(org, stakeholder) -> str:
    return reverse("stakeholders:stakeholder_data_export", args=[org.slug, stakeholder.pk])


def erase_url(org, stakeholder) -> str:
    return reverse("stakeholders:stakeholder_erase", args=[org.slug, stakeholder.pk])


def grace_everywhere(org, users, *, extra_conversations: int = 0) -> Stakeholder:
    """Grace with contact details, and a row in every kind of record that points at her."""
    admin = users[Role.ADMIN]
    grace = with_contact(
        org,
        admin,
        NAME,
        email=EMAIL,
        phone=PHONE,
        notes='=HYPERLINK("http://evil.example") Grace prefers evenings.',
        access_needs="Step-free access",
        languages="Yoruba, English",
        communities_reached=["Black African women"],
        address="12 Mill Lane, Northgate",
    )
    other = make_stakeholder(org, "Tunde Okafor")
    cycle = make_cycle(org, "Maternity in Northgate")
    link(grace, cycle, role=f"Co-facilitator, friend of {NAME}")
    seat = make_steering_member(cycle, "community", stakeholder=grace, role="Community voice")
    meeting = make_meeting(cycle, minutes=f"{NAME} asked for a creche. Call {PHONE}.")
    with scopes_disabled():
        meeting.attendees.set([seat])
    alone = make_conversation(
        org, admin, [grace], summary="She told us about her stillbirth and the night bus."
    )
    shared = make_conversation(
        org, admin, [grace, other], summary=f"{NAME} and Tunde planned the café. {EMAIL}"
    )
    for i in range(extra_conversations):
        c = make_conversation(org, admin, [grace], summary=f"Check-in {i}")
        make_commitment(c, admin, timezone.localdate() + timedelta(days=30), promise="Call back")
    make_commitment(
        alone, admin, timezone.localdate() + timedelta(days=7), promise=f"Send {NAME} the times"
    )
    make_commitment(shared, admin, timezone.localdate() + timedelta(days=7), made_to=other)
    asset = make_asset(org, "Grace's front room", owner=grace)
    make_asset_use(make_asset(org, "Library room"), grace, purpose="Listening café")
    make_asset_use(asset, other)
    make_activity(cycle, "Café at Grace's", venue=grace)
    make_insight(
        cycle,
        "The night bus does not stop at the hospital.",
        contributor_name=NAME,
        credit_consent_at=timezone.now(),
        credit_consent_recorded_by=admin,
    )
    make_insight(cycle, "Nobody explained the scan results.")
    return grace


def text_mentions(org, *values: str) -> list[str]:
    """Every (model.field) in the whole database whose text contains one of `values`:
    the organisation's rows in tenant tables and the audit trail, every row elsewhere."""
    found = []
    tenant = set(tenant_models())
    with scopes_disabled():
        for model in apps.get_models(include_auto_created=True):
            fields = [
                f
                for f in model._meta.concrete_fields
                if isinstance(f, (models.CharField, models.TextField, models.JSONField))
            ]
            if not fields:
                continue
            rows = model._base_manager.all()
            if model in tenant:
                rows = rows.filter(organisation_id=org.pk)
            elif model._meta.label == "auditlog.LogEntry":
                # The audit trail is one table for everyone; each entry names its organisation.
                rows = rows.filter(additional_data__organisation_id=org.pk)
            for f in fields:
                annotated = rows.annotate(_text=Cast(f.name, models.TextField()))
                for value in values:
                    if annotated.filter(_text__icontains=value).exists():
                        found.append(f"{model._meta.label}.{f.name} has {value!r}")
    return found


# --- the registry -------------------------------------------------------------------------


def test_every_link_to_a_stakeholder_is_found_and_has_a_decision():
    assert {link.key for link in privacy.stakeholder_links()} == KNOWN_LINKS
    assert privacy.erasure_undecided_links() == []
    assert retention.retention_undecided_links() == []
    assert set(privacy.ERASURE) == set(retention.ACTIVITY) == KNOWN_LINKS


# --- permissions --------------------------------------------------------------------------


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
def test_another_organisations_admin_gets_404(org, users, outsider, client_for):
    grace = with_contact(org, users[Role.ADMIN], NAME)
    client = client_for(outsider)
    assert client.get(export_url(org, grace)).status_code == 404
    assert client.post(erase_url(org, grace), {"confirm_name": NAME}).status_code == 404


@pytest.mark.django_db
def test_detail_page_offers_export_and_erasure_to_admins_only(org, users, client_for):
    grace = with_contact(org, users[Role.ADMIN], NAME)
    url = reverse("stakeholders:stakeholder_detail", args=[org.slug, grace.pk])
    page = client_for(users[Role.ADMIN]).get(url).text
    assert export_url(org, grace) in page and erase_url(org, grace) in page
    page = client_for(users[Role.ENGAGEMENT_LEAD]).get(url).text
    assert export_url(org, grace) not in page and erase_url(org, grace) not in page


# --- subject-access export ----------------------------------------------------------------


def read_zip(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(response.content))


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
    for found in privacy.stakeholder_links():
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


# --- erasure ------------------------------------------------------------------------------


def snapshot(org) -> dict:
    with scopes_disabled():
        return {
            model._meta.label: list(model._base_manager.filter(organisation=org).values())
            for model in tenant_models()
        }


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
        assert privacy.SUMMARY_REMOVED in summaries
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


def grace_name(grace) -> str:
    with scopes_disabled():
        return Stakeholder.objects.get(pk=grace.pk).name


@pytest.mark.django_db
def test_erased_stakeholders_are_not_offered_for_new_conversations(org, users, client_for):
    grace = with_contact(org, users[Role.ADMIN], NAME)
    with scope(organisation=org.pk):
        privacy.stakeholder_erase(stakeholder=grace, typed_name=NAME, actor=users[Role.ADMIN])
    page = client_for(users[Role.ADMIN]).get(
        reverse("stakeholders:conversation_create", args=[org.slug])
    )
    assert f"Erased stakeholder #{grace.pk}" not in page.text


@pytest.mark.django_db
def test_erasure_is_recorded_without_what_was_erased(org, users):
    grace = grace_everywhere(org, users)
    with scope(organisation=org.pk):
        privacy.stakeholder_erase(stakeholder=grace, typed_name=NAME, actor=users[Role.ADMIN])
        grace.refresh_from_db()
        assert grace.erased_at and grace.erased_by_id == users[Role.ADMIN].pk
        from auditlog.models import LogEntry

        last = LogEntry.objects.filter(object_id=grace.pk, object_repr=grace.name).latest("pk")
        assert set(last.changes) == {"erased_at", "erased_by"}
        assert last.actor_id == users[Role.ADMIN].pk
        export = privacy.subject_access_export(stakeholder=grace).as_zip()
    assert NAME.encode() not in export and EMAIL.encode() not in export


def test_mentions_are_found_however_a_phone_number_is_written():
    jo = Stakeholder(name="Jo", phone="07700 900123", email="jo@example.org")
    text = (
        "Jo rang from 07700-900-123; Joanne wrote from jo@example.org, "
        "or call (07700) 900123, not 077009001234."
    )
    for _, _, pattern in privacy._needles(jo):
        text = pattern.sub("[x]", text)
    assert text == "[x] rang from [x]; Joanne wrote from [x], or call ([x], not 077009001234."


@pytest.mark.django_db
def test_erasure_in_a_full_demo_organisation_leaves_no_trace(client_for):
    from django.db.models import Count

    from t2a.models import Membership
    from t2a.tests.test_privacy import seed_full

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


def stored_file(org, cycle, model, name: str):
    """A finished report or export with a real file in private storage."""
    from django.core.files.base import ContentFile

    from cycles.models import Report, ReportKind
    from t2a.models import JobStatus

    extra = (
        {"cycle": cycle, "kind": ReportKind.CASE_FOR_CHANGE, "data_hash": "x" * 64}
        if model is Report
        else {}
    )
    with scopes_disabled():
        row = model.objects.create(organisation=org, status=JobStatus.DONE, **extra)
        row.file.save(name, ContentFile(f"{NAME} {EMAIL}".encode()))
    return row


@pytest.mark.django_db(transaction=True)
def test_erasure_withdraws_reports_and_exports_made_before_it(org, other_org, users):
    from django.core.files.storage import default_storage

    from cycles.models import Report
    from t2a.models import OrganisationExport

    grace = grace_everywhere(org, users)
    cycle = make_cycle(org, "Night buses")
    report = stored_file(org, cycle, Report, "report.pdf")
    export = stored_file(org, None, OrganisationExport, "export.zip")
    theirs = stored_file(other_org, None, OrganisationExport, "theirs.zip")
    names = [row.file.name for row in (report, export, theirs)]
    assert all(default_storage.exists(name) for name in names)

    with scope(organisation=org.pk):
        privacy.stakeholder_erase(stakeholder=grace, typed_name=NAME, actor=users[Role.ADMIN])

    assert not default_storage.exists(names[0]) and not default_storage.exists(names[1])
    assert default_storage.exists(names[2]), "another organisation's export is untouched"
    with scopes_disabled():
        for row in (report, export):
            row.refresh_from_db()
            assert (row.status, row.file.name) == ("failed", "")
            assert "erased" in row.error
        theirs.refresh_from_db()
        assert theirs.status == "done"
    default_storage.delete(names[2])
