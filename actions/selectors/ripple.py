"""Reads for the ripple-effect map: a cycle's tree of effects, and its SVG drawing.

The map is read with one query (`effects_of`) and arranged in Python, so the page costs
the same number of queries however large the map grows. `tree_rows` turns it into plain
data (used by the page and by the annual-evaluation PDF); `ripple_svg` draws plain rows
as an SVG diagram with presentation attributes only (the CSP forbids `style=`).

The rules every write follows (one cycle, no loops, at most MAX_EFFECTS effects and
MAX_DEPTH levels) live in services/ripple.py.
"""

import textwrap
from dataclasses import dataclass, field

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from cycles.models import Cycle
from cycles.selectors.cycles import cycles_visible_to
from feedback.models import Insight, Sensitivity
from feedback.selectors.insight import insights_visible_to
from t2a.models import Membership

from ..models import Action, RippleEffect, RippleLevel

# A map's limits, so the drawing stays readable on a screen and on an A4 page.
MAX_EFFECTS = 150
MAX_DEPTH = 5


def get_ripple_effect_for_request(request: HttpRequest, ripple_effect_pk: int) -> RippleEffect:
    """An effect of a cycle the member may see (404 otherwise)."""
    return get_object_or_404(
        RippleEffect.objects.filter(cycle__in=cycles_visible_to(request.membership)).select_related(
            "cycle__lead", "insight"
        ),
        pk=ripple_effect_pk,
    )


def effect_children(effect: RippleEffect) -> list[str]:
    """The descriptions of the effects that grew out of this one."""
    return list(RippleEffect.objects.filter(parent=effect).values_list("description", flat=True))


def effect_count(cycle: Cycle) -> int:
    return RippleEffect.objects.filter(cycle=cycle).count()


def actions_to_link(cycle: Cycle) -> list[Action]:
    """The cycle's actions an effect may name, by title (one query)."""
    return list(Action.objects.filter(plan__cycle=cycle).only("pk", "title").order_by("title"))


def insights_to_link(membership: Membership, cycle: Cycle) -> list[Insight]:
    """The cycle's latest insight this member may read, which an effect may name (one query)."""
    return list(
        insights_visible_to(membership)
        .filter(cycle=cycle)
        .only("pk", "summary")
        .order_by("-captured_at", "-pk")[:500]
    )


def effects_of(cycle: Cycle) -> list[RippleEffect]:
    """Every effect of the cycle with its linked action and insight: one query."""
    return list(
        RippleEffect.objects.filter(cycle=cycle).select_related("action", "insight").order_by("pk")
    )


@dataclass
class Node:
    effect: RippleEffect
    depth: int = 0
    children: list["Node"] = field(default_factory=list)


def build_tree(effects: list[RippleEffect]) -> list[Node]:
    """The effects as a forest, starting points first, each level in the order added.

    An effect whose parent is missing from the list (it cannot happen through the
    services) is shown as a starting point rather than lost.
    """
    nodes = {e.pk: Node(e) for e in effects}
    roots: list[Node] = []
    for effect in effects:
        parent = nodes.get(effect.parent_id) if effect.parent_id else None
        (parent.children if parent is not None else roots).append(nodes[effect.pk])
    stack = [(root, 0) for root in reversed(roots)]
    while stack:
        node, depth = stack.pop()
        node.depth = depth
        stack.extend((child, depth + 1) for child in reversed(node.children))
    return roots


def walk(roots: list[Node]):
    """Depth-first, in display order."""
    stack = list(reversed(roots))
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.children))


def descendant_ids(effects: list[RippleEffect], effect_pk: int) -> set[int]:
    children: dict[int | None, list[int]] = {}
    for e in effects:
        children.setdefault(e.parent_id, []).append(e.pk)
    found: set[int] = set()
    stack = list(children.get(effect_pk, []))
    while stack:
        pk = stack.pop()
        if pk not in found:
            found.add(pk)
            stack.extend(children.get(pk, []))
    return found


def subtree_height(effects: list[RippleEffect], effect_pk: int) -> int:
    """Levels from this effect down to its deepest descendant (1 for a leaf)."""
    children: dict[int | None, list[int]] = {}
    for e in effects:
        children.setdefault(e.parent_id, []).append(e.pk)
    best, stack = 1, [(effect_pk, 1)]
    while stack:
        pk, height = stack.pop()
        best = max(best, height)
        stack.extend((c, height + 1) for c in children.get(pk, []))
    return best


def depth_of(effects: list[RippleEffect], effect_pk: int | None) -> int:
    """0 for a starting point; the number of steps up to one otherwise."""
    parents = {e.pk: e.parent_id for e in effects}
    depth, seen = 0, set()
    current = parents.get(effect_pk) if effect_pk else None
    while current is not None and current not in seen:
        seen.add(current)
        depth += 1
        current = parents.get(current)
    return depth


def insight_text(effect: RippleEffect, *, may_see_sensitive: bool) -> str:
    if effect.insight_id is None:
        return ""
    if effect.insight.sensitivity != Sensitivity.NORMAL and not may_see_sensitive:
        return "a sensitive insight (shown to staff only)"
    return effect.insight.summary


