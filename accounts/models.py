"""People and places: districts, schools, programs, users with roles, consents and screenings.

Safety rules live in domain functions (accounts.services, messaging.services); the model
methods here only answer questions about stored facts.
"""

import datetime
import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("%(value)r is not an IANA time zone."), code="invalid", params={"value": value}
        )


class District(models.Model):
    class UnscoredPolicy(models.TextChoices):
        HOLD = "hold", _("Hold student-bound messages")
        FLAG = "flag", _("Deliver and flag for review")

    name = models.CharField(max_length=200, unique=True, verbose_name=_("name"))
    slug = models.SlugField(max_length=60, unique=True, verbose_name=_("short name in addresses"))
    timezone = models.CharField(
        max_length=64,
        default="America/New_York",
        validators=[validate_timezone],
        verbose_name=_("time zone"),
    )
    retention_days = models.PositiveIntegerField(
        default=365,
        help_text=_("Days after a match closes before its conversation is purged."),
        verbose_name=_("days kept after a match closes"),
    )
    urgent_sla_minutes = models.PositiveIntegerField(
        default=15,
        help_text=_("Urgent review items unhandled this long are escalated again."),
        verbose_name=_("urgent review time limit (minutes)"),
    )
    unscored_policy = models.CharField(
        max_length=8,
        choices=UnscoredPolicy.choices,
        default=UnscoredPolicy.HOLD,
        help_text=_(
            "What happens to student-bound messages while toxicity scoring is unavailable."
        ),
        verbose_name=_("while scoring is unavailable"),
    )
    safeguarding_lead = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("safeguarding lead"),
    )
    # Changed by a superuser only (accounts.admin.DistrictAdmin): a coordinator who could switch it
    # on would need no second coordinator for anything.
    allow_single_coordinator_credential_reset = models.BooleanField(
        default=False,
        help_text=_(
            "Let one coordinator change a mentor's, moderator's or coordinator's password or "
            "second factor without a second coordinator's approval (audited either way)."
        ),
        verbose_name=_("one coordinator may change adults' credentials"),
    )
    # Reading conversations is the moderators' job; coordinators run programs and people. A
    # district may extend the right to its coordinators (every staff read is audited either way).
    coordinators_read_conversations = models.BooleanField(
        default=False,
        help_text=_(
            "Coordinators may open conversations in the review console (every read is audited)."
        ),
        verbose_name=_("coordinators read conversations"),
    )

    # What a person of this district who has chosen no language, and whose browser asks for none
    # that Trellis speaks, is shown (accounts.languages).
    default_language = models.CharField(
        _("default language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="en",
        help_text=_("Pages for people who have chosen no language and whose browser names none."),
    )

    # Moved by every write to the district's moderation settings or keyword rules (database
    # triggers: moderation migration 0009) and read with a sender's conversation: a process keeps
    # the district's settings cached until this number moves, so a change takes effect on the
    # next send in every process.
    moderation_version = models.PositiveBigIntegerField(
        default=0, editable=False, verbose_name=_("moderation settings version")
    )

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class School(models.Model):
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="schools", verbose_name=_("district")
    )
    name = models.CharField(max_length=200, verbose_name=_("name"))
    timezone = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_timezone],
        help_text=_("Blank: the district's time zone."),
        verbose_name=_("time zone"),
    )
    # The school's OneRoster `sourcedId` in the district's roster (programs.roster); empty for a
    # school entered by hand.
    sourced_id = models.CharField(
        max_length=255, null=True, blank=True, verbose_name=_("roster ID")
    )

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "name"], name="school_unique_name_per_district"
            ),
            models.UniqueConstraint(
                fields=["district", "sourced_id"],
                condition=Q(sourced_id__isnull=False),
                name="school_unique_sourced_id_per_district",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone or self.district.timezone)


class Program(models.Model):
    class Cadence(models.TextChoices):
        WEEKLY = "weekly", _("Weekly")
        FORTNIGHTLY = "fortnightly", _("Every two weeks")

    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="programs", verbose_name=_("school")
    )
    name = models.CharField(max_length=200, verbose_name=_("name"))
    cadence = models.CharField(
        max_length=16, choices=Cadence.choices, default=Cadence.WEEKLY, verbose_name=_("cadence")
    )
    week_starts_on = models.PositiveSmallIntegerField(
        default=0,
        help_text=_("0 = Monday ... 6 = Sunday, in the school's time zone."),
        verbose_name=_("week starts on"),
    )
    reply_expected_hours = models.PositiveIntegerField(
        default=72,
        help_text=_("A mentor who has not answered a student within this time is nudged."),
        verbose_name=_("mentor replies within (hours)"),
    )
    idle_timeout_minutes = models.PositiveIntegerField(
        default=15,
        help_text=_("Students are signed out after this much inactivity."),
        verbose_name=_("sign-out after inactivity (minutes)"),
    )
    start_date = models.DateField(verbose_name=_("start date"))
    end_date = models.DateField(null=True, blank=True, verbose_name=_("end date"))
    mentors_schedule_directly = models.BooleanField(
        default=False,
        help_text=_(
            "Mentors may schedule meetings at approved venues themselves; otherwise they propose "
            "and a coordinator approves."
        ),
        verbose_name=_("mentors schedule meetings directly"),
    )

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="program_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(week_starts_on__lte=6), name="program_week_day_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def district(self) -> District:
        return self.school.district


