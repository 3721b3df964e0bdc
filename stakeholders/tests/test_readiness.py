import pytest
from django_scopes import scope

from cycles import readiness
from cycles.tests.builders import make_cycle
from stakeholders.readiness import steering_group_formed
from stakeholders.tests.builders import make_stakeholder, make_steering_member


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
    assert item.measure == "stakeholders.readiness.steering_group_formed"
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
