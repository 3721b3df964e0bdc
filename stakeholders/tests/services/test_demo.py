import pytest
from django_scopes import scope, scopes_disabled

from cycles.models import Cycle
from cycles.selectors import readiness
from cycles.services import demo as cycles_demo
from stakeholders.models import (
    CheckIn,
    Commitment,
    Conversation,
    RoleAgreement,
    SharedAsset,
    Stakeholder,
    TrainingRecord,
)
from stakeholders.services import demo
from t2a.services.demo import demo_organisation_seed


def counts(org) -> tuple[int, ...]:
    with scopes_disabled():
        return tuple(
            m.objects.filter(organisation=org).count()
            for m in (Stakeholder, Conversation, Commitment, SharedAsset)
        )


@pytest.mark.django_db
def test_demo_seed_is_idempotent_and_forms_the_steering_group():
    small = demo_organisation_seed()
    cycles_demo.seed(small, large=False)
    demo.seed(small, large=False)
    first = counts(small.organisation)
    demo.seed(small, large=False)
    assert counts(small.organisation) == first
    assert first[0] >= 10 and first[2] >= 4
    with scope(organisation=small.organisation.pk):
        cycle = Cycle.objects.get(slug=demo.MATERNITY_SLUG)
        stage_one = readiness.evaluate(cycle, stages=[1])[1]
        hodan = Stakeholder.objects.get(name="Hodan Ali")
    assert next(r for r in stage_one.results if r.key == "steering_group_formed").met
    assert hodan.contact_owner == small.people["community_lead"]


@pytest.mark.django_db
def test_large_demo_has_2000_stakeholders_and_is_idempotent():
    big = demo_organisation_seed(name="Eastbrook Community Health", slug="eastbrook")
    cycles_demo.seed(big, large=True)
    demo.seed(big, large=True)
    first = counts(big.organisation)
    assert first[0] == 2000
    demo.seed(big, large=True)
    assert counts(big.organisation) == first


@pytest.mark.django_db
def test_demo_prepares_the_community_lead_of_the_maternity_cycle():
    small = demo_organisation_seed()
    cycles_demo.seed(small, large=False)
    demo.seed(small, large=False)
    demo.seed(small, large=False)
    with scope(organisation=small.organisation.pk):
        cycle = Cycle.objects.get(slug=demo.MATERNITY_SLUG)
        stage_two = readiness.evaluate(cycle, stages=[2])[2]
        assert RoleAgreement.objects.count() == 1
        assert TrainingRecord.objects.count() == 2
        assert CheckIn.objects.count() == 1
    assert next(r for r in stage_two.results if r.key == "community_leads_prepared").met


@pytest.mark.django_db
def test_large_demo_shows_prepared_and_unprepared_cycles():
    big = demo_organisation_seed(name="Eastbrook Community Health", slug="eastbrook")
    cycles_demo.seed(big, large=True)
    demo.seed(big, large=True)
    with scope(organisation=big.organisation.pk):
        first = RoleAgreement.objects.count()
        demo.seed(big, large=True)
        assert RoleAgreement.objects.count() == first > 1
        cycles = list(Cycle.objects.filter(community_leads__isnull=False).distinct())
        answers = readiness.evaluate_many(cycles, stages=[2])
    met = [
        next(r for r in answers[c.pk][2].results if r.key == "community_leads_prepared").met
        for c in cycles
    ]
    assert any(met) and not all(met)
