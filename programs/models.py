"""Running a program: roster guardians, mentor and student profiles for matching, match decisions.

The people themselves (users, schools, consents, screenings) stay in `accounts`; matches stay in
`messaging`. This app adds what a coordinator needs to fill a program: who a student's guardians
are (from the district's roster), what mentors offer and students need, and why a match was made.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Guardian(models.Model):
    """A parent or guardian of a student as the district's roster lists them: a contact.

    Not a consent: consent is recorded separately (accounts.GuardianConsent) by staff who have it.
    One row per guardian and student (a guardian of two students has two rows).
    """

    district = models.ForeignKey(
        "accounts.District", on_delete=models.PROTECT, related_name="+", verbose_name=_("district")
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="roster_guardians",
        verbose_name=_("student"),
    )
    sourced_id = models.CharField(max_length=255, verbose_name=_("roster ID"))
    name = models.CharField(max_length=200, verbose_name=_("name"))
    email = models.EmailField(blank=True, verbose_name=_("e-mail address"))
    phone = models.CharField(max_length=40, blank=True, verbose_name=_("phone"))
    # A BCP 47 tag as the roster gives it ("es", "es-MX"); matching compares the language part.
    preferred_language = models.CharField(
        max_length=35, blank=True, verbose_name=_("preferred language")
    )
    # False once the roster marks the guardian `tobedeleted` or no longer links them.
    is_active = models.BooleanField(default=True, verbose_name=_("in the roster"))

    class Meta:
        verbose_name = _("guardian")
        verbose_name_plural = _("guardians")
        ordering = ["student", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "sourced_id"], name="guardian_unique_per_student"
            )
        ]

    def __str__(self) -> str:
        return f"Guardian {self.sourced_id} of student {self.student_id}"


class MentorProfile(models.Model):
    """What a mentor offers a program, and how many students they take on at once."""

    mentor = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentor_profile"
    )
    capacity = models.PositiveSmallIntegerField(
        default=1, help_text=_("Students this mentor takes on at once, across programs.")
    )
    # Lower-case tags. What the mentor offers is their career and their lived experience, kept
    # apart so that the matching page shows each (both meet a student's stated needs).
    careers = models.JSONField(
        default=list, blank=True, help_text=_("Career fields, e.g. law, nursing.")
    )
    lived_experience = models.JSONField(
        default=list,
        blank=True,
        help_text=_("Lived experience, e.g. first-generation student, grew up bilingual."),
    )
    languages = models.JSONField(default=list, blank=True, help_text=_("Language codes: en, es."))
    interests = models.JSONField(default=list, blank=True)
    # Weekday/time slots: "mon-afternoon", "sat-morning" (programs.matching.SLOT_PARTS).
    availability = models.JSONField(default=list, blank=True)
    # A peer mentor's school grade (0 = kindergarten); blank for adults.
    grade = models.SmallIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Mentor profile of {self.mentor_id}"


class StudentProfile(models.Model):
    """A student's school (from the roster), grade, and what they hope a mentor brings."""

    student = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="student_profile"
    )
    school = models.ForeignKey(
        "accounts.School", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # 0 = kindergarten, 1-12, 13 = beyond grade 12; negative: pre-kindergarten. Blank: unknown.
    grade = models.SmallIntegerField(null=True, blank=True)
    interests = models.JSONField(default=list, blank=True)
    needs = models.JSONField(default=list, blank=True)
    languages = models.JSONField(default=list, blank=True)
    availability = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return f"Student profile of {self.student_id}"


class ProgramRules(models.Model):
    """A program's matching rules beyond the ones every program keeps."""

    program = models.OneToOneField(
        "accounts.Program",
        on_delete=models.CASCADE,
        related_name="matching_rules",
        verbose_name=_("program"),
    )
    # Set for a group program: one mentor takes at most this many students of the program.
    group_size = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1)],
        null=True,
        blank=True,
        help_text=_("Group programs: most students one mentor takes in this program."),
        verbose_name=_("group size"),
    )
    # Every this many weeks each member of an active match or group answers a check-in.
    checkin_every_weeks = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1)],
        default=4,
        help_text=_("Weeks between check-ins for mentors and students."),
        verbose_name=_("check-in every (weeks)"),
    )

    class Meta:
        verbose_name = _("program rules")
        verbose_name_plural = _("program rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(group_size__isnull=True) | Q(group_size__gte=1),
                name="program_rules_group_size_positive",
            ),
            models.CheckConstraint(
                condition=Q(checkin_every_weeks__gte=1), name="program_rules_checkin_weeks_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"Matching rules of program {self.program_id}"


class MatchDecision(models.Model):
    """Who matched whom, and why: the reasons the matching aid showed for the proposed match."""

    match = models.OneToOneField("messaging.Match", on_delete=models.PROTECT, related_name="+")
    program = models.ForeignKey("accounts.Program", on_delete=models.PROTECT, related_name="+")
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    score = models.IntegerField()
    # [{"code": "shared_interest", "text": "...", "points": 2}, ...]
    reasons = models.JSONField(default=list)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Decision for match {self.match_id}"


# --- agreements, check-ins, milestones ---


class Agreement(models.Model):
    """One version of a program's boundaries text for one audience (mentors or students).

    The current version is the highest one of the program and audience; a new version asks
    everyone to acknowledge it again. The text is kept in each language the product speaks.
    """

    class Audience(models.TextChoices):
        MENTOR = "mentor", _("Mentors")
        STUDENT = "student", _("Students and guardians")

    program = models.ForeignKey(
        "accounts.Program", on_delete=models.PROTECT, related_name="+", verbose_name=_("program")
    )
    audience = models.CharField(max_length=8, choices=Audience.choices, verbose_name=_("audience"))
    version = models.PositiveIntegerField(verbose_name=_("version"))
    text_en = models.TextField(verbose_name=_("text in English"))
    text_es = models.TextField(blank=True, verbose_name=_("text in Spanish"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("published by"),
    )
    published_at = models.DateTimeField(verbose_name=_("published at"))

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["program", "audience", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "audience", "version"], name="agreement_one_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"Agreement {self.audience} v{self.version} of program {self.program_id}"

    def text_in(self, language: str) -> str:
        """The text in `language` ("es", "es-mx"), the English one where it is not written."""
        if language.lower().startswith("es") and self.text_es.strip():
            return self.text_es
        return self.text_en


class AgreementAcceptance(models.Model):
    """A person (a mentor or a student, signed in) or a guardian acknowledged one version."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="acceptances")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="agreement_acceptances",
    )
    guardian = models.ForeignKey(
        Guardian, null=True, blank=True, on_delete=models.CASCADE, related_name="acceptances"
    )
    accepted_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(guardian__isnull=True))
                | (Q(user__isnull=True) & Q(guardian__isnull=False)),
                name="agreement_acceptance_one_person",
            ),
            models.UniqueConstraint(
                fields=["agreement", "user"],
                condition=Q(user__isnull=False),
                name="agreement_accepted_once_per_user",
            ),
            models.UniqueConstraint(
                fields=["agreement", "guardian"],
                condition=Q(guardian__isnull=False),
                name="agreement_accepted_once_per_guardian",
            ),
        ]

    def __str__(self) -> str:
        return f"Acceptance of agreement {self.agreement_id}"


class CheckIn(models.Model):
    """A check-in asked of one member of an active match or group for one period of the program
    (every `ProgramRules.checkin_every_weeks` weeks from its start date): opened by the periodic
    job, answered once. Comments are screened like messages (actions.checkins)."""

    program = models.ForeignKey(
        "accounts.Program", on_delete=models.PROTECT, related_name="+", verbose_name=_("program")
    )
    conversation = models.ForeignKey(
        "messaging.Conversation",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("conversation"),
    )
    # Set for a one-to-one match; blank for a group.
    match = models.ForeignKey(
        "messaging.Match",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("match"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="checkins",
        verbose_name=_("person"),
    )
    period_start = models.DateField(verbose_name=_("period starting"))
    opened_at = models.DateTimeField(verbose_name=_("opened at"))
    answered_at = models.DateTimeField(null=True, blank=True, verbose_name=_("answered at"))
    score = models.PositiveSmallIntegerField(null=True, blank=True, verbose_name=_("score"))
    went_well = models.TextField(blank=True, verbose_name=_("what went well"))
    worries = models.TextField(blank=True, verbose_name=_("worries"))
    # A comment the moderation pipeline flagged or held: a review item was opened for it.
    flagged = models.BooleanField(default=False, verbose_name=_("flagged by moderation"))

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["-period_start", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "user", "period_start"], name="checkin_one_per_period"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=1, score__lte=5),
                name="checkin_score_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"Check-in {self.pk} of user {self.user_id} from {self.period_start}"


class FollowUp(models.Model):
    """Something a coordinator must look into: a low check-in score, a worry, a flagged comment.
    Shown on the program's dashboard until closed with a note."""

    class Reason(models.TextChoices):
        LOW_SCORE = "low_score", _("Low score")
        WORRY = "worry", _("Something is worrying them")
        FLAGGED = "flagged", _("Comment flagged by moderation")

    program = models.ForeignKey(
        "accounts.Program", on_delete=models.PROTECT, related_name="+", verbose_name=_("program")
    )
    conversation = models.ForeignKey(
        "messaging.Conversation",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("conversation"),
    )
    match = models.ForeignKey(
        "messaging.Match",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("match"),
    )
    checkin = models.OneToOneField(
        CheckIn,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="follow_up",
        verbose_name=_("check-in"),
    )
    # Reason codes, e.g. ["low_score", "worry"].
    reasons = models.JSONField(default=list, verbose_name=_("reasons"))
    opened_at = models.DateTimeField(verbose_name=_("opened at"))
    closed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("closed at"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("closed by"),
    )
    note = models.TextField(blank=True, verbose_name=_("note"))

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["opened_at", "pk"]

    def __str__(self) -> str:
        return f"Follow-up {self.pk} ({'closed' if self.closed_at else 'open'})"


class ProgramNotice(models.Model):
    """A plain-words notice from the program to one person, shown on their home page (and
    e-mailed): a match paused, closed or reassigned. Never message content."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="program_notices"
    )
    subject = models.CharField(max_length=200)
    body = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Notice {self.pk} to {self.user_id}"


class MatchHandover(models.Model):
    """A reassignment: the closed match, the new one, and what the coordinator carries forward
    (the student's goals and the old match's history; never its messages). Read by the
    program's coordinators only."""

    old_match = models.OneToOneField(
        "messaging.Match", on_delete=models.PROTECT, related_name="handover_out"
    )
    new_match = models.OneToOneField(
        "messaging.Match", on_delete=models.PROTECT, related_name="handover_in"
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=300)
    # {"goals": {"needs": [...], "interests": [...]}, "started": date, "closed": date,
    #  "meetings_held": n, "meetings_attended": n, "checkins": [{"period", "role", "score"}],
    #  "notes": [{"at", "text"}], "events": [{"at", "from", "to", "reason"}]}
    history = models.JSONField(default=dict)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Handover {self.old_match_id} -> {self.new_match_id}"


class Milestone(models.Model):
    """An achievement of a match or group the coordinator marked: shown to its members on their
    home page. The first three kinds are suggested by programs.milestones; staff name others."""

    class Kind(models.TextChoices):
        FIRST_MEETING = "first_meeting", _("First meeting")
        TEN_WEEKS = "ten_weeks", _("10 weeks of contact")
        END_OF_YEAR = "end_of_year", _("End of the year")
        CUSTOM = "custom", _("Named by staff")

    program = models.ForeignKey(
        "accounts.Program", on_delete=models.PROTECT, related_name="+", verbose_name=_("program")
    )
    conversation = models.ForeignKey(
        "messaging.Conversation",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("conversation"),
    )
    kind = models.CharField(max_length=16, choices=Kind.choices, verbose_name=_("kind"))
    # Staff-named milestones only (the other kinds are named by their translated label).
    title = models.CharField(max_length=120, blank=True, verbose_name=_("title"))
    achieved_on = models.DateField(verbose_name=_("achieved on"))
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("marked by"),
    )
    marked_at = models.DateTimeField(verbose_name=_("marked at"))

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["achieved_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "kind"],
                condition=~Q(kind="custom"),
                name="milestone_once_per_kind",
            ),
            models.CheckConstraint(
                condition=Q(kind="custom", title__gt="") | (~Q(kind="custom") & Q(title="")),
                name="milestone_custom_has_title",
            ),
        ]

    def __str__(self) -> str:
        return f"Milestone {self.kind} of conversation {self.conversation_id}"

    @property
    def label(self) -> str:
        return self.title if self.kind == self.Kind.CUSTOM else self.get_kind_display()


