"""The Django admin moves data versions on (t2a/admin.py): an edit there bypasses the
services, and cached pages must still show it on the next request."""

import pytest
from auditlog.models import LogEntry
from django.contrib import admin
from django.test import RequestFactory

from stakeholders.models import Stakeholder
from stakeholders.tests.builders import make_stakeholder
from t2a.admin import DataAdmin, VersionsMovedOn
from t2a.models import Organisation
from t2a.registry import APP_ORDER

pytestmark = pytest.mark.django_db


def test_every_admin_of_the_apps_rows_moves_versions_on():
    registered = {
        model: model_admin
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in APP_ORDER
    }
    assert Stakeholder in registered and LogEntry not in registered
    silent = sorted(
        model._meta.label
        for model, model_admin in registered.items()
        if not isinstance(model_admin, VersionsMovedOn)
    )
    assert silent == []
    # A DataAdmin finds the organisation on the row itself.
    rowless = sorted(
        model._meta.label
        for model, model_admin in registered.items()
        if isinstance(model_admin, DataAdmin)
        and "organisation" not in {f.name for f in model._meta.fields}
    )
    assert rowless == []


def versions(*organisations) -> list[int]:
    return [Organisation.objects.get(pk=o.pk).data_version for o in organisations]


def test_a_row_moved_to_another_organisation_moves_both_on(org, other_org, admin_user):
    stakeholder = make_stakeholder(org, "Brook Library")
    before = versions(org, other_org)
    stakeholder.organisation = other_org
    request = RequestFactory().post("/admin/")
    request.user = admin_user
    admin.site._registry[Stakeholder].save_model(request, stakeholder, None, change=True)
    after = versions(org, other_org)
    assert after[0] > before[0] and after[1] > before[1]
