import io
import json
import time
import zipfile

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from t2a.models import Channel, JobStatus, Organisation, OrganisationExport, OutboundMessage, Role
from t2a.services import export as privacy
from t2a.services.demo import demo_data_seed, demo_organisation_seed
from tests.matrix import assert_role_matrix


def seed_full(slug: str) -> Organisation:
    """A realistic organisation with rows in every stage app (the demo data)."""
    demo = demo_organisation_seed(name=f"Org {slug}", slug=slug)
    demo_data_seed(demo)
    return demo.organisation


def rows_of(organisation_id: int) -> dict[str, int]:
    """Rows per table held for the organisation, the audit trail's entries included."""
    counts = {
        model._meta.label: n
        for model in privacy.tenant_models()
        if (n := model._base_manager.filter(organisation_id=organisation_id).count())
    }
    entries = LogEntry.objects.filter(additional_data__organisation_id=organisation_id).count()
    if entries:
        counts[LogEntry._meta.label] = entries
    return counts


@pytest.mark.django_db
def test_export_and_delete_pages_are_for_admins_only(org, users, client_for):
    for name in ("organisation_export", "organisation_delete"):
        assert_role_matrix(client_for, users, reverse(name, args=[org.slug]), get={Role.ADMIN})
    assert_role_matrix(
        client_for, users, reverse("organisation_export", args=[org.slug]), post={Role.ADMIN}
    )


@pytest.mark.django_db
def test_export_contains_everything_the_organisation_owns_and_nothing_else(
    org, users, client_for, django_capture_on_commit_callbacks
):
    seed_full("northgate-data")
    mine = seed_full("mine")
    with django_capture_on_commit_callbacks(execute=True), scope(organisation=mine.pk):
        export = privacy.organisation_export_request(
            organisation=mine, requested_by=mine and users[Role.ADMIN]
        )
    with scopes_disabled():
        export.refresh_from_db()
    assert export.status == JobStatus.DONE
    archive = zipfile.ZipFile(export.file.open("rb"))
    names = set(archive.namelist())
    expected_rows = rows_of(mine.pk)
    assert len(expected_rows) >= 10, "the demo data should touch many tables"
    total = 0
    for model in privacy.tenant_models():
        if model is OrganisationExport:
            continue
        stem = model._meta.label_lower.replace(".", "_")
        assert {f"{stem}.csv", f"{stem}.json"} <= names
        rows = json.loads(archive.read(f"{stem}.json"))
        assert len(rows) == expected_rows.get(model._meta.label, 0), model._meta.label
        assert all(row["organisation_id"] == mine.pk for row in rows)
        total += len(rows)
    audit_rows = json.loads(archive.read("audit_trail.json"))
    assert len(audit_rows) == expected_rows[LogEntry._meta.label] > 0
    mine_entries = set(
        LogEntry.objects.filter(additional_data__organisation_id=mine.pk).values_list(
            "pk", flat=True
        )
    )
    assert {row["id"] for row in audit_rows} == mine_entries
    assert "audit_trail.csv" in names
    assert export.row_count == total + len(audit_rows)
    people = json.loads(archive.read("people.json"))
    assert {p["email"] for p in people} == {
        "admin+mine@example.org", "lead+mine@example.org",
        "community+mine@example.org", "governance+mine@example.org",
    }  # fmt: skip


@pytest.mark.celery_worker
def test_export_built_by_a_real_worker_and_downloaded_by_an_admin(
    celery_worker_process, org, users, outsider, client_for
):
    celery_worker_process.start()
    admin = client_for(users[Role.ADMIN])
    admin.post(reverse("organisation_export", args=[org.slug]))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with scopes_disabled():
            export = OrganisationExport.objects.get()
        if export.status == JobStatus.DONE:
            break
        time.sleep(0.3)
    assert export.status == JobStatus.DONE, export.error
    page = admin.get(reverse("organisation_export", args=[org.slug]))
    assert "Download zip" in page.text
    url = reverse("organisation_export_download", args=[org.slug, export.pk])
    response = admin.get(url)
    assert response["Content-Disposition"].startswith("attachment")
    body = b"".join(response.streaming_content)
    assert "t2a_membership.json" in zipfile.ZipFile(io.BytesIO(body)).namelist()
    assert_role_matrix(client_for, users, url, get={Role.ADMIN})
    assert client_for(outsider).get(url).status_code == 404


