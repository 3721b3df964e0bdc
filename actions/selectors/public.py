"""What the cycle's public "you said, we did" page shows of the plan (feedback's plug-in
point "feedback.public_page_sections", registered in registrations.py)."""

from django.db.models import OuterRef, Q, Subquery

from cycles.models import Cycle

from ..models import SIGNED_STATUSES, Action, ActionStatus, Priority, ProgressUpdate


def public_page_sections(cycle: Cycle) -> list[dict]:
    """What the public page shows of the plan: the priorities agreed (or served by a
    published action) with their in-scope actions, then what is out of scope and why.

    Plain dicts of fields that are public by design: actions only of a signed-off plan, and
    of each only its last update shared with the public. Two queries, however many actions.
    """
    last_public = ProgressUpdate.objects.filter(action=OuterRef("pk"), public=True).order_by(
        "-created_at", "-pk"
    )
    actions = list(
        Action.objects.filter(plan__cycle=cycle, plan__status__in=SIGNED_STATUSES)
        .annotate(
            last_public_update_at=Subquery(last_public.values("created_at")[:1]),
            last_public_update=Subquery(last_public.values("narrative")[:1]),
        )
        .order_by("due_date", "title", "pk")
        .values(
            "pk",
            "priority_id",
            "title",
            "community_measure",
            "due_date",
            "status",
            "in_scope",
            "out_of_scope_reason",
            "last_public_update_at",
            "last_public_update",
        )
    )
    status_labels = dict(ActionStatus.choices)
    in_scope = [a for a in actions if a["in_scope"]]
    priority_ids_with_actions = {a["priority_id"] for a in in_scope}
    priorities = [
        {
            "title": priority["title"],
            "description": priority["description"],
            "actions": [
                {
                    "title": a["title"],
                    "community_measure": a["community_measure"],
                    "due_date": a["due_date"],
                    "status": a["status"],
                    "status_label": status_labels.get(a["status"], ""),
                    "last_public_update_at": a["last_public_update_at"],
                    "last_public_update": a["last_public_update"] or "",
                }
                for a in in_scope
                if a["priority_id"] == priority["pk"]
            ],
        }
        for priority in Priority.objects.filter(cycle=cycle)
        .filter(Q(agreed_on__isnull=False) | Q(pk__in=priority_ids_with_actions))
        .order_by("title", "pk")
        .values("pk", "title", "description")
    ]
    sections = [
        {
            "anchor": "priorities",
            "heading": "What we agreed to work on",
            "template": "actions/public/priorities.html",
            "after_report_backs": False,
            "data": {"priorities": priorities},
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
