"""What the cycle's public "you said, we did" page shows of the plan (feedback's plug-in
point "feedback.public_page_sections", registered in registrations.py).

The plan shown is the version the community last signed off, taken from that round's
snapshot, never the plan as it is being edited: an edit waiting for sign-off cannot hide a
signed-off action. Each action's status, the reason a paused or dropped one gives, and its
last public update are its current ones: delivery is reported as it happens.
"""

from datetime import date

from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from cycles.models import Cycle

from ..models import (
    EXPLAINED_STATUSES,
    SIGNED_STATUSES,
    Action,
    ActionPlan,
    ActionStatus,
    MeasureKind,
    PlanStatus,
    Priority,
    ProgressUpdate,
    RoundStatus,
    SignOffRound,
)
from .content import diff
from .measures import readings_by_action, signed_progress


def _pending_note(plan: ActionPlan, signed_on: date | None) -> str:
    """What the public is told while changes to the plan wait for community sign-off."""
    if plan.status in SIGNED_STATUSES:
        return ""
    if signed_on is None:
        if plan.status == PlanStatus.AWAITING_SIGNOFF:
            return (
                "The action plan is with the community leads for sign-off. It will show "
                "here once they have agreed it."
            )
        return ""
    waiting = (
        "A new version of this plan is with the community leads for sign-off."
        if plan.status == PlanStatus.AWAITING_SIGNOFF
        else "We are making changes to this plan. They are waiting for the community "
        "leads to sign them off."
    )
    return (
        f"{waiting} Until they do, this page shows the plan they agreed on "
        f"{signed_on:%-d %B %Y}, with the latest progress on every action."
    )


def public_page_sections(cycle: Cycle) -> list[dict]:
    """What the public page shows of the plan: the priorities agreed (or served by a
    signed-off action) with their in-scope actions, what changed in the last sign-off, then
    what is out of scope and why.

    Plain dicts of fields that are public by design: actions only as the community last
    signed them off, and of each only its last update shared with the public. Three queries
    however many actions (four before the plan was ever signed off).
    """
    signed = list(
        SignOffRound.objects.filter(plan__cycle=cycle, status=RoundStatus.SIGNED_OFF)
        .select_related("plan")
        .order_by("-version")[:2]
    )
    latest = signed[0] if signed else None
    plan = latest.plan if latest else ActionPlan.objects.filter(cycle=cycle).first()
    signed_content: dict = latest.snapshot.get("content", {}) if latest else {}
    last_public = ProgressUpdate.objects.filter(action=OuterRef("pk"), public=True).order_by(
        "-created_at", "-pk"
    )
    current = {
        row["pk"]: row
        for row in Action.objects.filter(plan__cycle=cycle, pk__in=[int(k) for k in signed_content])
        .annotate(
            last_public_update_at=Subquery(last_public.values("created_at")[:1]),
            last_public_update=Subquery(last_public.values("narrative")[:1]),
        )
        .values("pk", "status", "status_reason", "last_public_update_at", "last_public_update")
    }
    status_labels = dict(ActionStatus.choices)
    # Measured values of numeric measures, from updates shared with the public (a query
    # only when a signed-off action is measured by a number).
    numeric = [
        int(k) for k, a in signed_content.items() if a.get("measure_kind") == MeasureKind.NUMERIC
    ]
    readings = readings_by_action(numeric, public_only=True) if numeric else {}
    actions = []
    for key, signed_action in signed_content.items():
        now = current.get(int(key))
        status = now["status"] if now else ""
        due = signed_action.get("due_date")
        actions.append(
            {
                "priority_id": signed_action["priority"][0],
                "priority_title": signed_action["priority"][1],
                "title": signed_action["title"],
                "community_measure": signed_action.get("community_measure", ""),
                "due_date": date.fromisoformat(due) if due else None,
                "in_scope": signed_action.get("in_scope", True),
                "out_of_scope_reason": signed_action.get("out_of_scope_reason", ""),
                "status": status,
                "status_label": status_labels.get(status, "No longer on the plan"),
                "status_reason": now["status_reason"]
                if now and status in EXPLAINED_STATUSES
                else "",
                "last_public_update_at": now["last_public_update_at"] if now else None,
                "last_public_update": (now["last_public_update"] or "") if now else "",
                "progress": signed_progress(signed_action, readings.get(int(key), [])),
            }
        )
    actions.sort(key=lambda a: (a["due_date"] or date.max, a["title"]))
    in_scope = [a for a in actions if a["in_scope"]]
    priority_ids_with_actions = {a["priority_id"] for a in in_scope}
    rows = {
        p["pk"]: p
        for p in Priority.objects.filter(cycle=cycle)
        .filter(Q(agreed_on__isnull=False) | Q(pk__in=priority_ids_with_actions))
        .values("pk", "title", "description")
    }
    # A priority's name as signed off where it has signed-off actions, else as it is now.
    titles = {p: row["title"] for p, row in rows.items()}
    titles.update({a["priority_id"]: a["priority_title"] for a in in_scope})
    priorities = [
        {
            "title": titles[pk],
            "description": rows[pk]["description"] if pk in rows else "",
            "actions": [a for a in in_scope if a["priority_id"] == pk],
        }
        for pk in sorted(titles, key=lambda pk: (titles[pk], pk))
    ]
    signed_on = timezone.localdate(latest.closed_at) if latest and latest.closed_at else None
    changes = (
        [change.public_sentence for change in diff(signed[1].snapshot, latest.snapshot)]
        if len(signed) == 2
        else []
    )
    sections = [
        {
            "anchor": "priorities",
            "heading": "What we agreed to work on",
            "template": "actions/public/priorities.html",
            "after_report_backs": False,
            "data": {
                "priorities": priorities,
                "pending_note": _pending_note(plan, signed_on) if plan else "",
                "signed_on": signed_on,
                "changes": changes,
            },
        }
    ]
    out_of_scope = [
        {"title": a["title"], "reason": a["out_of_scope_reason"]}
        for a in actions
        if not a["in_scope"]
    ]
    if out_of_scope:
        sections.append(
            {
                "anchor": "out-of-scope",
                "heading": "What we cannot change, and why",
                "template": "actions/public/out_of_scope.html",
                "after_report_backs": True,
                "data": {"out_of_scope": out_of_scope},
            }
        )
    return sections
