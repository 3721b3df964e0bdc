"""Listening (stage "prepare and listen"): engagement activities, insight and themes.

An engagement activity is one conversation café, pop-up or group held for a cycle. Insight
is what people said there (or elsewhere), tagged with the cycle's themes. Every insight
must end up answered (linked to a priority or action, or answered by a report-back) or
marked out of scope with a reason: "never collect insight unless you can act on it".
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone

from t2a.models import TenantModel

SHORT_TEXT = 300
SUMMARY_MAX = 4000
QUOTE_MAX = 1000
THEME_NAME_MAX = 80
RECORD_CONSENT_NOTE_MAX = 1000


class ActivityMethod(models.TextChoices):
    CONVERSATION_CAFE = "conversation_cafe", "Conversation café"
    PEER_LED_GROUP = "peer_led_group", "Peer-led small group"
    LISTENING_EVENT = "listening_event", "Listening event"
    POP_UP = "pop_up", "Pop-up in a community space"
    HOME_GROUP = "home_group", "Home-based small group"
    ONLINE = "online", "Online"
    OTHER = "other", "Other"


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class EngagementActivity(TenantModel):
    """One listening activity of a cycle.

    `reach` counts participants per population group named in the cycle, as
    {group: count}. The groups are the cycle's own labels (a JSON list on Cycle), so the
    counts sit with the activity rather than in a table of their own. A person may belong
    to several groups, so the counts may add up to more than `participants`; no single
    count may.
    """

    cycle = models.ForeignKey("cycles.Cycle", on_delete=models.CASCADE, related_name="activities")
    method = models.CharField(max_length=20, choices=ActivityMethod.choices)
    title = models.CharField(max_length=200)
    held_on = models.DateField("date")
    starts_at = models.TimeField("start time", null=True, blank=True)
    venue = models.ForeignKey(
        "stakeholders.Stakeholder",
        verbose_name="venue (a Trusted Place)",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    venue_text = models.CharField("venue (anywhere else)", max_length=200, blank=True)
    facilitators = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    community_led = models.BooleanField("led by the community", default=False)
    languages = models.CharField(max_length=200, blank=True)
    access_adaptations = models.TextField(max_length=2000, blank=True)
    status = models.CharField(
        max_length=10, choices=ActivityStatus.choices, default=ActivityStatus.PLANNED
    )
    participants = models.PositiveIntegerField("number of participants", null=True, blank=True)
    reach = models.JSONField("reach by population group", default=dict, blank=True)
    # How the people there agreed to what they said being recorded. When filled in, insight
    # recorded from this activity may rely on it instead of a tick per insight.
    record_consent_note = models.TextField(
        "how consent to record was gathered", max_length=RECORD_CONSENT_NOTE_MAX, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "engagement activities"
        ordering = ["held_on", "starts_at", "pk"]
        indexes = [models.Index(fields=["cycle", "held_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(participants__isnull=True) | Q(participants__gte=0),
                name="activity_participants_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def venue_name(self) -> str:
        return self.venue.name if self.venue_id else self.venue_text

    def reach_rows(self, groups: list[str]) -> list[tuple[str, int | None]]:
        """[(group, count or None)] in the cycle's order of groups."""
        return [(group, self.reach.get(group)) for group in groups]


