"""The canary walk: steering-group minutes, agenda and a decision kept for the group's
members hold a canary string. As each role, walk every page of the organisation (every
URL pattern under /o/<slug>/, filled with the real meeting, decision and cycle), the
public pages, both PDF reports rendered for real, the reminders and emails sent about the
meeting, the audit trail and the organisation export, and find the canary only where the
rule in stakeholders/selectors/steering.py allows it."""

import io
import json
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from cycles.models import ReportKind
from cycles.tests.reports import pdftotext, render_report
from feedback.tests.builders import make_public_page
from stakeholders.models import SteeringDecision, SteeringMeeting
from stakeholders.tests.builders import make_steering_member
from t2a.models import JobStatus, Notification, OutboundMessage, Role
from t2a.services import export as exports
from t2a.services import notifications
from tests.cast import make_member
from tests.walker import fill, tenant_routes

RESULTS = Path(__file__).resolve().parents[2] / "test-results" / "steering_confidentiality"
CANARY = "CanaryZq7Steer"
SHARED = "SharedDecisionOk4"  # a decision that may be summarised publicly
INSIDE = "OrgDecisionOk9"  # a decision for the organisation


def _url(org, name, *args) -> str:
    return reverse(f"stakeholders:{name}", args=[org.slug, *args])


@pytest.fixture
def world(org, users, cycle, client_for):
    """The cycle's group, with a member of the organisation on it, and records made the
    way people make them (so the audit trail holds their changes)."""
    seated = make_member(org, Role.COMMUNITY_LEAD, "seated-member@example.org")
    cycle.community_leads.add(seated)
    make_steering_member(cycle, "community", user=seated)
    make_public_page(cycle)
    lead = client_for(users[Role.ENGAGEMENT_LEAD])
    tomorrow = timezone.localdate() + timedelta(days=1)
    created = lead.post(
        _url(org, "steering_meeting_create", cycle.pk),
        {
            "held_on": tomorrow.isoformat(),
            "agenda": f"Agenda {CANARY}",
            "minutes": "First draft",
            "confidentiality": "members",
        },
    )
    assert created.status_code == 302
    with scopes_disabled():
        meeting = SteeringMeeting.objects.get(cycle=cycle)
    meeting_url = _url(org, "steering_meeting", cycle.pk, meeting.pk)
    edited = lead.post(
        meeting_url,
        {
            "held_on": tomorrow.isoformat(),
            "agenda": f"Agenda {CANARY}",
            "minutes": f"Minutes {CANARY}: the partner's finance gap.",
            "confidentiality": "members",
        },
    )
    assert edited.status_code == 302
    for text, level in ((CANARY, "members"), (SHARED, "public_summary"), (INSIDE, "organisation")):
        response = lead.post(
            _url(org, "steering_decision_add", cycle.pk, meeting.pk),
            {"text": f"Decision {text}", "confidentiality": level},
        )
        assert response.status_code == 302
    with scopes_disabled():
        decision = SteeringDecision.objects.get(text=f"Decision {CANARY}")
    return {"seated": seated, "meeting": meeting, "decision": decision, "cycle": cycle}


