"""Writes for what a report-back reports as "we did" (feedback's plug-in point
"feedback.report_back_link", answered in forms/report_backs.py): which rows may be linked,
and linking them."""

from feedback.models import ReportBack

from ..models import Action, ProgressUpdate


def report_back_actions_errors(report_back: ReportBack, actions: list[Action]) -> list[str]:
    if any(a.plan.cycle_id != report_back.cycle_id for a in actions):
        return ["Choose actions from this cycle's plan."]
    return []


def report_back_updates_errors(report_back: ReportBack, updates: list[ProgressUpdate]) -> list[str]:
    if any(u.action.plan.cycle_id != report_back.cycle_id for u in updates):
        return ["Choose progress updates of this cycle's actions."]
    if any(not u.public for u in updates):
        return ["Only updates marked to share with the public can be reported back."]
    return []


def report_back_actions_set(report_back: ReportBack, actions: list[Action]) -> None:
    report_back.actions.set(actions)


def report_back_updates_set(report_back: ReportBack, updates: list[ProgressUpdate]) -> None:
    report_back.progress_updates.set(updates)
