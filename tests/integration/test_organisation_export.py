"""The organisation export of an organisation that holds one of everything, both PDF
reports rendered for real: every stored file is in the zip, and its records point at it."""

import csv
import io
import json
import logging
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.db import models
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from actions.tests.builders import make_effect, make_evaluation
from cycles.models import Report, ReportKind
from cycles.services.reports import report_request
from t2a.models import JobStatus, OrganisationExport, Role
from t2a.services import export as privacy
from t2a.services.demo import demo_data_seed, demo_organisation_seed
from tests.integration.report_builders import make_report_cycle


def everything(slug: str):
    """The demo organisation (rows in every stage app) plus a cycle with something in every
    report section, an evaluation and a ripple effect."""
    demo = demo_organisation_seed(name=f"Org {slug}", slug=slug)
    demo_data_seed(demo)
    cycle = make_report_cycle(demo.organisation, demo.people, title="Maternity in Northgate")
    make_evaluation(cycle, what_worked="Cafés at the mosque.", learning_next_steps="Hand over.")
    make_effect(cycle, "Hodan became a trained community listener")
    return demo, cycle


def export_now(organisation, admin, capture) -> OrganisationExport:
    with capture(execute=True), scope(organisation=organisation.pk):
        export = privacy.organisation_export_request(organisation=organisation, requested_by=admin)
    with scopes_disabled():
        export.refresh_from_db()
    return export


@pytest.mark.django_db
def test_the_export_holds_every_pdf_report_and_its_records_point_at_it(
    django_capture_on_commit_callbacks,
):
    demo, cycle = everything("mine")
    organisation, lead = demo.organisation, demo.people[Role.ENGAGEMENT_LEAD]
    reports = []
    for kind in ReportKind.values:
        with django_capture_on_commit_callbacks(execute=True), scope(organisation=organisation.pk):
            report, queued = report_request(cycle=cycle, kind=kind, requested_by=lead)
        assert queued
        with scopes_disabled():
            report.refresh_from_db()
        assert report.status == JobStatus.DONE, report.error
        reports.append(report)

    export = export_now(organisation, demo.people[Role.ADMIN], django_capture_on_commit_callbacks)
    assert export.status == JobStatus.DONE, export.error
    archive = zipfile.ZipFile(export.file.open("rb"))
    names = set(archive.namelist())

    # Every PDF, byte for byte, and the report's JSON and CSV rows name it.
    rows = json.loads(archive.read("cycles_report.json"))
    table = list(csv.DictReader(io.StringIO(archive.read("cycles_report.csv").decode())))
    by_pk = {row["id"]: row for row in rows}
    assert sorted(row["kind"] for row in rows) == sorted(ReportKind.values)
    for report in reports:
        path = f"files/{report.file.name}"
        assert by_pk[report.pk]["file"] == path
        assert {r["id"]: r["file"] for r in table}[str(report.pk)] == path
        content = archive.read(path)
        assert content.startswith(b"%PDF-")
        with default_storage.open(report.file.name, "rb") as stored:
            assert content == stored.read()

    # Generic over every stored file of every exported model, not reports alone.
    stored = set()
    with scopes_disabled():
        for model in privacy.tenant_models():
            if model is OrganisationExport:
                continue
            for field in model._meta.concrete_fields:
                if isinstance(field, models.FileField):
                    stored |= {
                        f"files/{name}"
                        for name in model._base_manager.filter(organisation=organisation)
                        .exclude(**{field.name: ""})
                        .values_list(field.name, flat=True)
                    }
    assert stored == {n for n in names if n.startswith("files/")}
    assert len(stored) == 2
    assert "files/" in archive.read("README.txt").decode()
    # One of everything: the records of each kind the organisation holds are in the zip.
    for model in privacy.tenant_models():
        stem = model._meta.label_lower.replace(".", "_")
        if model is not OrganisationExport:
            assert {f"{stem}.json", f"{stem}.csv"} <= names


@pytest.mark.django_db
def test_a_stored_file_gone_meanwhile_leaves_an_empty_reference(
    org, users, django_capture_on_commit_callbacks
):
    cycle = make_report_cycle(org, users)
    with django_capture_on_commit_callbacks(execute=True), scope(organisation=org.pk):
        report, _ = report_request(
            cycle=cycle, kind=ReportKind.CASE_FOR_CHANGE, requested_by=users[Role.ENGAGEMENT_LEAD]
        )
    with scopes_disabled():
        report.refresh_from_db()
    # As if an erasure deleted it after the export had started.
    default_storage.delete(report.file.name)

    export = export_now(org, users[Role.ADMIN], django_capture_on_commit_callbacks)
    assert export.status == JobStatus.DONE, export.error
    archive = zipfile.ZipFile(export.file.open("rb"))
    assert [row["file"] for row in json.loads(archive.read("cycles_report.json"))] == [""]
    assert not [n for n in archive.namelist() if n.startswith("files/")]


@pytest.mark.django_db
def test_a_failed_export_says_so_in_plain_english_and_logs_the_error(
    org, users, client_for, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    cycle = make_report_cycle(org, users)
    with scopes_disabled():
        Report.objects.create(
            organisation=org, cycle=cycle, kind=ReportKind.CASE_FOR_CHANGE, data_hash="x" * 64
        )

    def broken(*args, **kwargs):
        raise TypeError("Object of type FieldFile is not JSON serializable")

    monkeypatch.setattr(privacy, "_write_csv", broken)
    with caplog.at_level(logging.ERROR, logger="t2a.jobs"):
        export = export_now(org, users[Role.ADMIN], django_capture_on_commit_callbacks)
    assert export.status == JobStatus.FAILED
    assert "FieldFile is not JSON serializable" in caplog.text

    page = client_for(users[Role.ADMIN]).get(reverse("organisation_export", args=[org.slug]))
    assert "Something went wrong while making the export" in page.text
    assert "FieldFile" not in page.text and "TypeError" not in page.text
