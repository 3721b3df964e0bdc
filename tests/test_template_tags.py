"""Templates render, they do not fetch: every tag and filter the project defines runs
without a single query, so a page's cost is all in its view."""

from datetime import date
from decimal import Decimal

import pytest
from django import forms
from django.template import Context, Template, engines
from django.template.library import import_library
from django.test import RequestFactory

from actions.models import ActionStatus, PlanStatus
from stakeholders.models import Commitment
from t2a.models import Membership, Organisation, Role
from t2a.registry import APP_ORDER

pytestmark = pytest.mark.django_db


class _Form(forms.Form):
    name = forms.CharField(help_text="Your name")


def render(source: str, **context) -> str:
    return Template(source).render(Context(context))


def test_every_tag_and_filter_is_covered():
    """A new tag or filter must be added to the test below (which asserts no queries)."""
    engine = engines["django"].engine
    ours = {
        name: path for name, path in engine.libraries.items() if path.split(".")[0] in APP_ORDER
    }
    ours |= {path.rpartition(".")[2]: path for path in engine.builtins if path.startswith("t2a.")}
    defined = {
        f"{name}.{tag}"
        for name, path in ours.items()
        for library in [import_library(path)]
        for tag in [*library.tags, *library.filters]
    }
    assert defined == COVERED


COVERED = {
    "t2a.can", "t2a.panel", "t2a.nhs_widget", "t2a.brand_style", "t2a.absolute_url",
    "stakeholder_tags.commitment_status", "stakeholder_tags.get_item",
    "stakeholder_tags.monthly_total",
    "action_tags.action_tag", "action_tags.plan_tag", "action_tags.measure_amount",
}  # fmt: skip


def test_no_tag_or_filter_queries(django_assert_num_queries, org):
    membership = Membership(organisation=org, role=Role.ENGAGEMENT_LEAD)
    commitment = Commitment(due_on=date(2026, 1, 1))
    request = RequestFactory().get("/")
    with django_assert_num_queries(0):
        assert render('{% if m|can:"cycles.edit_cycle" %}yes{% endif %}', m=membership) == "yes"
        shown = {"template": "forms/field_errors.html", "context": {"field": None}}
        render("{% panel shown %}", shown=shown, request=request)
        assert "nhsuk-input" in render("{% nhs_widget f.name %}", f=_Form())
        assert "#005eb8" in render(
            "{% brand_style o 'n' %}", o=Organisation(brand_colour="#005eb8")
        )
        assert render("{{ p|absolute_url }}", p="/o/x/") == "http://127.0.0.1:8000/o/x/"
        text = "{% load stakeholder_tags %}{{ c|commitment_status:today }}"
        assert render(text, c=commitment, today=date(2026, 2, 1)) == "overdue"
        assert render("{% load stakeholder_tags %}{{ d|get_item:'a' }}", d={"a": 1}) == "1"
        assert render("{% load stakeholder_tags %}{{ m|monthly_total }}", m=[(None, 2)]) == "2"
        assert render("{% load action_tags %}{{ s|action_tag }}", s=ActionStatus.DONE).endswith(
            "blue"
        )
        assert render("{% load action_tags %}{{ s|plan_tag }}", s=PlanStatus.DRAFT).endswith("grey")
        amount = "{% load action_tags %}{{ v|measure_amount:u }}"
        assert render(amount, v=Decimal("12.50"), u="days") == "12.5 days"
        assert render(amount, v=Decimal("40"), u="%") == "40%"
