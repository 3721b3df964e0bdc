"""URLs under /o/<org_slug>/stakeholders/ (see t2a/urls.py)."""

from django.urls import path

from .views import (
    assets,
    conversations,
    csv,
    cycle_add,
    maps,
    preparation,
    privacy,
    stakeholders,
    steering,
    summary,
)

app_name = "stakeholders"
urlpatterns = [
    path("", stakeholders.stakeholder_list, name="stakeholder_list"),
    path("new/", stakeholders.stakeholder_create, name="stakeholder_create"),
    path("summary/", summary.stakeholder_summary, name="stakeholder_summary"),
    path("import/", csv.stakeholder_import, name="stakeholder_import"),
    path("import/confirm/", csv.stakeholder_import_confirm, name="stakeholder_import_confirm"),
    path("export/", csv.stakeholder_export, name="stakeholder_export"),
    path("<int:stakeholder_pk>/", stakeholders.stakeholder_detail, name="stakeholder_detail"),
    path("<int:stakeholder_pk>/edit/", stakeholders.stakeholder_edit, name="stakeholder_edit"),
    path(
        "<int:stakeholder_pk>/data/",
        privacy.stakeholder_data_export,
        name="stakeholder_data_export",
    ),
    path("<int:stakeholder_pk>/erase/", privacy.stakeholder_erase, name="stakeholder_erase"),
    path(
        "<int:stakeholder_pk>/cycles/",
        stakeholders.stakeholder_link_cycle,
        name="stakeholder_link_cycle",
    ),
    path(
        "<int:stakeholder_pk>/cycles/<int:cycle_pk>/remove/",
        stakeholders.stakeholder_unlink_cycle,
        name="stakeholder_unlink_cycle",
    ),
    path("cycles/<int:cycle_pk>/grid/", maps.cycle_grid, name="cycle_grid"),
    path("cycles/<int:cycle_pk>/trusted/", maps.cycle_trusted, name="cycle_trusted"),
    path(
        "cycles/<int:cycle_pk>/add/",
        cycle_add.cycle_stakeholders_add,
        name="cycle_stakeholders_add",
    ),
    path("cycles/<int:cycle_pk>/steering/", steering.steering_group, name="steering_group"),
    path(
        "cycles/<int:cycle_pk>/steering/members/",
        steering.steering_member_add,
        name="steering_member_add",
    ),
    path(
        "cycles/<int:cycle_pk>/steering/members/<int:steering_member_pk>/remove/",
        steering.steering_member_remove,
        name="steering_member_remove",
    ),
    path(
        "cycles/<int:cycle_pk>/steering/members/<int:steering_member_pk>/chair/",
        steering.steering_chair_set,
        name="steering_chair_set",
    ),
    path(
        "cycles/<int:cycle_pk>/steering/meetings/new/",
        steering.steering_meeting_create,
        name="steering_meeting_create",
    ),
    path(
        "cycles/<int:cycle_pk>/steering/meetings/<int:steering_meeting_pk>/",
        steering.steering_meeting,
        name="steering_meeting",
    ),
    path(
        "cycles/<int:cycle_pk>/steering/meetings/<int:steering_meeting_pk>/decisions/",
        steering.steering_decision_add,
        name="steering_decision_add",
    ),
    path(
        "cycles/<int:cycle_pk>/steering/meetings/<int:steering_meeting_pk>/confidentiality/",
        steering.steering_meeting_confidentiality,
        name="steering_meeting_confidentiality",
    ),
    path(
        "cycles/<int:cycle_pk>/steering/meetings/<int:steering_meeting_pk>/decisions/"
        "<int:steering_decision_pk>/confidentiality/",
        steering.steering_decision_confidentiality,
        name="steering_decision_confidentiality",
    ),
    path("conversations/", conversations.conversation_list, name="conversation_list"),
    path("conversations/new/", conversations.conversation_create, name="conversation_create"),
    path(
        "conversations/<int:conversation_pk>/",
        conversations.conversation_detail,
        name="conversation_detail",
    ),
    path(
        "conversations/<int:conversation_pk>/commitments/",
        conversations.commitment_add,
        name="commitment_add",
    ),
    path(
        "commitments/<int:commitment_pk>/kept/",
        conversations.commitment_kept,
        name="commitment_kept",
    ),
    path(
        "commitments/<int:commitment_pk>/broken/",
        conversations.commitment_broken,
        name="commitment_broken",
    ),
    path(
        "commitments/<int:commitment_pk>/reopen/",
        conversations.commitment_reopen,
        name="commitment_reopen",
    ),
    path("assets/", assets.asset_list, name="asset_list"),
    path("assets/new/", assets.asset_create, name="asset_create"),
    path("assets/<int:shared_asset_pk>/", assets.asset_detail, name="asset_detail"),
    path("assets/<int:shared_asset_pk>/edit/", assets.asset_edit, name="asset_edit"),
    path("assets/<int:shared_asset_pk>/uses/", assets.asset_use_add, name="asset_use_add"),
    # community-lead preparation (stage 2)
    path("training-topics/", preparation.training_topics, name="training_topics"),
    path(
        "cycles/<int:cycle_pk>/preparation/",
        preparation.preparation_overview,
        name="preparation",
    ),
    path(
        "cycles/<int:cycle_pk>/preparation/leads/<int:community_lead_pk>/",
        preparation.lead_preparation,
        name="lead_preparation",
    ),
    path(
        "cycles/<int:cycle_pk>/preparation/leads/<int:community_lead_pk>/agreement/",
        preparation.agreement_edit,
        name="agreement_edit",
    ),
    path(
        "cycles/<int:cycle_pk>/preparation/agreements/<int:agreement_pk>/confirm/",
        preparation.agreement_confirm,
        name="agreement_confirm",
    ),
    path(
        "cycles/<int:cycle_pk>/preparation/training/new/",
        preparation.training_create,
        name="training_create",
    ),
    path(
        "cycles/<int:cycle_pk>/preparation/training/<int:training_pk>/",
        preparation.training_edit,
        name="training_edit",
    ),
    path(
        "cycles/<int:cycle_pk>/preparation/leads/<int:community_lead_pk>/checkins/new/",
        preparation.checkin_create,
        name="checkin_create",
    ),
    path(
        "cycles/<int:cycle_pk>/preparation/checkins/<int:checkin_pk>/",
        preparation.checkin_edit,
        name="checkin_edit",
    ),
]
