"""Scheduling reads, always scoped to the person asking."""

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import User
from messaging.access import conversations_ended, conversations_readable_by
from messaging.models import Conversation, Match, Membership

from .models import Attendance, Meeting, MeetingChange, MeetingProposal, Venue

# How long after a meeting its attendance is still offered on the meetings page.
ATTENDANCE_DAYS = 14


def _is_coordinator(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role == User.Role.COORDINATOR


# How many recent changes a home or the meetings page lists.
RECENT_CHANGES = 8


def meeting_changes_for(*, user: User, limit: int = RECENT_CHANGES) -> list[MeetingChange]:
    """The user's own recent meeting changes, newest first, and only of meetings they may still
    see: a member's, of conversations they may read (messaging.access: none of a closed match's,
    none for a disabled account); a coordinator's, of their district. Not marked seen here
    (services.meeting_changes_seen, once the page has shown them)."""
    if not (user.is_authenticated and user.is_active):
        return []
    changes = MeetingChange.objects.filter(user=user)
    if _is_coordinator(user):
        changes = changes.filter(conversation__district_id=user.district_id)
    else:
        changes = changes.filter(conversation__in=conversations_readable_by(user=user))
    return list(changes.order_by("-created_at", "-pk")[:limit])


def meetings_for_user(*, user: User, since: datetime.datetime | None = None):
    """The user's meetings, soonest first: those of the conversations the user may read
    (messaging.access), so none of a closed match's and none at all for a disabled account."""
    since = since or timezone.now() - datetime.timedelta(days=1)
    return (
        Meeting.objects.filter(
            conversation__in=conversations_readable_by(user=user), ends_at__gte=since
        )
        .select_related("venue__school", "series")
        .order_by("starts_at")
    )


def meetings_to_manage(*, user: User, since: datetime.datetime | None = None):
    """A coordinator's district's meetings from `since` (a day ago) on, soonest first, to
    reschedule or cancel; nothing for anyone else. (Not in the calendar feed: that is a person's
    own meetings only.)"""
    if not _is_coordinator(user):
        return Meeting.objects.none()
    since = since or timezone.now() - datetime.timedelta(days=1)
    return (
        Meeting.objects.filter(conversation__district_id=user.district_id, ends_at__gte=since)
        .select_related("venue__school", "series", "conversation")
        .order_by("starts_at")
    )


def meetings_to_record(*, user: User, now: datetime.datetime | None = None) -> list[Meeting]:
    """Meetings of the last ATTENDANCE_DAYS that have started, not cancelled, whose attendance
    the user records: a coordinator's district's, a mentor's own matches' (newest first)."""
    now = now or timezone.now()
    recent = Meeting.objects.filter(
        status=Meeting.Status.SCHEDULED,
        starts_at__lte=now,
        starts_at__gte=now - datetime.timedelta(days=ATTENDANCE_DAYS),
    )
    if _is_coordinator(user):
        recent = recent.filter(conversation__district_id=user.district_id)
    elif user.is_authenticated and user.role == User.Role.MENTOR:
        recent = recent.filter(
            conversation__in=conversations_readable_by(user=user).filter(
                memberships__user=user, memberships__role=Membership.Role.MENTOR
            )
        )
    else:
        return []
    return list(recent.select_related("venue__school", "series").order_by("-starts_at"))


def attendance_rows(*, meeting: Meeting) -> list[tuple[User, str | None]]:
    """Each member of the meeting's conversation with the state recorded for them, if any."""
    recorded = {a.user_id: a.state for a in Attendance.objects.filter(meeting=meeting)}
    members = (
        Membership.objects.filter(conversation_id=meeting.conversation_id)
        .select_related("user")
        .order_by("role", "user_id")
    )
    return [(m.user, recorded.get(m.user_id)) for m in members]


def conversations_to_plan(*, user: User) -> QuerySet[Conversation]:
    """The coordinator's district's conversations that may have meetings ahead (an active match
    whose adults are active, or a group whose adults are active)."""
    if not _is_coordinator(user):
        return Conversation.objects.none()
    return (
        Conversation.objects.filter(district_id=user.district_id)
        .filter(Q(match__isnull=True) | Q(match__status=Match.Status.ACTIVE))
        .exclude(pk__in=conversations_ended().values("pk"))
        .select_related("program__school", "match__mentor", "match__student")
        .order_by("program__name", "pk")
    )


def mentor_conversations(*, user: User) -> QuerySet[Conversation]:
    """The mentor's active matches' conversations (where they may propose a meeting)."""
    if not user.is_authenticated or user.role != User.Role.MENTOR:
        return Conversation.objects.none()
    return (
        conversations_readable_by(user=user)
        .filter(
            kind=Conversation.Kind.MATCH,
            match__status=Match.Status.ACTIVE,
            memberships__role=Membership.Role.MENTOR,
        )
        .select_related("program__school", "match__student")
        .order_by("pk")
    )


def venues_approved(*, schools) -> QuerySet[Venue]:
    """Approved venues of the given schools."""
    return Venue.objects.filter(approved=True, school__in=schools).select_related("school")


def proposals_for(*, user: User) -> QuerySet[MeetingProposal]:
    """A coordinator: their district's proposals; a mentor: their own, for conversations they may
    still read (none of a closed match's); anyone else: none. Newest first."""
    if _is_coordinator(user):
        scope = Q(conversation__district_id=user.district_id)
    elif user.is_authenticated and user.is_active and user.role == User.Role.MENTOR:
        scope = Q(proposed_by=user, conversation__in=conversations_readable_by(user=user))
    else:
        return MeetingProposal.objects.none()
    return (
        MeetingProposal.objects.filter(scope)
        .select_related("venue__school", "proposed_by", "conversation__match__student")
        .order_by("-created_at")
    )
