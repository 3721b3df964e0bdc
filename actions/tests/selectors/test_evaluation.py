"""Reads for the annual evaluation."""

import pytest
from django_scopes import scope

from actions.selectors.evaluation import evaluation_what_to_adapt

from ..builders import make_evaluation

pytestmark = pytest.mark.django_db


def test_what_to_adapt_is_empty_without_an_evaluation(org, cycle):
    with scope(organisation=org.pk):
        assert evaluation_what_to_adapt(cycle) == ""
    make_evaluation(cycle, what_worked="Something")
    with scope(organisation=org.pk):
        assert evaluation_what_to_adapt(cycle) == ""