def tree_rows(roots: list[Node], *, may_see_sensitive: bool) -> list[dict]:
    """The tree as plain rows in display order (for the PDF's data and its hash)."""
    index: dict[int, int] = {}
    rows = []
    for node in walk(roots):
        e = node.effect
        index[e.pk] = len(rows)
        rows.append(
            {
                "description": e.description,
                "level": e.level,
                "level_label": RippleLevel(e.level).label,
                "depth": node.depth,
                "parent": index.get(e.parent_id) if e.parent_id else None,
                "action": e.action.title if e.action_id else "",
                "insight": insight_text(e, may_see_sensitive=may_see_sensitive),
            }
        )
    return rows


def nested(rows: list[dict]) -> list[dict]:
    """Plain rows (from `tree_rows`) back into nested dicts with "children", for templates."""
    items = [dict(row, children=[]) for row in rows]
    roots = []
    for item in items:
        parent = item["parent"]
        (items[parent]["children"] if parent is not None else roots).append(item)
    return roots


# --- the SVG drawing ----------------------------------------------------------------------

BOX_W, BOX_H = 212, 84
COL_GAP, ROW_GAP = 44, 14
MARGIN = 8
LINE_CHARS, MAX_LINES = 30, 3

# fill, stroke: light tints with a strong edge; text stays #212b32 on every fill.
LEVEL_COLOURS = {
    RippleLevel.INDIVIDUAL: ("#e8f1f8", "#005eb8"),
    RippleLevel.COMMUNITY: ("#e6f2ea", "#007f3b"),
    RippleLevel.SYSTEM: ("#efe8f4", "#330072"),
}


def _join(parts) -> SafeString:
    """Markup already made safe by format_html, joined (each part is left as it is)."""
    return format_html_join("", "{}", ((part,) for part in parts))


def _lines(text: str) -> list[str]:
    lines = textwrap.wrap(text, LINE_CHARS, break_long_words=True) or [""]
    if len(lines) > MAX_LINES:
        lines = lines[:MAX_LINES]
        lines[-1] = lines[-1][: LINE_CHARS - 1].rstrip() + "\u2026"
    return lines


@dataclass
class Placed:
    row: dict
    index: int
    x: float
    y: float


def layout(rows: list[dict]) -> tuple[list[Placed], float, float]:
    """Left to right: a column per level of the tree, a row per leaf; a parent sits
    level with the middle of its children. Returns (boxes, width, height)."""
    children: dict[int | None, list[int]] = {}
    for i, row in enumerate(rows):
        children.setdefault(row["parent"], []).append(i)
    ys: dict[int, float] = {}
    next_row = 0

    def place(i: int) -> float:  # iterative would be longer; depth is at most MAX_DEPTH
        nonlocal next_row
        kids = children.get(i, [])
        if not kids:
            ys[i] = MARGIN + next_row * (BOX_H + ROW_GAP)
            next_row += 1
        else:
            first = [place(k) for k in kids]
            ys[i] = (first[0] + first[-1]) / 2
        return ys[i]

    for root in children.get(None, []):
        place(root)
    placed = [
        Placed(row=row, index=i, x=MARGIN + row["depth"] * (BOX_W + COL_GAP), y=ys[i])
        for i, row in enumerate(rows)
        if i in ys
    ]
    depth = max((row["depth"] for row in rows), default=0)
    width = 2 * MARGIN + (depth + 1) * BOX_W + depth * COL_GAP
    height = 2 * MARGIN + max(next_row, 1) * (BOX_H + ROW_GAP) - ROW_GAP
    return placed, width, height


def _edge(parent: Placed, child: Placed) -> str:
    x1, y1 = parent.x + BOX_W, parent.y + BOX_H / 2
    x2, y2 = child.x, child.y + BOX_H / 2
    xm = x1 + COL_GAP / 2
    return format_html(
        '<path d="M{} {} H{} V{} H{}" fill="none" stroke="#768692" stroke-width="1.5"/>',
        f"{x1:g}", f"{y1:g}", f"{xm:g}", f"{y2:g}", f"{x2 - 4:g}",
    ) + format_html(
        '<path d="M{} {} l-6 -4 v8 z" fill="#768692"/>', f"{x2:g}", f"{y2:g}"
    )  # fmt: skip


def _box(p: Placed) -> str:
    fill, stroke = LEVEL_COLOURS.get(p.row["level"], ("#f0f4f5", "#4c6272"))
    lines = _lines(p.row["description"])
    text = format_html_join(
        "",
        '<tspan x="{}" y="{}">{}</tspan>',
        ((f"{p.x + 10:g}", f"{p.y + 38 + n * 16:g}", line) for n, line in enumerate(lines)),
    )
    return format_html(
        '<g><title>{}: {}</title>'
        '<rect x="{}" y="{}" width="{}" height="{}" rx="4" fill="{}" stroke="{}" stroke-width="2"/>'
        '<rect x="{}" y="{}" width="6" height="{}" fill="{}"/>'
        '<text x="{}" y="{}" font-size="11" font-weight="bold" fill="{}" letter-spacing="0.5">'
        "{}</text>"
        '<text font-size="13" fill="#212b32">{}</text></g>',
        p.row["level_label"], p.row["description"],
        f"{p.x:g}", f"{p.y:g}", BOX_W, BOX_H, fill, stroke,
        f"{p.x:g}", f"{p.y:g}", BOX_H, stroke,
        f"{p.x + 10:g}", f"{p.y + 18:g}", stroke, p.row["level_label"].upper(),
        text,
    )  # fmt: skip


