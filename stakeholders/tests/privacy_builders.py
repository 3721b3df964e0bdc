"""Builders for the privacy tests: a stakeholder with a row in every kind of record that
points at them (in any app), a search of the whole database for their details, and stored
files made before an erasure or a retention sweep."""

from datetime import timedelta

from django.apps import apps
from django.core.files.base import ContentFile
from django.db import models
from django.db.models.functions import Cast
from django.utils import timezone
from django_scopes import scopes_disabled

from cycles.models import Report, ReportKind
from cycles.tests.builders import make_cycle
from feedback.tests.builders import make_activity, make_insight
from stakeholders.models import Stakeholder
from stakeholders.tests.builders import (
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
from t2a.models import JobStatus, Role
from t2a.services.export import tenant_models

NAME = "Grace Bello"
EMAIL = "grace.bello@example.org"
PHONE = "07700 900123"


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


def stored_file(org, cycle, model, name: str):
    """A finished report or export with a real file in private storage."""
    extra = (
        {"cycle": cycle, "kind": ReportKind.CASE_FOR_CHANGE, "data_hash": "x" * 64}
        if model is Report
        else {}
    )
    with scopes_disabled():
        row = model.objects.create(organisation=org, status=JobStatus.DONE, **extra)
        row.file.save(name, ContentFile(f"{NAME} {EMAIL}".encode()))
    return row
