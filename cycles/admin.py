"""Django admin for the cycles app, for superusers only (t2a/admin.py; the tenancy
middleware lets the admin see every organisation)."""

from django.contrib import admin

from t2a.admin import DataAdmin

from .models import (
    CaseForChange,
    CaseForChangeRevision,
    ClosureItem,
    Cycle,
    DataSource,
    EthicsLogEntry,
    InclusionPrompts,
    InequalityRow,
    Report,
    StageTransition,
    TheoryOfChangeItem,
)


@admin.register(Cycle)
class CycleAdmin(DataAdmin):
    list_display = ["title", "organisation", "status", "current_stage", "lead", "created_at"]
    list_filter = ["status", "current_stage"]
    list_select_related = ["organisation", "lead"]
    search_fields = ["title", "slug", "place"]
    raw_id_fields = [
        "organisation", "lead", "community_leads", "governance_members", "previous_iteration",
    ]  # fmt: skip
    # Public pages link to the slug; the stage moves only through the stage-change service,
    # which records who moved it and why.
    readonly_fields = ["slug", "current_stage"]


@admin.register(CaseForChange)
class CaseForChangeAdmin(DataAdmin):
    list_display = ["cycle", "status", "agreed_on", "organisation"]
    list_filter = ["status"]
    list_select_related = ["cycle", "organisation"]
    raw_id_fields = ["organisation", "cycle"]


@admin.register(CaseForChangeRevision)
class CaseForChangeRevisionAdmin(DataAdmin):
    list_display = ["case_for_change", "summary", "author", "created_at", "organisation"]
    list_select_related = ["case_for_change__cycle", "author", "organisation"]
    raw_id_fields = ["organisation", "case_for_change", "author"]
    # The history of the case for change: written by its services, never edited.
    readonly_fields = ["case_for_change", "author", "summary", "snapshot", "created_at"]


@admin.register(DataSource)
class DataSourceAdmin(DataAdmin):
    list_display = ["title", "kind", "case_for_change", "organisation"]
    list_filter = ["kind"]
    list_select_related = ["case_for_change__cycle", "organisation"]
    raw_id_fields = ["organisation", "case_for_change"]
    search_fields = ["title"]


@admin.register(InequalityRow)
class InequalityRowAdmin(DataAdmin):
    list_display = ["group", "indicator", "value", "case_for_change", "organisation"]
    list_select_related = ["case_for_change__cycle", "organisation"]
    raw_id_fields = ["organisation", "case_for_change"]


@admin.register(TheoryOfChangeItem)
class TheoryOfChangeItemAdmin(DataAdmin):
    list_display = ["text", "kind", "cycle", "agreed_on", "organisation"]
    list_filter = ["kind"]
    list_select_related = ["cycle", "organisation"]
    raw_id_fields = ["organisation", "cycle"]


@admin.register(InclusionPrompts)
class InclusionPromptsAdmin(DataAdmin):
    list_display = ["cycle", "updated_by", "organisation"]
    list_select_related = ["cycle", "updated_by", "organisation"]
    raw_id_fields = ["organisation", "cycle", "updated_by"]


@admin.register(EthicsLogEntry)
class EthicsLogEntryAdmin(DataAdmin):
    list_display = ["consideration", "cycle", "category", "status", "review_date", "organisation"]
    list_filter = ["category", "status"]
    list_select_related = ["cycle", "organisation"]
    raw_id_fields = ["organisation", "cycle", "owner"]


@admin.register(StageTransition)
class StageTransitionAdmin(DataAdmin):
    list_display = ["cycle", "from_stage", "to_stage", "moved_by", "moved_at", "organisation"]
    list_select_related = ["cycle", "moved_by", "organisation"]
    raw_id_fields = ["organisation", "cycle", "moved_by"]
    # The record of who moved a cycle, when and why: never edited afterwards.
    readonly_fields = [
        "cycle", "from_stage", "to_stage", "moved_by", "moved_at", "reason", "unmet_items",
        "inclusion_prompts_changed", "inclusion_prompts_note",
    ]  # fmt: skip


@admin.register(Report)
class ReportAdmin(DataAdmin):
    list_display = ["cycle", "kind", "status", "requested_by", "created_at", "organisation"]
    list_filter = ["kind", "status"]
    list_select_related = ["cycle", "requested_by", "organisation"]
    raw_id_fields = ["organisation", "cycle", "requested_by"]
    # The job's lifecycle belongs to t2a.jobs: its worker and recovery sweep set these.
    readonly_fields = [
        "status", "file", "size_bytes", "page_count", "data_hash", "error", "attempts",
        "started_at", "finished_at",
    ]  # fmt: skip


@admin.register(ClosureItem)
class ClosureItemAdmin(DataAdmin):
    list_display = ["cycle", "key", "state", "updated_by", "updated_at", "organisation"]
    list_filter = ["key", "state"]
    list_select_related = ["cycle", "updated_by", "organisation"]
    raw_id_fields = ["organisation", "cycle", "updated_by"]
