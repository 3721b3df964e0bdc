"""The trust indicators (selectors/indicators.py): the commitment-kept rate and
meaningful conversations."""

from datetime import date

import pytest
from django_scopes import scope

from stakeholders.selectors.indicators import (
    commitment_kept_rate,
    commitment_kept_rate_by_owner,
    first_of_month,
    meaningful_conversations_by_staff,
    meaningful_conversations_per_month,
)
from stakeholders.tests.builders import make_commitment, make_conversation, make_stakeholder
from t2a.models import Role

TODAY = date(2026, 6, 15)


START, END = date(2026, 1, 1), date(2026, 12, 31)


@pytest.fixture
def conversation(org, users):
    return make_conversation(
        org, users[Role.ENGAGEMENT_LEAD], [make_stakeholder(org)], held_on=date(2026, 1, 10)
    )


def rate(org, **kw):
    with scope(organisation=org.pk):
        return commitment_kept_rate(
            organisation=org,
            start=kw.pop("start", START),
            end=kw.pop("end", END),
            as_of=TODAY,
            **kw,
        )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("due_on", "outcome", "counted", "kept_on_time"),
    [
        # due today, still open: there is still today to keep it, so not counted yet
        (TODAY, {}, 0, 0),
        # due today, kept today: on time
        (TODAY, {"kept_on": TODAY}, 1, 1),
        # due yesterday, still open: counted, not kept
        (date(2026, 6, 14), {}, 1, 0),
        # kept late
        (date(2026, 6, 1), {"kept_on": date(2026, 6, 2)}, 1, 0),
        # kept early, before its due date
        (date(2026, 6, 30), {"kept_on": date(2026, 6, 10)}, 1, 1),
        # kept on the due date itself
        (date(2026, 6, 1), {"kept_on": date(2026, 6, 1)}, 1, 1),
        # broken, before its due date
        (date(2026, 7, 1), {"broken_on": date(2026, 6, 1), "broken_reason": "Venue closed"}, 1, 0),
        # broken after its due date
        (date(2026, 5, 1), {"broken_on": date(2026, 5, 9), "broken_reason": "Forgot"}, 1, 0),
        # not yet due, still open: not counted
        (date(2026, 7, 1), {}, 0, 0),
    ],
)
def test_kept_rate_edge_cases(org, users, conversation, due_on, outcome, counted, kept_on_time):
    make_commitment(conversation, users[Role.ENGAGEMENT_LEAD], due_on, **outcome)
    result = rate(org)
    assert (result.due, result.kept_on_time) == (counted, kept_on_time)


@pytest.mark.django_db
def test_kept_rate_overall_and_per_owner(org, users, conversation):
    lead, admin = users[Role.ENGAGEMENT_LEAD], users[Role.ADMIN]
    make_commitment(conversation, lead, date(2026, 6, 1), kept_on=date(2026, 5, 30))  # on time
    make_commitment(conversation, lead, date(2026, 6, 1), kept_on=date(2026, 6, 3))  # late
    make_commitment(conversation, lead, date(2026, 6, 10))  # overdue
    make_commitment(conversation, lead, TODAY)  # due today: not yet counted
    make_commitment(conversation, admin, date(2026, 3, 1), kept_on=date(2026, 3, 1))  # on time
    make_commitment(
        conversation, admin, date(2025, 12, 1), kept_on=date(2025, 12, 1)
    )  # out of range
    overall = rate(org)
    assert (overall.due, overall.kept_on_time) == (4, 2)
    assert overall.percent == 50
    with scope(organisation=org.pk):
        per_owner = commitment_kept_rate_by_owner(
            organisation=org, start=START, end=END, as_of=TODAY
        )
    assert (per_owner[lead.pk].due, per_owner[lead.pk].kept_on_time) == (3, 1)
    assert per_owner[lead.pk].percent == 33
    assert (per_owner[admin.pk].due, per_owner[admin.pk].kept_on_time) == (1, 1)


@pytest.mark.django_db
def test_kept_rate_with_nothing_due_is_none_not_zero(org):
    result = rate(org)
    assert result.due == 0 and result.rate is None and result.percent is None


@pytest.mark.django_db
def test_kept_rate_for_one_cycle(org, users, cycle):
    lead = users[Role.ENGAGEMENT_LEAD]
    in_cycle = make_conversation(org, lead, held_on=date(2026, 1, 5), cycle=cycle)
    outside = make_conversation(org, lead, held_on=date(2026, 1, 5))
    make_commitment(in_cycle, lead, date(2026, 2, 1), kept_on=date(2026, 2, 1))
    make_commitment(outside, lead, date(2026, 2, 1))
    assert (rate(org, cycle=cycle).due, rate(org, cycle=cycle).kept_on_time) == (1, 1)
    assert rate(org).due == 2


@pytest.mark.django_db
def test_meaningful_conversations_per_month_and_per_staff(org, users):
    lead, admin = users[Role.ENGAGEMENT_LEAD], users[Role.ADMIN]
    make_conversation(org, lead, held_on=date(2026, 1, 31))
    make_conversation(org, lead, held_on=date(2026, 3, 1))
    make_conversation(org, admin, held_on=date(2026, 3, 20))
    make_conversation(org, admin, held_on=date(2026, 3, 21), meaningful=False)
    make_conversation(org, admin, held_on=date(2025, 12, 31))
    with scope(organisation=org.pk):
        months = meaningful_conversations_per_month(
            organisation=org, start=date(2026, 1, 1), end=date(2026, 4, 30)
        )
        by_staff = meaningful_conversations_by_staff(
            organisation=org, start=date(2026, 1, 1), end=date(2026, 4, 30)
        )
    assert months == [
        (date(2026, 1, 1), 1),
        (date(2026, 2, 1), 0),
        (date(2026, 3, 1), 2),
        (date(2026, 4, 1), 0),
    ]
    assert by_staff == {lead.pk: 2, admin.pk: 1}


def test_first_of_month_crosses_years():
    assert first_of_month(date(2026, 2, 17), months_back=2) == date(2025, 12, 1)
    assert first_of_month(date(2026, 12, 17), months_back=-1) == date(2027, 1, 1)
    assert first_of_month(date(2026, 6, 1), months_back=11) == date(2025, 7, 1)


@pytest.mark.django_db
def test_open_ended_period_counts_commitments_kept_before_their_due_date(org, users, conversation):
    lead = users[Role.ENGAGEMENT_LEAD]
    make_commitment(conversation, lead, date(2027, 3, 1), kept_on=date(2026, 6, 1))
    make_commitment(conversation, lead, date(2027, 3, 1))  # open, not yet due
    bounded = rate(org, end=TODAY)
    open_ended = rate(org, end=None)
    assert (bounded.due, bounded.kept_on_time) == (0, 0)
    assert (open_ended.due, open_ended.kept_on_time) == (1, 1)
