"""The stakeholders app's readiness measures (selectors/readiness.py): the steering group
formed (stage 1) and community leads prepared (stage 2)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from cycles.selectors import readiness
from cycles.tests.builders import make_cycle
from stakeholders.selectors.readiness import community_leads_prepared, steering_group_formed
from stakeholders.tests.builders import (
    make_agreement,
    make_stakeholder,
    make_steering_member,
    make_training,
)
from t2a.models import Role
from tests.cast import make_member


def prepared(org, *cycles) -> dict:
    with scope(organisation=org.pk):
        return community_leads_prepared(list(cycles))


@pytest.fixture
def two_leads(org):
    return [make_member(org, Role.COMMUNITY_LEAD, f"lead{n}@northgate.example.org") for n in (1, 2)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("sectors", "formed"),
    [
        ([], False),
        (["community"], False),
        (["community", "nhs"], False),
        (["nhs", "vcse", "local_authority"], False),
        (["community", "nhs", "nhs"], False),
        (["community", "business", "faith"], False),
        (["community", "nhs", "vcse"], True),
        (["community", "local_authority", "nhs"], True),
        (["community", "community", "vcse", "local_authority", "business"], True),
    ],
)
def test_steering_group_formed_needs_community_and_two_system_sectors(org, users, sectors, formed):
    cycle = make_cycle(org)
    for n, sector in enumerate(sectors):
        make_steering_member(cycle, sector, stakeholder=make_stakeholder(org, f"Member {n}"))
    with scope(organisation=org.pk):
        assert steering_group_formed([cycle]) == {cycle.pk: formed}


@pytest.mark.django_db
def test_user_members_count_with_their_sector(org, users):
    cycle = make_cycle(org)
    make_steering_member(cycle, "community", stakeholder=make_stakeholder(org))
    make_steering_member(cycle, "nhs", user=users["engagement_lead"])
    make_steering_member(cycle, "local_authority", user=users["admin"])
    with scope(organisation=org.pk):
        assert steering_group_formed([cycle]) == {cycle.pk: True}


@pytest.mark.django_db
def test_measure_is_wired_into_the_cycle_checklist_and_constant_in_queries(
    org, users, django_assert_num_queries
):
    item = next(i for i in readiness.checklist(1) if i.key == "steering_group_formed")
    assert item.measure == "stakeholders.selectors.readiness.steering_group_formed"
    cycles = [make_cycle(org, f"Cycle {n}") for n in range(12)]
    for cycle in cycles[::2]:
        for sector in ("community", "vcse", "nhs"):
            make_steering_member(cycle, sector, stakeholder=make_stakeholder(org, sector))
    with scope(organisation=org.pk), django_assert_num_queries(1):
        answer = steering_group_formed(cycles)
    assert answer == {c.pk: i % 2 == 0 for i, c in enumerate(cycles)}
    with scope(organisation=org.pk):
        stage_one = readiness.evaluate(cycles[0], stages=[1])[1]
    assert next(r for r in stage_one.results if r.key == "steering_group_formed").met is True


@pytest.mark.django_db
def test_a_cycle_without_community_leads_is_not_prepared(org, users):
    cycle = make_cycle(org)
    assert prepared(org, cycle) == {cycle.pk: False}


@pytest.mark.django_db
def test_needs_a_confirmed_agreement_and_training_for_every_lead(org, users, two_leads):
    staff = users[Role.ADMIN]
    cycle = make_cycle(org, community_leads=tuple(two_leads))
    first, second = two_leads
    make_agreement(cycle, first, confirmed=True)
    make_training(cycle, [first], staff)
    assert prepared(org, cycle) == {cycle.pk: False}  # the second lead has nothing yet
    half = make_agreement(cycle, second, lead_confirmed_at=timezone.now())
    make_training(cycle, [second], staff)
    assert prepared(org, cycle) == {cycle.pk: False}  # only the organisation confirmed
    with scopes_disabled():
        half.community_lead_confirmed_at = timezone.now()
        half.agreed_on = timezone.localdate()
        half.save()
    assert prepared(org, cycle) == {cycle.pk: True}


@pytest.mark.django_db
def test_confirmed_agreement_without_training_is_not_enough(org, users, two_leads):
    cycle = make_cycle(org, community_leads=(two_leads[0],))
    make_agreement(cycle, two_leads[0], confirmed=True)
    assert prepared(org, cycle) == {cycle.pk: False}


@pytest.mark.django_db
def test_training_in_another_cycle_counts_but_an_agreement_is_per_cycle(org, users, two_leads):
    lead = two_leads[0]
    earlier = make_cycle(org, "Earlier", community_leads=(lead,))
    later = make_cycle(org, "Later", community_leads=(lead,))
    make_agreement(earlier, lead, confirmed=True)
    make_training(earlier, [lead], users[Role.ADMIN])
    assert prepared(org, earlier, later) == {earlier.pk: True, later.pk: False}
    make_agreement(later, lead, confirmed=True)
    assert prepared(org, earlier, later) == {earlier.pk: True, later.pk: True}


@pytest.mark.django_db
def test_someone_no_longer_a_lead_of_the_cycle_does_not_count(org, users, two_leads):
    first, second = two_leads
    cycle = make_cycle(org, community_leads=(first, second))
    make_agreement(cycle, first, confirmed=True)
    make_training(cycle, [first], users[Role.ADMIN])
    assert prepared(org, cycle) == {cycle.pk: False}
    with scopes_disabled():
        cycle.community_leads.remove(second)
    assert prepared(org, cycle) == {cycle.pk: True}


@pytest.mark.django_db
def test_wired_into_the_stage_two_checklist_with_constant_queries(
    org, users, two_leads, django_assert_max_num_queries
):
    item = next(i for i in readiness.checklist(2) if i.key == "community_leads_prepared")
    assert item.measure == "stakeholders.selectors.readiness.community_leads_prepared"
    cycles = [make_cycle(org, f"Cycle {n}", community_leads=tuple(two_leads)) for n in range(12)]
    for cycle in cycles[::2]:
        for lead in two_leads:
            make_agreement(cycle, lead, confirmed=True)
    make_training(
        cycles[0], two_leads, users[Role.ADMIN], held_on=timezone.localdate() - timedelta(1)
    )
    with scope(organisation=org.pk), django_assert_max_num_queries(3):
        answer = community_leads_prepared(cycles)
    assert answer == {c.pk: i % 2 == 0 for i, c in enumerate(cycles)}
    with scope(organisation=org.pk):
        stage_two = readiness.evaluate(cycles[0], stages=[2])[2]
    assert next(r for r in stage_two.results if r.key == "community_leads_prepared").met is True
