"""Reads for what a report-back reports as "we did": the cycle's actions and the progress
updates shared with the public (feedback's plug-in point "feedback.report_back_link",
answered in forms/report_backs.py)."""

from collections import defaultdict

from django.db.models import Exists, OuterRef

from feedback.models import ReportBack

from ..models import Action, ActionStatus, ProgressUpdate, RoundStatus, SignOffRound


def _ever_signed_off(plan_ref: str) -> Exists:
    """The plan was signed off by the community at least once: later edits waiting for a
    new sign-off do not take what it reported off the public page."""
    return Exists(
        SignOffRound.objects.filter(plan_id=OuterRef(plan_ref), status=RoundStatus.SIGNED_OFF)
    )


def report_back_action_pks(report_back: ReportBack) -> list[int]:
    return list(report_back.actions.values_list("pk", flat=True))


def report_back_update_pks(report_back: ReportBack) -> list[int]:
    return list(report_back.progress_updates.values_list("pk", flat=True))


def report_back_actions(report_back: ReportBack) -> list[Action]:
    """The actions a report-back reports, for members (one query)."""
    return list(report_back.actions.order_by("title", "pk"))


def report_back_updates(report_back: ReportBack) -> list[ProgressUpdate]:
    """The progress updates a report-back reports, for members (one query)."""
    return list(
        report_back.progress_updates.select_related("action").order_by("-created_at", "-pk")
    )


def report_backs_public_actions(report_back_pks: list[int]) -> dict[int, list[dict]]:
    """{report-back pk: the actions it reports}, only of a plan the community has signed
    off (one query)."""
    found: dict[int, list[dict]] = defaultdict(list)
    if not report_back_pks:
        return {}
    labels = dict(ActionStatus.choices)
    rows = (
        Action.report_backs.through.objects.filter(reportback_id__in=report_back_pks)
        .filter(_ever_signed_off("action__plan_id"))
        .order_by("action__title", "action_id")
        .values_list("reportback_id", "action__title", "action__status")
    )
    for report_back_pk, title, status in rows:
        found[report_back_pk].append({"title": title, "status_label": labels.get(status, "")})
    return dict(found)


def report_backs_public_updates(report_back_pks: list[int]) -> dict[int, list[dict]]:
    """{report-back pk: the progress updates it reports}, only those shared with the public
    on actions of a plan the community has signed off (one query)."""
    found: dict[int, list[dict]] = defaultdict(list)
    if not report_back_pks:
        return {}
    rows = (
        ProgressUpdate.report_backs.through.objects.filter(
            reportback_id__in=report_back_pks,
            progressupdate__public=True,
        )
        .filter(_ever_signed_off("progressupdate__action__plan_id"))
        .order_by("progressupdate__created_at", "progressupdate_id")
        .values_list(
            "reportback_id",
            "progressupdate__action__title",
            "progressupdate__created_at",
            "progressupdate__narrative",
        )
    )
    for report_back_pk, action, date_, narrative in rows:
        found[report_back_pk].append({"action": action, "date": date_, "narrative": narrative})
    return dict(found)
