"""Template helpers used across apps (loaded as a builtin)."""

import re

from django import forms, template
from django.utils.html import format_html

from t2a.links import absolute_url as _absolute_url
from t2a.registry import registry, resolve

register = template.Library()

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")

WIDGET_CLASSES = {
    "textarea": "nhsuk-textarea",
    "select": "nhsuk-select",
    "checkbox": "nhsuk-checkboxes__input",
    "radioselect": "",
    "checkboxselectmultiple": "",
}


@register.filter
def absolute_url(path: str) -> str:
    """`{{ item.url|absolute_url }}`: the full address of a path, for emails and feeds
    (t2a/links.py, built from SITE_URL)."""
    return _absolute_url(path)


@register.filter
def can(membership, policy_name: str) -> bool:
    """`{% if membership|can:"t2a.manage_members" %}` asks `t2a.policies.can_manage_members`."""
    if membership is None:
        return False
    app, name = policy_name.split(".", 1)
    module = registry.policies(app)
    if module is None:
        raise template.TemplateSyntaxError(f"{app} registers no policies (in {policy_name!r})")
    return bool(resolve(f"{module}.can_{name}")(membership))


@register.simple_tag(takes_context=True)
def panel(context, shown: dict) -> str:
    """Render a panel another app contributes (`panels` in t2a/views/panels.py): its template
    with the data its context function gave, on top of the page's context, or the HTML
    already rendered when the page caches its panels."""
    if "html" in shown:
        return shown["html"]  # a SafeString from render_to_string
    template = context.template.engine.get_template(shown["template"])
    with context.push(shown["context"]):
        return template.render(context)


@register.simple_tag
def nhs_widget(field: forms.BoundField):
    """Render a form field's widget with NHS.UK classes and its hint and error wired up."""
    widget_type = field.widget_type
    css = WIDGET_CLASSES.get(widget_type, "nhsuk-input")
    if field.errors and css:
        css += f" {css.split()[0]}--error"
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-hint")
    if field.errors:
        described.append(f"{field.auto_id}-error")
    attrs = {"class": css} if css else {}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)


@register.simple_tag
def brand_style(organisation, nonce):
    """A nonce'd style block giving the header the organisation's own colour."""
    if organisation is None or not HEX_COLOUR.match(organisation.brand_colour):
        return ""
    return format_html(
        '<style nonce="{}">.t2a-brand{{background-color:{};}}</style>',
        nonce,
        organisation.brand_colour,
    )