class User(AbstractUser):
    class Role(models.TextChoices):
        STUDENT = "student", _("Student")
        MENTOR = "mentor", _("Mentor")
        MODERATOR = "moderator", _("Moderator (district staff)")
        COORDINATOR = "coordinator", _("Coordinator (program admin)")

    role = models.CharField(max_length=16, choices=Role.choices, verbose_name=_("role"))
    district = models.ForeignKey(
        District,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        verbose_name=_("district"),
    )
    # Recorded apart from the role: a peer mentor can be a minor, and the rules for minors protect
    # both sides of a peer match.
    is_minor = models.BooleanField(default=False, verbose_name=_("minor"))
    display_name = models.CharField(max_length=80, blank=True, verbose_name=_("display name"))
    # The person's OneRoster `sourcedId` in the district's roster (programs.roster); empty for
    # everyone entered by hand (mentors are never in a district's roster).
    sourced_id = models.CharField(
        max_length=255, null=True, blank=True, verbose_name=_("roster ID")
    )
    # The language the person reads Trellis in; blank until they (or a coordinator) choose one,
    # and then the browser's Accept-Language and the district's default decide (accounts.languages).
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Blank: the browser's language, else the district's default."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                fields=["district", "sourced_id"],
                condition=Q(sourced_id__isnull=False),
                name="user_unique_sourced_id_per_district",
            ),
            # Everyone but a platform superuser belongs to exactly one district.
            models.CheckConstraint(
                condition=Q(is_superuser=True) | Q(district__isnull=False),
                name="user_has_district_unless_superuser",
            ),
            models.CheckConstraint(
                condition=Q(role__in=["student", "mentor", "moderator", "coordinator"]),
                name="user_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def public_name(self) -> str:
        return self.display_name or self.first_name or self.username

    @property
    def is_adult(self) -> bool:
        return not self.is_minor

    @property
    def is_staff_role(self) -> bool:
        return self.role in (self.Role.MODERATOR, self.Role.COORDINATOR)

    @property
    def reads_conversations(self) -> bool:
        """Whether this staff member may read conversation content: a moderator always, a
        coordinator only where the district grants it
        (`District.coordinators_read_conversations`)."""
        if not self.is_active or self.district_id is None:
            return False
        if self.role == self.Role.MODERATOR:
            return True
        return self.role == self.Role.COORDINATOR and self.district.coordinators_read_conversations

    @property
    def requires_second_factor(self) -> bool:
        """Adults with a mentor or staff role must pass TOTP before anything is served."""
        return self.role != self.Role.STUDENT

    def has_active_consent(self) -> bool:
        return self.consents.filter(revoked_at__isnull=True).exists()

    def is_screened(self) -> bool:
        screening = getattr(self, "screening", None)
        return screening is not None and screening.is_complete


class GuardianConsent(models.Model):
    """A parent's or guardian's consent for a student to take part. Revoked, never deleted."""

    student = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="consents", verbose_name=_("student")
    )
    guardian_name = models.CharField(max_length=200, verbose_name=_("guardian's name"))
    # Optional: the guardian is told here when staff change the student's credentials.
    guardian_email = models.EmailField(
        blank=True,
        help_text=_("Optional. Told when staff change the student's password."),
        verbose_name=_("guardian's e-mail address"),
    )
    relationship = models.CharField(
        max_length=60, default="parent", verbose_name=_("relationship to the student")
    )
    recorded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(verbose_name=_("recorded at"))
    revoked_at = models.DateTimeField(null=True, blank=True, verbose_name=_("revoked at"))

    class Meta:
        verbose_name = _("guardian consent")
        verbose_name_plural = _("guardian consents")
        ordering = ["-recorded_at"]

    def __str__(self) -> str:
        return f"Consent for {self.student_id} by {self.guardian_name}"


class Screening(models.Model):
    """A mentor's screening: background check and orientation, each with its date."""

    mentor = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="screening", verbose_name=_("mentor")
    )
    background_check_cleared_on = models.DateField(
        null=True, blank=True, verbose_name=_("background check cleared on")
    )
    orientation_completed_on = models.DateField(
        null=True, blank=True, verbose_name=_("orientation completed on")
    )
    recorded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("screening")
        verbose_name_plural = _("screenings")

    def __str__(self) -> str:
        return f"Screening of {self.mentor_id}"

    @property
    def is_complete(self) -> bool:
        return bool(self.background_check_cleared_on and self.orientation_completed_on)


