"""Reads for the trust indicators: the commitment-kept rate and meaningful conversations,
for the organisation, per month and per staff member."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from cycles.models import Cycle
from t2a.models import Membership, Organisation

from ..models import Commitment, Conversation


@dataclass(frozen=True)
class KeptRate:
    due: int
    kept_on_time: int

    @property
    def rate(self) -> float | None:
        return self.kept_on_time / self.due if self.due else None

    @property
    def percent(self) -> int | None:
        return None if self.rate is None else round(self.rate * 100)


def _kept_rate_aggregates(as_of: date) -> dict:
    # A commitment counts towards the rate once its outcome is known: it was kept, it was
    # broken, or its due date has passed. One due today and still open is not counted yet
    # (there is still today to keep it); one kept after its due date counts, as not kept
    # on time.
    decided = Q(kept_on__isnull=False) | Q(broken_on__isnull=False) | Q(due_on__lt=as_of)
    return {
        "due": Count("pk", filter=decided),
        "kept_on_time": Count("pk", filter=Q(kept_on__isnull=False, kept_on__lte=F("due_on"))),
    }


def _commitments_in(
    organisation: Organisation, start: date, end: date | None, cycle: Cycle | None
) -> QuerySet[Commitment]:
    # `end` None: no upper bound, so a commitment kept early counts even though its due
    # date is still to come.
    commitments = Commitment.objects.filter(organisation=organisation, due_on__gte=start)
    if end is not None:
        commitments = commitments.filter(due_on__lte=end)
    if cycle is not None:
        commitments = commitments.filter(conversation__cycle=cycle)
    return commitments


def commitment_kept_rate(
    *,
    organisation: Organisation,
    start: date,
    end: date | None,
    as_of: date | None = None,
    cycle: Cycle | None = None,
) -> KeptRate:
    """Commitments due from `start` to `end` (None: any time after `start`) kept by their due
    date, over those whose outcome is known by `as_of` (default today)."""
    as_of = as_of or timezone.localdate()
    counts = _commitments_in(organisation, start, end, cycle).aggregate(
        **_kept_rate_aggregates(as_of)
    )
    return KeptRate(due=counts["due"], kept_on_time=counts["kept_on_time"])


def commitment_kept_rate_by_owner(
    *,
    organisation: Organisation,
    start: date,
    end: date | None,
    as_of: date | None = None,
    cycle: Cycle | None = None,
) -> dict[int, KeptRate]:
    """The same rate per staff member who owns the commitments: {user_pk: KeptRate}."""
    as_of = as_of or timezone.localdate()
    rows = (
        _commitments_in(organisation, start, end, cycle)
        .order_by()
        .values("owner_id")
        .annotate(**_kept_rate_aggregates(as_of))
    )
    return {r["owner_id"]: KeptRate(due=r["due"], kept_on_time=r["kept_on_time"]) for r in rows}


def first_of_month(day: date, *, months_back: int = 0) -> date:
    """The first day of the month `months_back` months before `day`'s month."""
    year, month = divmod(day.year * 12 + day.month - 1 - months_back, 12)
    return date(year, month + 1, 1)


def last_twelve_months(today: date) -> tuple[date, date]:
    """The first day of the month eleven months ago, and today: a year of whole months."""
    return first_of_month(today, months_back=11), today


def _meaningful(
    organisation: Organisation, start: date, end: date, cycle: Cycle | None
) -> QuerySet[Conversation]:
    conversations = Conversation.objects.filter(
        organisation=organisation, meaningful=True, held_on__gte=start, held_on__lte=end
    )
    if cycle is not None:
        conversations = conversations.filter(cycle=cycle)
    return conversations.order_by()


def meaningful_conversations_per_month(
    *, organisation: Organisation, start: date, end: date, cycle: Cycle | None = None
) -> list[tuple[date, int]]:
    """[(first day of month, meaningful conversations held that month)], every month shown."""
    counts = {
        row["month"]: row["n"]
        for row in _meaningful(organisation, start, end, cycle)
        .annotate(month=TruncMonth("held_on"))
        .values("month")
        .annotate(n=Count("pk"))
    }
    months = []
    month = start.replace(day=1)
    while month <= end:
        months.append((month, counts.get(month, 0)))
        month = (
            month.replace(year=month.year + 1, month=1)
            if month.month == 12
            else (month.replace(month=month.month + 1))
        )
    return months


def meaningful_conversations_by_staff(
    *, organisation: Organisation, start: date, end: date, cycle: Cycle | None = None
) -> dict[int, int]:
    """{user_pk: meaningful conversations they held from `start` to `end`}."""
    return dict(
        _meaningful(organisation, start, end, cycle)
        .values_list("staff_member_id")
        .annotate(n=Count("pk"))
    )


@dataclass
class StaffTrust:
    name: str
    meaningful: int
    kept: KeptRate


def trust_by_staff(
    *, organisation: Organisation, start: date, end: date, as_of: date | None = None
) -> list[StaffTrust]:
    """Meaningful conversations and commitment-kept rate per staff member (three queries)."""
    meaningful = meaningful_conversations_by_staff(organisation=organisation, start=start, end=end)
    kept = commitment_kept_rate_by_owner(
        organisation=organisation, start=start, end=None, as_of=as_of
    )
    people = Membership.objects.filter(
        organisation=organisation, user_id__in=set(meaningful) | set(kept)
    ).select_related("user")
    names = defaultdict(str, {m.user_id: str(m.user) for m in people})
    return sorted(
        (
            StaffTrust(
                name=names[pk] or "Former member",
                meaningful=meaningful.get(pk, 0),
                kept=kept.get(pk, KeptRate(0, 0)),
            )
            for pk in set(meaningful) | set(kept)
        ),
        key=lambda s: s.name.casefold(),
    )
