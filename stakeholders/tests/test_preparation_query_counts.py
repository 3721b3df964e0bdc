"""Preparation pages make the same number of queries with 2 leads or 60, and many records."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from stakeholders.models import CheckIn, RoleAgreement, TrainingAttendance, TrainingRecord
from t2a.models import Membership, Role, User

from .builders import make_topic


def populate(org, cycle, n: int, staff, focus) -> None:
    """n more community leads on the cycle, each with an agreement, training and check-ins;
    the focus lead gets more records too."""
    with scopes_disabled():
        start = User.objects.count()
        leads = User.objects.bulk_create(
            User(email=f"lead{start + i}@northgate.example.org", full_name=f"Lead {start + i}")
            for i in range(n)
        )
        Membership.objects.bulk_create(
            Membership(organisation=org, user=u, role=Role.COMMUNITY_LEAD) for u in leads
        )
        cycle.community_leads.add(*leads)
        RoleAgreement.objects.bulk_create(
            RoleAgreement(
                organisation=org,
                cycle=cycle,
                community_lead=u,
                role="Co-facilitator",
                hours_per_month=6,
                payment_arrangement="expenses_only",
            )
            for u in leads
        )
        topic = make_topic(org, "Data skills")
        trainings = TrainingRecord.objects.bulk_create(
            TrainingRecord(
                organisation=org,
                cycle=cycle,
                topic=topic,
                held_on=date(2026, 1, 1) + timedelta(days=i % 60),
                recorded_by=staff,
            )
            for i in range(n)
        )
        TrainingAttendance.objects.bulk_create(
            TrainingAttendance(organisation=org, training=t, community_lead=u)
            for t in trainings
            for u in (*leads[:5], focus)
        )
        CheckIn.objects.bulk_create(
            CheckIn(
                organisation=org,
                cycle=cycle,
                community_lead=u,
                held_by=staff,
                held_on=date(2026, 1, 1) + timedelta(days=k),
                next_due_on=date(2026, 1, 29) + timedelta(days=k),
                notes="Notes",
            )
            for u in (*leads, focus)
            for k in range(3)
        )


def pages(org, cycle, lead):
    return {
        "overview": reverse("stakeholders:preparation", args=[org.slug, cycle.pk]),
        "lead page": reverse("stakeholders:lead_preparation", args=[org.slug, cycle.pk, lead.pk]),
        "training form": reverse("stakeholders:training_create", args=[org.slug, cycle.pk]),
        "topics": reverse("stakeholders:training_topics", args=[org.slug]),
        "home": reverse("organisation_home", args=[org.slug]),
        "cycle page": reverse("cycles:cycle_detail", args=[org.slug, cycle.pk]),
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", [Role.ADMIN, Role.ENGAGEMENT_LEAD, Role.COMMUNITY_LEAD, Role.GOVERNANCE]
)
def test_query_counts_do_not_grow_with_leads_and_records(
    org, users, client_for, cycle, role, django_assert_max_num_queries
):
    client = client_for(users[role])
    focus = users[Role.COMMUNITY_LEAD]
    staff = users[Role.ENGAGEMENT_LEAD]
    populate(org, cycle, 2, staff, focus)
    small = {}
    for name, page in pages(org, cycle, focus).items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page)
        assert response.status_code in (200, 403), name
        small[name] = (len(queries), response.status_code)
    populate(org, cycle, 60, staff, focus)
    for name, page in pages(org, cycle, focus).items():
        count, status = small[name]
        with django_assert_max_num_queries(count):
            response = client.get(page)
        assert response.status_code == status, name
    print(role, {name: count for name, (count, _) in small.items()})
