"""The audit trail: who changed what and when, per organisation, with no contact values."""

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from actions.tests.builders import make_action, make_plan
from cycles.models import Cycle, EthicsLogEntry
from cycles.tests.builders import make_cycle, make_ethics_entry
from stakeholders.models import Stakeholder
from stakeholders.services import stakeholders as stakeholder_services
from stakeholders.tests.builders import make_stakeholder, with_contact
from t2a import audit
from t2a.models import Role
from t2a.services import export as privacy
from t2a.tests.services.test_export import seed_full
from tests.cast import make_superuser
from tests.matrix import assert_role_matrix

pytestmark = pytest.mark.django_db

CONTACT = {"email": "grace.private@example.org", "phone": "07700 900456", "address": "9 Elm Row"}


def audit_url(org, **query) -> str:
    url = reverse("audit_trail", args=[org.slug])
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def entries(org, model=None) -> list[LogEntry]:
    found = LogEntry.objects.filter(additional_data__organisation_id=org.pk)
    if model is not None:
        found = found.filter(content_type=ContentType.objects.get_for_model(model))
    return list(found.order_by("id"))


def cycle_form(cycle: Cycle, **changes) -> dict:
    data = {
        "title": cycle.title,
        "inequality": cycle.inequality,
        "place": cycle.place,
        "population_groups": "\n".join(cycle.population_groups),
        "status": cycle.status,
        "start_date": "",
        "target_date": "",
        "lead": str(cycle.lead_id or ""),
    }
    data.update(changes)
    return data


def stakeholder_form(**extra) -> dict:
    data = {
        "kind": "person",
        "name": "Grace Bello",
        "sector": "community",
        "communities_text": "Somali women",
        "influence": "3",
        "interest": "4",
        "relationship_strength": "2",
        "languages": "",
        "access_needs": "",
        "notes": "",
        "email": "",
        "phone": "",
        "address": "",
        "consent_date": "",
        "consent_basis": "",
        "contact_owner": "",
    }
    data.update(extra)
    return data


