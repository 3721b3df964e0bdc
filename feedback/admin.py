"""Django admin for the feedback app, for superusers only (t2a/admin.py; the tenancy
middleware lets the admin see every organisation)."""

from django.contrib import admin

from t2a.admin import DataAdmin

from .models import (
    EngagementActivity,
    Insight,
    InsightTheme,
    PublicPage,
    PulseResponse,
    PulseSurvey,
    ReportBack,
    Theme,
)


@admin.register(EngagementActivity)
class EngagementActivityAdmin(DataAdmin):
    list_display = ["title", "cycle", "held_on", "status", "community_led", "organisation"]
    list_filter = ["status", "method", "community_led"]
    list_select_related = ["cycle", "organisation"]
    raw_id_fields = ["organisation", "cycle", "venue", "facilitators", "created_by"]
    search_fields = ["title"]


@admin.register(Theme)
class ThemeAdmin(DataAdmin):
    list_display = ["name", "cycle", "organisation"]
    list_select_related = ["cycle", "organisation"]
    raw_id_fields = ["organisation", "cycle", "created_by"]
    search_fields = ["name"]


@admin.register(Insight)
class InsightAdmin(DataAdmin):
    list_display = ["__str__", "cycle", "sensitivity", "captured_at", "organisation"]
    list_filter = ["sensitivity"]
    list_select_related = ["cycle", "organisation"]
    raw_id_fields = [
        "organisation", "cycle", "activity", "captured_by", "credit_consent_recorded_by",
        "out_of_scope_by",
    ]  # fmt: skip
    # Closure is recorded by the services (a report-back, a priority, "out of scope").
    readonly_fields = ["answered_at", "answered_note"]


@admin.register(InsightTheme)
class InsightThemeAdmin(DataAdmin):
    list_display = ["insight", "theme", "organisation"]
    raw_id_fields = ["organisation", "insight", "theme"]


@admin.register(ReportBack)
class ReportBackAdmin(DataAdmin):
    list_display = ["title", "cycle", "published_at", "organisation"]
    list_select_related = ["cycle", "organisation"]
    raw_id_fields = ["organisation", "cycle", "insights", "themes", "published_by", "created_by"]
    search_fields = ["title"]
    # Publishing answers insight and changes the public page: only the service does it.
    readonly_fields = ["published_at", "published_by"]


@admin.register(PublicPage)
class PublicPageAdmin(DataAdmin):
    list_display = ["__str__", "cycle", "enabled", "organisation"]
    list_select_related = ["cycle", "organisation"]
    raw_id_fields = ["organisation", "cycle", "updated_by"]


@admin.register(PulseSurvey)
class PulseSurveyAdmin(DataAdmin):
    list_display = ["__str__", "cycle", "opened_at", "closed_at", "organisation"]
    list_select_related = ["cycle", "organisation"]
    raw_id_fields = ["organisation", "cycle", "opened_by", "closed_by"]
    # The link is made by the service; its nonce and hash are never edited by hand.
    readonly_fields = ["token_nonce", "token_hash", "link_made_at"]


@admin.register(PulseResponse)
class PulseResponseAdmin(DataAdmin):
    list_display = ["__str__", "survey", "given_on", "organisation"]
    list_select_related = ["survey", "organisation"]
    raw_id_fields = ["organisation", "survey"]
