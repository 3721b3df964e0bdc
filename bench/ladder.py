"""The reminder-sweep benchmark: 100,000 actions in delivery in an organisation of their own.

Built once with bulk_create (about a minute) and kept; later runs only move the progress
updates forward so their ages relative to today are the same every run, and clear the
organisation's earlier claims so each run times a first sweep that finds everything due.

The shape: 100 cycles of 1,000 actions, a 28-day cadence, one update each. 95% are not due
yet; 5% are overdue by 0, 4, 8, 12 or 16 days, so the default ladder (0, 7, 14) has owners,
engagement leads and the board to tell: about 9,000 reminders and 1,000 escalations.
"""

import time
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import F, Max
from django.urls import get_resolver
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from actions.models import Action, ActionPlan, Escalation, PlanStatus, Priority, ProgressUpdate
from cycles.models import Cycle
from t2a.celery import app
from t2a.models import Membership, Organisation, Reminder, Role, User
from t2a.services.notifications import reminder_sweep_organisation

SLUG = "ladder-bench"
CYCLES = 100
PER_CYCLE = 1000
OWNERS = 20
CADENCE = 28


def update_age_days(i: int) -> int:
    """How long ago action number `i` last had an update."""
    if i % 100 < 5:
        return CADENCE + (i % 100) * 4  # overdue by 0, 4, 8, 12 or 16 days
    return i % CADENCE  # not due yet


def _person(organisation: Organisation, email: str, role: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(email=email, full_name=email.split("@")[0].replace(".", " ").title())
        user.set_unusable_password()
        user.save()
    Membership.objects.get_or_create(organisation=organisation, user=user, defaults={"role": role})
    return user


@transaction.atomic
def build() -> Organisation:
    organisation, _ = Organisation.objects.get_or_create(
        slug=SLUG, defaults={"name": "Ladder benchmark"}
    )
    with scopes_disabled():
        if Action.objects.filter(organisation=organisation).count() >= CYCLES * PER_CYCLE:
            return organisation
        lead = _person(organisation, f"lead@{SLUG}.example.org", Role.ENGAGEMENT_LEAD)
        board = _person(organisation, f"board@{SLUG}.example.org", Role.GOVERNANCE)
        owners = [
            _person(organisation, f"owner.{n}@{SLUG}.example.org", Role.COMMUNITY_LEAD)
            for n in range(OWNERS)
        ]
        now = timezone.now()
        i = 0
        for c in range(CYCLES):
            cycle, _ = Cycle.objects.get_or_create(
                organisation=organisation,
                slug=f"cycle-{c}",
                defaults={
                    "title": f"Benchmark cycle {c}",
                    "inequality": "Benchmark",
                    "place": "Benchmark",
                    "lead": lead,
                },
            )
            cycle.governance_members.set([board])
            Action.objects.filter(plan__cycle=cycle).delete()
            plan, _ = ActionPlan.objects.get_or_create(
                organisation=organisation,
                cycle=cycle,
                defaults={"status": PlanStatus.IN_DELIVERY, "signed_off_at": now},
            )
            priority, _ = Priority.objects.get_or_create(
                organisation=organisation, cycle=cycle, title="Benchmark priority"
            )
            actions = Action.objects.bulk_create(
                [
                    Action(
                        organisation=organisation,
                        plan=plan,
                        priority=priority,
                        title=f"Action {n} of cycle {c}",
                        owner=owners[n % OWNERS],
                        status="on_track",
                        cadence_days=CADENCE,
                    )
                    for n in range(PER_CYCLE)
                ],
                batch_size=1000,
            )
            updates = []
            for action in actions:
                updates.append(
                    ProgressUpdate(
                        organisation=organisation,
                        action=action,
                        status="on_track",
                        narrative="Monthly update.",
                        created_at=now - timedelta(days=update_age_days(i), hours=1),
                    )
                )
                i += 1
            ProgressUpdate.objects.bulk_create(updates, batch_size=1000)
    return organisation


def prepare() -> Organisation:
    """Build if needed; keep the update ages fixed relative to now; forget earlier claims."""
    organisation = build()
    # As autovacuum would after a bulk load: the planner needs to know the tables' size.
    with connection.cursor() as cursor:
        for model in (Action, ProgressUpdate, Reminder, Escalation):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    with scope(organisation=organisation.pk), transaction.atomic():
        newest = ProgressUpdate.objects.aggregate(newest=Max("created_at"))["newest"]
        shift = timezone.now() - timedelta(hours=1) - newest
        if shift > timedelta(minutes=5):
            ProgressUpdate.objects.update(created_at=F("created_at") + shift)
        Reminder.objects.all().delete()
        Escalation.objects.filter(update_due_on__isnull=False).delete()
    return organisation


def measure() -> dict[str, str]:
    """Time a first sweep (everything due is claimed and enqueued) and a repeat sweep."""
    organisation = prepare()
    today = timezone.localdate()
    # A worker is long-lived: load the URL conf (and the PDF stack it imports) before
    # timing, as the first sweep after start-up would pay it once.
    get_resolver().url_patterns  # noqa: B018
    results = {}
    started = time.perf_counter()
    claimed = reminder_sweep_organisation(organisation=organisation, today=today)
    first = time.perf_counter() - started
    started = time.perf_counter()
    again = reminder_sweep_organisation(organisation=organisation, today=today)
    repeat = time.perf_counter() - started
    with scope(organisation=organisation.pk):
        escalated = Escalation.objects.filter(update_due_on__isnull=False).count()
    results["sweep 100,000 actions, first"] = (
        f"{first:.2f} s ({claimed} reminders claimed and enqueued, {escalated} escalations) "
        "target < 5 s: " + ("met" if first < 5 else "MISSED")
    )
    results["sweep 100,000 actions, repeat"] = f"{repeat:.2f} s ({again} new) target < 5 s: " + (
        "met" if repeat < 5 else "MISSED"
    )
    # Nobody consumes the benchmark's queue: drop what the sweep enqueued.
    app.control.purge()
    return results