class Theme(TenantModel):
    """A per-cycle tag on insight. Stage 3 priorities are drawn from these."""

    cycle = models.ForeignKey("cycles.Cycle", on_delete=models.CASCADE, related_name="themes")
    name = models.CharField(max_length=THEME_NAME_MAX)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = [Lower("name"), "pk"]
        constraints = [
            # "Housing" and "housing" are the same theme: theme_names_resolve relies on it.
            models.UniqueConstraint(
                "organisation", "cycle", Lower("name"), name="theme_name_unique_in_cycle"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Sensitivity(models.TextChoices):
    NORMAL = "normal", "Normal"
    SENSITIVE = "sensitive", "Sensitive"


class RecordConsent(models.TextChoices):
    """How the speaker agreed to what they said being recorded. Blank: no record of it (all
    insight captured before consent to record was asked), so it is never quoted publicly."""

    NOT_RECORDED = "", "Not recorded"
    IN_PERSON = "in_person", "They agreed to this being recorded"
    ACTIVITY = "activity", "Covered by the activity's consent note"


class ClosureState(models.TextChoices):
    """Where an insight stands: worked out from its fields (Insight.closure_state and the
    conditions in selectors/insight.py), never stored."""

    UNANSWERED = "unanswered", "Unanswered"
    ANSWERED = "answered", "Answered"
    OUT_OF_SCOPE = "out_of_scope", "Out of scope"


class Insight(TenantModel):
    """What was said, captured respectfully.

    Attribution: `contributor_name` may only be stored with a recorded consent to be
    credited (`credit_consent_at`); otherwise the insight shows as from "a community
    member". The check constraint holds that even against code that skips the service.

    Consent to record: `record_consent` says how the speaker agreed to what they said being
    recorded (at capture, or covered by the activity's `record_consent_note`), stamped with
    when and by whom. Insight without it stays usable inside the organisation but is never
    quoted publicly (public page, report-backs).

    Closure: an insight is answered when `answered_at` is set (by whatever answers it: a
    priority, an action or a report-back, see selectors.insight.answered()) or out of scope when
    `out_of_scope_at` is set with a reason; otherwise it is still unanswered.
    """

    cycle = models.ForeignKey("cycles.Cycle", on_delete=models.CASCADE, related_name="insights")
    activity = models.ForeignKey(
        EngagementActivity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="insights",
    )
    summary = models.TextField("what was said", max_length=SUMMARY_MAX)
    quote = models.TextField("anonymised quote", max_length=QUOTE_MAX, blank=True)
    themes = models.ManyToManyField(
        Theme, through="InsightTheme", blank=True, related_name="insights"
    )
    population_group = models.CharField(max_length=200, blank=True)
    sensitivity = models.CharField(
        max_length=10, choices=Sensitivity.choices, default=Sensitivity.NORMAL
    )
    contributor_name = models.CharField("contributor's name", max_length=150, blank=True)
    credit_consent_at = models.DateTimeField(null=True, blank=True)
    credit_consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    record_consent = models.CharField(
        "consent to record", max_length=10, choices=RecordConsent.choices, blank=True, default=""
    )
    record_consent_at = models.DateTimeField(null=True, blank=True)
    record_consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Kept apart from created_at: the feedback-loop latency counts days from capture to a
    # public report-back that answers the insight.
    captured_at = models.DateTimeField(default=timezone.now)
    captured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_note = models.CharField(max_length=SHORT_TEXT, blank=True)
    out_of_scope_at = models.DateTimeField(null=True, blank=True)
    out_of_scope_reason = models.TextField(max_length=2000, blank=True)
    out_of_scope_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-captured_at", "-pk"]
        indexes = [
            models.Index(fields=["cycle", "-captured_at"]),
            models.Index(fields=["cycle", "sensitivity"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(contributor_name="") | Q(credit_consent_at__isnull=False),
                name="insight_named_only_with_consent",
                violation_error_message="A contributor can only be named with their recorded "
                "consent to be credited.",
            ),
            models.CheckConstraint(
                condition=Q(record_consent="", record_consent_at__isnull=True)
                | (~Q(record_consent="") & Q(record_consent_at__isnull=False)),
                name="insight_record_consent_has_date",
            ),
            models.CheckConstraint(
                condition=Q(out_of_scope_at__isnull=True, out_of_scope_reason="")
                | (Q(out_of_scope_at__isnull=False) & ~Q(out_of_scope_reason="")),
                name="insight_out_of_scope_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | Q(out_of_scope_at__isnull=True),
                name="insight_answered_or_out_of_scope",
            ),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | Q(answered_at__gte=F("captured_at")),
                name="insight_answered_after_capture",
            ),
        ]

    def __str__(self) -> str:
        return self.summary[:60]

    @property
    def is_sensitive(self) -> bool:
        return self.sensitivity == Sensitivity.SENSITIVE

    @property
    def attribution(self) -> str:
        if self.contributor_name and self.credit_consent_at:
            return self.contributor_name
        return "A community member"

    @property
    def may_be_quoted_publicly(self) -> bool:
        """Only what someone agreed to have recorded is ever quoted in public."""
        return bool(self.record_consent)

    @property
    def closure_state(self) -> ClosureState:
        # `taken_up` (a later stage took it up) is annotated by the selectors, see
        # selectors.insight.answered().
        if self.answered_at or getattr(self, "taken_up", False):
            return ClosureState.ANSWERED
        if self.out_of_scope_at:
            return ClosureState.OUT_OF_SCOPE
        return ClosureState.UNANSWERED


class InsightTheme(TenantModel):
    """An insight tagged with a theme. Carries `organisation` like every tenant row."""

    insight = models.ForeignKey(Insight, on_delete=models.CASCADE, related_name="theme_links")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="insight_links")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "insight", "theme"], name="insight_theme_unique"
            ),
        ]
        indexes = [models.Index(fields=["theme", "insight"])]

    def __str__(self) -> str:
        return f"{self.insight_id} → {self.theme_id}"


