"""Django admin, for superusers only (see urls.py: it signs in through allauth).

An edit here bypasses the services, which move the data versions that cached pages are
keyed on (t2a/pagecache.py). So every admin of rows an organisation's pages show moves
the versions of each organisation a save or a deletion touches on, in the same
transaction (`VersionsMovedOn`): nobody is served a page from before the edit.
"""

from auditlog.admin import LogEntryAdmin
from auditlog.models import LogEntry
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import Invitation, Membership, Organisation, User
from .services.versions import organisation_wide_change


def superuser_only(request) -> bool:
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = superuser_only
admin.site.site_header = "T2A administration"


class VersionsMovedOn:
    """Admin mixin: a save or deletion moves its organisations' data versions on."""

    def organisations_in(self, queryset) -> set[int]:
        """The organisations whose pages may show the rows of `queryset` as stored."""
        return set(queryset.values_list("organisation_id", flat=True))

    def _stored(self, obj):
        return type(obj)._base_manager.filter(pk=obj.pk)

    def _moved_on(self, organisation_ids) -> None:
        for organisation_id in sorted(organisation_ids):
            organisation_wide_change(organisation_id)

    def save_model(self, request, obj, form, change):
        # Before the save too, so a row moved to another organisation moves both on.
        before = self.organisations_in(self._stored(obj)) if change else set()
        super().save_model(request, obj, form, change)
        self._moved_on(before | self.organisations_in(self._stored(obj)))

    def delete_model(self, request, obj):
        touched = self.organisations_in(self._stored(obj))
        super().delete_model(request, obj)
        self._moved_on(touched)

    def delete_queryset(self, request, queryset):
        touched = self.organisations_in(queryset)
        super().delete_queryset(request, queryset)
        self._moved_on(touched)


class DataAdmin(VersionsMovedOn, admin.ModelAdmin):
    """The admin of an organisation's rows (every tenant model has `organisation`)."""


@admin.register(User)
class UserAdmin(VersionsMovedOn, BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_superuser"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password", "full_name"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser"]}),
    ]
    add_fieldsets = [(None, {"fields": ["email", "password1", "password2"]})]

    def organisations_in(self, queryset) -> set[int]:
        # Pages name members (a cycle's community leads): each of their organisations.
        members = Membership.objects.filter(user__in=queryset)
        return set(members.values_list("organisation_id", flat=True))


@admin.register(Organisation)
class OrganisationAdmin(VersionsMovedOn, admin.ModelAdmin):
    list_display = ["name", "slug", "mfa_required", "created_at"]
    search_fields = ["name", "slug"]

    def organisations_in(self, queryset) -> set[int]:
        return set(queryset.values_list("pk", flat=True))


@admin.register(Membership)
class MembershipAdmin(DataAdmin):
    list_display = ["user", "organisation", "role"]
    list_filter = ["role"]
    list_select_related = ["user", "organisation"]


@admin.register(Invitation)
class InvitationAdmin(DataAdmin):
    list_display = ["email", "organisation", "role", "expires_at", "accepted_at", "revoked_at"]
    readonly_fields = ["token_hash"]


# The audit trail (django-auditlog's LogEntry): auditlog's own admin is read-only (no add,
# change or delete); its search names first_name/last_name, which our User does not have.
admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class AuditEntryAdmin(LogEntryAdmin):
    search_fields = ["object_repr", "actor__email", "actor__full_name", "actor_email"]