# --- evaluation and guardians ---


class SchoolAttendance(models.Model):
    """A student's school attendance as the district imports it (programs.evaluation): one day,
    or one week given as day counts. Kept so that a program can compare attendance before and
    after a student's match started; never shown to mentors."""

    class Period(models.IntegerChoices):
        DAY = 1, _("Day")
        WEEK = 7, _("Week")

    district = models.ForeignKey(
        "accounts.District", on_delete=models.PROTECT, related_name="+", verbose_name=_("district")
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="school_attendance",
        verbose_name=_("student"),
    )
    # The day itself, or the Monday of an ISO week.
    period_start = models.DateField(verbose_name=_("period starting"))
    period_days = models.PositiveSmallIntegerField(choices=Period.choices, verbose_name=_("period"))
    days_present = models.PositiveSmallIntegerField(verbose_name=_("days present"))
    days_absent = models.PositiveSmallIntegerField(verbose_name=_("days absent"))
    imported_at = models.DateTimeField(verbose_name=_("imported at"))

    class Meta:
        verbose_name = _("school attendance record")
        verbose_name_plural = _("school attendance")
        ordering = ["student", "period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "period_start", "period_days"],
                name="school_attendance_once_per_period",
            ),
            models.CheckConstraint(
                condition=Q(period_days__in=[1, 7]), name="school_attendance_day_or_week"
            ),
            models.CheckConstraint(
                condition=Q(days_present__lte=7) & Q(days_absent__lte=7),
                name="school_attendance_days_in_week",
            ),
        ]

    def __str__(self) -> str:
        return f"School attendance of {self.student_id} from {self.period_start}"


