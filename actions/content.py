"""What counts as the plan's content, its hash, and a readable diff between two versions.

Content is what the community leads approve. Per action: the priority it serves (its id and
title), title, description, owner (by member id, so a renamed account does not void a
sign-off), partner organisations, start and due dates, the community's measure, the SMART
fields (specific result, metric, baseline, target), in or out of scope with the reason,
and the feedback cadence.

Not content: status, the dropped reason, progress updates and escalations. They record
delivery; if they were content, every progress update would void the sign-off.

Order is not content: actions are keyed and sorted by id, so showing them in another order
never changes the hash. The hash is SHA-256 over canonical JSON (sorted keys, no spaces).
"""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from .models import Action

CONTENT_FIELDS: dict[str, str] = {
    "priority": "priority",
    "title": "title",
    "description": "description",
    "owner": "owner",
    "partners": "partner organisations",
    "start_date": "start date",
    "due_date": "due date",
    "community_measure": "measure that matters to the community",
    "specific_result": "specific result",
    "metric": "metric",
    "baseline": "baseline",
    "target": "target",
    "in_scope": "scope",
    "out_of_scope_reason": "reason it is out of scope",
    "cadence_days": "feedback cadence",
}
DATE_FIELDS = {"start_date", "due_date"}


def action_content(action: Action) -> dict:
    """The content of one action, as plain JSON values (needs `priority` loaded)."""
    return {
        "priority": [action.priority_id, action.priority.title],
        "title": action.title,
        "description": action.description,
        "owner": action.owner_id,
        "partners": action.partner_list(),
        "start_date": action.start_date.isoformat() if action.start_date else None,
        "due_date": action.due_date.isoformat() if action.due_date else None,
        "community_measure": action.community_measure,
        "specific_result": action.specific_result,
        "metric": action.metric,
        "baseline": action.baseline,
        "target": action.target,
        "in_scope": action.in_scope,
        "out_of_scope_reason": action.out_of_scope_reason,
        "cadence_days": action.cadence_days,
    }


def plan_content(actions: Iterable[Action]) -> dict:
    """{action id (as text): content}, the thing that is hashed."""
    return {str(a.pk): action_content(a) for a in sorted(actions, key=lambda a: a.pk)}


def content_hash(content: dict) -> str:
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def snapshot(actions: Iterable[Action]) -> dict:
    """Content plus the names needed to describe it later (names are not hashed)."""
    actions = list(actions)
    return {
        "content": plan_content(actions),
        "owners": {str(a.owner_id): str(a.owner) for a in actions if a.owner_id},
    }


@dataclass(frozen=True)
class Change:
    action_title: str
    kind: str  # "added", "removed" or "changed"
    field: str = ""
    before: str = ""
    after: str = ""

    @property
    def sentence(self) -> str:
        if self.kind == "added":
            return f"Action \u2018{self.action_title}\u2019 added."
        if self.kind == "removed":
            return f"Action \u2018{self.action_title}\u2019 removed."
        return (
            f"Action \u2018{self.action_title}\u2019: {self.field} changed from "
            f"{self.before} to {self.after}."
        )


def _describe(field: str, value, owners: dict[str, str]) -> str:
    if value in (None, "", []):
        return "nothing"
    if field in DATE_FIELDS:
        return f"{date.fromisoformat(value):%-d %B %Y}"
    if field == "priority":
        return f"\u2018{value[1]}\u2019"
    if field == "owner":
        return owners.get(str(value), "a former member")
    if field == "partners":
        return ", ".join(value)
    if field == "in_scope":
        return "in scope" if value else "out of scope"
    if field == "cadence_days":
        return f"every {value} day{'s' if value != 1 else ''}"
    text = str(value)
    return f"\u2018{text[:120]}{'…' if len(text) > 120 else ''}\u2019"


def diff(before: dict, after: dict) -> list[Change]:
    """Field-by-field changes from snapshot `before` to snapshot `after`, in plain English."""
    old, new = before.get("content", {}), after.get("content", {})
    owners = {**before.get("owners", {}), **after.get("owners", {})}
    changes: list[Change] = []
    for key in sorted(set(old) | set(new), key=int):
        if key not in old:
            changes.append(Change(new[key]["title"], "added"))
        elif key not in new:
            changes.append(Change(old[key]["title"], "removed"))
        else:
            for field, label in CONTENT_FIELDS.items():
                a, b = old[key].get(field), new[key].get(field)
                if a != b:
                    changes.append(
                        Change(
                            old[key]["title"],
                            "changed",
                            label,
                            _describe(field, a, owners),
                            _describe(field, b, owners),
                        )
                    )
    return changes