CREDENTIAL_REQUEST_LIFETIME = datetime.timedelta(hours=24)


class CredentialChangeRequest(models.Model):
    """A coordinator's change to another adult's password or second factor, waiting for a second
    coordinator of the same district (accounts.credentials). Applied only when approved before
    `expires_at`; kept afterwards as the record of who asked and who approved or declined."""

    class Kind(models.TextChoices):
        PASSWORD = "password", _("Password")
        SECOND_FACTOR = "second_factor", _("Second factor")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPLIED = "applied", _("Approved and applied")
        DECLINED = "declined", _("Declined")
        SUPERSEDED = "superseded", _("Replaced by a newer request")

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="+", verbose_name=_("district")
    )
    target = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="+", verbose_name=_("whose credentials")
    )
    kind = models.CharField(max_length=16, choices=Kind.choices, verbose_name=_("what changes"))
    requested_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    created_at = models.DateTimeField(verbose_name=_("requested at"))
    expires_at = models.DateTimeField(verbose_name=_("expires at"))
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.PENDING, verbose_name=_("status")
    )
    decided_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name=_("decided at"))
    # The new password's hash (never the password) until the request is applied or dropped.
    password_hash = models.CharField(
        max_length=128, blank=True, verbose_name=_("new password (hashed)")
    )

    class Meta:
        verbose_name = _("credential change request")
        verbose_name_plural = _("credential change requests")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["target", "kind"],
                condition=Q(status="pending"),
                name="credential_request_one_pending_per_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of user {self.target_id} ({self.get_status_display()})"


class AuditEntry(models.Model):
    """One line of the append-only, hash-chained audit log (see accounts.audit).

    Rows are only ever inserted through accounts.audit.audit_record; each carries the hash of the
    previous row, so an edited or deleted row breaks the chain at a place the verifier can name.
    """

    at = models.DateTimeField()
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept as a plain id too, so the chain still verifies after an actor's account is purged.
    actor_ref = models.BigIntegerField(null=True, blank=True)
    district = models.ForeignKey(
        District, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    district_ref = models.BigIntegerField(null=True, blank=True)
    action = models.CharField(max_length=64)
    target_type = models.CharField(max_length=40, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    # Ids and codes only: never message text or names (students' data stays out of the log).
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["district_ref", "at"]), models.Index(fields=["action"])]
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} by {self.actor_ref}"


class UserSession(models.Model):
    """A signed-in browser session, keyed by Django's session key.

    The index that "sign out all devices" revokes, and the activity clock the idle timeout reads
    (for pages and for sockets alike). A row is deleted only together with its Django session, so a
    missing row next to a live Django session only means "not seen yet", never "revoked".
    """

    session_key = models.CharField(max_length=40, primary_key=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="signed_in_sessions")
    created_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    # Fixed at sign-in from the user's programs (accounts.sessions.idle_timeout_for).
    idle_timeout_seconds = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["user"])]

    def __str__(self) -> str:
        return f"Session of user {self.user_id}"


class SignInFailure(models.Model):
    """One failed password or second-factor attempt, counted by accounts.throttle.

    The account and the address are stored as keyed hashes: enough to count attempts, without
    keeping what a person typed as a username or where a student was.
    """

    class Kind(models.TextChoices):
        PASSWORD = "password", _("Password")
        OTP = "otp", _("Second factor")

    at = models.DateTimeField()
    kind = models.CharField(max_length=8, choices=Kind.choices)
    account_ref = models.CharField(max_length=64)
    address_ref = models.CharField(max_length=64)

    class Meta:
        indexes = [
            models.Index(fields=["kind", "account_ref", "at"]),
            models.Index(fields=["kind", "address_ref", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} failure at {self.at:%Y-%m-%d %H:%M:%S}"


class FeedKey(models.Model):
    """The bearer key of a person's private calendar feed (scheduling serves the feed).

    Kept here, beside sessions and authenticators, because it is a credential: it is revoked
    with them (accounts.sessions.sessions_revoke_all: sign-out everywhere, second-factor reset,
    suspension, a disabled account) and dies with a password change (`password_ref`), without
    this layer knowing about calendars. Only a hash of the key is stored; the key itself is shown
    once, when it is made (accounts.feed_keys).
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="feed_key")
    key_hash = models.CharField(max_length=64, unique=True)
    # A keyed hash of the password hash when the key was made: a new password ends the key.
    password_ref = models.CharField(max_length=64)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Calendar feed key of user {self.user_id}"