def _content(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def _paths(org, world, prefix="o/<slug:org_slug>/") -> list[str]:
    """Every URL pattern under `prefix`, filled once with the world's real ids."""
    cache = {
        "cycle_pk": str(world["cycle"].pk),
        "steering_meeting_pk": str(world["meeting"].pk),
        "steering_decision_pk": str(world["decision"].pk),
        "cycle_slug": world["cycle"].slug,
        "token": "not-a-token",
    }
    paths = []
    for route, _ in tenant_routes(prefix):
        try:
            paths.append(fill(route, org, cache))
        except LookupError:
            # A keyword without a filler fails tests/test_tenant_isolation.py already.
            continue
    if prefix.startswith("o/"):
        audit = reverse("audit_trail", args=[org.slug])
        paths += [
            f"{audit}?type={label}"
            for label in ("stakeholders.steeringmeeting", "stakeholders.steeringdecision")
        ]
    return paths


def _walk(client, paths: list[str]) -> dict[str, tuple[int, str]]:
    seen = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code < 500, path
        seen[path] = (response.status_code, _content(response))
    return seen


@pytest.mark.django_db
def test_every_page_shows_the_canary_only_to_the_group(org, users, client_for, world):
    readers = {"engagement lead (the cycle's lead)": users[Role.ENGAGEMENT_LEAD]}
    readers["member on the group"] = world["seated"]
    others = {
        "community lead not on the group": users[Role.COMMUNITY_LEAD],
        "governance member": users[Role.GOVERNANCE],
        "admin": users[Role.ADMIN],
    }
    meeting_page = _url(org, "steering_meeting", world["cycle"].pk, world["meeting"].pk)
    paths = _paths(org, world)
    assert meeting_page in paths
    for who, user in {**readers, **others}.items():
        seen = _walk(client_for(user), paths)
        leaks = [path for path, (_, text) in seen.items() if CANARY in text]
        opened = [path for path, (status, _) in seen.items() if status == 200]
        assert len(opened) > 20, who  # the walk really reached the pages
        if user in readers.values():
            assert meeting_page in leaks, who
            assert seen[meeting_page][1].count(CANARY) >= 3, who  # agenda, minutes, decision
        else:
            assert leaks == [], f"{who} read the canary on {leaks}"
            assert seen[meeting_page][0] == 200
            assert "This record is for steering-group members only." in seen[meeting_page][1]
            assert INSIDE in seen[meeting_page][1] and SHARED in seen[meeting_page][1]
        if who == "admin":
            audit_pages = [p for p in seen if "/audit/" in p]
            assert all(seen[p][0] == 200 for p in audit_pages)
            # The trail records that the minutes changed, never what they say.
            assert any("Minutes" in seen[p][1] for p in audit_pages)


@pytest.mark.django_db
def test_signed_out_and_public_pages_never_show_it(org, world):
    anonymous = Client()
    for prefix in ("o/<slug:org_slug>/", "p/<slug:org_slug>/"):
        seen = _walk(anonymous, _paths(org, world, prefix))
        assert [p for p, (_, text) in seen.items() if CANARY in text] == []
    public = anonymous.get(f"/p/{org.slug}/{world['cycle'].slug}/")
    assert public.status_code == 200 and CANARY not in public.text


@pytest.mark.django_db
def test_both_pdf_reports_show_only_what_may_be_summarised_publicly(org, world):
    RESULTS.mkdir(parents=True, exist_ok=True)
    for kind in ReportKind.values:
        content = render_report(org, world["cycle"], kind)
        (RESULTS / f"{kind}.pdf").write_bytes(content)
        text = pdftotext(content)
        assert CANARY not in text, kind
        assert INSIDE not in text, kind
        assert f"Decision {SHARED}" in text, kind
        assert "2 decisions of the group are kept within the organisation" in text, kind


@pytest.mark.django_db
def test_reminders_about_the_meeting_carry_no_record(
    org, users, world, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.reminder_sweep() >= 2
    with scopes_disabled():
        reminded = Notification.objects.filter(url__contains="/steering/meetings/")
        # Only those who keep the group's record are told of its meetings.
        assert {n.recipient_id for n in reminded} == {
            users[Role.ENGAGEMENT_LEAD].pk,
            world["seated"].pk,
        }
        texts = [f"{n.title} {n.body}" for n in Notification.objects.all()]
        for message in OutboundMessage.objects.all():
            texts.append(" ".join(str(getattr(message, f.attname)) for f in _text_fields(message)))
    texts += [f"{m.subject} {m.body} {m.alternatives}" for m in mail.outbox]
    assert texts and not [t for t in texts if CANARY in t]


def _text_fields(obj) -> list[models.Field]:
    return [
        f for f in obj._meta.concrete_fields if isinstance(f, models.CharField | models.TextField)
    ]


@pytest.mark.django_db
def test_the_export_keeps_them_marked_and_the_audit_trail_never_held_them(
    org, users, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), scope(organisation=org.pk):
        export = exports.organisation_export_request(
            organisation=org, requested_by=users[Role.ADMIN]
        )
    with scopes_disabled():
        export.refresh_from_db()
    assert export.status == JobStatus.DONE, export.error
    with export.file.open("rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    meetings = json.loads(archive.read("stakeholders_steeringmeeting.json"))
    decisions = json.loads(archive.read("stakeholders_steeringdecision.json"))
    [meeting] = meetings
    assert CANARY in meeting["minutes"] and meeting["confidentiality"] == "members"
    levels = {d["text"]: d["confidentiality"] for d in decisions}
    assert levels == {
        f"Decision {CANARY}": "members",
        f"Decision {SHARED}": "public_summary",
        f"Decision {INSIDE}": "organisation",
    }
    assert "confidentiality" in archive.read("stakeholders_steeringmeeting.csv").decode()
    readme = archive.read("README.txt").decode()
    assert "CONFIDENTIAL RECORDS" in readme and "members = Steering-group members only" in readme
    trail = archive.read("audit_trail.json").decode()
    assert "stakeholders.steeringmeeting" in trail and "confidentiality" in trail
    assert CANARY not in trail
    assert CANARY not in archive.read("audit_trail.csv").decode()
