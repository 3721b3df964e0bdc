"""Writes for the case for change: its sections, its agreement by the steering group, its
data sources and inequality-map rows. Every change is recorded as a revision, and a change
to an agreed case sends it back to draft."""

from datetime import date

from django.db import transaction

from t2a.models import User

from ..models import (
    CaseForChange,
    CaseForChangeRevision,
    CaseForChangeStatus,
    DataSource,
    InequalityRow,
)
from .versions import cycle_changed

CASE_SECTIONS = ("inequality_addressed", "most_affected", "local_insight")


def _stored(case: CaseForChange) -> CaseForChange:
    if case.pk is None:
        case.full_clean()
        case.save()
    return case


def _snapshot(case: CaseForChange) -> dict:
    return {
        **{name: getattr(case, name) for name in CASE_SECTIONS},
        "status": case.status,
        "agreed_on": case.agreed_on.isoformat() if case.agreed_on else None,
        "data_sources": [
            {
                "kind": s.kind,
                "title": s.title,
                "publisher": s.publisher,
                "published_on": s.published_on.isoformat() if s.published_on else None,
                "url": s.url,
                "key_figure": s.key_figure,
            }
            for s in DataSource.objects.filter(case_for_change=case)
        ],
        "inequality_rows": [
            {
                "dimension": r.dimension,
                "group": r.group,
                "indicator": r.indicator,
                "value": str(r.value),
                "comparator_value": None if r.comparator_value is None else str(r.comparator_value),
                "comparator_label": r.comparator_label,
                "source": r.source,
                "source_url": r.source_url,
            }
            for r in InequalityRow.objects.filter(case_for_change=case)
        ],
    }


def case_for_change_revise(
    *, case: CaseForChange, by: User, summary: str, content_changed: bool = True
) -> None:
    """Record the change, and send an agreed case back to draft when its content changed:
    the steering group agreed to what it said then, not to what it says now."""
    if content_changed and case.status == CaseForChangeStatus.AGREED:
        case.status = CaseForChangeStatus.DRAFT
        case.agreed_on = None
        case.save(update_fields=["status", "agreed_on", "updated_at"])
        summary += " (it goes back to draft for the steering group to agree again)"
    CaseForChangeRevision.objects.create(
        organisation_id=case.organisation_id,
        case_for_change=case,
        author=by,
        summary=summary,
        snapshot=_snapshot(case),
    )
    cycle_changed(case.cycle_id)


@transaction.atomic
def case_for_change_update(*, case: CaseForChange, by: User, sections: dict) -> CaseForChange:
    # Compare with what is stored: a ModelForm has already copied its input onto `case`.
    stored = {}
    if case.pk is not None:
        stored = CaseForChange.objects.filter(pk=case.pk).values(*CASE_SECTIONS).first() or {}
    changed = [name for name in CASE_SECTIONS if stored.get(name, "") != sections[name]]
    for name in CASE_SECTIONS:
        setattr(case, name, sections[name])
    case.full_clean()
    case.save()
    if changed:
        labels = ", ".join(str(CaseForChange._meta.get_field(n).verbose_name) for n in changed)
        case_for_change_revise(case=case, by=by, summary=f"Edited {labels}")
    cycle_changed(case.cycle_id)
    return case


@transaction.atomic
def case_for_change_agree(*, case: CaseForChange, by: User, agreed_on: date) -> CaseForChange:
    _stored(case)
    case.status = CaseForChangeStatus.AGREED
    case.agreed_on = agreed_on
    case.full_clean()
    case.save()
    case_for_change_revise(
        case=case,
        by=by,
        summary=f"Recorded as agreed by the steering group on {agreed_on:%-d %B %Y}",
        content_changed=False,
    )
    return case


@transaction.atomic
def data_source_save(*, case: CaseForChange, source: DataSource, by: User) -> DataSource:
    _stored(case)
    adding = source.pk is None
    source.organisation_id = case.organisation_id
    source.case_for_change = case
    source.full_clean()
    source.save()
    case_for_change_revise(
        case=case, by=by, summary=f"{'Added' if adding else 'Edited'} data source “{source.title}”"
    )
    return source


@transaction.atomic
def data_source_delete(*, source: DataSource, by: User) -> None:
    case = source.case_for_change
    source.delete()
    case_for_change_revise(case=case, by=by, summary=f"Removed data source “{source.title}”")


@transaction.atomic
def inequality_row_save(*, case: CaseForChange, row: InequalityRow, by: User) -> InequalityRow:
    _stored(case)
    adding = row.pk is None
    row.organisation_id = case.organisation_id
    row.case_for_change = case
    row.full_clean()
    row.save()
    verb = "Added" if adding else "Edited"
    case_for_change_revise(
        case=case, by=by, summary=f"{verb} inequality map row “{row.group}: {row.indicator}”"
    )
    return row


@transaction.atomic
def inequality_row_delete(*, row: InequalityRow, by: User) -> None:
    case = row.case_for_change
    row.delete()
    case_for_change_revise(
        case=case, by=by, summary=f"Removed inequality map row “{row.group}: {row.indicator}”"
    )
