"""Django admin for the stakeholders app, for superusers only (t2a/admin.py; the tenancy
middleware lets the admin see every organisation)."""

from django.contrib import admin

from t2a.admin import DataAdmin

from .models import (
    CheckIn,
    Commitment,
    Conversation,
    RoleAgreement,
    SharedAsset,
    Stakeholder,
    StakeholderCycle,
    SteeringGroupMember,
    SteeringMeeting,
    TrainingRecord,
    TrainingTopic,
)


@admin.register(Stakeholder)
class StakeholderAdmin(DataAdmin):
    list_display = ["name", "organisation", "kind", "sector", "erased_at"]
    list_filter = ["kind", "sector"]
    list_select_related = ["organisation"]
    search_fields = ["name"]
    raw_id_fields = ["organisation", "consent_recorded_by", "contact_owner", "erased_by"]
    # Erasure and retention set these through their services, never by hand.
    readonly_fields = ["erased_at", "erased_by", "contact_details_removed_at"]


@admin.register(StakeholderCycle)
class StakeholderCycleAdmin(DataAdmin):
    list_display = ["stakeholder", "cycle", "role", "organisation"]
    list_select_related = ["stakeholder", "cycle", "organisation"]
    raw_id_fields = ["organisation", "stakeholder", "cycle"]


@admin.register(SteeringGroupMember)
class SteeringGroupMemberAdmin(DataAdmin):
    list_display = ["name", "cycle", "sector", "role", "organisation"]
    list_filter = ["sector"]
    list_select_related = ["stakeholder", "user", "cycle", "organisation"]
    raw_id_fields = ["organisation", "cycle", "stakeholder", "user"]


@admin.register(SteeringMeeting)
class SteeringMeetingAdmin(DataAdmin):
    list_display = ["__str__", "cycle", "organisation"]
    list_select_related = ["cycle", "organisation"]
    raw_id_fields = ["organisation", "cycle"]
    filter_horizontal = ["attendees"]


@admin.register(Conversation)
class ConversationAdmin(DataAdmin):
    list_display = ["__str__", "staff_member", "meaningful", "organisation"]
    list_filter = ["channel", "meaningful"]
    list_select_related = ["staff_member", "organisation"]
    raw_id_fields = ["organisation", "staff_member", "cycle", "stakeholders"]


@admin.register(Commitment)
class CommitmentAdmin(DataAdmin):
    list_display = ["__str__", "made_to", "owner", "due_on", "kept_on", "broken_on"]
    list_select_related = ["made_to", "owner"]
    raw_id_fields = ["organisation", "conversation", "made_to", "owner"]


@admin.register(SharedAsset)
class SharedAssetAdmin(DataAdmin):
    list_display = ["name", "kind", "owner", "organisation"]
    list_filter = ["kind"]
    list_select_related = ["owner", "organisation"]
    raw_id_fields = ["organisation", "owner"]


@admin.register(RoleAgreement)
class RoleAgreementAdmin(DataAdmin):
    list_display = ["__str__", "terms_version", "agreed_on", "organisation"]
    list_select_related = ["community_lead", "cycle", "organisation"]
    raw_id_fields = ["organisation", "cycle", "community_lead", "lead_confirmed_by"]


@admin.register(TrainingTopic)
class TrainingTopicAdmin(DataAdmin):
    list_display = ["name", "organisation"]
    list_select_related = ["organisation"]
    raw_id_fields = ["organisation"]


@admin.register(TrainingRecord)
class TrainingRecordAdmin(DataAdmin):
    list_display = ["__str__", "cycle", "organisation"]
    list_select_related = ["topic", "cycle", "organisation"]
    raw_id_fields = ["organisation", "cycle", "topic", "recorded_by"]


@admin.register(CheckIn)
class CheckInAdmin(DataAdmin):
    list_display = ["__str__", "cycle", "next_due_on", "organisation"]
    list_filter = ["kind"]
    list_select_related = ["community_lead", "cycle", "organisation"]
    raw_id_fields = ["organisation", "cycle", "community_lead", "held_by"]
