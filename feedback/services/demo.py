"""Demo listening for `manage.py seed_demo`: activities, themes and insight for every cycle,
and for the maternity cycle a published report-back and its public page switched on.

Runs after cycles and stakeholders (so it can use their cycles and Trusted Places) and is
idempotent: a cycle that already has activities or insight is topped up, never doubled.
With `large`, the organisation's cycles share 5,000 insights between them.
"""

from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django_scopes import scope

from cycles.models import Cycle
from cycles.services.demo import MATERNITY_SLUG
from stakeholders.selectors.stakeholders import trusted_places
from t2a.models import Role
from t2a.services.demo import DemoOrganisation

from ..models import (
    PULSE_FIELDS,
    ActivityMethod,
    ActivityStatus,
    Channel,
    EngagementActivity,
    Insight,
    InsightTheme,
    PublicPage,
    PulseResponse,
    RecordConsent,
    ReportBack,
    Sensitivity,
    Theme,
)
from ..selectors.pulse import pulse_iterations, survey_for
from .public_page import public_page_save
from .pulse import pulse_survey_close, pulse_survey_open
from .report_backs import report_back_publish, report_back_save

LARGE_INSIGHTS = 5000

THEMES = [
    "Not being listened to",
    "Interpreters",
    "Transport and travel costs",
    "Continuity of carer",
    "Information in community languages",
    "Childcare",
    "Trust in services",
    "Appointment times",
]

# (title, method, days after the cycle started (for a planned one, days from today), start
#  time, status, community-led, where: a demo Trusted Place's name, or free text)
ACTIVITIES = [
    (
        "Pop-up at the Highfields library",
        ActivityMethod.POP_UP, 10, time(10, 30), ActivityStatus.HELD, True, "Highfields Library",
    ),
    (
        "Conversation café for Somali mothers",
        ActivityMethod.CONVERSATION_CAFE, 18, time(13), ActivityStatus.HELD, True,
        "Al-Noor Community Centre",
    ),
    (
        "Young parents' group in Braunstone",
        ActivityMethod.PEER_LED_GROUP, 25, time(18, 0), ActivityStatus.HELD, False,
        "Braunstone children's centre",
    ),
    (
        "Online listening session",
        ActivityMethod.ONLINE, 32, time(19, 30), ActivityStatus.CANCELLED, False, "Video call",
    ),
    (
        "Home-based small group",
        ActivityMethod.HOME_GROUP, 14, time(11, 0), ActivityStatus.PLANNED, True, "A host's home",
    ),
]  # fmt: skip

# (summary, quote, themes (indexes into THEMES), sensitive, named contributor, out of scope)
INSIGHTS = [
    (
        "Women say midwives do not act on what they report until it is serious.",
        "I said something was wrong three times before anyone checked.",
        [0, 6],
        False,
        "",
        "",
    ),
    (
        "Interpreters are rarely booked for short-notice scans, so partners or children translate.",
        "My nine-year-old had to tell me the scan results.",
        [1],
        False,
        "",
        "",
    ),
    (
        "Two buses to the maternity unit cost more than some families can spare each week.",
        "",
        [2],
        False,
        "Hodan Ali",
        "",
    ),
    (
        "Seeing a different midwife every time means telling the same story again.",
        "Every time a new face, every time from the start.",
        [3, 0],
        False,
        "",
        "",
    ),
    ("Leaflets about early booking are only in English.", "", [4], False, "", ""),
    (
        "Mothers with toddlers cannot bring them to appointments and have no one to mind them.",
        "",
        [5, 7],
        False,
        "",
        "",
    ),
    (
        "A woman described being afraid her immigration status would be reported.",
        "",
        [6],
        True,
        "",
        "",
    ),
    ("Evening clinics would help women who work shifts.", "", [7], False, "", ""),
    (
        "People asked for the hospital car park to be free.",
        "",
        [2],
        False,
        "",
        "Parking charges are set by the hospital trust's national contract, not locally; we have "
        "passed the comment to the trust.",
    ),
    (
        "Women want to hear back about what changes after they talk to us.",
        "We have told you this before. What happened?",
        [6, 0],
        False,
        "",
        "",
    ),
]


