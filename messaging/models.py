"""Matches, conversations, memberships and messages.

A Message is immutable once stored: its body never changes; only its moderation state moves, and
every move is recorded by the moderation app. Sequence numbers are dense per conversation and are
allocated inside the inserting transaction (messaging.services.message_send).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.languages import text_in_language, validate_text_translations


class Match(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        CLOSED = "closed", _("Closed")

    program = models.ForeignKey(
        "accounts.Program",
        on_delete=models.PROTECT,
        related_name="matches",
        verbose_name=_("program"),
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="matches_as_mentor",
        verbose_name=_("mentor"),
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="matches_as_student",
        verbose_name=_("student"),
    )
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.PROPOSED, verbose_name=_("status")
    )
    status_reason = models.CharField(
        max_length=300, blank=True, verbose_name=_("reason for the status")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    closed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("closed at"))

    class Meta:
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        constraints = [
            models.CheckConstraint(
                condition=~Q(mentor=models.F("student")), name="match_two_people"
            ),
            # One open match per pair in a program; a closed one may be followed by a new one.
            models.UniqueConstraint(
                fields=["program", "mentor", "student"],
                condition=~Q(status="closed"),
                name="match_one_open_per_pair",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"Match {self.pk}: mentor {self.mentor_id} / student {self.student_id} ({self.status})"
        )


class MatchEvent(models.Model):
    """The history of a match's status: every transition, who made it, and why."""

    match = models.ForeignKey(
        Match, on_delete=models.CASCADE, related_name="events", verbose_name=_("match")
    )
    from_status = models.CharField(max_length=12, blank=True, verbose_name=_("from"))
    to_status = models.CharField(max_length=12, verbose_name=_("to"))
    reason = models.CharField(max_length=300, blank=True, verbose_name=_("reason"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("changed by"),
    )
    at = models.DateTimeField(auto_now_add=True, verbose_name=_("when"))

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"Match {self.match_id}: {self.from_status or '-'} -> {self.to_status}"


class Conversation(models.Model):
    class Kind(models.TextChoices):
        MATCH = "match", _("Mentor and student")
        GROUP = "group", _("Group")

    program = models.ForeignKey(
        "accounts.Program", on_delete=models.PROTECT, related_name="conversations"
    )
    # Denormalised from program -> school -> district so that every staff query scopes by district
    # with one indexed column.
    district = models.ForeignKey(
        "accounts.District", on_delete=models.PROTECT, related_name="conversations"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    match = models.OneToOneField(
        Match, null=True, blank=True, on_delete=models.PROTECT, related_name="conversation"
    )
    title = models.CharField(max_length=200, blank=True)
    is_open = models.BooleanField(
        default=True, help_text=_("False while the match is paused or closed: no new messages.")
    )
    last_seq = models.PositiveBigIntegerField(default=0)
    # Bumped by every new message and every later change of a message's state, under the same row
    # lock as last_seq: clients resume state changes (a release, a withdrawal) from it.
    last_change = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="match") & Q(match__isnull=False))
                | (Q(kind="group") & Q(match__isnull=True)),
                name="conversation_kind_matches_match",
            )
        ]

    def __str__(self) -> str:
        return self.title or f"Conversation {self.pk}"


class Membership(models.Model):
    class Role(models.TextChoices):
        MENTOR = "mentor", _("Mentor")
        STUDENT = "student", _("Student")

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=8, choices=Role.choices)
    joined_at = models.DateTimeField(auto_now_add=True)
    last_read_seq = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["conversation", "user"], name="membership_unique")
        ]
        indexes = [models.Index(fields=["user", "conversation"])]

    def __str__(self) -> str:
        return f"User {self.user_id} in conversation {self.conversation_id}"