@pytest.mark.django_db
def test_deleting_an_organisation_removes_every_row_it_owns(org, users, client_for):
    doomed = seed_full("doomed")
    keep = seed_full("keep")
    before_doomed, before_keep = rows_of(doomed.pk), rows_of(keep.pk)
    assert len(before_doomed) >= 10
    with scopes_disabled():
        admin = (
            doomed
            and __import__("t2a.models")
            .models.Membership.objects.get(organisation=doomed, role=Role.ADMIN)
            .user
        )
    client = client_for(admin)
    url = reverse("organisation_delete", args=[doomed.slug])
    page = client.get(url)
    assert "What will be deleted" in page.text

    response = client.post(url, {"confirm_name": "Org doome", "understood": "on"})
    assert response.status_code == 400
    assert "Type the organisation" in response.text
    assert rows_of(doomed.pk) == before_doomed

    response = client.post(url, {"confirm_name": "Org doomed"})
    assert response.status_code == 400
    assert rows_of(doomed.pk) == before_doomed

    response = client.post(url, {"confirm_name": "Org doomed", "understood": "on"})
    assert response.status_code == 302
    assert not Organisation.objects.filter(pk=doomed.pk).exists()
    assert rows_of(doomed.pk) == {}
    assert rows_of(keep.pk) == before_keep
    call_command("check")


@pytest.mark.django_db
def test_withdrawing_stops_an_export_being_made_and_asks_for_it_again(
    org, users, django_capture_on_commit_callbacks
):
    admin = users[Role.ADMIN]
    with scopes_disabled():
        running = OrganisationExport.objects.create(
            organisation=org, requested_by=admin, status=JobStatus.RUNNING
        )
        queued = OrganisationExport.objects.create(organisation=org, requested_by=admin)
    with django_capture_on_commit_callbacks() as enqueued, transaction.atomic():
        assert privacy.stored_files_withdraw(organisation_id=org.pk) == 1
    with scopes_disabled():
        running.refresh_from_db()
        queued.refresh_from_db()
        (again,) = OrganisationExport.objects.exclude(pk__in=[running.pk, queued.pk])
    assert (running.status, running.error) == (JobStatus.FAILED, privacy.WITHDRAWN_WHILE_MADE)
    # A queued one reads the data only once the withdrawal has committed: it is left to run.
    assert queued.status == JobStatus.QUEUED
    assert (again.status, again.requested_by) == (JobStatus.QUEUED, admin)
    assert len(enqueued) == 1

    # The render that was running finishes later: what it made is discarded.
    with scope(organisation=org.pk):
        assert not running.mark_done(file="exports/late.zip", size_bytes=1)


@pytest.mark.django_db
def test_a_queued_secret_message_leaves_its_working_link_out_of_the_export(
    org, users, django_capture_on_commit_callbacks
):
    link = "https://t2a.example/invitations/accept/secret-token/"
    with scopes_disabled():
        secret = OutboundMessage.objects.create(
            organisation=org, channel=Channel.EMAIL, recipient="new@example.org",
            subject="You are invited", body_text=f"Accept: {link}", body_html=f"<a>{link}</a>",
            secret=True,
        )  # fmt: skip
        plain = OutboundMessage.objects.create(
            organisation=org, channel=Channel.EMAIL, recipient="lead@example.org",
            subject="An update is due", body_text="Action 3 is due an update.",
        )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True), scope(organisation=org.pk):
        export = privacy.organisation_export_request(
            organisation=org, requested_by=users[Role.ADMIN]
        )
    with scopes_disabled():
        export.refresh_from_db()
    archive = zipfile.ZipFile(export.file.open("rb"))
    raw = b"".join(archive.read(name) for name in archive.namelist())
    assert b"secret-token" not in raw
    rows = {row["id"]: row for row in json.loads(archive.read("t2a_outboundmessage.json"))}
    assert rows[secret.pk]["subject"] == "You are invited"
    assert "withheld" in rows[secret.pk]["body_text"]
    assert rows[plain.pk]["body_text"] == "Action 3 is due an update."
