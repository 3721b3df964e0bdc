"""Stage 5 views: a cycle's annual evaluation and its ripple-effect map.

Cycles come through `get_cycle_for_request` (404 for cycles the member may not see), and
effects through `_effect_for_request`, which reaches only effects of such cycles. The map
page is one view; its body (`#ripple-body`) is the htmx partial that add, edit and delete
swap in. Every form also works as a plain POST with a redirect.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cycles import policies as cycle_policies
from cycles.models import Cycle
from cycles.selectors import cycles_visible_to, get_cycle_for_request
from feedback.policies import can_see_sensitive_insight
from feedback.selectors import insights_visible_to
from t2a.htmx import render_section
from t2a.tenancy import allowed_by
from t2a.views import add_errors

from . import policies, ripple
from .evaluation import evaluation_for, evaluation_save, evaluation_sections
from .evaluation_forms import EvaluationForm, RippleEffectForm
from .models import Action, RippleEffect


def _url(name: str, request: HttpRequest, *args) -> str:
    return reverse(f"actions:{name}", args=[request.organisation.slug, *args])


# --- the evaluation --------------------------------------------------------------------------


@require_GET
@allowed_by(policies.can_view_evaluation)
def evaluation(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    found = evaluation_for(cycle)
    sections = evaluation_sections(found)
    context = {
        "cycle": cycle,
        "evaluation": found,
        "before": sections[:2],
        "evidence": [s for s in sections if s["group"] == "evidence"],
        "after": [s for s in sections[2:] if s["group"] != "evidence"],
        "written": sum(1 for s in sections if s["text"]),
        "section_count": len(sections),
        "effect_count": RippleEffect.objects.filter(cycle=cycle).count(),
        "can_edit": policies.can_edit_evaluation(request.membership),
        "can_reports": cycle_policies.can_use_reports(request.membership),
    }
    return render(request, "actions/evaluation.html", context)


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_edit_evaluation)
def evaluation_edit(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    found = evaluation_for(cycle)
    form = EvaluationForm(request.POST if request.method == "POST" else None, instance=found)
    if request.method == "POST" and form.is_valid():
        evaluation_save(cycle=cycle, by=request.user, fields=form.cleaned_data)
        messages.success(request, "The evaluation has been saved.")
        return redirect(_url("evaluation", request, cycle.pk))
    status = 400 if form.is_bound and form.errors else 200
    context = {"cycle": cycle, "form": form, "evaluation": found}
    return render(request, "actions/evaluation_form.html", context, status=status)


# --- the ripple-effect map -----------------------------------------------------------------


def _effect_for_request(request: HttpRequest, effect_pk: int) -> RippleEffect:
    return get_object_or_404(
        RippleEffect.objects.filter(cycle__in=cycles_visible_to(request.membership)).select_related(
            "cycle__lead", "insight"
        ),
        pk=effect_pk,
    )


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
    actions = list(Action.objects.filter(plan__cycle=cycle).only("pk", "title").order_by("title"))
    insights = list(
        insights_visible_to(request.membership)
        .filter(cycle=cycle)
        .only("pk", "summary")
        .order_by("-captured_at", "-pk")[:500]
    )
    hidden = False
    if effect is not None and effect.insight_id:
        hidden = not can_see_sensitive_insight(request.membership) and (
            effect.insight.sensitivity != "normal"
        )
    prefix = f"effect-{effect.pk}" if effect is not None else "add"
    return RippleEffectForm(
        data,
        cycle=cycle,
        effects=effects,
        actions=actions,
        insights=insights,
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
        "actions/ripple_map.html",
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
        ripple.effect_save(effect=effect, by=request.user)
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
        return redirect(_url("ripple_map", request, cycle.pk) + f"#effect-{effect.pk}")
    return _map_response(request, cycle, errors=True, add_form=form)


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_add_ripple_effects)
def ripple_effect_edit(request: HttpRequest, ripple_effect_pk: int) -> HttpResponse:
    effect = _effect_for_request(request, ripple_effect_pk)
    _may_change(request, effect)
    cycle = effect.cycle
    effects = ripple.effects_of(cycle)
    data = request.POST if request.method == "POST" else None
    form = _form(request, cycle, effects, effect=effect, data=data)
    if request.method == "POST" and _save(request, form, effect):
        if request.htmx:
            return _map_response(request, cycle)
        messages.success(request, "Effect saved.")
        return redirect(_url("ripple_map", request, cycle.pk) + f"#effect-{effect.pk}")
    if request.method == "POST":
        effect.refresh_from_db()
    status = 400 if form.is_bound and form.errors and not request.htmx else 200
    template = "actions/ripple_effect_form.html"
    if request.htmx:
        template += "#effect_form"
    context = {"cycle": cycle, "effect": effect, "form": form, "inline": bool(request.htmx)}
    return render(request, template, context, status=status)


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_add_ripple_effects)
def ripple_effect_delete(request: HttpRequest, ripple_effect_pk: int) -> HttpResponse:
    effect = _effect_for_request(request, ripple_effect_pk)
    _may_change(request, effect)
    cycle = effect.cycle
    if request.method == "POST":
        moved = ripple.effect_delete(effect=effect)
        note = ""
        if moved:
            note = (
                f" {moved} effect{'s' if moved != 1 else ''} that grew out of it "
                f"{'have' if moved != 1 else 'has'} moved up a level."
            )
        if request.htmx:
            return _map_response(request, cycle, removed=f"Effect removed.{note}")
        messages.success(request, f"Effect removed.{note}")
        return redirect(_url("ripple_map", request, cycle.pk))
    children = list(
        RippleEffect.objects.filter(parent=effect).values_list("description", flat=True)
    )
    context = {"cycle": cycle, "effect": effect, "children": children}
    return render(request, "actions/ripple_effect_delete.html", context)
