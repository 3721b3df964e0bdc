"""Every form of every app follows the one text rule (t2a/text.py): it is a `T2AForm` or
`T2AModelForm`, and every box a person types into has a maximum length with a message
that names the box, no larger than the error page for a refused request says."""

import importlib
import inspect
from pathlib import Path

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string

from t2a.forms import T2AForm, T2AModelForm, _is_typed_text
from t2a.registry import APP_ORDER
from t2a.text import LONG_TEXT, MAX_TEXT

ROOT = Path(__file__).resolve().parent.parent
# The boxes allowed more than LONG_TEXT, and why.
LONGER = {
    "feedback.forms.report_backs.ReportBackForm.body": "a public report-back is a page",
}


def form_modules() -> list[str]:
    found = []
    for app in APP_ORDER:
        for path in sorted((ROOT / app).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if "tests" in parts or "migrations" in parts or "management" in parts:
                continue
            if "forms" in parts or "views" in parts or parts[-1] == "forms":
                found.append(".".join(p for p in parts if p != "__init__"))
    return found


def extends_allauth(cls: type) -> bool:
    """Sign-in forms extended from allauth's follow allauth's rules for their fields."""
    return any(base.__module__.startswith("allauth.") for base in cls.__mro__)


def project_forms() -> list[type[forms.BaseForm]]:
    found = {}
    for name in form_modules():
        module = importlib.import_module(name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                found[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return [found[k] for k in sorted(found)]


FORMS = project_forms()
TEXT_FIELDS = [
    (f"{cls.__module__}.{cls.__qualname__}.{name}", field)
    for cls in FORMS
    if not extends_allauth(cls)
    for name, field in cls.base_fields.items()
    if _is_typed_text(field)
]


def test_the_walk_finds_the_forms():
    names = {f"{cls.__module__}.{cls.__qualname__}" for cls in FORMS}
    assert "stakeholders.forms.stakeholders.StakeholderForm" in names
    assert "cycles.forms.cycles.CycleForm" in names
    assert len(TEXT_FIELDS) > 80


@pytest.mark.parametrize("cls", FORMS, ids=lambda cls: f"{cls.__module__}.{cls.__qualname__}")
def test_every_form_follows_the_text_rule(cls):
    if extends_allauth(cls):
        return
    assert issubclass(cls, T2AForm | T2AModelForm), (
        f"{cls.__qualname__} must inherit t2a.forms.T2AForm or T2AModelForm"
    )


@pytest.mark.parametrize(("name", "field"), TEXT_FIELDS, ids=[n for n, _ in TEXT_FIELDS])
def test_every_box_refuses_one_character_too_many_by_name(name, field):
    limit = field.max_length
    assert limit is not None
    assert limit <= (MAX_TEXT if name in LONGER else LONG_TEXT)
    with pytest.raises(ValidationError) as refused:
        field.clean("x" * (limit + 1))
    message = " ".join(refused.value.messages)
    # The box's own words (a form may say it its way), never Django's stock sentence.
    assert "Ensure this value" not in message
    assert f"{limit:,} characters" in message or field.error_messages["max_length"] in message
    if not isinstance(field, forms.EmailField | forms.URLField):
        assert field.clean("x" * limit) == "x" * limit


def test_the_error_page_names_the_largest_box():
    page = render_to_string("400.html")
    assert f"no box takes more than {MAX_TEXT:,} characters" in page
    assert max(field.max_length for _, field in TEXT_FIELDS) == MAX_TEXT
