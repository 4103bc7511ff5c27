"""Moderation records: one verdict per message, and the review items staff work.

The verdict vocabulary is fixed (docs/moderation.md): action deliver | flag | hold; categories from
CATEGORIES; priority low | normal | high | urgent.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

CATEGORIES = ("contact_info", "grooming", "sexual", "self_harm", "abuse_disclosure", "toxicity")

# The categories as staff read them (keyword rules' choices in the admin).
CATEGORY_LABELS = {
    "contact_info": _("Contact details"),
    "grooming": _("Grooming"),
    "sexual": _("Sexual content"),
    "self_harm": _("Self-harm"),
    "abuse_disclosure": _("Disclosure of abuse"),
    "toxicity": _("Toxic language"),
}


class Action(models.TextChoices):
    DELIVER = "deliver", _("Deliver")
    FLAG = "flag", _("Deliver and queue for review")
    HOLD = "hold", _("Hold until a moderator releases it")


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


PRIORITY_RANK = {Priority.LOW: 0, Priority.NORMAL: 1, Priority.HIGH: 2, Priority.URGENT: 3}


class ModerationRecord(models.Model):
    """The pipeline's verdict on one message as stored, before the message is delivered
    (moderation.policy.Verdict is the verdict itself; `message.verdict` reaches this row)."""

    message = models.OneToOneField(
        "messaging.Message", on_delete=models.CASCADE, related_name="verdict"
    )
    action = models.CharField(max_length=8, choices=Action.choices)
    categories = models.JSONField(default=list)
    priority = models.CharField(max_length=8, choices=Priority.choices, default=Priority.LOW)
    # [{"detector": ..., "category": ..., "reason": ..., "span": [start, end] | null, "score": ...}]
    reasons = models.JSONField(default=list)
    scores = models.JSONField(default=dict)
    scorer = models.CharField(
        max_length=40, blank=True, help_text=_("Toxicity scorer used, if any.")
    )
    language = models.CharField(
        max_length=8, blank=True, help_text=_("Language identified (ISO 639-1), empty if unsure.")
    )
    policy_version = models.CharField(
        max_length=80, blank=True, help_text=_("Rules and lexicon versions behind the verdict.")
    )
    # Weak grooming signals that did not flag alone: [{"signal", "detector", "span"}].
    signals = models.JSONField(default=list, blank=True)
    # The conversation-level weak signals the pipeline found (moderation.conversation_signals):
    # [{"family", "signal", "weight", "language"}]; the conversation's window reads these.
    weak_signals = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Moderation of message {self.message_id}: {self.action}"


class ReviewItem(models.Model):
    """A flagged or held message (or a report) waiting for district staff."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLAIMED = "claimed", _("Claimed")
        RESOLVED = "resolved", _("Resolved")

    class Source(models.TextChoices):
        PIPELINE = "pipeline", _("Moderation pipeline")
        REPORT = "report", _("Reported by a member")
        PATTERN = "pattern", _("Conversation pattern")
        RATE_LIMIT = "rate_limit", _("Sending far over the rate limit")

    district = models.ForeignKey(
        "accounts.District", on_delete=models.PROTECT, related_name="review_items"
    )
    message = models.ForeignKey(
        "messaging.Message",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="review_items",
    )
    conversation = models.ForeignKey(
        "messaging.Conversation", on_delete=models.CASCADE, related_name="review_items"
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.PIPELINE)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    priority = models.CharField(max_length=8, choices=Priority.choices)
    priority_rank = models.PositiveSmallIntegerField()
    categories = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    first_action_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    escalation_count = models.PositiveIntegerField(default=0)
    last_escalated_at = models.DateTimeField(null=True, blank=True)
    # Pattern items only (moderation.conversation_risk): {"score", "threshold", "window_days",
    # "sender", "families": {family: score}, "contributions": [{"message", "at", "family",
    # "signal", "weight", "score"}]}, ids and codes, never message text.
    pattern = models.JSONField(default=dict, blank=True)

    class Meta:
        # The queue's order: priority first, then age.
        ordering = ["-priority_rank", "created_at"]
        indexes = [models.Index(fields=["district", "status", "-priority_rank", "created_at"])]
        constraints = [
            # One unresolved pattern item per conversation: later signals append to it.
            models.UniqueConstraint(
                fields=["conversation"],
                condition=models.Q(source="pattern") & ~models.Q(status="resolved"),
                name="review_item_one_open_pattern",
            )
        ]

    # How each resolution reads to staff (moderation.review.actions sets the codes).
    RESOLUTION_LABELS = {
        "released": _("released"),
        "upheld": _("upheld"),
        "dismissed": _("dismissed as a false positive"),
    }

    def __str__(self) -> str:
        return f"Review item {self.pk} ({self.priority}, {self.status})"

    @property
    def resolution_label(self) -> str:
        return str(self.RESOLUTION_LABELS.get(self.resolution, self.resolution))


