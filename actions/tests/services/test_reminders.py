"""The progress-update escalation ladder: the right people on the right days, once each."""

import threading
import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core import mail
from django_scopes import scope, scopes_disabled

from actions.models import Action, ActionPlan, Escalation, PlanStatus
from actions.selectors.reminders import KIND
from actions.services.reminders import action_updates_due
from t2a import audit
from t2a.models import Membership, Reminder, Role
from t2a.services import notifications
from tests.cast import make_member

from ..builders import make_action, make_plan, make_update

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
UPDATED = datetime(2026, 3, 2, 10, 0, tzinfo=LONDON)
DUE = date(2026, 3, 30)  # 28 days after the last update


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=LONDON)


@pytest.fixture
def action(cycle, users):
    make_plan(cycle, status=PlanStatus.IN_DELIVERY, signed_off_at=at(date(2026, 1, 5)), version=1)
    action = make_action(cycle, owner=users[Role.COMMUNITY_LEAD], cadence_days=28)
    make_update(action, when=UPDATED)
    return action


def sweep(day: date, capture) -> int:
    with time_machine.travel(at(day), tick=False), capture(execute=True):
        return notifications.reminder_sweep()


def sent_to(org) -> list[tuple[str, int]]:
    with scopes_disabled():
        return sorted(
            (r.recipient.email, r.step)
            for r in Reminder.objects.filter(organisation=org, kind=KIND).select_related(
                "recipient"
            )
        )


def escalations(action) -> list[Escalation]:
    with scopes_disabled():
        return list(Escalation.objects.filter(action=action, update_due_on__isnull=False))


