"""URLs under /o/<org_slug>/actions/ (see t2a/urls.py)."""

from django.urls import path

from . import evaluation_views, governance_views, views

app_name = "actions"

cycle = "cycles/<int:cycle_pk>/"
plan = cycle + "plan/"
action = "action/<int:action_pk>/"
effect = "ripple-effects/<int:ripple_effect_pk>/"

urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path(cycle + "priorities/", views.priority_list, name="priority_list"),
    path(cycle + "priorities/new/", views.priority_create, name="priority_create"),
    path(cycle + "priorities/rank/", views.priority_rank, name="priority_rank"),
    path(cycle + "priorities/agree/", views.priorities_agree, name="priorities_agree"),
    path("priorities/<int:priority_pk>/edit/", views.priority_edit, name="priority_edit"),
    path(plan, views.plan_detail, name="plan_detail"),
    path(plan + "actions/new/", views.action_create, name="action_create"),
    path(plan + "send/", views.plan_send, name="plan_send"),
    path(plan + "move/", views.plan_move, name="plan_move"),
    path(plan + "approvals/", views.plan_approvals, name="plan_approvals"),
    path(plan + "sign-off/", views.signoff, name="signoff"),
    path(action, views.action_detail, name="action_detail"),
    path(action + "edit/", views.action_edit, name="action_edit"),
    path(action + "delete/", views.action_delete, name="action_delete"),
    path(action + "updates/new/", views.progress_update_create, name="progress_update_create"),
    path(action + "escalate/", views.escalation_create, name="escalation_create"),
    path("escalations/", views.escalation_list, name="escalation_list"),
    path("governance/", governance_views.governance, name="governance"),
    path(cycle + "governance/", governance_views.governance_cycle, name="governance_cycle"),
    path(cycle + "evaluation/", evaluation_views.evaluation, name="evaluation"),
    path(cycle + "evaluation/edit/", evaluation_views.evaluation_edit, name="evaluation_edit"),
    path(cycle + "ripple-map/", evaluation_views.ripple_map, name="ripple_map"),
    path(
        cycle + "ripple-map/add/",
        evaluation_views.ripple_effect_create,
        name="ripple_effect_create",
    ),
    path(effect + "edit/", evaluation_views.ripple_effect_edit, name="ripple_effect_edit"),
    path(effect + "delete/", evaluation_views.ripple_effect_delete, name="ripple_effect_delete"),
    path(
        "escalations/<int:escalation_pk>/decide/",
        views.escalation_decide,
        name="escalation_decide",
    ),
]
