"""Stakeholders: the relationship register, steering groups, conversations and commitments.

Stage 1 of T2A asks who the Trusted Leaders, Trusted Voices and Trusted Places are, who sits
on the steering group, and whether relationships are built through promises kept. These
models hold that, per organisation.
"""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower

from t2a.models import TenantModel


class Kind(models.TextChoices):
    PERSON = "person", "Person"
    ORGANISATION = "organisation", "Organisation"
    PLACE = "place", "Place"


class Sector(models.TextChoices):
    COMMUNITY = "community", "Community"
    VCSE = "vcse", "Voluntary, community and social enterprise (VCSE)"
    NHS = "nhs", "NHS"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    OTHER_PUBLIC = "other_public", "Other public sector"
    BUSINESS = "business", "Business"
    FAITH = "faith", "Faith"
    EDUCATION = "education", "Education"


# The three "system" sectors a steering group needs at least two of, beside the community.
SYSTEM_SECTORS = frozenset({Sector.VCSE, Sector.NHS, Sector.LOCAL_AUTHORITY})


class Confidentiality(models.TextChoices):
    """Who may read a steering-group meeting's record (agenda, minutes, attendees) or a
    decision. One rule decides it, in `selectors/steering.py` (see "Confidentiality of
    steering-group records" in docs/DEVELOPING.md): every page, PDF, notification and
    export reads through it.

    - MEMBERS: the group's members who use T2A (a seat held by a member of the
      organisation), the cycle's engagement lead and the chair. Not other community leads,
      governance members or admins.
    - ORGANISATION: everyone in the organisation who may open the cycle's steering group.
    - PUBLIC_SUMMARY: the same inside T2A, and it may also appear in what leaves the
      organisation (the case-for-change PDF for governance boards).
    """

    MEMBERS = "members", "Steering-group members only"
    ORGANISATION = "organisation", "The organisation"
    PUBLIC_SUMMARY = "public_summary", "May be summarised publicly"


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone"
    LETTER = "letter", "Letter"
    SOCIAL = "social", "Social media"
    WHATSAPP = "whatsapp", "WhatsApp"
    IN_PERSON = "in_person", "In person"
    WORD_OF_MOUTH = "word_of_mouth", "Word of mouth"


class TrustedTag(models.TextChoices):
    """The 3Ts. Stored as three booleans on Stakeholder so any combination filters cheaply."""

    LEADER = "leader", "Trusted Leader"
    VOICE = "voice", "Trusted Voice"
    PLACE = "place", "Trusted Place"


TAG_FIELDS = {
    TrustedTag.LEADER: "trusted_leader",
    TrustedTag.VOICE: "trusted_voice",
    TrustedTag.PLACE: "trusted_place",
}


class ConsentBasis(models.TextChoices):
    """The UK GDPR lawful basis under which contact details are held."""

    CONSENT = "consent", "Consent given by the person"
    LEGITIMATE_INTERESTS = "legitimate_interests", "Legitimate interests"
    PUBLIC_TASK = "public_task", "Public task"
    CONTRACT = "contract", "Contract"


class NamingOutput(models.TextChoices):
    """What a person may agree to be named in; each value is the Stakeholder field."""

    REPORTS = "named_in_reports", "Governance reports (PDF)"
    PUBLIC_PAGE = "named_on_public_page", "The public page"


one_to_five = [MinValueValidator(1), MaxValueValidator(5)]


def _between_one_and_five(field: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": 1, f"{field}__lte": 5}),
        name=f"stakeholder_{field}_1_to_5",
    )


