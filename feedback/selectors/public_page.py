"""Reads for a cycle's public "you said, we did" page, and the plug-in point through which
later stages add sections to it (`PUBLIC_PAGE_SECTIONS`).

Everything the public page shows comes from `public_page_data`, as plain dicts holding
only fields that are public by design. The template never gets a model instance, so it
cannot reach a name, an email address, an internal update or a sensitive insight by
following a relation.
"""

from django.db.models import Prefetch
from django.utils import timezone

from cycles.models import Cycle
from cycles.services.versions import cycle_cache_key
from t2a.registry import registry, resolve

from ..models import Insight, PublicPage, ReportBack, Sensitivity, Theme
from .report_backs import report_back_links

# --- plug-in point: what later stages add to the public page ------------------------------

# Plug-in point: a callable `(cycle) -> list[dict]`, the sections a later stage adds to the
# cycle's public "you said, we did" page (actions: the priorities it works on and what is
# out of scope). Each section is a plain dict, never holding a model instance, of fields
# that are public by design (the page is cached and shown to anyone):
#   "anchor": the section's id, "heading": its entry in the page's contents list,
#   "template": what renders it (given the section as `section`), "data": what it shows,
#   "after_report_backs": False to come before the report-backs, True after them.
# A section that has nothing to say is left out of the list. A fixed number of queries.
PUBLIC_PAGE_SECTIONS = "feedback.public_page_sections"


def public_page_sections(cycle: Cycle) -> list[dict]:
    return [
        section
        for e in registry.extensions(PUBLIC_PAGE_SECTIONS)
        for section in resolve(e.target)(cycle)
    ]


# --- the page -----------------------------------------------------------------------------


def public_page_for(cycle: Cycle) -> PublicPage | None:
    """The cycle's public page settings, on or off, or None before they are first saved."""
    return PublicPage.objects.filter(cycle=cycle).first()


def public_page_cache_key(cycle: Cycle) -> str:
    """The cached page body, at the cycle's data version: every service that changes what
    the page shows calls `cycle_changed`, so the next request finds no copy and renders
    the page afresh. No expiry is needed, and none is used."""
    return cycle_cache_key(cycle, "public_page")


def published_public_page(cycle_slug: str) -> PublicPage | None:
    """The switched-on public page of this organisation's cycle with that slug, or None."""
    return (
        PublicPage.objects.filter(enabled=True, cycle__slug=cycle_slug)
        .select_related("cycle")
        .first()
    )


def _attribution(insight: Insight) -> str:
    # The model's check constraint already holds this; the page does not rely on it.
    if insight.contributor_name and insight.credit_consent_at:
        return insight.contributor_name
    return "A community member"


def public_page_data(page: PublicPage) -> dict:
    """The public page of a cycle as plain data: no personal data, no sensitive insight, no
    insight quoted without consent to record (only counted), no internal update, no draft.
    A fixed number of queries however many insights, report-backs and rows of later stages
    the cycle has: three for the report-backs (with their insight and themes), and each
    section's and each kind of "we did"'s own (one or two).
    """
    cycle = page.cycle
    sections = public_page_sections(cycle)
    report_backs = list(
        ReportBack.objects.filter(cycle=cycle, published_at__isnull=False)
        .order_by("published_at", "pk")
        .prefetch_related(
            Prefetch(
                "insights",
                queryset=Insight.objects.filter(sensitivity=Sensitivity.NORMAL).order_by(
                    "captured_at", "pk"
                ),
            ),
            Prefetch("themes", queryset=Theme.objects.order_by("name")),
        )
    )
    pks = [rb.pk for rb in report_backs]
    we_did = [(link.public_template, link.public_listing(pks)) for link in report_back_links()]
    return {
        "title": cycle.title,
        "place": cycle.place,
        "summary": page.summary,
        "how_to_get_involved": page.how_to_get_involved,
        "sections_before": [s for s in sections if not s["after_report_backs"]],
        "sections_after": [s for s in sections if s["after_report_backs"]],
        "report_backs": [
            {
                "title": rb.title,
                "body": rb.body,
                "published_on": timezone.localdate(rb.published_at),
                "channels": rb.channel_labels(),
                "audience": rb.audience,
                "themes": [t.name for t in rb.themes.all()],
                # Only what people agreed to have recorded is quoted; the rest is counted.
                "insights": [
                    {
                        "summary": i.summary,
                        "quote": i.quote,
                        "attribution": _attribution(i),
                    }
                    for i in rb.insights.all()
                    if i.may_be_quoted_publicly
                ],
                "insights_not_quoted": sum(
                    1 for i in rb.insights.all() if not i.may_be_quoted_publicly
                ),
                "we_did": [
                    {"template": template, "items": found[rb.pk]}
                    for template, found in we_did
                    if found.get(rb.pk)
                ],
            }
            for rb in report_backs
        ],
    }
