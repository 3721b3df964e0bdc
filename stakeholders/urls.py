"""URLs under /o/<org_slug>/stakeholders/ (see t2a/urls.py)."""

from django.urls import path

from . import preparation_views, privacy_views, views

app_name = "stakeholders"
urlpatterns = [
    path("", views.stakeholder_list, name="stakeholder_list"),
    path("new/", views.stakeholder_create, name="stakeholder_create"),
    path("summary/", views.stakeholder_summary, name="stakeholder_summary"),
    path("import/", views.stakeholder_import, name="stakeholder_import"),
    path("import/confirm/", views.stakeholder_import_confirm, name="stakeholder_import_confirm"),
    path("export/", views.stakeholder_export, name="stakeholder_export"),
    path("<int:stakeholder_pk>/", views.stakeholder_detail, name="stakeholder_detail"),
    path("<int:stakeholder_pk>/edit/", views.stakeholder_edit, name="stakeholder_edit"),
    path(
        "<int:stakeholder_pk>/data/",
        privacy_views.stakeholder_data_export,
        name="stakeholder_data_export",
    ),
    path("<int:stakeholder_pk>/erase/", privacy_views.stakeholder_erase, name="stakeholder_erase"),
    path(
        "<int:stakeholder_pk>/cycles/",
        views.stakeholder_link_cycle,
        name="stakeholder_link_cycle",
    ),
    path(
        "<int:stakeholder_pk>/cycles/<int:cycle_pk>/remove/",
        views.stakeholder_unlink_cycle,
        name="stakeholder_unlink_cycle",
    ),
    path("cycles/<int:cycle_pk>/grid/", views.cycle_grid, name="cycle_grid"),
    path("cycles/<int:cycle_pk>/trusted/", views.cycle_trusted, name="cycle_trusted"),
    path("cycles/<int:cycle_pk>/steering/", views.steering_group, name="steering_group"),
    path(
        "cycles/<int:cycle_pk>/steering/members/",
        views.steering_member_add,
        name="steering_member_add",
    ),
    path(
        "cycles/<int:cycle_pk>/steering/members/<int:steering_member_pk>/remove/",
        views.steering_member_remove,
        name="steering_member_remove",
    ),
    path(
        "cycles/<int:cycle_pk>/steering/meetings/new/",
        views.steering_meeting_create,
        name="steering_meeting_create",
    ),
    path(
        "cycles/<int:cycle_pk>/steering/meetings/<int:steering_meeting_pk>/",
        views.steering_meeting,
        name="steering_meeting",
    ),
    path(
        "cycles/<int:cycle_pk>/steering/meetings/<int:steering_meeting_pk>/decisions/",
        views.steering_decision_add,
        name="steering_decision_add",
    ),
    path("conversations/", views.conversation_list, name="conversation_list"),
    path("conversations/new/", views.conversation_create, name="conversation_create"),
    path(
        "conversations/<int:conversation_pk>/",
        views.conversation_detail,
        name="conversation_detail",
    ),
    path(
        "conversations/<int:conversation_pk>/commitments/",
        views.commitment_add,
        name="commitment_add",
    ),
    path("commitments/<int:commitment_pk>/kept/", views.commitment_kept, name="commitment_kept"),
    path(
        "commitments/<int:commitment_pk>/broken/",
        views.commitment_broken,
        name="commitment_broken",
    ),
    path(
        "commitments/<int:commitment_pk>/reopen/",
        views.commitment_reopen,
        name="commitment_reopen",
    ),
    path("assets/", views.asset_list, name="asset_list"),
    path("assets/new/", views.asset_create, name="asset_create"),
    path("assets/<int:shared_asset_pk>/", views.asset_detail, name="asset_detail"),
    path("assets/<int:shared_asset_pk>/edit/", views.asset_edit, name="asset_edit"),
    path("assets/<int:shared_asset_pk>/uses/", views.asset_use_add, name="asset_use_add"),
    # community-lead preparation (stage 2)
    path("training-topics/", preparation_views.training_topics, name="training_topics"),
    path(
        "cycles/<int:cycle_pk>/preparation/",
        preparation_views.preparation_overview,
        name="preparation",
    ),
    path(
        "cycles/<int:cycle_pk>/preparation/leads/<int:community_lead_pk>/",
        preparation_views.lead_preparation,
        name="lead_preparation",
    ),
    path(
        "cycles/<int:cycle_pk>/preparation/leads/<int:community_lead_pk>/agreement/",
        preparation_views.agreement_edit,
        name="agreement_edit",
    ),
    path(
        "cycles/<int:cycle_pk>/preparation/agreements/<int:agreement_pk>/confirm/",
        preparation_views.agreement_confirm,
        name="agreement_confirm",
    ),
    path(
        "cycles/<int:cycle_pk>/preparation/training/new/",
        preparation_views.training_create,
        name="training_create",
    ),
    path(
        "cycles/<int:cycle_pk>/preparation/training/<int:training_pk>/",
        preparation_views.training_edit,
        name="training_edit",
    ),
    path(
        "cycles/<int:cycle_pk>/preparation/leads/<int:community_lead_pk>/checkins/new/",
        preparation_views.checkin_create,
        name="checkin_create",
    ),
    path(
        "cycles/<int:cycle_pk>/preparation/checkins/<int:checkin_pk>/",
        preparation_views.checkin_edit,
        name="checkin_edit",
    ),
]