def seed(demo: DemoOrganisation, *, large: bool) -> None:
    with scope(organisation=demo.organisation.pk):
        cycles = list(Cycle.objects.order_by("pk").prefetch_related("community_leads"))
        if not cycles:
            return
        places = trusted_places(organisation=demo.organisation).filter(
            name__in=[a[6] for a in ACTIVITIES]
        )
        venues = {v.name: v for v in places}
        actor = demo.people[Role.COMMUNITY_LEAD]
        if large:
            share, extra = divmod(LARGE_INSIGHTS, len(cycles))
            for i, cycle in enumerate(cycles):
                activities = _activities(cycle, venues, ACTIVITIES[:2])
                themes = _themes(cycle, THEMES, actor)
                _bulk_insights(cycle, activities, themes, share + (i < extra), actor)
        else:
            for cycle in cycles:
                activities = _activities(cycle, venues, ACTIVITIES)
                themes = _themes(cycle, THEMES, actor)
                _story_insights(cycle, activities, themes, demo)
    if not large:
        _report_back_and_public_page(demo)
        _trust_pulse(demo)


def _start(cycle: Cycle) -> date:
    return cycle.start_date or (timezone.localdate() - timedelta(days=40))


def _activities(cycle: Cycle, venues, plan) -> list[EngagementActivity]:
    existing = {a.title: a for a in EngagementActivity.objects.filter(cycle=cycle)}
    leads = list(cycle.community_leads.all())
    groups = cycle.population_groups or []
    today = timezone.localdate()
    made = []
    for n, (title, method, days, starts_at, status, community_led, where) in enumerate(plan):
        activity = existing.get(title)
        if activity is None:
            held = status == ActivityStatus.HELD
            participants = 8 + 3 * n if held else None
            venue = venues.get(where)
            if status == ActivityStatus.PLANNED:
                held_on = today + timedelta(days=days)
            else:
                # What happened happened in the past, whenever the cycle started.
                held_on = min(_start(cycle) + timedelta(days=days), today - timedelta(days=1))
            activity = EngagementActivity.objects.create(
                organisation_id=cycle.organisation_id,
                cycle=cycle,
                title=title,
                method=method,
                held_on=held_on,
                starts_at=starts_at,
                venue=venue,
                venue_text="" if venue else where,
                community_led=community_led,
                languages="English, Somali, Gujarati" if community_led else "English",
                access_adaptations="Step-free access; interpreters; crèche" if held else "",
                status=status,
                participants=participants,
                reach=(
                    {g: max(1, participants // (i + 2)) for i, g in enumerate(groups)}
                    if held
                    else {}
                ),
            )
            if community_led:
                activity.facilitators.set(leads)
        made.append(activity)
    return made


def _themes(cycle: Cycle, names: list[str], actor) -> list[Theme]:
    existing = {t.name: t for t in Theme.objects.filter(cycle=cycle)}
    missing = [
        Theme(organisation_id=cycle.organisation_id, cycle=cycle, name=n, created_by=actor)
        for n in names
        if n not in existing
    ]
    for theme in Theme.objects.bulk_create(missing):
        existing[theme.name] = theme
    return [existing[n] for n in names]


def _story_insights(cycle: Cycle, activities, themes, demo: DemoOrganisation) -> None:
    if Insight.objects.filter(cycle=cycle).exists():
        return
    held = [a for a in activities if a.status == ActivityStatus.HELD]
    groups = cycle.population_groups or [""]
    lead = demo.people[Role.COMMUNITY_LEAD]
    now = timezone.now()
    for n, (summary, quote, theme_indexes, sensitive, name, out_of_scope) in enumerate(INSIGHTS):
        activity = held[n % len(held)] if held else None
        # Written up the day after the activity it was heard at, never later than now.
        captured_at = now - timedelta(days=20 - n)
        if activity is not None:
            heard = datetime.combine(activity.held_on, activity.starts_at or time(12))
            captured_at = min(
                timezone.make_aware(heard) + timedelta(days=1, hours=n), now - timedelta(hours=1)
            )
        insight = Insight.objects.create(
            organisation_id=cycle.organisation_id,
            cycle=cycle,
            activity=activity,
            summary=summary,
            quote=quote,
            population_group=groups[n % len(groups)],
            sensitivity=Sensitivity.SENSITIVE if sensitive else Sensitivity.NORMAL,
            contributor_name=name,
            credit_consent_at=captured_at if name else None,
            credit_consent_recorded_by=lead if name else None,
            record_consent=RecordConsent.IN_PERSON,
            record_consent_at=captured_at,
            record_consent_recorded_by=lead,
            captured_at=captured_at,
            captured_by=lead,
            out_of_scope_at=now if out_of_scope else None,
            out_of_scope_reason=out_of_scope,
            out_of_scope_by=demo.people[Role.ENGAGEMENT_LEAD] if out_of_scope else None,
        )
        InsightTheme.objects.bulk_create(
            InsightTheme(organisation_id=cycle.organisation_id, insight=insight, theme=themes[i])
            for i in theme_indexes
        )


def _bulk_insights(cycle: Cycle, activities, themes, wanted: int, actor) -> None:
    have = Insight.objects.filter(cycle=cycle).count()
    if have >= wanted:
        return
    groups = cycle.population_groups or [""]
    now = timezone.now()
    insights = Insight.objects.bulk_create(
        [
            Insight(
                organisation_id=cycle.organisation_id,
                cycle=cycle,
                activity=activities[n % len(activities)],
                summary=INSIGHTS[n % len(INSIGHTS)][0],
                population_group=groups[n % len(groups)],
                sensitivity=Sensitivity.SENSITIVE if n % 25 == 0 else Sensitivity.NORMAL,
                captured_at=now - timedelta(hours=n),
                captured_by=actor,
                record_consent=RecordConsent.IN_PERSON,
                record_consent_at=now - timedelta(hours=n),
                out_of_scope_at=now if n % 7 == 0 else None,
                out_of_scope_reason="Outside what this cycle can change." if n % 7 == 0 else "",
            )
            for n in range(have, wanted)
        ],
        batch_size=1000,
    )
    InsightTheme.objects.bulk_create(
        [
            InsightTheme(
                organisation_id=cycle.organisation_id,
                insight=insight,
                theme=themes[(n + k) % len(themes)],
            )
            for n, insight in enumerate(insights)
            for k in range(2)
        ],
        batch_size=2000,
    )


# --- report-back and public page ----------------------------------------------------------

REPORT_BACK_TITLE = "What you told us about interpreters and travel"
REPORT_BACK_BODY = "\n\n".join(
    [
        "Thank you to everyone who came to the cafés and the library pop-up.",
        "You told us that children and partners are often asked to interpret at scans. You "
        "told us two buses to the maternity unit cost too much. And you told us you want to "
        "hear back.",
        "Here is what we have done so far. Interpreters are now booked for every scan. We "
        "asked the council for free bus passes for appointments. We will write to you again "
        "when we know more.",
        "You can read how each action is going on this page at any time.",
    ]
)
PUBLIC_SUMMARY = (
    "In Leicester, Black and Asian women are more likely than White women to lose their baby "
    "or to be very ill in pregnancy. We are working with women and families from these "
    "communities to find out why, and to change what the maternity services do."
)
PUBLIC_INVOLVED = (
    "Come to a conversation café. They run on Tuesday mornings at the Highfields library, "
    "with a crèche and interpreters. Or ask at the Al-Noor community centre. You do not need "
    "to book."
)
# Summaries from INSIGHTS that the demo report-back answers.
ANSWERED = [INSIGHTS[1][0], INSIGHTS[2][0], INSIGHTS[9][0]]


def _report_back_and_public_page(demo: DemoOrganisation) -> None:
    """The maternity cycle reports back on what it heard. What it did comes later: the
    actions demo, seeded after this one, links its actions to this report-back."""
    lead = demo.people[Role.ENGAGEMENT_LEAD]
    with scope(organisation=demo.organisation.pk):
        cycle = Cycle.objects.filter(slug=MATERNITY_SLUG).first()
        if cycle is None:
            return
        if not ReportBack.objects.filter(cycle=cycle, title=REPORT_BACK_TITLE).exists():
            insights = list(
                Insight.objects.filter(
                    cycle=cycle, summary__in=ANSWERED, sensitivity=Sensitivity.NORMAL
                )
            )
            report_back = report_back_save(
                report_back=ReportBack(
                    organisation=demo.organisation,
                    cycle=cycle,
                    title=REPORT_BACK_TITLE,
                    body=REPORT_BACK_BODY,
                    channels=[Channel.LETTER, Channel.WHATSAPP, Channel.COMMUNITY_MEETING],
                    audience="Families who came to the cafés and the library pop-up",
                ),
                insights=insights,
                themes=Theme.objects.filter(cycle=cycle, insights__in=insights).distinct(),
                actor=lead,
            )
            report_back_publish(report_back=report_back, actor=lead)
        if not PublicPage.objects.filter(cycle=cycle).exists():
            public_page_save(
                page=PublicPage(
                    organisation=demo.organisation,
                    cycle=cycle,
                    enabled=True,
                    summary=PUBLIC_SUMMARY,
                    how_to_get_involved=PUBLIC_INVOLVED,
                ),
                actor=lead,
            )


# --- the trust pulse ------------------------------------------------------------------------

PULSE_ANSWERS = 24
# Spread around each iteration's level, so averages and distributions look like people's.
PULSE_SPREAD = [-1, 0, 0, 1, 0, -1, 1, 0, -2, 1, 0, 0, 1, -1]
PULSE_COMMENTS = [
    "The café was friendly and nobody rushed us.",
    "You said you would call back about the interpreter and nobody did.",
    "Better than last year. The leaflets in Somali helped.",
    "I still do not know what happened to what we said about the buses.",
]


def _trust_pulse(demo: DemoOrganisation) -> None:
    """A trust pulse on each iteration of the maternity cycle, the earlier ones closed, with
    answers that improve from one iteration to the next. A cycle that already has a survey
    is left alone, so running the seed again changes nothing."""
    lead = demo.people[Role.ENGAGEMENT_LEAD]
    with scope(organisation=demo.organisation.pk):
        cycle = Cycle.objects.filter(slug=MATERNITY_SLUG).first()
        if cycle is None:
            return
        chain = pulse_iterations(cycle)
        for index, iteration in enumerate(chain):
            survey = survey_for(iteration)
            if survey is not None:
                continue
            survey = pulse_survey_open(cycle=iteration, actor=lead)
            # Whole steps: the latest iteration centres on 4, each earlier one a step lower.
            level = max(2, 4 - (len(chain) - 1 - index))
            answers = max(6, PULSE_ANSWERS - 6 * (len(chain) - 1 - index))
            PulseResponse.objects.bulk_create(
                PulseResponse(
                    organisation=demo.organisation,
                    survey=survey,
                    comment=PULSE_COMMENTS[n // 6 % len(PULSE_COMMENTS)] if n % 6 == 0 else "",
                    given_on=_start(iteration) + timedelta(days=60 + n % 10),
                    **{
                        field: min(5, max(1, round(level + PULSE_SPREAD[(n + 3 * q) % 14])))
                        for q, field in enumerate(PULSE_FIELDS)
                    },
                )
                for n in range(answers)
            )
            if iteration.pk != chain[-1].pk:
                pulse_survey_close(survey=survey, actor=lead)
