"""Reads: which cycles a member may see, fetching one for a request, the cycle list's
filters, a cycle's chain of iterations and a free slug for a new cycle.

Other apps (stakeholders, feedback, actions) reuse these functions, so keep their names
and signatures stable.
"""

from datetime import date

from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.text import slugify

from t2a.models import Membership, Organisation, Role, User
from t2a.text import match_key, text_search

from .. import policies
from ..models import Cycle, CycleStatus


def cycles_visible_to(membership: Membership) -> QuerySet[Cycle]:
    """The cycles this member may see: all of the organisation's for admins and engagement
    leads; only those they are attached to for community leads and governance members."""
    cycles = Cycle.objects.filter(organisation_id=membership.organisation_id)
    if membership.role in (Role.ADMIN, Role.ENGAGEMENT_LEAD):
        return cycles
    if membership.role == Role.COMMUNITY_LEAD:
        return cycles.filter(community_leads=membership.user_id)
    if membership.role == Role.GOVERNANCE:
        return cycles.filter(governance_members=membership.user_id)
    return cycles.none()


def get_cycle_for_request(request: HttpRequest, cycle_pk: int) -> Cycle:
    """The cycle if the signed-in member may see it; 404 otherwise (no existence leak)."""
    return get_object_or_404(
        cycles_visible_to(request.membership).select_related("lead"), pk=cycle_pk
    )


def cycles_filtered(
    membership: Membership,
    *,
    q: str = "",
    status: str = "",
    stage: int | None = None,
    lead: User | None = None,
) -> QuerySet[Cycle]:
    """The cycles this member may see that match the cycle list's search and filters."""
    cycles = cycles_visible_to(membership).select_related("lead")
    if q:
        cycles = cycles.filter(text_search(("title", "place", "inequality"), q))
    if status:
        cycles = cycles.filter(status=status)
    if stage:
        cycles = cycles.filter(current_stage=stage)
    if lead:
        cycles = cycles.filter(lead=lead)
    return cycles


def cycle_unique_slug(
    organisation: Organisation, title: str, *, start_date: date | None = None
) -> str:
    """A slug made from `title` that no cycle of the organisation has yet.

    A title that gives no letters or digits in a URL (an emoji, a script other than Latin,
    invisible characters) names the cycle by its start month instead, so slugs stay
    apart: `cycle-2026-12`, then `cycle-2026-12-2`.
    """
    base = slugify(title)[:70].strip("-")
    if not any(c.isalnum() for c in base):
        base = f"cycle-{start_date or timezone.localdate():%Y-%m}"
    taken = set(
        Cycle.objects.filter(organisation=organisation, slug__startswith=base).values_list(
            "slug", flat=True
        )
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


# What a cycle's `distinguishing` and `choice_label` read: load these (`.only(...)`) when
# cycles are listed for choosing, so labelling them needs no further query.
CYCLE_LABEL_FIELDS = (
    "pk",
    "title",
    "iteration",
    "start_date",
    "target_date",
    "created_at",
    "status",
)


def open_cycle_titled(
    organisation_id: int, title: str, *, exclude_pk: int | None = None
) -> Cycle | None:
    """An open (not closed) cycle of the organisation whose title a person would call the
    same as `title` (the same letters, whatever their case, spacing or invisible
    characters), other than the cycle `exclude_pk`; None when there is none."""
    key = match_key(title)
    found = (
        Cycle.objects.filter(organisation_id=organisation_id)
        .exclude(status=CycleStatus.CLOSED)
        .exclude(pk=exclude_pk)
        .only(*CYCLE_LABEL_FIELDS)
    )
    return next((c for c in found if match_key(c.title) == key), None)


def duplicate_title_message(clash: Cycle) -> str:
    return (
        f"An open cycle is already called “{clash.title}” ({clash.distinguishing}). "
        "Give this one a title that tells them apart, such as the place, the year or the "
        "iteration."
    )


# Far more iterations than any real chain has; it bounds the recursive walk if a chain
# ever loops (links written outside the next-iteration service).
MAX_ITERATIONS = 100

_CHAIN_SQL = """
WITH RECURSIVE up(id, prev, depth) AS (
    SELECT id, previous_iteration_id, 0 FROM {table}
    WHERE id = %s AND organisation_id = %s
  UNION ALL
    SELECT c.id, c.previous_iteration_id, up.depth + 1 FROM {table} c
    JOIN up ON c.id = up.prev
    WHERE up.depth < %s AND c.organisation_id = %s
),
root(id) AS (SELECT id FROM up ORDER BY depth DESC LIMIT 1),
down(id, depth) AS (
    SELECT id, 0 FROM root
  UNION ALL
    SELECT c.id, down.depth + 1 FROM {table} c
    JOIN down ON c.previous_iteration_id = down.id
    WHERE down.depth < %s AND c.organisation_id = %s
)
SELECT id FROM up UNION SELECT id FROM down
"""


def cycle_iterations(cycle: Cycle) -> list[Cycle]:
    """Every iteration of the chain this cycle belongs to, oldest first (itself included).

    One query whatever the chain's length: a recursive walk up to the first iteration and
    down from it, inside the cycle's own organisation. A loop (only possible if links were
    written by hand) is cut at MAX_ITERATIONS and each cycle appears once.
    """
    if cycle.pk is None:
        return [cycle]
    org = cycle.organisation_id
    sql = _CHAIN_SQL.format(table=Cycle._meta.db_table)
    params = (cycle.pk, org, MAX_ITERATIONS, org, MAX_ITERATIONS, org)
    # A constant statement (only the table name comes from the model); every value is a
    # parameter, so nothing from a request reaches the SQL text.
    chain_ids = RawSQL(sql, params)  # noqa: S611
    members = {
        c.pk: c
        for c in Cycle.objects.filter(organisation_id=org, pk__in=chain_ids)
        .select_related(None)
        .order_by("created_at", "pk")
    }
    if cycle.pk not in members:
        return [cycle]
    members[cycle.pk] = cycle  # the caller's own instance, with whatever it has loaded
    # Order by following the links from the first iteration; anything left over (a loop
    # or a hand-made branch) follows in creation order.
    following = {}
    for c in members.values():
        if c.previous_iteration_id in members:
            following.setdefault(c.previous_iteration_id, c)
    first = next(
        (c for c in members.values() if c.previous_iteration_id not in members),
        members[cycle.pk],
    )
    chain, seen = [], set()
    node = first
    while node is not None and node.pk not in seen:
        chain.append(node)
        seen.add(node.pk)
        node = following.get(node.pk)
    chain.extend(c for c in members.values() if c.pk not in seen)
    return chain


def cycle_iterations_for_member(membership: Membership, cycle: Cycle) -> dict:
    """The chain of iterations this cycle belongs to, for the cycle page: one query, and
    for members who see only their own cycles one more, for which iterations they may
    open (one they are not on is shown without its title or link)."""
    chain = cycle_iterations(cycle)
    index = next(i for i, c in enumerate(chain) if c.pk == cycle.pk)
    if membership.role not in policies.STAFF_ROLES:
        visible = set(
            cycles_visible_to(membership)
            .filter(pk__in=[c.pk for c in chain])
            .values_list("pk", flat=True)
        )
    else:
        visible = {c.pk for c in chain}
    for c in chain:
        c.visible_to_member = c.pk in visible
    return {
        "chain": chain,
        "position": index + 1,
        "total": len(chain),
        "previous": chain[index - 1] if index > 0 else None,
        "next": chain[index + 1] if index + 1 < len(chain) else None,
    }