def _describe(rows: list[dict]) -> str:
    counts = {label: 0 for label in RippleLevel.labels}
    for row in rows:
        counts[row["level_label"]] += 1
    starts = sum(1 for row in rows if row["parent"] is None)
    parts = ", ".join(f"{n} {label.lower()}" for label, n in counts.items())
    return (
        f"{len(rows)} effect{'' if len(rows) == 1 else 's'} ({parts}) growing from "
        f"{starts} starting point{'' if starts == 1 else 's'}. Each box is an effect; a line "
        "joins an effect to the effects that grew out of it. The same tree is listed as text."
    )


def print_fit(rows: list[dict], *, width_mm: float, height_mm: float) -> tuple[float, int]:
    """For a page: the drawing's scale (mm per unit, never above the screen's 0.2646) and
    how many rows of boxes fit in `height_mm`."""
    _, width, _ = layout(rows)
    scale = min(width_mm / width, 0.2646)
    return scale, max(1, int((height_mm / scale - 2 * MARGIN) // (BOX_H + ROW_GAP)))


def ripple_svg(
    rows: list[dict],
    *,
    title: str,
    id_prefix: str = "ripple",
    max_rows: int | None = None,
    mm_per_unit: float | None = None,
    px_per_unit: float = 1.0,
) -> list[SafeString]:
    """The map drawn as SVG: one drawing, or (with `max_rows`) horizontal slices of at most
    that many rows of boxes each, so a long map breaks cleanly across PDF pages. A slice
    shows the same drawing through a shorter viewBox: lines crossing a cut carry on in the
    next slice, and no box is ever cut. With `mm_per_unit` the size is given in mm (for
    print); otherwise in pixels, `px_per_unit` per unit.
    """
    if not rows:
        return []
    placed, width, height = layout(rows)
    by_index = {p.index: p for p in placed}
    edges = [
        (by_index[p.row["parent"]], p)
        for p in placed
        if p.row["parent"] is not None and p.row["parent"] in by_index
    ]
    row_h = BOX_H + ROW_GAP
    total_rows = round((height - 2 * MARGIN + ROW_GAP) / row_h)
    step = max_rows or total_rows
    slices = []
    for n, first in enumerate(range(0, total_rows, step)):
        last = min(first + step, total_rows)
        top = 0 if first == 0 else MARGIN + first * row_h - ROW_GAP / 2
        bottom = height if last == total_rows else MARGIN + last * row_h - ROW_GAP / 2
        inside = [p for p in placed if top <= p.y < bottom]
        crossing = [
            (a, b) for a, b in edges if min(a.y, b.y) < bottom and max(a.y, b.y) + BOX_H > top
        ]
        label_id = f"{id_prefix}-{n}"
        part = f" (part {n + 1})" if total_rows > step else ""
        body = _join([*(_edge(a, b) for a, b in crossing), *(_box(p) for p in inside)])
        if mm_per_unit:
            size = (f"{width * mm_per_unit:.1f}mm", f"{(bottom - top) * mm_per_unit:.1f}mm")
        else:
            size = (f"{width * px_per_unit:.0f}", f"{(bottom - top) * px_per_unit:.0f}")
        slices.append(
            format_html(
                '<svg xmlns="http://www.w3.org/2000/svg" class="t2a-ripple-map" width="{}" '
                'height="{}" viewBox="0 {} {} {}" role="img" aria-labelledby="{}-title {}-desc" '
                'font-family="Arial, Helvetica, sans-serif"><title id="{}-title">{}{}</title>'
                '<desc id="{}-desc">{}</desc>{}</svg>',
                *size,
                f"{top:g}",
                f"{width:g}",
                f"{bottom - top:g}",
                label_id,
                label_id,
                label_id,
                title,
                part,
                label_id,
                _describe(rows),
                body,
            )  # fmt: skip
        )
    return slices


def legend_svg() -> SafeString:
    """The three levels' colours, for a key beside the map."""
    items = []
    for n, level in enumerate(RippleLevel):
        fill, stroke = LEVEL_COLOURS[level]
        x = n * 130
        items.append(
            format_html(
                '<rect x="{}" y="2" width="18" height="14" rx="2" fill="{}" stroke="{}" '
                'stroke-width="2"/><text x="{}" y="14" font-size="13" fill="#212b32">{}</text>',
                x,
                fill,
                stroke,
                x + 24,
                level.label,
            )  # fmt: skip
        )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" width="390" height="18" viewBox="0 0 390 18" '
        'aria-hidden="true" focusable="false" font-family="Arial, Helvetica, sans-serif">{}</svg>',
        _join(items),
    )
