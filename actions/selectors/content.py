"""What counts as the plan's content, its hash, and a readable diff between two versions.

Content is what the community leads approve: the fields declared once in
`models.ACTION_CONTENT` (the priority by its id and title, the owner by member id, so a
renamed account does not void a sign-off). `models.ACTION_NOT_CONTENT` lists the rest and
why: status, the dropped reason, progress updates and escalations record delivery; if they
were content, every progress update would void the sign-off.

A numeric measure (its kind, unit, baseline and target numbers) is content like the rest,
so a target changed after sign-off needs a new round. A measure in words leaves those four
fields out of the content: plans signed off before measures could be numbers keep the hash
the leads approved.

Order is not content: actions are keyed and sorted by id, so showing them in another order
never changes the hash. The hash is SHA-256 over canonical JSON (sorted keys, no spaces).
"""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ..models import ACTION_CONTENT, Action, MeasureKind

DATE_FIELDS = {"start_date", "due_date"}
# Content only when the measure is numeric (see above).
NUMERIC_MEASURE_FIELDS = ("measure_kind", "measure_unit", "baseline_value", "target_value")


def number_text(value: Decimal) -> str:
    """A measured number as plain text without trailing zeros ("12.5", "1250")."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _value(action: Action, name: str):
    """One content field of an action as a plain JSON value."""
    if name == "priority":
        return [action.priority_id, action.priority.title]
    if name == "owner":
        return action.owner_id
    if name == "partners":
        return action.partner_list()
    if name in DATE_FIELDS:
        value = getattr(action, name)
        return value.isoformat() if value else None
    value = getattr(action, name)
    if isinstance(value, Decimal):
        return number_text(value)
    return value


def action_content(action: Action) -> dict:
    """The content of one action, as plain JSON values (needs `priority` loaded)."""
    names = (
        ACTION_CONTENT
        if action.measure_kind == MeasureKind.NUMERIC
        else [n for n in ACTION_CONTENT if n not in NUMERIC_MEASURE_FIELDS]
    )
    return {name: _value(action, name) for name in names}


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

    @property
    def public_sentence(self) -> str:
        """The sentence for the public page, which names no member of staff."""
        if self.kind == "changed" and self.field == ACTION_CONTENT["owner"]:
            return f"Action \u2018{self.action_title}\u2019: a different person now leads it."
        return self.sentence


def _describe(field: str, value, owners: dict[str, str]) -> str:
    if field == "measure_kind":
        return "with a number" if value == MeasureKind.NUMERIC else "in words"
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
            for field, label in ACTION_CONTENT.items():
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