class Stakeholder(TenantModel):
    """A person, organisation or place the organisation has (or wants) a relationship with.

    Contact details are personal data: they may only be held with a recorded consent
    (date, lawful basis and the member who recorded it). The service refuses them with a
    field error; the check constraint makes sure no other path can store them either.
    """

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PERSON)
    name = models.CharField(max_length=200)
    sector = models.CharField(max_length=20, choices=Sector.choices)
    trusted_leader = models.BooleanField("Trusted Leader", default=False)
    trusted_voice = models.BooleanField("Trusted Voice", default=False)
    trusted_place = models.BooleanField("Trusted Place", default=False)
    communities_reached = models.JSONField(
        default=list,
        blank=True,
        help_text="Communities or population groups this stakeholder reaches.",
    )
    influence = models.PositiveSmallIntegerField(default=3, validators=one_to_five)
    interest = models.PositiveSmallIntegerField(default=3, validators=one_to_five)
    relationship_strength = models.PositiveSmallIntegerField(default=1, validators=one_to_five)
    preferred_channels = models.JSONField(default=list, blank=True)
    languages = models.CharField(max_length=200, blank=True)
    access_needs = models.TextField(blank=True)
    notes = models.TextField(blank=True)

    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address = models.TextField(blank=True)
    consent_date = models.DateField(null=True, blank=True)
    consent_basis = models.CharField(max_length=30, choices=ConsentBasis.choices, blank=True)
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The "recorded contact": the member who holds this relationship. Besides staff, only
    # they see the contact details (a community lead who brought a stakeholder in).
    contact_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    # Consent to be named in what leaves the organisation, separate from consent to hold
    # contact details: for which outputs, who gave it (the person, or who agreed for
    # them), when, and the member who recorded it (stamped by the service). A person is
    # named in a governance report or on the public page only with it; places and
    # organisations are named without it.
    named_in_reports = models.BooleanField("May be named in governance reports", default=False)
    named_on_public_page = models.BooleanField("May be named on the public page", default=False)
    naming_consent_given_by = models.CharField(
        "Who gave consent to be named", max_length=200, blank=True
    )
    naming_consent_date = models.DateField(
        "Date consent to be named was given", null=True, blank=True
    )
    naming_consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    # Privacy: when the person's data was erased on request (and by whom), and when the
    # organisation's retention setting last removed their contact details. What was
    # removed is deliberately not recorded anywhere.
    erased_at = models.DateTimeField(null=True, blank=True)
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    contact_details_removed_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        indexes = [
            models.Index(fields=["organisation", "name"]),
            models.Index(fields=["organisation", "sector"]),
        ]
        constraints = [
            _between_one_and_five("influence"),
            _between_one_and_five("interest"),
            _between_one_and_five("relationship_strength"),
            models.CheckConstraint(
                condition=Q(email="", phone="", address="")
                | (
                    Q(consent_date__isnull=False, consent_recorded_by__isnull=False)
                    & ~Q(consent_basis="")
                ),
                name="stakeholder_contact_needs_consent",
                violation_error_message="Contact details can only be saved with a recorded "
                "consent: its date, basis and who recorded it.",
            ),
            models.CheckConstraint(
                condition=Q(named_in_reports=False, named_on_public_page=False)
                | (
                    Q(naming_consent_date__isnull=False, naming_consent_recorded_by__isnull=False)
                    & ~Q(naming_consent_given_by="")
                ),
                name="stakeholder_naming_needs_consent",
                violation_error_message="A stakeholder can only be named with a recorded "
                "consent to be named: who gave it, when and who recorded it.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    @property
    def has_contact_details(self) -> bool:
        return bool(self.email or self.phone or self.address)

    @property
    def is_person(self) -> bool:
        return self.kind == Kind.PERSON

    @property
    def naming_outputs(self) -> list[str]:
        """Where this person agreed to be named, as labels ([] for nowhere)."""
        return [label for value, label in NamingOutput.choices if getattr(self, value)]

    @property
    def trusted_tags(self) -> list[str]:
        return [tag.label for tag, field in TAG_FIELDS.items() if getattr(self, field)]

    def get_preferred_channels_display(self) -> list[str]:
        labels = dict(Channel.choices)
        return [labels.get(c, c) for c in self.preferred_channels]


# What a person records about a stakeholder, declared once, in the order a CSV file carries
# it: the stakeholder form edits these fields (forms/stakeholders.py) and the CSV import and
# export carry them (forms/csv.py). The model's other fields are set by the platform, never
# typed in; `tests/test_models.py` fails on a model field that is in neither list.
STAKEHOLDER_FIELDS = (
    "name",
    "kind",
    "sector",
    *TAG_FIELDS.values(),
    "communities_reached",
    "influence",
    "interest",
    "relationship_strength",
    "preferred_channels",
    "languages",
    "access_needs",
    "notes",
    "email",
    "phone",
    "address",
    "consent_date",
    "consent_basis",
    "contact_owner",
    "named_in_reports",
    "named_on_public_page",
    "naming_consent_given_by",
    "naming_consent_date",
)
STAKEHOLDER_NOT_RECORDED = {
    "id": "The register's own number.",
    "organisation": "Set from the organisation whose register it is.",
    "consent_recorded_by": "Stamped by the service: the member who recorded the consent.",
    "naming_consent_recorded_by": "Stamped by the service: the member who recorded the "
    "consent to be named.",
    "erased_at": "Set by erasure (services/privacy.py).",
    "erased_by": "Set by erasure (services/privacy.py).",
    "contact_details_removed_at": "Set by the retention sweep (services/retention.py).",
    "created_at": "Set when the row is made.",
    "updated_at": "Set whenever the row changes.",
}


class StakeholderCycle(TenantModel):
    """A stakeholder's part in one cycle, such as "venue host" or "co-facilitator"."""

    stakeholder = models.ForeignKey(
        Stakeholder, on_delete=models.CASCADE, related_name="cycle_links"
    )
    cycle = models.ForeignKey(
        "cycles.Cycle", on_delete=models.CASCADE, related_name="stakeholder_links"
    )
    role = models.CharField("Role in this cycle", max_length=120, blank=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cycle_id", "stakeholder__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "cycle", "stakeholder"], name="stakeholder_cycle_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stakeholder} in {self.cycle}"


class SteeringGroupMember(TenantModel):
    """A seat on a cycle's steering group, held by a stakeholder or by a member (user)."""

    cycle = models.ForeignKey(
        "cycles.Cycle", on_delete=models.CASCADE, related_name="steering_members"
    )
    stakeholder = models.ForeignKey(
        Stakeholder, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    sector = models.CharField(max_length=20, choices=Sector.choices)
    role = models.CharField("Role on the group", max_length=120, blank=True)
    # The chair, with the cycle's engagement lead, decides who may read each meeting's
    # record and each decision (Confidentiality).
    is_chair = models.BooleanField("Chair of the group", default=False)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sector", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "cycle"],
                condition=Q(is_chair=True),
                name="steering_member_one_chair",
                violation_error_message="The steering group already has a chair.",
            ),
            models.CheckConstraint(
                condition=Q(stakeholder__isnull=False, user__isnull=True)
                | Q(stakeholder__isnull=True, user__isnull=False),
                name="steering_member_stakeholder_xor_user",
                violation_error_message="Choose either a stakeholder or a member, not both.",
            ),
            models.UniqueConstraint(
                fields=["organisation", "cycle", "stakeholder"],
                condition=Q(stakeholder__isnull=False),
                name="steering_member_unique_stakeholder",
                violation_error_message="This stakeholder is already on the steering group.",
            ),
            models.UniqueConstraint(
                fields=["organisation", "cycle", "user"],
                condition=Q(user__isnull=False),
                name="steering_member_unique_user",
                violation_error_message="This member is already on the steering group.",
            ),
        ]

    def __str__(self) -> str:
        return str(self.stakeholder or self.user)

    @property
    def name(self) -> str:
        return str(self.stakeholder or self.user)


class SteeringMeeting(TenantModel):
    cycle = models.ForeignKey(
        "cycles.Cycle", on_delete=models.CASCADE, related_name="steering_meetings"
    )
    held_on = models.DateField("Date")
    starts_at = models.TimeField("Start time", null=True, blank=True)
    attendees = models.ManyToManyField(SteeringGroupMember, blank=True, related_name="meetings")
    agenda = models.TextField(blank=True)
    minutes = models.TextField(blank=True)
    # Covers the agenda, the minutes and who attended; each decision has its own level.
    # New meetings start closed: a record shared too narrowly can be opened with one
    # change, one shared too widely cannot be taken back.
    confidentiality = models.CharField(
        "Who may read the agenda, minutes and attendees",
        max_length=20,
        choices=Confidentiality.choices,
        default=Confidentiality.MEMBERS,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["organisation", "held_on"])]

    def __str__(self) -> str:
        return f"Steering group meeting on {self.held_on:%-d %B %Y}"


