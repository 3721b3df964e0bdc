"""Platform models: people, organisations, who belongs where, and invitations."""

import hashlib
import secrets
from datetime import timedelta
from typing import ClassVar
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django_scopes import ScopedManager


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra) -> "User":
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with their email address."""

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


# Fewer than six months would wipe contact details between the stages of one cycle; more
# than ten years is not a retention period.
RETENTION_MONTHS_MIN = 6
RETENTION_MONTHS_MAX = 120

hex_colour = RegexValidator(
    r"^#[0-9a-fA-F]{6}$", "Enter a colour as # followed by six hex digits, like #005eb8."
)


class Organisation(models.Model):
    """A tenant: an NHS body, council or voluntary-sector partner running T2A cycles."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    brand_colour = models.CharField(max_length=7, default="#005eb8", validators=[hex_colour])
    mfa_required = models.BooleanField(
        "members must use two-factor authentication",
        default=False,
        help_text="When on, a member without an authenticator app is asked to set one up "
        "before they can see anything else.",
    )
    # The escalation ladder for overdue updates: days overdue before the reminder goes to
    # the owner, then the engagement lead, then the governance board's escalations list.
    escalate_owner_after_days = models.PositiveSmallIntegerField(
        "remind the owner after (days overdue)", default=0
    )
    escalate_lead_after_days = models.PositiveSmallIntegerField(
        "then tell the engagement lead after (days overdue)", default=7
    )
    escalate_governance_after_days = models.PositiveSmallIntegerField(
        "then raise it with governance after (days overdue)", default=14
    )
    reading_ease_target = models.PositiveSmallIntegerField(
        "plain-English target (Flesch reading ease)",
        default=60,
        help_text="Public text should score at least this. 60 to 70 is plain English.",
    )
    # Retention: contact details of stakeholders with no activity for this many months are
    # removed by the daily sweep (stakeholders/services/retention.py). Blank: never.
    stakeholder_retention_months = models.PositiveSmallIntegerField(
        "remove stakeholders' contact details after this many months without activity",
        null=True,
        blank=True,
        validators=[
            MinValueValidator(RETENTION_MONTHS_MIN),
            MaxValueValidator(RETENTION_MONTHS_MAX),
        ],
        help_text=f"Leave blank to keep contact details until someone removes them. "
        f"Enter {RETENTION_MONTHS_MIN} to {RETENTION_MONTHS_MAX} months. Activity is any "
        "change to the stakeholder, a conversation, a commitment, a steering group seat or "
        "meeting, a cycle they are part of, an activity they host or a shared asset they use.",
    )
    # Moves on with every change to the organisation's data that a page shows (one helper,
    # t2a.services.versions); what is computed from that data is cached under it.
    data_version = models.PositiveBigIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(stakeholder_retention_months__isnull=True)
                | models.Q(
                    stakeholder_retention_months__gte=RETENTION_MONTHS_MIN,
                    stakeholder_retention_months__lte=RETENTION_MONTHS_MAX,
                ),
                name="organisation_stakeholder_retention_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    escalate_owner_after_days__lte=models.F("escalate_lead_after_days")
                )
                & models.Q(
                    escalate_lead_after_days__lte=models.F("escalate_governance_after_days")
                ),
                name="organisation_escalation_ladder_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(reading_ease_target__lte=100),
                name="organisation_reading_ease_target_0_100",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class OldSlug(models.Model):
    """A web address an organisation had before its slug was changed: `/o/<old>/…` sends
    its members on to the same page under the current slug (t2a.tenancy). Kept, so old
    links and bookmarks go on working, and never given to another organisation."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="old_slugs"
    )
    slug = models.SlugField(max_length=60, unique=True)
    changed_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.slug


class TenantModel(models.Model):
    """Base for every row an organisation owns.

    The default manager raises unless an organisation scope is active, so a query that
    forgot to filter by organisation fails loudly instead of leaking another tenant's rows.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")

    objects = ScopedManager(organisation="organisation")

    class Meta:
        abstract = True


class Role(models.TextChoices):
    ADMIN = "admin", "Organisation admin"
    ENGAGEMENT_LEAD = "engagement_lead", "Engagement lead"
    COMMUNITY_LEAD = "community_lead", "Community lead"
    GOVERNANCE = "governance", "Governance board member"


