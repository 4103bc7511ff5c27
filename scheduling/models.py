"""Scheduling records: approved venues, district holidays, meeting series and their meetings,
RSVPs, attendance, reminders sent, and periodic-job slots. (A calendar feed's key is a credential
and lives with the others in accounts: accounts.models.FeedKey.)"""

import datetime
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.clock import when_text

from . import recurrence


class PeriodicSlot(models.Model):
    """A claimed run of a periodic job: (name, slot) is unique, so two workers never both run it."""

    name = models.CharField(max_length=100)
    slot = models.DateTimeField()
    claimed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "slot"], name="periodic_slot_once")]

    def __str__(self) -> str:
        return f"{self.name} @ {self.slot.isoformat()}"


class Venue(models.Model):
    """A place at a school where in-person meetings may happen, once the district approves it."""

    school = models.ForeignKey(
        "accounts.School", on_delete=models.CASCADE, related_name="venues", verbose_name=_("school")
    )
    name = models.CharField(
        max_length=120, help_text=_("e.g. Library, Room 114"), verbose_name=_("name")
    )
    approved = models.BooleanField(default=False, verbose_name=_("approved"))
    opens = models.TimeField(
        default=datetime.time(7, 30),
        help_text=_("Meetings may start from (school time)."),
        verbose_name=_("opens"),
    )
    closes = models.TimeField(
        default=datetime.time(17, 30),
        help_text=_("Meetings must end by (school time)."),
        verbose_name=_("closes"),
    )

    class Meta:
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        ordering = ["school", "name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="venue_unique_per_school")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.school})"


class Holiday(models.Model):
    """A district day without meetings; recurring meetings on it are skipped."""

    district = models.ForeignKey(
        "accounts.District",
        on_delete=models.CASCADE,
        related_name="holidays",
        verbose_name=_("district"),
    )
    date = models.DateField(verbose_name=_("date"))
    name = models.CharField(max_length=120, verbose_name=_("name"))

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["district", "date"], name="holiday_once_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.date})"


class MeetingSeries(models.Model):
    """Recurring in-person meetings for one conversation's members (a match or a group).

    Stores the rule, the IANA zone and the wall-clock time; occurrences are expanded in local time
    (scheduling.recurrence) and materialised as Meeting rows ahead of time.
    """

    conversation = models.ForeignKey(
        "messaging.Conversation",
        on_delete=models.CASCADE,
        related_name="meeting_series",
        verbose_name=_("conversation"),
    )
    venue = models.ForeignKey(
        Venue, on_delete=models.PROTECT, related_name="series", verbose_name=_("venue")
    )
    title = models.CharField(max_length=200, verbose_name=_("title"))
    rule = models.CharField(
        max_length=300,
        help_text=_("RFC 5545 RRULE, e.g. FREQ=WEEKLY;COUNT=10"),
        verbose_name=_("repeat rule"),
    )
    timezone = models.CharField(max_length=64, verbose_name=_("time zone"))
    first_date = models.DateField(verbose_name=_("first date"))
    start_time = models.TimeField(verbose_name=_("start time"))
    duration_minutes = models.PositiveIntegerField(default=45, verbose_name=_("length (minutes)"))
    active = models.BooleanField(default=True, verbose_name=_("going on"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("meeting series")
        verbose_name_plural = _("meeting series")

    def __str__(self) -> str:
        return self.title


class Meeting(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    series = models.ForeignKey(
        MeetingSeries,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="meetings",
        verbose_name=_("series"),
    )
    conversation = models.ForeignKey(
        "messaging.Conversation",
        on_delete=models.CASCADE,
        related_name="meetings",
        verbose_name=_("conversation"),
    )
    venue = models.ForeignKey(
        Venue, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("venue")
    )
    local_date = models.DateField(
        help_text=_("The occurrence's date in the series (school time)."), verbose_name=_("date")
    )
    starts_at = models.DateTimeField(verbose_name=_("starts at"))
    ends_at = models.DateTimeField(verbose_name=_("ends at"))
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.SCHEDULED, verbose_name=_("status")
    )
    # Bumped on every change; a reschedule or cancel names the version it saw (one outcome wins).
    version = models.PositiveIntegerField(default=1, verbose_name=_("version"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["series", "local_date"], name="meeting_once_per_date"),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="meeting_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["status", "starts_at"])]

    def __str__(self) -> str:
        # At its school's clock, labelled, as every page shows it (the admin's titles and choices).
        return gettext("Meeting %(id)s, %(when)s") % {
            "id": self.pk,
            "when": when_text(self.starts_at, self.venue.school.tz),
        }


class Rsvp(models.Model):
    class Response(models.TextChoices):
        YES = "yes", _("Going")
        NO = "no", _("Not going")
        MAYBE = "maybe", _("Maybe")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="rsvps")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    response = models.CharField(max_length=5, choices=Response.choices)
    at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="rsvp_once")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.response}"


class Attendance(models.Model):
    """One person's attendance at one meeting: present, absent, or excused (absent with a reason
    the program accepts). `present` stays the column older readers (records export) use."""

    class State(models.TextChoices):
        PRESENT = "present", _("Present")
        ABSENT = "absent", _("Absent")
        EXCUSED = "excused", _("Excused")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("meeting")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("person"),
    )
    present = models.BooleanField(verbose_name=_("present"))
    excused = models.BooleanField(default=False, verbose_name=_("excused"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(auto_now=True, verbose_name=_("recorded at"))

    class Meta:
        verbose_name = _("attendance record")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="attendance_once"),
            models.CheckConstraint(
                condition=~(models.Q(present=True) & models.Q(excused=True)),
                name="attendance_excused_is_absent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.state}"

    @property
    def state(self) -> str:
        if self.present:
            return self.State.PRESENT
        return self.State.EXCUSED if self.excused else self.State.ABSENT


class MeetingProposal(models.Model):
    """A mentor's proposed meeting for one of their matches, until a coordinator approves it (the
    meeting is then created through scheduling.services, venue rules and all) or declines it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a coordinator")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    conversation = models.ForeignKey(
        "messaging.Conversation", on_delete=models.CASCADE, related_name="meeting_proposals"
    )
    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, related_name="proposals")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    local_date = models.DateField()
    start_time = models.TimeField()
    duration_minutes = models.PositiveIntegerField()
    note = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(max_length=500, blank=True)
    meeting = models.OneToOneField(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="proposal"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"Proposal {self.pk} ({self.status})"

    @property
    def starts_at(self) -> datetime.datetime:
        """The proposed start as a UTC instant (the wall-clock time in the school's zone)."""
        return recurrence.place(self.local_date, self.start_time, self.venue.school.tz)


class ReminderSent(models.Model):
    """One row per (meeting, person, kind): a reminder goes out once, whatever the workers do."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8)
    # The meeting version the reminder described: a rescheduled meeting is reminded again.
    version = models.PositiveIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user", "kind", "version"], name="reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} reminder for meeting {self.meeting_id} to {self.user_id}"


def _new_token() -> str:
    # Named by migration 0001 (the calendar feed's old, clear token); not used otherwise.
    return secrets.token_urlsafe(24)


class MeetingChange(models.Model):
    """One change to a meeting (or a proposal) as kept for one person told of it: the same
    people, in the same transaction, as its e-mail (scheduling.services._announce), so it is there
    later for someone without an address or who was offline. Shown on their home and meetings
    page in their language and zone (`text`), new until `seen_at`."""

    class Kind(models.TextChoices):
        SERIES_PLANNED = "series_planned", _("series planned")
        PLANNED = "planned", _("planned")
        MOVED = "moved", _("moved")
        MOVED_FOLLOWING = "moved_following", _("moved with the ones after it")
        CANCELLED = "cancelled", _("cancelled")
        CANCELLED_FOLLOWING = "cancelled_following", _("cancelled with the ones after it")
        PROPOSED = "proposed", _("proposed")
        APPROVED = "approved", _("approved")
        DECLINED = "declined", _("declined")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(
        "messaging.Conversation", on_delete=models.CASCADE, related_name="+"
    )
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposal = models.ForeignKey(
        MeetingProposal, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=24, choices=Kind.choices)
    # The (first) meeting's time and venue after the change, and before it for a move; names as
    # they were then (a venue renamed later does not rewrite what people were told).
    starts_at = models.DateTimeField()
    venue_name = models.CharField(max_length=200)
    old_starts_at = models.DateTimeField(null=True, blank=True)
    old_venue_name = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=200, blank=True)
    count = models.PositiveIntegerField(default=1)
    reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "-created_at"], name="meeting_change_user")]

    def __str__(self) -> str:
        return f"{self.kind} of meeting {self.meeting_id} for {self.user_id}"

    @property
    def unread(self) -> bool:
        return self.seen_at is None

    def text(self) -> str:
        """'Moved: Thu 3 Dec, 15:30 CST → Fri 4 Dec, 15:30 CST, Library', in the active language
        and zone (the viewer's)."""
        values = {
            "when": when_text(self.starts_at),
            "venue": self.venue_name,
            "old_when": when_text(self.old_starts_at) if self.old_starts_at else "",
            "old_venue": self.old_venue_name,
            "title": self.title,
            "count": self.count,
            "reason": self.reason,
        }
        moved_venue = self.old_venue_name and self.old_venue_name != self.venue_name
        if self.kind == self.Kind.SERIES_PLANNED:
            text = ngettext(
                "Planned: %(title)s, %(count)d meeting from %(when)s, %(venue)s",
                "Planned: %(title)s, %(count)d meetings from %(when)s, %(venue)s",
                self.count,
            )
        elif self.kind == self.Kind.PLANNED:
            text = gettext("Planned: %(when)s, %(venue)s")
        elif self.kind == self.Kind.MOVED:
            text = (
                gettext("Moved: %(old_when)s, %(old_venue)s → %(when)s, %(venue)s")
                if moved_venue
                else gettext("Moved: %(old_when)s → %(when)s, %(venue)s")
            )
        elif self.kind == self.Kind.MOVED_FOLLOWING:
            text = gettext(
                "Moved, with the ones after it (%(count)d meetings): %(old_when)s → %(when)s, "
                "%(venue)s"
            )
        elif self.kind == self.Kind.CANCELLED:
            text = gettext("Cancelled: %(when)s, %(venue)s")
        elif self.kind == self.Kind.CANCELLED_FOLLOWING:
            text = gettext(
                "Cancelled, with the ones after it (%(count)d meetings): %(when)s, %(venue)s"
            )
        elif self.kind == self.Kind.PROPOSED:
            text = gettext("Proposed by a mentor: %(when)s, %(venue)s")
        elif self.kind == self.Kind.APPROVED:
            text = gettext("Approved: the meeting you proposed on %(when)s, %(venue)s")
        else:
            text = gettext("Declined: the meeting you proposed on %(when)s, %(venue)s. %(reason)s")
        return text % values
