"""Django admin for the actions app, for superusers only (t2a/admin.py; the tenancy
middleware lets the admin see every organisation)."""

from django.contrib import admin

from t2a.admin import DataAdmin

from .models import (
    Action,
    ActionHandover,
    ActionPlan,
    Escalation,
    Evaluation,
    Priority,
    ProgressUpdate,
    RippleEffect,
    SignOff,
    SignOffRound,
)


@admin.register(Priority)
class PriorityAdmin(DataAdmin):
    list_display = ["title", "cycle", "agreed_on", "organisation"]
    list_select_related = ["cycle", "organisation"]
    raw_id_fields = ["organisation", "cycle", "themes", "agreed_by", "created_by"]
    search_fields = ["title"]


@admin.register(ActionPlan)
class ActionPlanAdmin(DataAdmin):
    list_display = ["__str__", "status", "version", "signed_off_at", "organisation"]
    list_filter = ["status"]
    list_select_related = ["cycle", "organisation"]
    raw_id_fields = ["organisation", "cycle", "min_approvals_set_by"]
    # The sign-off state machine (services/plan.py, services/signoff.py) moves these.
    readonly_fields = ["status", "version", "signed_off_at"]


@admin.register(SignOffRound)
class SignOffRoundAdmin(DataAdmin):
    list_display = ["__str__", "status", "sent_at", "closed_at", "organisation"]
    list_filter = ["status"]
    list_select_related = ["plan", "organisation"]
    raw_id_fields = ["organisation", "plan", "sent_by"]
    # What the leads approved: changing it by hand would break the hash that binds them.
    readonly_fields = ["content_hash", "snapshot"]


@admin.register(SignOff)
class SignOffAdmin(DataAdmin):
    list_display = ["__str__", "decision", "decided_at", "superseded_at", "organisation"]
    list_filter = ["decision"]
    list_select_related = ["lead", "organisation"]
    raw_id_fields = ["organisation", "round", "lead"]
    readonly_fields = ["content_hash"]


@admin.register(Action)
class ActionAdmin(DataAdmin):
    list_display = ["title", "plan", "status", "due_date", "owner", "organisation"]
    list_filter = ["status", "in_scope"]
    list_select_related = ["plan", "owner", "organisation"]
    raw_id_fields = ["organisation", "plan", "priority", "owner", "report_backs"]
    search_fields = ["title"]


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(DataAdmin):
    list_display = ["__str__", "status", "public", "created_at", "organisation"]
    list_filter = ["status", "public"]
    list_select_related = ["action", "organisation"]
    raw_id_fields = ["organisation", "action", "created_by", "report_backs"]


@admin.register(Escalation)
class EscalationAdmin(DataAdmin):
    list_display = ["__str__", "raised_at", "decided_at", "update_due_on", "organisation"]
    list_select_related = ["action", "organisation"]
    raw_id_fields = ["organisation", "action", "raised_by", "decided_by"]


@admin.register(Evaluation)
class EvaluationAdmin(DataAdmin):
    list_display = ["__str__", "updated_at", "organisation"]
    list_select_related = ["cycle", "organisation"]
    raw_id_fields = ["organisation", "cycle", "updated_by"]


@admin.register(RippleEffect)
class RippleEffectAdmin(DataAdmin):
    list_display = ["description", "level", "cycle", "organisation"]
    list_filter = ["level"]
    list_select_related = ["cycle", "organisation"]
    raw_id_fields = ["organisation", "cycle", "parent", "action", "insight", "created_by"]


@admin.register(ActionHandover)
class ActionHandoverAdmin(DataAdmin):
    list_display = ["__str__", "cycle", "next_cycle", "handed_over_at", "organisation"]
    list_select_related = ["cycle", "next_cycle", "organisation"]
    raw_id_fields = [
        "organisation",
        "cycle",
        "next_cycle",
        "action",
        "carried_to",
        "handed_over_by",
    ]