class Membership(TenantModel):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    # How many of the member's notifications in this organisation are unread, for the
    # header of every page: the tenancy middleware loads this row on every request anyway,
    # so the count costs no query. Kept exact by t2a.services.notifications.unread_recount,
    # which every service that creates or reads notifications calls.
    unread_notifications = models.PositiveIntegerField(default=0)

    # Unscoped on purpose: the tenant middleware uses it to find the membership that
    # decides the scope, and the home page lists one person's own organisations.
    across_organisations = models.Manager()

    class Meta:
        ordering = ["user__full_name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def default_expiry():
    return timezone.now() + timedelta(days=settings.INVITATION_DAYS_VALID)


class Invitation(TenantModel):
    """An emailed, expiring, single-use invitation to join an organisation with a role.

    Only a hash of the token is stored, so a database leak does not leak working links.
    """

    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=default_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One open invitation per address per organisation; re-inviting revokes the old.
            models.UniqueConstraint(
                "organisation",
                Lower("email"),
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation for {self.email}"

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and not self.is_expired


class Notification(TenantModel):
    """An in-app message for one member; emailed at once or in the daily digest."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    body = models.TextField(max_length=2000, blank=True)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "recipient", "read_at"])]

    def __str__(self) -> str:
        return self.title


class Delivery(models.TextChoices):
    IMMEDIATE = "immediate", "Email me each one straight away"
    DAILY_DIGEST = "daily_digest", "One email a day with everything new"


class NotificationPreference(TenantModel):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    delivery = models.CharField(max_length=20, choices=Delivery.choices, default=Delivery.IMMEDIATE)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"], name="notification_preference_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.get_delivery_display()}"


class Reminder(TenantModel):
    """A claim that one reminder is due: written before it is sent, at most once.

    The unique constraint on (kind, object, due date, recipient) is what makes a reminder
    go out once even when two sweeps or two workers decide it is due at the same moment.
    """

    kind = models.CharField(max_length=40)
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    due_date = models.DateField()
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    step = models.PositiveSmallIntegerField(
        default=0, help_text="Escalation step: 0 owner, 1 engagement lead, 2 governance."
    )
    title = models.CharField(max_length=200)
    body = models.TextField(max_length=2000, blank=True)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    enqueued_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "organisation",
                    "kind",
                    "content_type",
                    "object_id",
                    "due_date",
                    "recipient",
                ],
                name="reminder_once",
            ),
        ]
        indexes = [models.Index(fields=["sent_at", "enqueued_at"])]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id} due {self.due_date}"


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Ready"
    FAILED = "failed", "Failed"


PENDING_JOB = (JobStatus.QUEUED, JobStatus.RUNNING)


def job_file_name(job: "Job", filename: str) -> str:
    """Where a job's file is stored: its kind's folder in private storage."""
    return f"{job.file_folder}/{filename}"


class Job(TenantModel):
    """A piece of work a Celery task does for someone, and its result (a file).

    The row is the truth: queued -> running -> done, or failed with an error people can
    read. A broker message only asks a worker to act on the row, so `t2a/jobs.py` runs
    every kind the same way (a lock per job, the status check, time limits) and its one
    recovery sweep re-enqueues or fails a job whose message or worker was lost.

    A kind says what differs in class attributes: the task that runs it, the dotted path
    of its build function (`build(job) -> dict` of the fields to record when done) and of
    its again function (`again(job)`: ask for the same thing anew, from the data as it is
    now, when one being made had to be withdrawn; t2a.services.export.stored_files_withdraw),
    how long a queued job waits before it is enqueued again and a pending one before it
    is given up, and what people are told when it fails.
    """

    task_name: ClassVar[str]
    build_function: ClassVar[str]
    again_function: ClassVar[str]
    file_folder: ClassVar[str]
    requeue_after: ClassVar[timedelta]
    give_up_after: ClassVar[timedelta]
    broke_message: ClassVar[str] = (
        "Something went wrong on our side. Try again, or ask for help if it keeps failing."
    )
    too_long_message: ClassVar[str] = (
        "It took too long to make. Try again, or ask for help if it keeps failing."
    )
    gave_up_message: ClassVar[str] = (
        "It could not be made in time: the service was busy or interrupted. Try again."
    )

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    file = models.FileField(upload_to=job_file_name, blank=True)
    size_bytes = models.PositiveBigIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField(
        default=0, help_text="Deliveries that started work on it."
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]

    @property
    def pending(self) -> bool:
        return self.status in PENDING_JOB

    # Each state change is one conditional update that moves the row only from a pending
    # state, so a late or repeated delivery, the recovery sweep and a worker's error
    # handling can race without one undoing what another recorded.

    def _move(self, *, only_from: tuple[str, ...], **values) -> bool:
        moved = type(self)._base_manager.filter(pk=self.pk, status__in=only_from).update(**values)
        if moved:
            self.refresh_from_db(fields=list(values))
        return bool(moved)

    def mark_running(self) -> bool:
        """Start work on a pending job, counting the attempt; False if it is not pending."""
        return self._move(
            only_from=PENDING_JOB,
            status=JobStatus.RUNNING,
            attempts=models.F("attempts") + 1,
            started_at=timezone.now(),
            error="",
        )

    def mark_done(self, **results) -> bool:
        """Record a finished job and what its build made (the file, its size, ...)."""
        return self._move(
            only_from=PENDING_JOB,
            status=JobStatus.DONE,
            error="",
            finished_at=timezone.now(),
            **results,
        )

    def mark_failed(self, error: str) -> bool:
        """Fail a pending job with an error people can read (never a technical one)."""
        return self._move(
            only_from=PENDING_JOB,
            status=JobStatus.FAILED,
            error=error[:500],
            finished_at=timezone.now(),
        )

    def mark_queued_again(self) -> bool:
        """Put a running job whose worker died back in the queue."""
        return self._move(only_from=(JobStatus.RUNNING,), status=JobStatus.QUEUED)


class OrganisationExport(Job):
    """A zip of everything an organisation owns (CSV and JSON), built by a Celery task.

    The file sits in private storage and is only ever served through the admin-only
    download view; there is no public URL for it.
    """

    task_name = "t2a.tasks.organisation_export_task"
    build_function = "t2a.services.export.organisation_export_build"
    again_function = "t2a.services.export.organisation_export_again"
    file_folder = "exports"
    requeue_after = timedelta(seconds=settings.REPORT_REQUEUE_SECONDS)
    give_up_after = timedelta(seconds=settings.REPORT_GIVE_UP_SECONDS)
    broke_message = (
        "Something went wrong while making the export. Ask for a new one, or ask for help "
        "if it keeps failing."
    )
    too_long_message = (
        "The export took too long to make. Ask for a new one, or ask for help if it keeps failing."
    )
    gave_up_message = (
        "The export could not be made: the service was busy or interrupted. Ask for a new one."
    )

    row_count = models.PositiveIntegerField(null=True, blank=True)

    class Meta(Job.Meta):
        pass

    def __str__(self) -> str:
        return f"Export {self.pk} ({self.status})"


class Channel(models.TextChoices):
    """How an outgoing message travels. Each has one sender (t2a/senders.py)."""

    EMAIL = "email", "Email"
    TEXT = "text", "Text message"
    LETTER = "letter", "Letter"


class MessageStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class OutboundMessage(models.Model):
    """One outgoing email, text message or letter: a row before anything is sent.

    The row is written in the same transaction as what causes it, so nothing is lost when
    the broker is down. The outbox sweep (t2a/services/outbox.py) claims it — queued ->
    sending, committed before the send — sends it outside any transaction, then marks it
    sent (or queued again with a later `next_attempt_at`, and failed after the last try).
    A row left in "sending" past its lease (its worker died) is claimed again and sent with
    the same Message-ID, so a resend after a crash is the same message to a mail client.

    Account emails (a password reset, a sign-in code) belong to no organisation.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    # An email address, a phone number or a postal address, as the channel needs.
    recipient = models.CharField(max_length=500)
    subject = models.CharField(max_length=300, blank=True)
    body_text = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    # The body carries a credential (an invitation link, a password-reset link, a sign-in
    # code): it is emptied once sent or given up, so the table never keeps working links.
    secret = models.BooleanField(default=False)
    status = models.CharField(
        max_length=10, choices=MessageStatus.choices, default=MessageStatus.QUEUED
    )
    # What the organisation export leaves out of a row (t2a/services/export.py): a secret
    # message's body while it still waits to be sent holds a working link.
    EXPORT_WITHHELD = ("body_text", "body_html")

    attempts = models.PositiveSmallIntegerField(default=0, help_text="Claims that tried to send.")
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    provider_reference = models.CharField(max_length=200, blank=True)
    # What the message is about (an invitation, a notification), so its page can say
    # whether it has gone.
    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.CASCADE, null=True, blank=True
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)

    objects = ScopedManager(organisation="organisation")
    # Unscoped on purpose: the sweep sends every organisation's messages and account
    # emails, which belong to none.
    everywhere = models.Manager()  # noqa: DJ012 - after the default manager, on purpose

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=MessageStatus.values),
                name="outbound_message_status_known",
            ),
            models.CheckConstraint(
                condition=models.Q(channel__in=Channel.values),
                name="outbound_message_channel_known",
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status=MessageStatus.QUEUED),
                name="outbound_message_due",
            ),
            models.Index(
                fields=["claimed_at"],
                condition=models.Q(status=MessageStatus.SENDING),
                name="outbound_message_sending",
            ),
            models.Index(fields=["content_type", "object_id"], name="outbound_message_about"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.pk} to {self.recipient} ({self.status})"

    def export_withheld(self) -> tuple[str, ...]:
        return self.EXPORT_WITHHELD if self.secret else ()

    @property
    def message_id(self) -> str:
        """The Message-ID every send of this row carries: the same after a crash."""
        host = urlsplit(settings.SITE_URL).hostname or "t2a.invalid"
        return f"<t2a-msg-{self.pk}@{host}>"