def test_nothing_is_sent_before_the_update_falls_due(
    org, action, django_capture_on_commit_callbacks
):
    assert sweep(DUE - timedelta(days=1), django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []


def test_the_ladder_climbs_on_days_0_7_and_14_and_sends_each_once(
    org, users, action, django_capture_on_commit_callbacks
):
    owner = users[Role.COMMUNITY_LEAD].email
    lead = users[Role.ENGAGEMENT_LEAD].email
    board = users[Role.GOVERNANCE].email
    capture = django_capture_on_commit_callbacks

    assert sweep(DUE, capture) == 1
    assert sweep(DUE, capture) == 0  # a second sweep the same day sends nothing
    assert sent_to(org) == [(owner, 0)]
    assert mail.outbox[0].to == [owner]
    assert "Progress update due" in mail.outbox[0].subject

    assert sweep(DUE + timedelta(days=6), capture) == 0
    assert sweep(DUE + timedelta(days=7), capture) == 1
    assert sweep(DUE + timedelta(days=7), capture) == 0
    assert sent_to(org) == sorted([(owner, 0), (lead, 1)])
    assert mail.outbox[-1].to == [lead]
    assert "No progress update for 35 days" in mail.outbox[-1].subject
    assert escalations(action) == []

    assert sweep(DUE + timedelta(days=13), capture) == 0
    assert sweep(DUE + timedelta(days=14), capture) == 1
    assert sweep(DUE + timedelta(days=15), capture) == 0
    assert sent_to(org) == sorted([(owner, 0), (lead, 1), (board, 2)])
    assert mail.outbox[-1].to == [board]
    [escalation] = escalations(action)
    assert escalation.update_due_on == DUE
    assert escalation.raised_by is None
    assert "No progress update for 42 days" in escalation.reason
    assert len(mail.outbox) == 3
    # The sweep writes escalations in bulk (no signals); each still reaches the audit
    # trail, once, as raised by the system.
    with scopes_disabled():
        [entry] = audit.entries_for(org).filter(
            content_type__model="escalation", object_id=escalation.pk
        )
    assert entry.action == LogEntry.Action.CREATE and entry.actor is None
    assert entry.changes["update_due_on"] == ["None", "2026-03-30"]


def test_a_new_update_starts_a_new_period_that_reminds_again(
    org, users, action, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    for day in (0, 7, 14):
        sweep(DUE + timedelta(days=day), capture)
    assert len(mail.outbox) == 3
    make_update(action, when=at(date(2026, 4, 20)))
    next_due = date(2026, 5, 18)
    assert sweep(next_due - timedelta(days=1), capture) == 0
    assert sweep(next_due, capture) == 1
    assert mail.outbox[-1].to == [users[Role.COMMUNITY_LEAD].email]
    sweep(next_due + timedelta(days=14), capture)
    assert [e.update_due_on for e in escalations(action)] == [next_due, DUE]


def test_a_sweep_after_downtime_catches_up_every_step_at_once(
    org, action, django_capture_on_commit_callbacks
):
    assert sweep(DUE + timedelta(days=20), django_capture_on_commit_callbacks) == 3
    assert len(escalations(action)) == 1


def test_a_custom_ladder_fires_on_its_own_days(
    org, users, action, django_capture_on_commit_callbacks
):
    org.escalate_owner_after_days = 2
    org.escalate_lead_after_days = 3
    org.escalate_governance_after_days = 5
    org.save()
    capture = django_capture_on_commit_callbacks
    fired = {day: sweep(DUE + timedelta(days=day), capture) for day in range(7)}
    assert fired == {0: 0, 1: 0, 2: 1, 3: 1, 4: 0, 5: 1, 6: 0}
    assert len(escalations(action)) == 1


def test_an_owner_who_is_also_the_lead_hears_once_and_leaves_the_query(
    org, users, cycle, django_capture_on_commit_callbacks
):
    make_plan(cycle, status=PlanStatus.IN_DELIVERY, signed_off_at=at(date(2026, 1, 5)))
    action = make_action(cycle, owner=users[Role.ENGAGEMENT_LEAD], cadence_days=28)
    make_update(action, when=UPDATED)
    capture = django_capture_on_commit_callbacks
    assert sweep(DUE, capture) == 1
    assert sweep(DUE + timedelta(days=7), capture) == 0
    with scope(organisation=org.pk):
        assert action_updates_due(organisation=org, today=DUE + timedelta(days=8)) == []


def test_before_the_first_update_the_cadence_counts_from_the_start(
    org, users, cycle, django_capture_on_commit_callbacks
):
    # Signed off on 5 January, action starting on 1 February: the first update is due
    # 28 days after the later of the two.
    make_plan(cycle, status=PlanStatus.IN_DELIVERY, signed_off_at=at(date(2026, 1, 5)))
    action = make_action(
        cycle, owner=users[Role.COMMUNITY_LEAD], cadence_days=28, start_date=date(2026, 2, 1)
    )
    with scopes_disabled():
        Action.objects.filter(pk=action.pk).update(created_at=at(date(2025, 12, 1)))
    capture = django_capture_on_commit_callbacks
    assert sweep(date(2026, 2, 28), capture) == 0
    assert sweep(date(2026, 3, 1), capture) == 1


@pytest.mark.parametrize(
    "change",
    [
        {"status": "done"},
        {"status": "dropped", "status_reason": "Funding ended"},
        {"in_scope": False, "out_of_scope_reason": "National contract"},
        {"owner": None},
    ],
)
def test_finished_out_of_scope_or_ownerless_actions_do_not_remind_the_owner(
    org, action, change, django_capture_on_commit_callbacks
):
    with scopes_disabled():
        Action.objects.filter(pk=action.pk).update(**change)
    assert sweep(DUE, django_capture_on_commit_callbacks) == 0


def test_a_plan_not_in_delivery_reminds_nobody(org, action, django_capture_on_commit_callbacks):
    with scopes_disabled():
        ActionPlan.objects.update(status=PlanStatus.SIGNED_OFF)
    assert sweep(DUE + timedelta(days=30), django_capture_on_commit_callbacks) == 0
    assert escalations(action) == []


def test_people_who_have_left_the_organisation_are_not_told(
    org, users, action, django_capture_on_commit_callbacks
):
    with scopes_disabled():
        Membership.objects.filter(user=users[Role.COMMUNITY_LEAD]).delete()
    assert sweep(DUE + timedelta(days=7), django_capture_on_commit_callbacks) == 1
    assert [m.to for m in mail.outbox] == [[users[Role.ENGAGEMENT_LEAD].email]]


def test_other_organisations_are_untouched(
    org, other_org, action, django_capture_on_commit_callbacks
):
    stranger = make_member(other_org, Role.ENGAGEMENT_LEAD, "lead@southfield.example.org")
    sweep(DUE + timedelta(days=14), django_capture_on_commit_callbacks)
    with scopes_disabled():
        assert not Reminder.objects.filter(organisation=other_org).exists()
        assert not Reminder.objects.filter(recipient=stranger).exists()


def test_the_source_reads_a_fixed_number_of_queries(
    org, users, cycle, django_assert_max_num_queries
):
    make_plan(cycle, status=PlanStatus.IN_DELIVERY, signed_off_at=at(date(2026, 1, 5)))
    for n in range(30):
        action = make_action(cycle, f"Action {n}", owner=users[Role.COMMUNITY_LEAD])
        make_update(action, when=UPDATED)
    # 6 reads and writes, plus reading back the escalations raised, one insert of their
    # audit entries, and moving their cycles' and organisation's data versions on.
    with scope(organisation=org.pk), django_assert_max_num_queries(10):
        dues = action_updates_due(organisation=org, today=DUE + timedelta(days=14))
    assert len(dues) == 90


@pytest.mark.celery_worker
def test_a_real_worker_sends_the_owner_one_email_per_overdue_period(
    celery_worker_process, org, users, cycle
):
    make_plan(cycle, status=PlanStatus.IN_DELIVERY, signed_off_at=at(date(2026, 1, 5)))
    owner = users[Role.COMMUNITY_LEAD]
    action = make_action(cycle, owner=owner, cadence_days=28)
    make_update(action, when=UPDATED)
    celery_worker_process.start(name="w1", concurrency=2)
    celery_worker_process.start(name="w2", concurrency=2)

    sweeps = [
        threading.Thread(target=notifications.reminder_sweep, kwargs={"today": DUE})
        for _ in range(2)
    ]
    for thread in sweeps:
        thread.start()
    for thread in sweeps:
        thread.join()
    celery_worker_process.wait_for_emails(1)
    for day in (1, 2, 6):  # later sweeps in the same period, before the lead's step
        notifications.reminder_sweep(today=DUE + timedelta(days=day))
    time.sleep(2)
    first = celery_worker_process.emails()
    assert len(first) == 1
    assert f"To: {owner.email}" in first[0]

    make_update(action, when=at(date(2026, 4, 1)))  # the next period: due 29 April
    notifications.reminder_sweep(today=date(2026, 4, 28))
    notifications.reminder_sweep(today=date(2026, 4, 29))
    notifications.reminder_sweep(today=date(2026, 4, 29))
    celery_worker_process.wait_for_emails(2)
    time.sleep(2)
    emails = celery_worker_process.emails()
    assert len(emails) == 2
    assert all(f"To: {owner.email}" in e for e in emails)
    with scopes_disabled():
        assert sorted(
            Reminder.objects.filter(kind=KIND, sent_at__isnull=False).values_list(
                "due_date", flat=True
            )
        ) == [DUE, date(2026, 4, 29)]
