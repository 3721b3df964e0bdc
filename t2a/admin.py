"""Django admin, for superusers only (see urls.py: it signs in through allauth)."""

from auditlog.admin import LogEntryAdmin
from auditlog.models import LogEntry
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import Invitation, Membership, Organisation, User


def superuser_only(request) -> bool:
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = superuser_only
admin.site.site_header = "T2A administration"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_superuser"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password", "full_name"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser"]}),
    ]
    add_fieldsets = [(None, {"fields": ["email", "password1", "password2"]})]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "mfa_required", "created_at"]
    search_fields = ["name", "slug"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role"]
    list_filter = ["role"]
    list_select_related = ["user", "organisation"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "role", "expires_at", "accepted_at", "revoked_at"]
    readonly_fields = ["token_hash"]


# The audit trail (django-auditlog's LogEntry): auditlog's own admin is read-only (no add,
# change or delete); its search names first_name/last_name, which our User does not have.
admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class AuditEntryAdmin(LogEntryAdmin):
    search_fields = ["object_repr", "actor__email", "actor__full_name", "actor_email"]