class Message(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Awaiting moderation")
        DELIVERED = "delivered", _("Delivered")
        FLAGGED = "flagged", _("Delivered, flagged for review")
        HELD = "held", _("Held for review")
        RELEASED = "released", _("Released by a moderator")
        REJECTED = "rejected", _("Not delivered (upheld by a moderator)")

    # States in which the other members may see the message.
    VISIBLE_STATES = (State.DELIVERED, State.FLAGGED, State.RELEASED)

    class Kind(models.TextChoices):
        USER = "user", _("Written by a member")
        SYSTEM = "system", _("Posted by the program")
        # Crisis cards (moderation.crisis): posted by the program, each for one member only.
        SUPPORT = "support", _("Support for the student who wrote a crisis message")
        GUIDANCE = "guidance", _("Guidance for an adult member on how to respond")

    # Kinds that are addressed to one member (`visible_to`) and seen by nobody else.
    ADDRESSED_KINDS = (Kind.SUPPORT, Kind.GUIDANCE)

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="messages_sent"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.USER)
    # The one member who may see this message; empty: every member (by state, as always).
    visible_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    seq = models.PositiveBigIntegerField()
    client_id = models.CharField(max_length=64)
    body = models.TextField()
    body_sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    state_changed_at = models.DateTimeField(auto_now_add=True)
    # The conversation's last_change when this message was stored or last changed state.
    change = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["conversation", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["conversation", "seq"], name="message_seq_unique"),
            # A client id is unique per sender: a resend with the same id is the same message.
            models.UniqueConstraint(
                fields=["sender", "client_id"], name="message_client_id_unique"
            ),
            models.UniqueConstraint(
                fields=["conversation", "client_id"],
                condition=Q(sender__isnull=True),
                name="message_system_client_id_unique",
            ),
            models.CheckConstraint(
                condition=~Q(kind="user") | Q(sender__isnull=False), name="message_user_has_sender"
            ),
            # Support and guidance cards are addressed to one member and written by nobody; every
            # other message is for all members.
            models.CheckConstraint(
                condition=(
                    Q(kind__in=["support", "guidance"])
                    & Q(visible_to__isnull=False)
                    & Q(sender__isnull=True)
                )
                | (~Q(kind__in=["support", "guidance"]) & Q(visible_to__isnull=True)),
                name="message_addressed_kinds_have_one_reader",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "created_at"]),
            models.Index(fields=["conversation", "change"]),
        ]

    def __str__(self) -> str:
        return f"Message {self.pk} (conversation {self.conversation_id} #{self.seq})"

    @property
    def is_visible_to_recipients(self) -> bool:
        return self.state in self.VISIBLE_STATES


class WeeklyPrompt(models.Model):
    """A discussion question posted into every active match of a program at the start of a week."""

    program = models.ForeignKey(
        "accounts.Program",
        on_delete=models.CASCADE,
        related_name="prompts",
        verbose_name=_("program"),
    )
    week_start = models.DateField(
        help_text=_("The first day of the program week, school time."),
        verbose_name=_("week starting"),
    )
    body = models.TextField(
        _("prompt"), help_text=_("As written; shown in every language that has no text below.")
    )
    # The same question in other languages, {"es": "..."} (accounts.languages,
    # docs/adr/0008-translated-content.md).
    body_translations = models.JSONField(
        _("prompt in other languages"),
        default=dict,
        blank=True,
        validators=[validate_text_translations],
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    posted_at = models.DateTimeField(null=True, blank=True, verbose_name=_("posted at"))

    class Meta:
        verbose_name = _("weekly prompt")
        verbose_name_plural = _("weekly prompts")
        ordering = ["program", "week_start"]
        constraints = [
            models.UniqueConstraint(fields=["program", "week_start"], name="prompt_one_per_week")
        ]

    def __str__(self) -> str:
        return f"Prompt for program {self.program_id}, week of {self.week_start}"

    def text(self, language: str) -> str:
        """The question for a reader of `language`."""
        return text_in_language(
            text=self.body, translations=self.body_translations, language=language
        )


class Nudge(models.Model):
    """A reminder to a mentor who has not answered a student's message within the program's time.

    One per unanswered student message, so a mentor is nudged once per wait, not every hour.
    """

    match = models.ForeignKey(
        Match, on_delete=models.CASCADE, related_name="nudges", verbose_name=_("match")
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("mentor"),
    )
    waiting_message = models.OneToOneField(
        Message,
        on_delete=models.CASCADE,
        related_name="nudge",
        verbose_name=_("message waiting for a reply"),
    )
    week_start = models.DateField(verbose_name=_("week starting"))
    sent_at = models.DateTimeField(auto_now_add=True, verbose_name=_("sent at"))
    emailed = models.BooleanField(default=False, verbose_name=_("e-mailed"))

    class Meta:
        verbose_name = _("nudge")
        verbose_name_plural = _("nudges")
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"Nudge to mentor {self.mentor_id} on match {self.match_id}"