class ReviewAction(models.Model):
    """One thing a member of staff did on a review item: who, when, what and why.

    The audit log holds the same facts as ids (tamper-evident); this table holds the staff's own
    words (the reason, a note), which the log deliberately keeps out.
    """

    class Kind(models.TextChoices):
        CLAIM = "claim", _("Claimed")
        ASSIGN = "assign", _("Assigned")
        RELEASE = "release", _("Released (delivered)")
        UPHOLD = "uphold", _("Upheld (not delivered)")
        DISMISS = "dismiss", _("Dismissed as a false positive")
        WARN = "warn", _("Warned the sender")
        PAUSE = "pause", _("Paused the match")
        RESUME = "resume", _("Resumed the match")
        SUSPEND = "suspend", _("Suspended a user")
        ESCALATE = "escalate", _("Escalated to the safeguarding lead")
        REESCALATE = "reescalate", _("Escalated again (service level missed)")
        NOTE = "note", _("Note")

    item = models.ForeignKey(ReviewItem, on_delete=models.CASCADE, related_name="actions")
    # Null for the automatic re-escalation of a stale urgent item.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    reason = models.TextField(blank=True)
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} on review item {self.item_id}"


class Report(models.Model):
    """A member's report of a message or of a person, from inside a conversation."""

    item = models.OneToOneField(ReviewItem, on_delete=models.CASCADE, related_name="report")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    conversation = models.ForeignKey(
        "messaging.Conversation", on_delete=models.CASCADE, related_name="reports"
    )
    message = models.ForeignKey(
        "messaging.Message", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The person reported (the message's sender when a message is reported)."),
    )
    reason = models.TextField(blank=True)
    # True when this report paused the match (a student reporting an adult): resolving the report
    # as unfounded lets the match resume.
    paused_match = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Report {self.pk} on conversation {self.conversation_id}"


class SafeguardingAlert(models.Model):
    """An escalation to the district's designated safeguarding lead (shown in-app and e-mailed)."""

    item = models.ForeignKey(ReviewItem, on_delete=models.CASCADE, related_name="alerts")
    district = models.ForeignKey(
        "accounts.District", on_delete=models.PROTECT, related_name="safeguarding_alerts"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    repeat = models.BooleanField(
        default=False, help_text=_("Raised again because an urgent item missed its service level.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Safeguarding alert {self.pk} on item {self.item_id}"


def validate_threshold(value: float | None) -> None:
    """A toxicity threshold is blank (the scorer's default) or a score from 0 to 1."""
    if value is not None and not 0 <= value <= 1:
        raise ValidationError(
            _("The toxicity threshold is a score from 0 to 1 (for example 0.7), or blank."),
            code="threshold_range",
        )


CRISIS_RESOURCE_LINES_MAX = 10
CRISIS_RESOURCE_CHARS_MAX = 300


def validate_crisis_resources(value) -> None:
    """{"<language>": ["one resource a line", ...]} for languages in settings.LANGUAGES."""
    languages = {code for code, _ in settings.LANGUAGES}
    if not isinstance(value, dict):
        raise ValidationError(
            _('Give the resources per language: {"en": ["..."], "es": ["..."]}.'), code="invalid"
        )
    for language, lines in value.items():
        if language not in languages:
            known = ", ".join(sorted(languages))
            raise ValidationError(
                _("Unknown language %(language)r: use one of %(known)s."),
                code="invalid",
                params={"language": str(language)[:10], "known": known},
            )
        if (
            not isinstance(lines, list)
            or not lines
            or len(lines) > CRISIS_RESOURCE_LINES_MAX
            or not all(
                isinstance(line, str)
                and line.strip()
                and len(line) <= CRISIS_RESOURCE_CHARS_MAX
                and "\x00" not in line
                for line in lines
            )
        ):
            raise ValidationError(
                _(
                    "The resources for %(language)r must be a list of 1 to %(lines)d lines of "
                    "text, each at most %(chars)d characters."
                ),
                code="invalid",
                params={
                    "language": language,
                    "lines": CRISIS_RESOURCE_LINES_MAX,
                    "chars": CRISIS_RESOURCE_CHARS_MAX,
                },
            )


def validate_label_thresholds(value) -> None:
    """{label: threshold}: model labels (letters and underscores) to numbers from 0 to 1."""
    ok = isinstance(value, dict) and all(
        isinstance(k, str)
        and k.replace("_", "").isalpha()
        and isinstance(v, int | float)
        and not isinstance(v, bool)
        and 0 <= v <= 1
        for k, v in value.items()
    )
    if not ok:
        raise ValidationError(
            _('Give {"label": threshold} pairs with thresholds from 0 to 1, e.g. {"insult": 0.7}.')
        )


class DistrictModeration(models.Model):
    """A district's moderation settings, edited by coordinators in the admin."""

    district = models.OneToOneField(
        "accounts.District",
        on_delete=models.CASCADE,
        related_name="moderation_settings",
        verbose_name=_("district"),
    )
    toxicity_threshold = models.FloatField(
        null=True,
        blank=True,
        validators=[validate_threshold],
        help_text=_(
            "Model toxicity score (0-1) at or above which a message is flagged. Blank: the "
            "active scorer's default (Detoxify 0.5, profanity_check 0.95)."
        ),
        verbose_name=_("toxicity threshold"),
    )
    toxicity_thresholds = models.JSONField(
        default=dict,
        blank=True,
        validators=[validate_label_thresholds],
        help_text=_(
            'Per model label, overriding the threshold above: {"insult": 0.7, "threat": 0.3}'
        ),
        verbose_name=_("thresholds per model label"),
    )
    link_allowlist = models.TextField(
        blank=True,
        help_text=_(
            "Sites students and mentors may link to, one a line: a domain (khanacademy.org, "
            "subdomains included) or a suffix (.k12.ca.us). Added to the defaults."
        ),
        verbose_name=_("sites allowed in links"),
    )
    pattern_window_days = models.PositiveSmallIntegerField(
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_(
            "Days over which weak grooming signals from an adult to a student add up into a "
            "conversation-level review item (docs/moderation.md, Conversation-level risk)."
        ),
        verbose_name=_("pattern window (days)"),
    )
    pattern_threshold = models.FloatField(
        default=3.0,
        validators=[MinValueValidator(1.0)],
        help_text=_(
            "Conversation risk score at or above which the conversation becomes a review "
            "item. One topic repeated stays below 1.5; three distinct mild signals reach about 3."
        ),
        verbose_name=_("pattern threshold"),
    )
    crisis_resources = models.JSONField(
        default=dict,
        blank=True,
        validators=[validate_crisis_resources],
        help_text=_(
            "Help lines shown to a student whose message speaks of self-harm or abuse, per "
            'language, one a line: {"en": ["988 Suicide & Crisis Lifeline: call or text 988"], '
            '"es": [...]}. A language left out gets the national defaults.'
        ),
        verbose_name=_("crisis help lines"),
    )

    class Meta:
        verbose_name = _("district moderation settings")
        verbose_name_plural = _("district moderation settings")

    def __str__(self) -> str:
        return f"Moderation settings of district {self.district_id}"

    def allowlist(self) -> list[str]:
        return [line.strip().lower() for line in self.link_allowlist.splitlines() if line.strip()]


class KeywordRule(models.Model):
    """A word or phrase a district wants caught, matched on the normalised text."""

    class RuleAction(models.TextChoices):
        FLAG = "flag", _("Deliver and queue for review")
        HOLD = "hold", _("Hold until a moderator releases it")

    district = models.ForeignKey(
        "accounts.District",
        on_delete=models.CASCADE,
        related_name="keyword_rules",
        verbose_name=_("district"),
    )
    phrase = models.CharField(max_length=200, verbose_name=_("word or phrase"))
    category = models.CharField(
        max_length=20,
        choices=[(c, CATEGORY_LABELS[c]) for c in CATEGORIES],
        verbose_name=_("category"),
    )
    action = models.CharField(
        max_length=8, choices=RuleAction.choices, default=RuleAction.FLAG, verbose_name=_("action")
    )
    label = models.CharField(
        max_length=100,
        blank=True,
        help_text=_("Shown to moderators."),
        verbose_name=_("label for moderators"),
    )
    is_active = models.BooleanField(default=True, verbose_name=_("in use"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("keyword rule")
        verbose_name_plural = _("keyword rules")
        ordering = ["district", "phrase"]
        constraints = [
            models.UniqueConstraint(fields=["district", "phrase"], name="keyword_rule_unique")
        ]

    def __str__(self) -> str:
        return self.phrase


class ScorerStatus(models.Model):
    """The toxicity scorer's last known state, written by the process that runs it (the worker)
    and read by the health endpoint and the moderators' screen."""

    scorer = models.CharField(max_length=40, unique=True)
    state = models.CharField(max_length=12)  # ready | failed
    error = models.CharField(max_length=200, blank=True)
    changed_at = models.DateTimeField()
    checked_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.scorer}: {self.state}"


class ConversationSignal(models.Model):
    """A message with weak grooming signals, in the conversation's window: when it was sent and
    its direction then. The signals themselves are on its verdict (`ModerationRecord.
    weak_signals`, found once by the pipeline); the window joins them in its one indexed read,
    never re-screening. Only messages with at least one signal have a row."""

    message = models.OneToOneField(
        "messaging.Message", on_delete=models.CASCADE, related_name="conversation_signals"
    )
    conversation = models.ForeignKey(
        "messaging.Conversation", on_delete=models.CASCADE, related_name="+"
    )
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(help_text=_("When the message was sent."))
    # The direction as it was when the message was sent (roles and ages can change later).
    sender_role = models.CharField(max_length=16)
    sender_is_adult = models.BooleanField()
    to_student = models.BooleanField()
    to_minor = models.BooleanField()
    counts = models.BooleanField(help_text=_("In the grooming direction (conversation_risk)."))
    lexicon_version = models.PositiveSmallIntegerField()

    class Meta:
        indexes = [models.Index(fields=["conversation", "at"], name="convsignal_window")]

    def __str__(self) -> str:
        return f"Signals of message {self.message_id}"
