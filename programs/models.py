"""Running a program: roster guardians, mentor and student profiles for matching, match decisions.

The people themselves (users, schools, consents, screenings) stay in `accounts`; matches stay in
`messaging`. This app adds what a coordinator needs to fill a program: who a student's guardians
are (from the district's roster), what mentors offer and students need, and why a match was made.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Guardian(models.Model):
    """A parent or guardian of a student as the district's roster lists them: a contact.

    Not a consent: consent is recorded separately (accounts.GuardianConsent) by staff who have it.
    One row per guardian and student (a guardian of two students has two rows).
    """

    district = models.ForeignKey("accounts.District", on_delete=models.PROTECT, related_name="+")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roster_guardians"
    )
    sourced_id = models.CharField(max_length=255)
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    # A BCP 47 tag as the roster gives it ("es", "es-MX"); matching compares the language part.
    preferred_language = models.CharField(max_length=35, blank=True)
    # False once the roster marks the guardian `tobedeleted` or no longer links them.
    is_active = models.BooleanField(default=True)

    class Meta:
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
    # Lower-case tags, e.g. "law", "nursing", "first-generation student".
    offers = models.JSONField(
        default=list, blank=True, help_text=_("Career fields and lived experience.")
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
        "accounts.Program", on_delete=models.CASCADE, related_name="matching_rules"
    )
    # Set for a group program: one mentor takes at most this many students of the program.
    group_size = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text=_("Group programs: most students one mentor takes in this program."),
    )

    class Meta:
        verbose_name_plural = "program rules"
        constraints = [
            models.CheckConstraint(
                condition=Q(group_size__isnull=True) | Q(group_size__gte=1),
                name="program_rules_group_size_positive",
            )
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


# --- evaluation and guardians ---


class SchoolAttendance(models.Model):
    """A student's school attendance as the district imports it (programs.evaluation): one day,
    or one week given as day counts. Kept so that a program can compare attendance before and
    after a student's match started; never shown to mentors."""

    class Period(models.IntegerChoices):
        DAY = 1, _("Day")
        WEEK = 7, _("Week")

    district = models.ForeignKey("accounts.District", on_delete=models.PROTECT, related_name="+")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="school_attendance"
    )
    # The day itself, or the Monday of an ISO week.
    period_start = models.DateField()
    period_days = models.PositiveSmallIntegerField(choices=Period.choices)
    days_present = models.PositiveSmallIntegerField()
    days_absent = models.PositiveSmallIntegerField()
    imported_at = models.DateTimeField()

    class Meta:
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
        "accounts.Program", on_delete=models.CASCADE, related_name="guardian_settings"
    )
    link_max_age_days = models.PositiveSmallIntegerField(
        default=30, help_text=_("Days a link sent to a guardian keeps working.")
    )
    digest_every_days = models.PositiveSmallIntegerField(
        default=14, help_text=_("Days between two progress e-mails to a guardian.")
    )

    class Meta:
        verbose_name_plural = "guardian settings"
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
