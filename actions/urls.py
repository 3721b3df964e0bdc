"""URLs under /o/<org_slug>/actions/ (see t2a/urls.py)."""

from django.urls import path

from .views import escalations, evaluation, governance, plan, priorities, progress, ripple, signoff

app_name = "actions"

cycle = "cycles/<int:cycle_pk>/"
plan_path = cycle + "plan/"
action = "action/<int:action_pk>/"
effect = "ripple-effects/<int:ripple_effect_pk>/"

urlpatterns = [
    path("", plan.plan_list, name="plan_list"),
    path(cycle + "priorities/", priorities.priority_list, name="priority_list"),
    path(cycle + "priorities/new/", priorities.priority_create, name="priority_create"),
    path(cycle + "priorities/rank/", priorities.priority_rank, name="priority_rank"),
    path(cycle + "priorities/agree/", priorities.priorities_agree, name="priorities_agree"),
    path("priorities/<int:priority_pk>/edit/", priorities.priority_edit, name="priority_edit"),
    path(plan_path, plan.plan_detail, name="plan_detail"),
    path(plan_path + "actions/new/", plan.action_create, name="action_create"),
    path(plan_path + "send/", signoff.plan_send, name="plan_send"),
    path(plan_path + "move/", plan.plan_move, name="plan_move"),
    path(plan_path + "approvals/", signoff.plan_approvals, name="plan_approvals"),
    path(plan_path + "sign-off/", signoff.signoff, name="signoff"),
    path(action, plan.action_detail, name="action_detail"),
    path(action + "edit/", plan.action_edit, name="action_edit"),
    path(action + "delete/", plan.action_delete, name="action_delete"),
    path(action + "updates/new/", progress.progress_update_create, name="progress_update_create"),
    path(action + "escalate/", escalations.escalation_create, name="escalation_create"),
    path("escalations/", escalations.escalation_list, name="escalation_list"),
    path("governance/", governance.governance, name="governance"),
    path(cycle + "governance/", governance.governance_cycle, name="governance_cycle"),
    path(cycle + "evaluation/", evaluation.evaluation, name="evaluation"),
    path(cycle + "evaluation/edit/", evaluation.evaluation_edit, name="evaluation_edit"),
    path(cycle + "ripple-map/", ripple.ripple_map, name="ripple_map"),
    path(cycle + "ripple-map/add/", ripple.ripple_effect_create, name="ripple_effect_create"),
    path(effect + "edit/", ripple.ripple_effect_edit, name="ripple_effect_edit"),
    path(effect + "delete/", ripple.ripple_effect_delete, name="ripple_effect_delete"),
    path(
        "escalations/<int:escalation_pk>/decide/",
        escalations.escalation_decide,
        name="escalation_decide",
    ),
]