def all_stored_text() -> str:
    """Everything the audit table holds, as text (every column of every row)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT row_to_json(e)::text FROM auditlog_logentry e")
        return "\n".join(row[0] for row in cursor.fetchall())


# --- recording -------------------------------------------------------------------------


def test_a_web_edit_is_recorded_with_the_signed_in_member_and_the_organisation(
    org, users, client_for
):
    lead = users[Role.ENGAGEMENT_LEAD]
    cycle = make_cycle(org, "Maternity in Northgate", lead=lead)
    url = reverse("cycles:cycle_edit", args=[org.slug, cycle.pk])
    response = client_for(lead).post(
        url, cycle_form(cycle, title="Maternity and neonatal care", status="active")
    )
    assert response.status_code == 302

    [created, changed] = entries(org, Cycle)
    assert created.action == LogEntry.Action.CREATE and created.actor is None  # the builder
    assert changed.action == LogEntry.Action.UPDATE
    assert changed.actor == lead
    assert changed.additional_data == {"organisation_id": org.pk}
    assert changed.changes["title"] == ["Maternity in Northgate", "Maternity and neonatal care"]
    assert changed.changes["status"] == ["draft", "active"]
    assert "updated_at" not in changed.changes  # noise is left out
    assert changed.remote_addr is None  # no IP addresses kept

    page = client_for(users[Role.ADMIN]).get(audit_url(org))
    assert page.status_code == 200
    text = page.text
    assert "Changed cycle" in text
    assert "Maternity in Northgate" in text and "Maternity and neonatal care" in text
    assert "Draft" in text and "Active" in text  # choice labels, not stored codes
    assert str(lead) in text


def test_a_change_made_by_a_service_outside_a_request_has_no_actor_and_reads_system(
    org, users, client_for
):
    # A request first, so a leaked actor from it would show up on the later change.
    client_for(users[Role.ADMIN]).get(audit_url(org))
    stakeholder = make_stakeholder(org, "Al-Noor Centre", kind="place")
    with scope(organisation=org.pk):  # as a Celery task runs a service
        stakeholder.name = "Al-Noor Community Centre"
        stakeholder_services.stakeholder_save(stakeholder=stakeholder, actor=None)
    changed = entries(org, Stakeholder)[-1]
    assert changed.action == LogEntry.Action.UPDATE
    assert changed.actor is None and changed.actor_email is None
    assert changed.changes["name"] == ["Al-Noor Centre", "Al-Noor Community Centre"]

    page = client_for(users[Role.ADMIN]).get(audit_url(org, person="system"))
    assert "Al-Noor Community Centre" in page.text
    assert "System" in page.text


def test_deleting_and_many_to_many_changes_are_recorded(org, users, client_for):
    lead, community = users[Role.ENGAGEMENT_LEAD], users[Role.COMMUNITY_LEAD]
    cycle = make_cycle(org, "Maternity in Northgate", lead=lead)
    entry = make_ethics_entry(cycle)
    with scopes_disabled():
        cycle.community_leads.add(community)
        EthicsLogEntry.objects.filter(pk=entry.pk).get().delete()
    [m2m] = [e for e in entries(org, Cycle) if "community_leads" in (e.changes or {})]
    assert m2m.changes["community_leads"]["operation"] == "add"
    assert entries(org, EthicsLogEntry)[-1].action == LogEntry.Action.DELETE

    text = client_for(users[Role.ADMIN]).get(audit_url(org)).text
    assert f"added {community}" in text
    assert "Deleted ethics log entry" in text


def test_every_area_named_in_the_design_is_audited():
    labels = {m._meta.label for m in audit.tracked_models()}
    assert {
        "cycles.Cycle",
        "cycles.CaseForChange",
        "cycles.DataSource",
        "cycles.InequalityRow",
        "cycles.EthicsLogEntry",
        "stakeholders.Stakeholder",
        "actions.ActionPlan",
        "actions.Action",
        "actions.SignOffRound",
        "actions.SignOff",
        "actions.Escalation",
        "feedback.ReportBack",
    } <= labels


# --- privacy -----------------------------------------------------------------------------


def test_contact_details_are_recorded_as_changed_but_their_values_never_stored(
    org, users, client_for
):
    admin = users[Role.ADMIN]
    client = client_for(admin)
    response = client.post(
        reverse("stakeholders:stakeholder_create", args=[org.slug]),
        stakeholder_form(**CONTACT, consent_date="2026-01-05", consent_basis="consent"),
    )
    assert response.status_code == 302, response.content
    with scopes_disabled():
        stakeholder = Stakeholder.objects.get(organisation=org)
    edit = reverse("stakeholders:stakeholder_edit", args=[org.slug, stakeholder.pk])
    response = client.post(
        edit,
        stakeholder_form(
            email="grace.new@example.org",
            phone="07700 900789",
            address="",
            consent_date="2026-01-05",
            consent_basis="consent",
        ),
    )
    assert response.status_code == 302, response.content
    with scopes_disabled():
        Stakeholder.objects.get(pk=stakeholder.pk).delete()

    created, changed, deleted = entries(org, Stakeholder)
    assert created.changes["email"] == ["", audit.REDACTED]
    assert changed.changes["email"] == [audit.REDACTED, audit.REDACTED]
    assert changed.changes["address"] == [audit.REDACTED, ""]
    assert changed.changes.keys() == {"email", "phone", "address"}
    assert created.changes["consent_basis"][1] == "consent"  # consent itself is recorded
    assert deleted.action == LogEntry.Action.DELETE

    stored = all_stored_text()
    for value in [*CONTACT.values(), "grace.new@example.org", "07700 900789", "900456", "Elm"]:
        assert value not in stored, value

    page = client.get(audit_url(org, type="stakeholders.stakeholder")).text
    assert "value not kept" in page
    assert "grace.private" not in page


# --- the page ------------------------------------------------------------------------------


def test_only_organisation_admins_read_the_trail(org, users, client_for):
    make_cycle(org)
    assert_role_matrix(client_for, users, audit_url(org), get={Role.ADMIN})


def test_the_trail_cannot_be_changed_from_the_page(org, users, client_for):
    make_cycle(org)
    before = LogEntry.objects.count()
    admin = client_for(users[Role.ADMIN])
    for method in ("post", "put", "patch", "delete"):
        assert getattr(admin, method)(audit_url(org)).status_code == 405
    for user in users.values():
        assert client_for(user).post(audit_url(org)).status_code == 405
    assert LogEntry.objects.count() == before
    page = admin.get(audit_url(org)).text
    assert '<form method="post"' not in page


def test_the_admin_site_shows_entries_read_only(org, users):
    make_cycle(org)
    entry = entries(org)[0]
    client = Client()
    client.force_login(make_superuser())
    changelist = reverse("admin:auditlog_logentry_changelist")
    assert client.get(changelist).status_code == 200
    found = client.get(changelist, {"q": str(entry.object_repr)})
    assert found.status_code == 200 and entry.object_repr in found.text
    assert client.get(reverse("admin:auditlog_logentry_add")).status_code == 403
    change = reverse("admin:auditlog_logentry_change", args=[entry.pk])
    assert client.post(change, {"object_repr": "forged"}).status_code == 403
    delete = reverse("admin:auditlog_logentry_delete", args=[entry.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    entry.refresh_from_db()
    assert entry.object_repr != "forged"


def test_another_organisations_entries_never_show(org, other_org, users, outsider, client_for):
    mine = make_cycle(org, "Northgate maternity")
    theirs = make_cycle(other_org, "Southfield secret cycle")
    admin = client_for(users[Role.ADMIN])
    text = admin.get(audit_url(org)).text
    assert "Northgate maternity" in text
    assert "Southfield secret cycle" not in text
    # Even asking for the other organisation's object by id shows nothing of it.
    text = admin.get(audit_url(org, type="cycles.cycle", object=theirs.pk)).text
    assert "Southfield secret cycle" not in text
    assert "No changes match" in text
    assert client_for(outsider).get(audit_url(org)).status_code == 404
    assert (
        client_for(outsider).get(audit_url(org, type="cycles.cycle", object=mine.pk)).status_code
        == 404
    )


def test_filters_by_kind_object_and_person(org, users, client_for):
    admin, lead = users[Role.ADMIN], users[Role.ENGAGEMENT_LEAD]
    first = make_cycle(org, "First cycle", lead=lead)
    second = make_cycle(org, "Second cycle", lead=lead)
    make_stakeholder(org, "Amina Yusuf")
    client_for(lead).post(
        reverse("cycles:cycle_edit", args=[org.slug, first.pk]),
        cycle_form(first, place="Northgate east"),
    )
    client = client_for(admin)

    text = client.get(audit_url(org, type="cycles.cycle")).text
    assert "First cycle" in text and "Second cycle" in text and "Amina Yusuf" not in text

    text = client.get(audit_url(org, type="cycles.cycle", object=first.pk)).text
    assert "History of cycle: First cycle" in text
    assert "Second cycle" not in text and "Northgate east" in text

    text = client.get(audit_url(org, person=lead.pk)).text
    assert "Northgate east" in text and "Second cycle" not in text and "Amina Yusuf" not in text

    text = client.get(audit_url(org, person="system")).text
    assert "Amina Yusuf" in text and "Northgate east" not in text

    # The "history" link on each row leads to that object's own history.
    text = client.get(audit_url(org)).text
    assert f'?type=cycles.cycle&amp;object={second.pk}"' in text
    # Links go to the object's page where it still exists.
    assert reverse("cycles:cycle_detail", args=[org.slug, first.pk]) in text


@pytest.mark.parametrize(
    "query, message",
    [
        ({"type": "t2a.user"}, "Select a valid choice"),
        ({"type": "nonsense"}, "Select a valid choice"),
        ({"person": "99999"}, "Select a valid choice"),
        ({"object": "3"}, "Choose the kind of record"),
        ({"type": "cycles.cycle", "object": "abc"}, "history is not valid"),
        ({"type": "cycles.cycle", "object": "-1"}, "history is not valid"),
    ],
)
def test_bad_filters_answer_400_with_the_error_summary(org, users, client_for, query, message):
    make_cycle(org, "Visible cycle")
    response = client_for(users[Role.ADMIN]).get(audit_url(org, **query))
    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert message in response.text
    assert "<title>Error: " in response.text
    assert "Visible cycle" not in response.text


def test_an_odd_page_number_shows_the_first_page(org, users, client_for):
    make_cycle(org, "Visible cycle")
    client = client_for(users[Role.ADMIN])
    for page in ("abc", "0", "-4", "99999999999999999999"):
        response = client.get(audit_url(org, page=page))
        assert response.status_code == 200, page
    assert "Visible cycle" in client.get(audit_url(org, page="abc")).text
    assert "No changes match" in client.get(audit_url(org, page="40")).text


def test_pages_go_newest_first_and_older(org, users, client_for):
    with scopes_disabled():
        for n in range(30):
            make_cycle(org, f"Cycle number {n:02d}")
    client = client_for(users[Role.ADMIN])
    first = client.get(audit_url(org)).text
    assert "Cycle number 29" in first and "Cycle number 00" not in first
    assert "Older changes" in first and "Newer changes" not in first
    second = client.get(audit_url(org, page=2)).text
    assert "Cycle number 00" in second and "Cycle number 29" not in second
    assert "Newer changes" in second and "Older changes" not in second


def _bulk_entries(org, n: int, *, cycle, action, stakeholder, actor) -> None:
    """n entries spread over three kinds of record, with foreign-key values to name."""
    kinds = [
        (cycle, {"title": ["Old title", "New title"], "lead": ["None", str(actor.pk)]}),
        (action, {"status": ["on_track", "at_risk"], "owner": [str(actor.pk), "None"]}),
        (stakeholder, {"email": ["", audit.REDACTED], "consent_date": ["None", "2026-01-05"]}),
    ]
    now = timezone.now()
    rows = []
    for i in range(n):
        obj, changes = kinds[i % 3]
        rows.append(
            LogEntry(
                content_type=ContentType.objects.get_for_model(obj),
                object_pk=str(obj.pk),
                object_id=obj.pk,
                object_repr=str(obj),
                action=LogEntry.Action.UPDATE,
                changes=changes,
                actor=actor if i % 2 else None,
                timestamp=now - timedelta(minutes=i),
                additional_data={"organisation_id": org.pk},
            )
        )
    LogEntry.objects.bulk_create(rows, batch_size=1000)


def test_query_count_is_the_same_for_20_and_2000_entries(
    org, users, client_for, django_assert_max_num_queries
):
    lead = users[Role.ENGAGEMENT_LEAD]
    cycle = make_cycle(org, "Maternity", lead=lead)
    make_plan(cycle)
    action = make_action(cycle, owner=lead)
    stakeholder = with_contact(org, users[Role.ADMIN])
    client = client_for(users[Role.ADMIN])
    client.get(audit_url(org))  # warm the content-type cache
    LogEntry.objects.all().delete()

    kw = {"cycle": cycle, "action": action, "stakeholder": stakeholder, "actor": lead}
    _bulk_entries(org, 20, **kw)
    with django_assert_max_num_queries(13):
        small = client.get(audit_url(org))
    assert small.text.count('<tr class="nhsuk-table__row">') == 21  # header + 20

    _bulk_entries(org, 1980, **kw)
    with django_assert_max_num_queries(13):
        large = client.get(audit_url(org))
    assert large.text.count('<tr class="nhsuk-table__row">') == 26  # header + a page of 25
    assert "Older changes" in large.text
    with django_assert_max_num_queries(13):
        client.get(audit_url(org, type="actions.action", page=3))
    with django_assert_max_num_queries(13):
        client.get(audit_url(org, person=lead.pk, page=5))
    # Foreign keys are named, values shown in plain English.
    assert f"set to {lead}" in large.text
    assert "On track" in large.text and "At risk" in large.text
    assert "5 January 2026" in large.text


def test_the_organisation_index_is_used_on_a_large_table(org, other_org):
    """EXPLAIN on 50,000 entries: the page query reads the (organisation, time) index."""
    ct = ContentType.objects.get_for_model(Cycle)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO auditlog_logentry
                (content_type_id, object_pk, object_id, object_repr, action, changes_text,
                 changes, timestamp, additional_data)
            SELECT %s, g::text, g, 'Cycle ' || g, 1, '', '{}'::jsonb,
                   now() - (g || ' seconds')::interval,
                   jsonb_build_object('organisation_id', CASE WHEN g %% 100 = 0 THEN %s ELSE %s END)
            FROM generate_series(1, 50000) g
            """,
            [ct.pk, org.pk, other_org.pk],
        )
        cursor.execute("ANALYZE auditlog_logentry")
    sql, params = audit.entries_for(org)[:26].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "audit_entry_org_time" in plan, plan
    assert "Seq Scan" not in plan, plan
    assert audit.entries_for(org).count() == 500