class SteeringDecision(TenantModel):
    meeting = models.ForeignKey(SteeringMeeting, on_delete=models.CASCADE, related_name="decisions")
    # Denormalised from the meeting so the cycle page lists decisions with one query.
    cycle = models.ForeignKey("cycles.Cycle", on_delete=models.CASCADE, related_name="+")
    text = models.TextField("Decision")
    confidentiality = models.CharField(
        "Who may read this decision",
        max_length=20,
        choices=Confidentiality.choices,
        default=Confidentiality.MEMBERS,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-meeting__held_on", "-pk"]

    def __str__(self) -> str:
        # Never the text: this name is kept in the audit trail and shown to readers who
        # may not read a confidential decision.
        return f"Steering group decision {self.pk}" if self.pk else "Steering group decision"


class Conversation(TenantModel):
    """One interaction with one or more stakeholders: a check-in, a call, a real conversation."""

    held_on = models.DateField("Date")
    stakeholders = models.ManyToManyField(Stakeholder, related_name="conversations")
    staff_member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(max_length=20, choices=Channel.choices)
    summary = models.TextField()
    cycle = models.ForeignKey(
        "cycles.Cycle",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The cycle this conversation was part of, if any.",
    )
    meaningful = models.BooleanField(
        "Meaningful conversation",
        default=False,
        help_text="A conversation that built understanding or trust, not just an update.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["organisation", "held_on"])]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} on {self.held_on:%-d %B %Y}"


class Commitment(TenantModel):
    """A promise made in a conversation: what, to whom, by whom, by when, and whether kept."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="commitments"
    )
    promise = models.TextField("What was promised")
    made_to = models.ForeignKey(
        Stakeholder, on_delete=models.CASCADE, related_name="commitments", verbose_name="To whom"
    )
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField("Due date")
    kept_on = models.DateField(null=True, blank=True)
    broken_on = models.DateField(null=True, blank=True)
    broken_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["organisation", "due_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(kept_on__isnull=True) | Q(broken_on__isnull=True),
                name="commitment_not_kept_and_broken",
            ),
            models.CheckConstraint(
                condition=Q(broken_on__isnull=True) | ~Q(broken_reason=""),
                name="commitment_broken_needs_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.promise[:60]

    @property
    def is_open(self) -> bool:
        return self.kept_on is None and self.broken_on is None

    @property
    def kept_on_time(self) -> bool:
        return self.kept_on is not None and self.kept_on <= self.due_on

    def status(self, today: date) -> str:
        if self.kept_on is not None:
            return "kept on time" if self.kept_on_time else "kept late"
        if self.broken_on is not None:
            return "broken"
        return "overdue" if self.due_on < today else "open"


class AssetKind(models.TextChoices):
    SPACE = "space", "Space"
    TRAINING = "training", "Training"
    EQUIPMENT = "equipment", "Equipment"
    DECISION_MAKERS = "decision_makers", "Access to decision makers"


class SharedAsset(TenantModel):
    """Something a partner can share: a room, a course, a projector, a seat at a table."""

    kind = models.CharField(max_length=20, choices=AssetKind.choices)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        Stakeholder,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="shared_assets",
        help_text="The partner who offers it. Leave empty if it is your organisation's own.",
    )
    availability = models.CharField(
        max_length=200, blank=True, help_text="For example, weekday evenings, or on request."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class AssetUse(TenantModel):
    asset = models.ForeignKey(SharedAsset, on_delete=models.CASCADE, related_name="uses")
    used_by = models.ForeignKey(
        Stakeholder, on_delete=models.CASCADE, related_name="asset_uses", verbose_name="Used by"
    )
    used_on = models.DateField("Date")
    purpose = models.CharField("What for", max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-used_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.asset} used by {self.used_by}"


# --- community-lead preparation (stage 2) -------------------------------------------------

# Text limits for preparation records: room to write, but a pasted 20,000-character blob
# is refused with a clear message instead of being stored.
PREPARATION_TEXT = 5000

DEFAULT_TRAINING_TOPICS = (
    "How the system works",
    "Engagement skills",
    "Data skills",
    "Trauma-informed practice",
    "Attending meetings",
)


class TrainingTopic(TenantModel):
    """A training subject. Each organisation starts with the five defaults and can add more."""

    name = models.CharField(max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                "organisation",
                Lower("name"),
                name="training_topic_unique_name",
                violation_error_message="There is already a topic with this name.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PaymentArrangement(models.TextChoices):
    PAID_AND_EXPENSES = "paid_and_expenses", "Paid for their time, with expenses"
    PAID = "paid", "Paid for their time"
    EXPENSES_ONLY = "expenses_only", "Expenses only"
    VOUCHERS = "vouchers", "Vouchers or a thank-you payment"
    NONE = "none", "No payment or expenses, by their choice"


def _hours_in_range() -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(hours_per_month__gt=0, hours_per_month__lte=200),
        name="role_agreement_hours_in_range",
        violation_error_message="Expected hours a month must be more than 0 and at most 200.",
    )


class RoleAgreement(TenantModel):
    """What a community lead and the organisation agree about the lead's part in one cycle.

    Both sides confirm: a member of staff for the organisation, the community lead for
    themself. The terms carry a version number; a confirmation names the version it agreed
    to, and any change to the terms clears both confirmations, so nobody is held to terms
    they have not seen.
    """

    cycle = models.ForeignKey(
        "cycles.Cycle", on_delete=models.CASCADE, related_name="role_agreements"
    )
    community_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    role = models.CharField("Their role", max_length=200)
    hours_per_month = models.DecimalField(
        "Expected hours a month",
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(200)],
    )
    channels = models.JSONField("How they prefer to be contacted", default=list, blank=True)
    communication_notes = models.TextField(
        "Communication preferences",
        blank=True,
        validators=[MaxLengthValidator(PREPARATION_TEXT)],
    )
    boundaries = models.TextField(
        "Boundaries", blank=True, validators=[MaxLengthValidator(PREPARATION_TEXT)]
    )
    payment_arrangement = models.CharField(
        "Payment or expenses", max_length=20, choices=PaymentArrangement.choices
    )
    payment_details = models.TextField(
        "Payment details", blank=True, validators=[MaxLengthValidator(PREPARATION_TEXT)]
    )
    terms_version = models.PositiveIntegerField(default=1)
    lead_confirmed_at = models.DateTimeField(null=True, blank=True)
    lead_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    community_lead_confirmed_at = models.DateTimeField(null=True, blank=True)
    agreed_on = models.DateField("Date agreed", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["cycle_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "cycle", "community_lead"],
                name="role_agreement_one_per_lead",
                violation_error_message="This community lead already has a role agreement "
                "for this cycle.",
            ),
            _hours_in_range(),
            # The date agreed is the day the second side confirmed: it exists exactly when
            # both confirmations do.
            models.CheckConstraint(
                condition=Q(
                    agreed_on__isnull=True,
                )
                | Q(lead_confirmed_at__isnull=False, community_lead_confirmed_at__isnull=False),
                name="role_agreement_agreed_needs_both",
            ),
        ]

    def __str__(self) -> str:
        return f"Role agreement for {self.community_lead} in {self.cycle}"

    @property
    def is_confirmed(self) -> bool:
        return self.lead_confirmed_at is not None and self.community_lead_confirmed_at is not None

    @property
    def status(self) -> str:
        if self.is_confirmed:
            return "Agreed"
        if self.lead_confirmed_at is not None:
            return "Waiting for the community lead"
        if self.community_lead_confirmed_at is not None:
            return "Waiting for the organisation"
        return "Not confirmed yet"

    def get_channels_display(self) -> list[str]:
        labels = dict(Channel.choices)
        return [labels.get(c, c) for c in self.channels]


class TrainingRecord(TenantModel):
    """A training session community leads attended, recorded in one cycle.

    Training belongs to the person: for readiness, a lead trained in any of the
    organisation's cycles counts as trained.
    """

    cycle = models.ForeignKey(
        "cycles.Cycle", on_delete=models.CASCADE, related_name="training_records"
    )
    # RESTRICT: a topic in use cannot be deleted alone, but organisation deletion cascades.
    topic = models.ForeignKey(TrainingTopic, on_delete=models.RESTRICT, related_name="records")
    held_on = models.DateField("Date")
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="TrainingAttendance",
        related_name="+",
        verbose_name="Community leads who attended",
    )
    other_attendees = models.CharField("Others who attended", max_length=300, blank=True)
    summary = models.TextField(
        "What was covered", blank=True, validators=[MaxLengthValidator(PREPARATION_TEXT)]
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["organisation", "held_on"])]

    def __str__(self) -> str:
        return f"{self.topic} on {self.held_on:%-d %B %Y}"


class TrainingAttendance(TenantModel):
    """A community lead at a training session (an explicit table so it carries the tenant)."""

    training = models.ForeignKey(TrainingRecord, on_delete=models.CASCADE, related_name="+")
    community_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "training", "community_lead"],
                name="training_attendance_unique",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "community_lead"])]

    def __str__(self) -> str:
        return f"{self.community_lead} at {self.training_id}"


class CheckInKind(models.TextChoices):
    WELLBEING = "wellbeing", "Wellbeing check-in"
    REFLECTIVE = "reflective", "Reflective check-in"


class CheckIn(TenantModel):
    """A wellbeing or reflective check-in with a community lead, and when the next is due.

    The notes are private to staff and the community lead themself: selectors filter the
    rows by who is asking, and governance only ever receives counts.
    """

    cycle = models.ForeignKey("cycles.Cycle", on_delete=models.CASCADE, related_name="checkins")
    community_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="Held by",
    )
    kind = models.CharField(
        "Kind of check-in",
        max_length=20,
        choices=CheckInKind.choices,
        default=CheckInKind.WELLBEING,
    )
    held_on = models.DateField("Date")
    notes = models.TextField("Notes", blank=True, validators=[MaxLengthValidator(PREPARATION_TEXT)])
    next_due_on = models.DateField("Next check-in due", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "next_due_on"]),
            models.Index(fields=["organisation", "cycle", "community_lead"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(next_due_on__isnull=True) | Q(next_due_on__gt=F("held_on")),
                name="checkin_next_due_after_held",
                violation_error_message="The next check-in must be due after this one.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} with {self.community_lead} on {self.held_on:%-d %B %Y}"
