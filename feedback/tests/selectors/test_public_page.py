"""What the public page is built from (selectors/public_page.py)."""

import pytest
from django.utils import timezone

from feedback.models import Insight
from feedback.selectors.public_page import _attribution

pytestmark = pytest.mark.django_db


def test_a_name_is_shown_only_with_recorded_consent(org, cycle):
    unsaved = Insight(contributor_name="Hodan Ali", credit_consent_at=None)
    assert _attribution(unsaved) == "A community member"
    unsaved.credit_consent_at = timezone.now()
    assert _attribution(unsaved) == "Hodan Ali"