# --- organisation export and deletion ------------------------------------------------------


def test_deleting_an_organisation_removes_its_trail_and_writes_nothing_new(org, users):
    doomed = seed_full("doomed-audit")
    keep = seed_full("keep-audit")
    assert entries(doomed) and entries(keep)
    kept = len(entries(keep))
    privacy.organisation_delete(organisation=doomed, typed_name=doomed.name)
    assert entries(doomed) == []
    assert len(entries(keep)) == kept
    # No entry about a deleted row of any organisation was written by the deletion.
    assert not LogEntry.objects.filter(
        action=LogEntry.Action.DELETE, additional_data__organisation_id=doomed.pk
    ).exists()


# --- rows saved with bulk_create --------------------------------------------------------------


def test_bulk_created_rows_can_be_recorded_with_redaction_and_the_request_actor(org, users):
    rows = [
        Stakeholder(
            organisation=org,
            name=f"Imported {n}",
            sector="community",
            consent_date=timezone.localdate(),
            consent_basis="consent",
            consent_recorded_by=users[Role.ADMIN],
            **CONTACT,
        )
        for n in range(3)
    ]
    with scopes_disabled():
        saved = Stakeholder.objects.bulk_create(rows)
    assert entries(org, Stakeholder) == []  # auditlog's signals do not see bulk_create

    request = RequestFactory().get("/")
    request.user = users[Role.ADMIN]
    written = []
    middleware = audit.AuditActorMiddleware(
        lambda request: written.append(audit.record_bulk_created(saved))
    )
    middleware(request)
    assert written == [3]
    assert audit.current_actor() is None  # nothing leaks past the request

    recorded = entries(org, Stakeholder)
    assert [e.object_repr for e in recorded] == ["Imported 0", "Imported 1", "Imported 2"]
    assert all(e.action == LogEntry.Action.CREATE for e in recorded)
    assert all(e.actor == users[Role.ADMIN] for e in recorded)
    assert recorded[0].changes["email"] == ["", audit.REDACTED]
    assert recorded[0].changes["name"] == ["None", "Imported 0"]
    assert CONTACT["email"] not in all_stored_text()

    # Outside a request the entries say "system".
    with scopes_disabled():
        more = Stakeholder.objects.bulk_create(
            [Stakeholder(organisation=org, name="Imported later", sector="community")]
        )
    assert audit.record_bulk_created(more) == 1
    assert entries(org, Stakeholder)[-1].actor is None
