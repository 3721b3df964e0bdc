"""What counts as answered, out of scope or unanswered (selectors/insight.py), and the
pages that show those counts."""

import pytest
from django_scopes import scope

from cycles.tests.builders import make_cycle
from feedback.selectors.insight import insight_closure
from feedback.services.insight import insight_mark_answered
from feedback.tests.builders import make_insight
from feedback.tests.conftest import url
from t2a.models import Role

pytestmark = pytest.mark.django_db


def test_closure_counts_answered_out_of_scope_and_unanswered(client_for, users, org, cycle):
    other = make_cycle(org, "Quiet cycle")
    answered = make_insight(cycle, "Answered")
    make_insight(cycle, "Open")
    make_insight(cycle, "Open too", sensitivity="sensitive")
    scoped_out = make_insight(cycle, "Not ours")
    client = client_for(users[Role.ENGAGEMENT_LEAD])
    client.post(
        url(org, "insight_closure", scoped_out.pk),
        {"action": "out_of_scope", "reason": "This is a national policy."},
    )
    with scope(organisation=org.pk):
        insight_mark_answered(insight=answered, note="Priority 1")
        closure = insight_closure([cycle, other])
    assert closure[cycle.pk].total == 4
    assert closure[cycle.pk].answered == 1
    assert closure[cycle.pk].out_of_scope == 1
    assert closure[cycle.pk].unanswered == 2
    assert closure[cycle.pk].unanswered_percent == 50
    assert closure[other.pk].total == 0 and closure[other.pk].unanswered_percent is None

    page = client.get(url(org, "cycle", cycle.pk)).content.decode()
    assert "50%" in page and "(2 of 4)" in page
    detail = client.get(url(org, "insight_detail", scoped_out.pk)).content.decode()
    assert "Out of scope" in detail and "This is a national policy." in detail
