"""The evidence listening gives the responsible-closure step "learning shared"
(selectors/closure.py)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scope

from cycles.tests.builders import make_cycle
from feedback.selectors.closure import closure_first_report_back, closure_report_back_published
from feedback.tests.builders import make_report_back

pytestmark = pytest.mark.django_db


def test_only_a_published_report_back_counts(org, cycle):
    quiet = make_cycle(org, "Quiet cycle")
    make_report_back(quiet, "Still a draft")
    with scope(organisation=org.pk):
        assert closure_report_back_published([cycle.pk, quiet.pk]) == set()
        assert closure_first_report_back(cycle) == {"report_back": None, "met": False}
    now = timezone.now()
    later = make_report_back(cycle, "Second", published_at=now)
    first = make_report_back(cycle, "First", published_at=now - timedelta(days=3))
    with scope(organisation=org.pk):
        assert closure_report_back_published([cycle.pk, quiet.pk]) == {cycle.pk}
        found = closure_first_report_back(cycle)
    assert found["met"] is True
    assert found["report_back"]["pk"] == first.pk != later.pk
    assert found["report_back"]["title"] == "First"