class GuardianProgramText(models.Model):
    """What a program tells its students' guardians, in one language (programs.guardians): the
    information page and the letter are generated from it."""

    program = models.ForeignKey(
        "accounts.Program", on_delete=models.CASCADE, related_name="guardian_texts"
    )
    # A language code of settings.LANGUAGES ("en", "es").
    language = models.CharField(max_length=8)
    goals = models.TextField(verbose_name=_("goals of the program"))
    why_chosen = models.TextField(verbose_name=_("why the child was chosen"))
    mentors_chosen = models.TextField(verbose_name=_("how mentors are chosen and screened"))
    roles = models.TextField(verbose_name=_("roles and responsibilities"))
    meetings = models.TextField(verbose_name=_("meeting schedule"))
    contact = models.TextField(verbose_name=_("whom to contact"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["program", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "language"], name="guardian_text_once_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"Guardian text of program {self.program_id} ({self.language})"


class GuardianSettings(models.Model):
    """How long a guardian's signed link lasts, and how often the progress digest goes out."""

    program = models.OneToOneField(
        "accounts.Program",
        on_delete=models.CASCADE,
        related_name="guardian_settings",
        verbose_name=_("program"),
    )
    link_max_age_days = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1)],
        default=30,
        help_text=_("Days a link sent to a guardian keeps working."),
        verbose_name=_("link lasts (days)"),
    )
    digest_every_days = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1)],
        default=14,
        help_text=_("Days between two progress e-mails to a guardian."),
        verbose_name=_("progress e-mail every (days)"),
    )

    class Meta:
        verbose_name = _("guardian settings")
        verbose_name_plural = _("guardian settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(link_max_age_days__gte=1) & Q(digest_every_days__gte=1),
                name="guardian_settings_positive",
            )
        ]

    def __str__(self) -> str:
        return f"Guardian settings of program {self.program_id}"


class GuardianDigest(models.Model):
    """One progress e-mail sent to one guardian about one program: figures only, never message
    content. The row makes the periodic job send each period once."""

    guardian = models.ForeignKey(Guardian, on_delete=models.CASCADE, related_name="digests")
    program = models.ForeignKey("accounts.Program", on_delete=models.CASCADE, related_name="+")
    period_start = models.DateTimeField()
    period_end = models.DateTimeField()
    meetings_attended = models.PositiveIntegerField()
    weeks_with_contact = models.PositiveIntegerField()
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["guardian", "program", "period_end"], name="guardian_digest_once"
            )
        ]

    def __str__(self) -> str:
        return f"Digest to guardian {self.guardian_id} for program {self.program_id}"


class GuardianUnsubscribe(models.Model):
    """A guardian who asked for no more progress e-mails (through the digest's signed link)."""

    guardian = models.OneToOneField(Guardian, on_delete=models.CASCADE, related_name="unsubscribe")
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Guardian {self.guardian_id} unsubscribed"
