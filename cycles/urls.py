"""URLs under /o/<org_slug>/cycles/ (see t2a/urls.py)."""

from django.urls import path

from .views import case_for_change, closure, cycles, ethics, inclusion, reports, theory_of_change

app_name = "cycles"

on_cycle = "<int:cycle_pk>/"
on_case = on_cycle + "case-for-change/"
on_toc = on_cycle + "theory-of-change/"
on_ethics = on_cycle + "ethics/"
on_closure = on_cycle + "closure/"

urlpatterns = [
    path("", cycles.cycle_list, name="cycle_list"),
    path("new/", cycles.cycle_create, name="cycle_create"),
    path(on_cycle, cycles.cycle_detail, name="cycle_detail"),
    path(on_cycle + "edit/", cycles.cycle_edit, name="cycle_edit"),
    path(
        on_cycle + "stage/advance/",
        cycles.cycle_stage_change,
        {"direction": "advance"},
        name="cycle_stage_advance",
    ),
    path(
        on_cycle + "stage/back/",
        cycles.cycle_stage_change,
        {"direction": "back"},
        name="cycle_stage_back",
    ),
    path(on_case, case_for_change.case_for_change, name="case_for_change"),
    path(on_case + "edit/", case_for_change.case_for_change_edit, name="case_for_change_edit"),
    path(on_case + "agree/", case_for_change.case_for_change_agree, name="case_for_change_agree"),
    path(on_case + "sources/new/", case_for_change.data_source_create, name="data_source_create"),
    path(
        on_case + "sources/<int:data_source_pk>/edit/",
        case_for_change.data_source_edit,
        name="data_source_edit",
    ),
    path(
        on_case + "sources/<int:data_source_pk>/delete/",
        case_for_change.data_source_delete,
        name="data_source_delete",
    ),
    path(
        on_case + "inequalities/new/",
        case_for_change.inequality_row_create,
        name="inequality_row_create",
    ),
    path(
        on_case + "inequalities/<int:inequality_row_pk>/edit/",
        case_for_change.inequality_row_edit,
        name="inequality_row_edit",
    ),
    path(
        on_case + "inequalities/<int:inequality_row_pk>/delete/",
        case_for_change.inequality_row_delete,
        name="inequality_row_delete",
    ),
    path(on_toc, theory_of_change.theory_of_change, name="theory_of_change"),
    path(on_toc + "items/new/", theory_of_change.toc_item_create, name="toc_item_create"),
    path(
        on_toc + "items/<int:toc_item_pk>/edit/",
        theory_of_change.toc_item_edit,
        name="toc_item_edit",
    ),
    path(
        on_toc + "items/<int:toc_item_pk>/move/",
        theory_of_change.toc_item_move,
        name="toc_item_move",
    ),
    path(
        on_toc + "items/<int:toc_item_pk>/delete/",
        theory_of_change.toc_item_delete,
        name="toc_item_delete",
    ),
    path(on_toc + "agree/", theory_of_change.theory_of_change_agree, name="theory_of_change_agree"),
    path(on_cycle + "inclusion/", inclusion.inclusion_prompts, name="inclusion_prompts"),
    path(on_ethics, ethics.ethics_log, name="ethics_log"),
    path(on_ethics + "new/", ethics.ethics_entry_create, name="ethics_entry_create"),
    path(
        on_ethics + "<int:ethics_entry_pk>/edit/",
        ethics.ethics_entry_edit,
        name="ethics_entry_edit",
    ),
    # Responsible closure and the next iteration
    path(on_closure, closure.closure_checklist, name="closure"),
    path(on_closure + "start/", closure.closure_start, name="closure_start"),
    path(on_closure + "close/", closure.cycle_close, name="cycle_close"),
    path(
        on_closure + "steps/<slug:closure_key>/",
        closure.closure_item_edit,
        name="closure_item_edit",
    ),
    path(on_cycle + "next-iteration/", closure.next_iteration, name="next_iteration"),
    # PDF reports
    path(on_cycle + "reports/", reports.report_list, name="report_list"),
    path(
        on_cycle + "reports/<int:report_pk>/download/",
        reports.report_download,
        name="report_download",
    ),
    path(on_cycle + "reports/<int:report_pk>/retry/", reports.report_retry, name="report_retry"),
    path(on_cycle + "reports/<int:report_pk>/row/", reports.report_row, name="report_row"),
]
