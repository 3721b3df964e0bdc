import pytest
from django_scopes import scope, scopes_disabled

from cycles import demo as cycles_demo
from cycles import readiness
from cycles.models import Cycle
from stakeholders import demo
from stakeholders.models import Commitment, Conversation, SharedAsset, Stakeholder
from t2a.demo import demo_organisation_seed


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