# --- report-backs and the public page ("you said, we did") --------------------------------

TITLE_MAX = 200
BODY_MAX = 10000
PUBLIC_TEXT_MAX = 2000


class Channel(models.TextChoices):
    LETTER = "letter", "Letter"
    SOCIAL_MEDIA = "social_media", "Social media"
    WHATSAPP = "whatsapp", "WhatsApp"
    COMMUNITY_MEETING = "community_meeting", "Community meeting"
    WEBSITE = "website", "Website"
    OTHER = "other", "Other"


class ReportBack(TenantModel):
    """What a cycle tells the community: "you said" (insight, themes), "we did" (what later
    stages link to it: the actions app's actions and progress updates), through which
    channels and to whom.

    A report-back is a draft until it is published; publishing is what answers its insight
    (`Insight.answered_at` is the publish time of the first published report-back answering
    it, which the feedback-loop latency counts to). Published report-backs appear on the
    cycle's public page when that is switched on.

    `channels` is a list of Channel values: labels with no life of their own, like a cycle's
    population groups.
    """

    cycle = models.ForeignKey("cycles.Cycle", on_delete=models.CASCADE, related_name="report_backs")
    title = models.CharField(max_length=TITLE_MAX)
    body = models.TextField("what you want to tell people", max_length=BODY_MAX)
    insights = models.ManyToManyField(Insight, blank=True, related_name="report_backs")
    themes = models.ManyToManyField(Theme, blank=True, related_name="report_backs")
    channels = models.JSONField("channels used", default=list, blank=True)
    other_channel = models.CharField("other channel", max_length=SHORT_TEXT, blank=True)
    audience = models.CharField("who it is for", max_length=SHORT_TEXT, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = [F("published_at").asc(nulls_last=True), "created_at", "pk"]
        indexes = [models.Index(fields=["cycle", "published_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(published_at__isnull=True) | ~Q(body=""),
                name="report_back_published_has_body",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def channel_labels(self) -> list[str]:
        labels = dict(Channel.choices)
        return [
            self.other_channel if c == Channel.OTHER and self.other_channel else labels[c]
            for c in self.channels
            if c in labels
        ]


class PublicPage(TenantModel):
    """The switch and the public-only text of a cycle's "you said, we did" page.

    Kept here rather than on Cycle (which the cycles app owns): the page is the feedback
    loop's outward half. It is off until an engagement lead switches it on. `summary` and
    `how_to_get_involved` are written for the public, so nothing internal (the case for
    change, the ethics log) is published by accident.
    """

    cycle = models.OneToOneField(
        "cycles.Cycle", on_delete=models.CASCADE, related_name="public_page"
    )
    enabled = models.BooleanField("show the public page", default=False)
    summary = models.TextField("the inequality, in one paragraph", max_length=PUBLIC_TEXT_MAX)
    how_to_get_involved = models.TextField(max_length=PUBLIC_TEXT_MAX)
    first_enabled_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "cycle"], name="public_page_per_cycle"),
            models.CheckConstraint(
                condition=Q(enabled=False) | (~Q(summary="") & ~Q(how_to_get_involved="")),
                name="public_page_enabled_has_text",
            ),
        ]

    def __str__(self) -> str:
        return f"Public page of {self.cycle_id}"


# --- the trust pulse (an optional anonymous survey per cycle) ------------------------------

PULSE_COMMENT_MAX = 2000


@dataclass(frozen=True)
class PulseQuestion:
    field: str
    label: str
    explanation: str


# The six things trust is made of here, in the order the survey asks them: each is a
# rating field of PulseResponse, read from this one list by the form, the results and the
# constraint below.
PULSE_QUESTIONS = (
    PulseQuestion("openness", "Openness", "They are honest with you about what they do and why."),
    PulseQuestion("fairness", "Fairness", "They treat everyone fairly, whoever they are."),
    PulseQuestion("consistency", "Consistency", "They do what they say they will do, every time."),
    PulseQuestion(
        "understanding", "Understanding", "They understand your life and what matters to you."
    ),
    PulseQuestion("ability", "Ability", "They have the skills and means to make things better."),
    PulseQuestion("integrity", "Integrity", "They do the right thing, even when it is hard."),
)
PULSE_FIELDS = tuple(q.field for q in PULSE_QUESTIONS)
PULSE_SCALE = (1, 2, 3, 4, 5)


class PulseSurvey(TenantModel):
    """A cycle's trust pulse: a short anonymous survey reached through a shareable link.

    The link's token is never stored. `token_nonce` is random; the token is an HMAC of it
    under the project's SECRET_KEY (see `selectors.pulse.survey_token`), so staff can be shown the
    same link again, while a copy of the database alone lets nobody answer. `token_hash`
    (SHA-256 of the token) is what a visitor's link is looked up by. Replacing the link
    draws a new nonce, which kills the old link.
    """

    cycle = models.OneToOneField(
        "cycles.Cycle", on_delete=models.CASCADE, related_name="pulse_survey"
    )
    token_nonce = models.CharField(max_length=64)
    token_hash = models.CharField(max_length=64)
    # When the current link was made: a replaced link shows in the audit trail by this.
    link_made_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField()
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "cycle"], name="pulse_survey_per_cycle"
            ),
            models.UniqueConstraint(
                fields=["organisation", "token_hash"], name="pulse_survey_token_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"Trust pulse of {self.cycle_id}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class PulseResponse(TenantModel):
    """One anonymous answer to a trust pulse: six ratings from 1 to 5 and a comment.

    Deliberately nothing that could point back at a person: no IP address, user agent,
    session or user, and only the day it was given (a timestamp could be matched against
    web server logs).
    """

    survey = models.ForeignKey(PulseSurvey, on_delete=models.CASCADE, related_name="responses")
    openness = models.PositiveSmallIntegerField()
    fairness = models.PositiveSmallIntegerField()
    consistency = models.PositiveSmallIntegerField()
    understanding = models.PositiveSmallIntegerField()
    ability = models.PositiveSmallIntegerField()
    integrity = models.PositiveSmallIntegerField()
    comment = models.TextField(max_length=PULSE_COMMENT_MAX, blank=True)
    given_on = models.DateField(default=timezone.localdate)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["survey", "given_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    **{
                        f"{name}__{op}": bound
                        for name in PULSE_FIELDS
                        for op, bound in (("gte", PULSE_SCALE[0]), ("lte", PULSE_SCALE[-1]))
                    }
                ),
                name="pulse_response_ratings_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"Trust pulse response {self.pk}"
