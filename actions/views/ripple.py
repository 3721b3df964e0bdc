"""Views for a cycle's ripple-effect map.

Cycles come through `get_cycle_for_request` (404 for cycles the member may not see), and
effects through `get_ripple_effect_for_request`, which reaches only effects of such
cycles. The map page is one view; its body (`#ripple-body`) is the htmx partial that add,
edit and delete swap in. Every form also works as a plain POST with a redirect.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cycles.models import Cycle
from cycles.selectors.cycles import get_cycle_for_request
from feedback.models import Sensitivity
from feedback.policies import can_see_sensitive_insight
from t2a.forms import add_errors
from t2a.htmx import render_form, render_section
from t2a.tenancy import allowed_by

from .. import policies
from ..forms.ripple import RippleEffectForm
from ..models import RippleEffect
from ..selectors import ripple
from ..services import ripple as services


def _map_url(request: HttpRequest, cycle: Cycle) -> str:
    return reverse("actions:ripple_map", args=[request.organisation.slug, cycle.pk])


def _may_change(request: HttpRequest, effect: RippleEffect) -> None:
    if not policies.can_change_ripple_effect(request.membership, effect):
        raise PermissionDenied


def _form(
    request: HttpRequest,
    cycle: Cycle,
    effects: list[RippleEffect],
    *,
    effect: RippleEffect | None = None,
    data=None,
) -> RippleEffectForm:
    """The add or edit form, its choices built from rows the page already has (plus one
    query each for the cycle's actions and the insight this member may read)."""
    hidden = False
    if effect is not None and effect.insight_id:
        hidden = not can_see_sensitive_insight(request.membership) and (
            effect.insight.sensitivity != Sensitivity.NORMAL
        )
    prefix = f"effect-{effect.pk}" if effect is not None else "add"
    return RippleEffectForm(
        data,
        cycle=cycle,
        effects=effects,
        actions=ripple.actions_to_link(cycle),
        insights=ripple.insights_to_link(request.membership, cycle),
        effect=effect,
        hidden_insight=hidden,
        auto_id=f"{prefix}-%s",
    )


def _map_context(request: HttpRequest, cycle: Cycle, *, add_form=None, **extra) -> dict:
    effects = ripple.effects_of(cycle)
    roots = ripple.build_tree(effects)
    may_see = can_see_sensitive_insight(request.membership)
    rows = ripple.tree_rows(roots, may_see_sensitive=may_see)
    nodes = list(ripple.walk(roots))
    for node, row in zip(nodes, rows, strict=True):
        row["pk"] = node.effect.pk
        row["can_change"] = policies.can_change_ripple_effect(request.membership, node.effect)
    can_add = policies.can_add_ripple_effects(request.membership)
    if can_add and add_form is None:
        add_form = _form(request, cycle, effects)
    # 1.25 px per unit: the diagram's 13-unit text shows at about 16 px on screen.
    svg = ripple.ripple_svg(rows, title=f"Ripple-effect map for {cycle.title}", px_per_unit=1.25)
    return {
        "cycle": cycle,
        "effect_count": len(effects),
        "tree": ripple.nested(rows),
        "svg": svg[0] if svg else "",
        "can_add": can_add,
        "add_form": add_form if can_add else None,
        "max_effects": ripple.MAX_EFFECTS,
        "max_depth": ripple.MAX_DEPTH,
        **extra,
    }


def _map_response(request: HttpRequest, cycle: Cycle, *, errors: bool = False, **extra):
    return render_section(
        request,
        "actions/ripple/ripple_map.html",
        _map_context(request, cycle, **extra),
        partial="ripple_body",
        target="#ripple-body",
        errors=errors,
    )


@require_GET
@allowed_by(policies.can_view_evaluation)
def ripple_map(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    return _map_response(request, get_cycle_for_request(request, cycle_pk))


def _save(request: HttpRequest, form: RippleEffectForm, effect: RippleEffect) -> bool:
    if not form.is_valid():
        return False
    data = form.cleaned_data
    effect.description = data["description"]
    effect.level = data["level"]
    effect.parent_id = data.get("parent")
    effect.action_id = data.get("action")
    if "insight" in form.fields:
        effect.insight_id = data.get("insight")
    try:
        services.ripple_effect_save(effect=effect, by=request.user)
    except ValidationError as exc:
        add_errors(form, exc)
        return False
    return True


@require_POST
@allowed_by(policies.can_add_ripple_effects)
def ripple_effect_create(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    effects = ripple.effects_of(cycle)
    form = _form(request, cycle, effects, data=request.POST)
    effect = RippleEffect(organisation_id=cycle.organisation_id, cycle=cycle)
    if _save(request, form, effect):
        if request.htmx:
            return _map_response(request, cycle, added=effect)
        messages.success(request, "Effect added to the map.")
        return redirect(f"{_map_url(request, cycle)}#effect-{effect.pk}")
    return _map_response(request, cycle, errors=True, add_form=form)


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_add_ripple_effects)
def ripple_effect_edit(request: HttpRequest, ripple_effect_pk: int) -> HttpResponse:
    effect = ripple.get_ripple_effect_for_request(request, ripple_effect_pk)
    _may_change(request, effect)
    cycle = effect.cycle
    effects = ripple.effects_of(cycle)
    data = request.POST if request.method == "POST" else None
    form = _form(request, cycle, effects, effect=effect, data=data)
    if request.method == "POST" and _save(request, form, effect):
        if request.htmx:
            return _map_response(request, cycle)
        messages.success(request, "Effect saved.")
        return redirect(f"{_map_url(request, cycle)}#effect-{effect.pk}")
    if request.method == "POST":
        effect.refresh_from_db()
    template = "actions/ripple/ripple_effect_form.html"
    if request.htmx:
        template += "#effect_form"
    context = {"cycle": cycle, "effect": effect, "form": form, "inline": bool(request.htmx)}
    return render_form(request, template, context, form=form)


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_add_ripple_effects)
def ripple_effect_delete(request: HttpRequest, ripple_effect_pk: int) -> HttpResponse:
    effect = ripple.get_ripple_effect_for_request(request, ripple_effect_pk)
    _may_change(request, effect)
    cycle = effect.cycle
    if request.method == "POST":
        moved = services.ripple_effect_delete(effect=effect)
        note = ""
        if moved:
            note = (
                f" {moved} effect{'s' if moved != 1 else ''} that grew out of it "
                f"{'have' if moved != 1 else 'has'} moved up a level."
            )
        if request.htmx:
            return _map_response(request, cycle, removed=f"Effect removed.{note}")
        messages.success(request, f"Effect removed.{note}")
        return redirect(_map_url(request, cycle))
    context = {"cycle": cycle, "effect": effect, "children": ripple.effect_children(effect)}
    return render(request, "actions/ripple/ripple_effect_delete.html", context)
