"""Scheduling writes: series, materialised meetings, reschedule/cancel, RSVPs, attendance,
reminders. Keyword-only; events and e-mails leave only after commit.

Removed people (docs/security.md): a conversation has meetings ahead only while
messaging.access.conversation_meetings_allowed says so (its match active, its adults active). A
paused match keeps its meetings but gets no new ones, no reminders and no answers; a closed
match's, or a suspended or deactivated adult's, future meetings are cancelled with a neutral
notice to the remaining participants (`meetings_cancel_for_adult` from the suspension action,
`meetings_cancel_removed` every minute for every other way a match closes or an account is
disabled). A reminder is checked against the rule again when it is sent."""

import datetime
import logging
import zoneinfo
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from accounts.audit import audit_record
from accounts.languages import language_for_person
from accounts.models import User
from messaging import realtime
from messaging.access import (
    ConversationNotFound,
    access_conversation_as_member,
    conversation_meetings_allowed,
    conversations_ended,
    conversations_readable_by,
    reader_ids,
)
from messaging.models import Conversation, Match, Membership

from . import recurrence
from .models import (
    Attendance,
    Holiday,
    Meeting,
    MeetingChange,
    MeetingProposal,
    MeetingSeries,
    ReminderSent,
    Rsvp,
    Venue,
)

logger = logging.getLogger(__name__)

HORIZON = datetime.timedelta(weeks=8)
REMINDERS = (("day", datetime.timedelta(hours=24)), ("hour", datetime.timedelta(hours=1)))


class MeetingConflict(ValidationError):
    """The meeting changed since the caller read it (another reschedule or cancel won)."""


def _require_coordinator(actor: User, conversation: Conversation) -> None:
    if actor.is_superuser:
        return
    if actor.role != User.Role.COORDINATOR or actor.district_id != conversation.district_id:
        raise PermissionDenied("Only the program's coordinators schedule meetings.")


def venue_check(
    *,
    venue: Venue,
    conversation: Conversation,
    tz: zoneinfo.ZoneInfo,
    start: datetime.datetime,
    end: datetime.datetime,
) -> None:
    """Meetings happen only at approved venues of the conversation's district, in opening hours.

    Raises ValidationError naming the rule that was broken.
    """
    if not venue.approved:
        raise ValidationError(gettext("That venue is not approved for meetings."))
    if venue.school.district_id != conversation.district_id:
        raise ValidationError(gettext("That venue belongs to another district."))
    local_start, local_end = start.astimezone(tz), end.astimezone(tz)
    if local_start.date() != local_end.date():
        raise ValidationError(gettext("A meeting starts and ends on the same day."))
    if local_start.time() < venue.opens or local_end.time() > venue.closes:
        raise ValidationError(
            gettext("Meetings at %(venue)s happen between %(opens)s and %(closes)s.")
            % {
                "venue": venue.name,
                "opens": f"{venue.opens:%H:%M}",
                "closes": f"{venue.closes:%H:%M}",
            }
        )


def series_check(
    *,
    conversation: Conversation,
    venue: Venue,
    rule: str,
    first_date: datetime.date,
    start_time: datetime.time,
    duration_minutes: int,
    actor: User,
) -> str:
    """Every rule a new series must keep (who schedules, a conversation that may have meetings
    ahead, the recurrence rule, the length, the venue
    and its hours); returns the normalised rule. Raises PermissionDenied or ValidationError.
    `series_create` calls it; forms call it to show the refusal before anything is written."""
    _require_coordinator(actor, conversation)
    if not conversation_meetings_allowed(conversation=conversation):
        raise ValidationError(
            gettext(
                "This conversation takes no new meetings: its match is not active, or one of "
                "its adults is suspended."
            ),
            code="not_allowed",
        )
    try:
        rule = recurrence.validate_rule(rule)
    except recurrence.RuleError as exc:
        raise ValidationError(str(exc)) from exc
    if not 10 <= duration_minutes <= 240:
        raise ValidationError(gettext("A meeting lasts between 10 minutes and 4 hours."))
    tz = venue.school.tz
    start = recurrence.place(first_date, start_time, tz)
    venue_check(
        venue=venue,
        conversation=conversation,
        tz=tz,
        start=start,
        end=start + datetime.timedelta(minutes=duration_minutes),
    )
    return rule


@transaction.atomic
def series_create(
    *,
    conversation: Conversation,
    venue: Venue,
    title: str,
    rule: str,
    first_date: datetime.date,
    start_time: datetime.time,
    duration_minutes: int,
    actor: User,
    now: datetime.datetime | None = None,
) -> MeetingSeries:
    """Create a recurring series and materialise its meetings for the coming weeks. Refused for a
    conversation that may have no meetings ahead (a match not active, an adult removed)."""
    rule = series_check(
        conversation=conversation,
        venue=venue,
        rule=rule,
        first_date=first_date,
        start_time=start_time,
        duration_minutes=duration_minutes,
        actor=actor,
    )
    tz = venue.school.tz
    series = MeetingSeries.objects.create(
        conversation=conversation,
        venue=venue,
        title=title.strip() or "Mentoring meeting",
        rule=rule,
        timezone=str(tz.key),
        first_date=first_date,
        start_time=start_time,
        duration_minutes=duration_minutes,
        created_by=actor,
    )
    meetings_materialize(series=series, now=now)
    planned = series.meetings.filter(status=Meeting.Status.SCHEDULED).select_related("venue")
    first = planned.order_by("starts_at").first()
    if first is not None:
        _announce(
            MeetingChange.Kind.SERIES_PLANNED,
            reader_ids(conversation=conversation),
            meeting=first,
            title=series.title,
            count=planned.count(),
            email=lambda told: _email_series_planned(series, told),
        )
    return series


def meetings_materialize(
    *, series: MeetingSeries | None = None, now: datetime.datetime | None = None
) -> int:
    """Create the Meeting rows of active series for the next HORIZON, skipping district holidays
    and conversations that may have no meetings ahead (a paused match, a removed adult).
    Idempotent (one row per series and date). Returns the number created."""
    now = now or timezone.now()
    todo = [series] if series is not None else MeetingSeries.objects.filter(active=True)
    created = 0
    for s in todo:
        s = MeetingSeries.objects.select_related("venue__school", "conversation").get(pk=s.pk)
        if not s.active or not conversation_meetings_allowed(conversation=s.conversation):
            continue
        holidays = Holiday.objects.filter(district_id=s.conversation.district_id).values_list(
            "date", flat=True
        )
        occurrences = recurrence.expand(
            rule=s.rule,
            tz=zoneinfo.ZoneInfo(s.timezone),
            first_date=s.first_date,
            at=s.start_time,
            duration=datetime.timedelta(minutes=s.duration_minutes),
            window_start=now,
            window_end=now + HORIZON,
            skip_dates=holidays,
        )
        for occ in occurrences:
            _, made = Meeting.objects.get_or_create(
                series=s,
                local_date=occ.local_date,
                defaults={
                    "conversation": s.conversation,
                    "venue": s.venue,
                    "starts_at": occ.start,
                    "ends_at": occ.end,
                },
            )
            created += int(made)
    return created


@transaction.atomic
def series_update(*, series_id: int, title: str, active: bool, actor: User) -> MeetingSeries:
    """Rename a series, or stop (or restart) materialising its meetings.

    Its time, rule and venue are fixed once meetings exist: move single meetings with
    `meeting_reschedule`, or cancel them and create a new series. Stopping a series leaves the
    meetings already scheduled in place (cancel those that should not happen).
    """
    series = MeetingSeries.objects.select_for_update().select_related("conversation")
    series = series.get(pk=series_id)
    _require_coordinator(actor, series.conversation)
    restarted = active and not series.active
    series.title = title.strip() or "Mentoring meeting"
    series.active = active
    series.save(update_fields=["title", "active"])
    if restarted:
        meetings_materialize(series=series)
    return series


def _notify_meeting(meeting: Meeting, change: str, user_ids: list[int] | None = None) -> None:
    """Tell the meeting's people (`user_ids`, else the members who may read its conversation)
    what changed, after commit."""
    if user_ids is None:
        user_ids = reader_ids(conversation=meeting.conversation)
    realtime.notify_after_commit(
        groups=[realtime.user_group(uid) for uid in user_ids],
        event={
            "type": "meeting",
            "change": change,
            "meeting": meeting.pk,
            "status": meeting.status,
            "starts_at": meeting.starts_at.isoformat(),
            "version": meeting.version,
        },
    )


def _locked(meeting_id: int, expected_version: int, actor: User) -> Meeting:
    meeting = (
        Meeting.objects.select_for_update()
        .select_related("conversation", "venue__school")
        .get(pk=meeting_id)
    )
    _require_coordinator(actor, meeting.conversation)
    if meeting.version != expected_version:
        raise MeetingConflict(
            "This meeting was changed by someone else; reload and try again.", code="conflict"
        )
    if meeting.status == Meeting.Status.CANCELLED:
        raise MeetingConflict("This meeting is cancelled.", code="cancelled")
    return meeting


@transaction.atomic
def meeting_reschedule(
    *,
    meeting_id: int,
    expected_version: int,
    starts_at: datetime.datetime,
    actor: User,
    venue: Venue | None = None,
) -> Meeting:
    """Move one meeting (to another time, and to `venue` when given; it keeps its length).
    Exactly one of racing reschedules/cancels wins; the others get MeetingConflict. Its people
    are told in-app and by e-mail (the old and the new time) after commit."""
    meeting = _locked(meeting_id, expected_version, actor)
    old = (meeting.starts_at, meeting.venue)
    meeting = _reschedule_locked(meeting, starts_at=starts_at, venue=venue)
    _announce(
        MeetingChange.Kind.MOVED,
        reader_ids(conversation=meeting.conversation),
        meeting=meeting,
        old=old,
        email=lambda told: _email_moved(meeting, old, told),
    )
    return meeting


def _reschedule_locked(
    meeting: Meeting, *, starts_at: datetime.datetime, venue: Venue | None
) -> Meeting:
    """Move a meeting the caller locked, and tell its readers in-app (not by e-mail)."""
    if timezone.is_naive(starts_at):
        raise ValidationError(gettext("The new time must carry its time zone."))
    venue = venue if venue is not None else meeting.venue
    duration = meeting.ends_at - meeting.starts_at
    venue_check(
        venue=venue,
        conversation=meeting.conversation,
        tz=venue.school.tz,
        start=starts_at,
        end=starts_at + duration,
    )
    meeting.starts_at, meeting.ends_at = starts_at, starts_at + duration
    meeting.venue = venue
    meeting.version += 1
    meeting.save(update_fields=["starts_at", "ends_at", "venue", "version", "updated_at"])
    _notify_meeting(meeting, "rescheduled")
    return meeting


def _cancel_locked(meeting: Meeting) -> list[int]:
    """Cancel a meeting the caller locked and tell its readers in-app; returns who was told."""
    meeting.status = Meeting.Status.CANCELLED
    meeting.version += 1
    meeting.save(update_fields=["status", "version", "updated_at"])
    told = reader_ids(conversation=meeting.conversation)
    _notify_meeting(meeting, "cancelled", told)
    return told


@transaction.atomic
def meeting_cancel(*, meeting_id: int, expected_version: int, actor: User) -> Meeting:
    """Cancel one meeting; its people are told in-app and by e-mail after commit. One outcome
    against racing changes (MeetingConflict)."""
    meeting = _locked(meeting_id, expected_version, actor)
    told = _cancel_locked(meeting)
    _announce(
        MeetingChange.Kind.CANCELLED,
        told,
        meeting=meeting,
        email=lambda told: _email_cancelled(meeting, told),
    )
    return meeting


def _following(meeting: Meeting) -> list[int]:
    """The ids of the scheduled meetings of the meeting's series from it on, itself first."""
    ids = list(
        Meeting.objects.filter(
            series_id=meeting.series_id,
            status=Meeting.Status.SCHEDULED,
            starts_at__gt=meeting.starts_at,
        )
        .order_by("starts_at")
        .values_list("pk", flat=True)
    )
    return [meeting.pk, *ids]


@transaction.atomic
def meeting_cancel_following(*, meeting_id: int, expected_version: int, actor: User) -> int:
    """Cancel this meeting and every later one of its series, and stop the series (no more are
    made). The version is that of the meeting the coordinator chose; the later ones are locked
    and cancelled in the same transaction. Returns how many were cancelled."""
    first = _locked(meeting_id, expected_version, actor)
    if first.series_id is None:
        meeting_cancel(meeting_id=meeting_id, expected_version=expected_version, actor=actor)
        return 1
    MeetingSeries.objects.filter(pk=first.series_id).update(active=False)
    ids = _following(first)
    told: list[int] = []
    for meeting in (
        Meeting.objects.select_for_update()
        .select_related("conversation")
        .filter(pk__in=ids)
        .order_by("starts_at")
    ):
        told = _cancel_locked(meeting)
    # One e-mail (and one change in the app) per person for the whole run, not one per meeting.
    _announce(
        MeetingChange.Kind.CANCELLED_FOLLOWING,
        told,
        meeting=first,
        count=len(ids),
        email=lambda told: _email_cancelled_following(first, len(ids), told),
    )
    return len(ids)


@transaction.atomic
def meeting_reschedule_following(
    *,
    meeting_id: int,
    expected_version: int,
    start_time: datetime.time,
    actor: User,
    venue: Venue | None = None,
) -> int:
    """Move this meeting and every later one of its series to the wall-clock `start_time` (in
    the school's zone, DST-safe), and to `venue` when given; the series keeps the new time and
    venue for the meetings it makes later. All or nothing: one refusal (venue hours) moves none.
    Returns how many were moved."""
    first = _locked(meeting_id, expected_version, actor)
    old = (first.starts_at, first.venue)
    ids = _following(first) if first.series_id else [first.pk]
    moved = 0
    for pk in ids:
        meeting = (
            Meeting.objects.select_for_update()
            .select_related("venue__school", "conversation")
            .get(pk=pk)
        )
        tz = (venue or meeting.venue).school.tz
        meeting = _reschedule_locked(
            meeting, starts_at=recurrence.place(meeting.local_date, start_time, tz), venue=venue
        )
        if pk == first.pk:
            first = meeting
        moved += 1
    if first.series_id:
        changes = {"start_time": start_time, **({"venue": venue} if venue else {})}
        MeetingSeries.objects.filter(pk=first.series_id).update(**changes)
    # One e-mail (and one change in the app) per person for the whole run, not one per meeting.
    _announce(
        MeetingChange.Kind.MOVED if moved == 1 else MeetingChange.Kind.MOVED_FOLLOWING,
        reader_ids(conversation=first.conversation),
        meeting=first,
        old=old,
        count=moved,
        email=lambda told: _email_moved(first, old, told, count=moved),
    )
    return moved


def meeting_create(
    *,
    conversation: Conversation,
    venue: Venue,
    local_date: datetime.date,
    start_time: datetime.time,
    duration_minutes: int,
    actor: User,
    not_emailed: tuple[int, ...] = (),
) -> Meeting:
    """One meeting outside any series, at `start_time` on `local_date` in the venue's school zone.
    Scheduled by the district's coordinators, or by a mentor of the conversation where the
    program lets mentors schedule directly (`Program.mentors_schedule_directly`). The same rules
    as a series: a conversation with meetings ahead, the length, an approved venue of the
    district in its hours, and a time ahead. Its people are told in-app and by e-mail after
    commit: its members other than `actor` (a mentor scheduling directly knows), and the
    district's coordinators when a mentor scheduled it. `not_emailed` are left out of the e-mail
    (a proposer told of the approval in its own words)."""
    with transaction.atomic():
        if not _may_schedule_directly(actor, conversation):
            _require_coordinator(actor, conversation)
        start = _one_meeting_check(
            conversation=conversation,
            venue=venue,
            local_date=local_date,
            start_time=start_time,
            duration_minutes=duration_minutes,
        )
        meeting = Meeting.objects.create(
            conversation=conversation,
            venue=venue,
            local_date=local_date,
            starts_at=start,
            ends_at=start + datetime.timedelta(minutes=duration_minutes),
        )
        _notify_meeting(meeting, "created")
        told = set(reader_ids(conversation=conversation))
        if actor.role == User.Role.MENTOR:
            told |= set(_coordinator_ids(conversation.district_id))
        told -= {actor.pk, *not_emailed}
        _announce(
            MeetingChange.Kind.PLANNED,
            sorted(told),
            meeting=meeting,
            email=lambda told: _email_planned(meeting, told),
        )
    return meeting


def _one_meeting_check(
    *,
    conversation: Conversation,
    venue: Venue,
    local_date: datetime.date,
    start_time: datetime.time,
    duration_minutes: int,
) -> datetime.datetime:
    """The rules one meeting keeps (module docstring); returns its UTC start."""
    if not conversation_meetings_allowed(conversation=conversation):
        raise ValidationError(
            gettext(
                "This conversation takes no new meetings: its match is not active, or one of "
                "its adults is suspended."
            ),
            code="not_allowed",
        )
    if not 10 <= duration_minutes <= 240:
        raise ValidationError(gettext("A meeting lasts between 10 minutes and 4 hours."))
    tz = venue.school.tz
    start = recurrence.place(local_date, start_time, tz)
    if start <= timezone.now():
        raise ValidationError(gettext("A meeting is planned for a time ahead."), code="past")
    if Holiday.objects.filter(district_id=conversation.district_id, date=local_date).exists():
        raise ValidationError(gettext("That day is a district holiday."), code="holiday")
    venue_check(
        venue=venue,
        conversation=conversation,
        tz=tz,
        start=start,
        end=start + datetime.timedelta(minutes=duration_minutes),
    )
    return start


def _is_mentor_member(actor: User, conversation: Conversation) -> bool:
    return (
        actor.is_active
        and actor.role == User.Role.MENTOR
        and Membership.objects.filter(
            conversation=conversation, user=actor, role=Membership.Role.MENTOR
        ).exists()
    )


def _may_schedule_directly(actor: User, conversation: Conversation) -> bool:
    # A peer mentor is a minor: a meeting of two minors is always approved by staff, even where
    # adult mentors schedule directly (the minors-on-both-sides rule of peer programs).
    return (
        conversation.kind == Conversation.Kind.MATCH
        and conversation.program.mentors_schedule_directly
        and not actor.is_minor
        and _is_mentor_member(actor, conversation)
    )


def _access_meeting_as_member(user: User, meeting_id: int) -> Meeting:
    """The meeting, if it belongs to a conversation the user may read (messaging.access)."""
    try:
        return Meeting.objects.select_related("conversation").get(
            pk=meeting_id, conversation__in=conversations_readable_by(user=user)
        )
    except (Meeting.DoesNotExist, ValueError, TypeError) as exc:
        raise Meeting.DoesNotExist from exc


@transaction.atomic
def rsvp_set(*, user: User, meeting_id: int, response: str) -> Rsvp:
    meeting = _access_meeting_as_member(user, meeting_id)
    if response not in Rsvp.Response.values:
        raise ValidationError(gettext("The answer is yes, no or maybe."))
    if (
        meeting.status == Meeting.Status.CANCELLED
        or meeting.starts_at <= timezone.now()
        or not conversation_meetings_allowed(conversation=meeting.conversation)
    ):
        raise ValidationError(gettext("This meeting can no longer be answered."))
    rsvp, _ = Rsvp.objects.update_or_create(
        meeting=meeting, user=user, defaults={"response": response}
    )
    return rsvp


def _may_record_attendance(actor: User, meeting: Meeting) -> bool:
    """A mentor member of a conversation they may still read records their meeting's attendance."""
    return (
        actor.role == User.Role.MENTOR
        and conversations_readable_by(user=actor)
        .filter(
            pk=meeting.conversation_id,
            memberships__user=actor,
            memberships__role=Membership.Role.MENTOR,
        )
        .exists()
    )


def attendance_check(*, meeting: Meeting, user_id: int, actor: User) -> None:
    """Attendance is recorded by the district's coordinators or the meeting's mentor, for a
    member, once the meeting has started, unless it was cancelled. Raises PermissionDenied or
    ValidationError; `attendance_record` calls it."""
    if not _may_record_attendance(actor, meeting):
        _require_coordinator(actor, meeting.conversation)
    if not Membership.objects.filter(conversation=meeting.conversation, user_id=user_id).exists():
        raise ValidationError(gettext("That person is not part of this meeting."))
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(gettext("This meeting was cancelled."), code="cancelled")
    if meeting.starts_at > timezone.now():
        raise ValidationError(gettext("Attendance is recorded once the meeting has started."))


@transaction.atomic
def attendance_record(*, meeting_id: int, user_id: int, state: str, actor: User) -> Attendance:
    """Record (or correct) one person's attendance: present, absent or excused."""
    if state not in Attendance.State.values:
        raise ValidationError(gettext("Attendance is present, absent or excused."), code="state")
    meeting = Meeting.objects.select_related("conversation").get(pk=meeting_id)
    attendance_check(meeting=meeting, user_id=user_id, actor=actor)
    attendance, _ = Attendance.objects.update_or_create(
        meeting=meeting,
        user_id=user_id,
        defaults={
            "present": state == Attendance.State.PRESENT,
            "excused": state == Attendance.State.EXCUSED,
            "recorded_by": actor,
        },
    )
    return attendance


def reminders_send_due(*, now: datetime.datetime | None = None) -> int:
    """Send the day-before and hour-before reminders that are due, each exactly once per person
    and meeting version (a unique row), in-app and by e-mail. Safe with several workers.

    Only meetings whose conversation may have meetings ahead are reminded, and only its active
    members who did not decline; the rule is checked again when the reminder leaves after commit
    (`_reminder_deliver`), so one queued before a suspension or a pause is not sent."""
    now = now or timezone.now()
    sent = 0
    for kind, lead in REMINDERS:
        due = Meeting.objects.filter(
            status=Meeting.Status.SCHEDULED, starts_at__gt=now, starts_at__lte=now + lead
        ).select_related("venue", "conversation")
        for meeting in due:
            if not conversation_meetings_allowed(conversation=meeting.conversation):
                continue
            for uid in _reminded_ids(meeting):
                try:
                    with transaction.atomic():
                        ReminderSent.objects.create(
                            meeting=meeting, user_id=uid, kind=kind, version=meeting.version
                        )
                        transaction.on_commit(
                            lambda m=meeting.pk, u=uid, k=kind, v=meeting.version: (
                                _reminder_deliver(meeting_id=m, user_id=u, kind=k, version=v)
                            )
                        )
                except IntegrityError:
                    continue
                sent += 1
    return sent


def _reminded_ids(meeting: Meeting) -> list[int]:
    """The members to remind of a meeting: active accounts that did not decline."""
    declined = Rsvp.objects.filter(meeting=meeting, response=Rsvp.Response.NO).values("user_id")
    return list(
        Membership.objects.filter(conversation_id=meeting.conversation_id, user__is_active=True)
        .exclude(user_id__in=declined)
        .values_list("user_id", flat=True)
    )


def _reminder_deliver(*, meeting_id: int, user_id: int, kind: str, version: int) -> None:
    """Send one reminder, in-app and by e-mail, if the rule still allows it now: the meeting is
    still scheduled, ahead and unchanged, its conversation may have meetings, and the person is
    still to be reminded (active, a member, not declined)."""
    meeting = (
        Meeting.objects.select_related("venue__school", "conversation")
        .filter(
            pk=meeting_id,
            status=Meeting.Status.SCHEDULED,
            version=version,
            starts_at__gt=timezone.now(),
        )
        .first()
    )
    if (
        meeting is None
        or not conversation_meetings_allowed(conversation=meeting.conversation)
        or user_id not in _reminded_ids(meeting)
    ):
        logger.info("reminder withheld at send time meeting=%s user=%s", meeting_id, user_id)
        return
    realtime.notify_after_commit(
        groups=[realtime.user_group(user_id)],
        event={
            "type": "meeting.reminder",
            "meeting": meeting.pk,
            "kind": kind,
            "starts_at": meeting.starts_at.isoformat(),
        },
    )
    _email_reminder(meeting, user_id)


def _when_words(moment: datetime.datetime, tz: zoneinfo.ZoneInfo) -> str:
    """A time for an e-mail, in the school's zone and the active language's words and order
    ("Thursday Dec. 4, 2026, 12:15 (CST)", "jueves 4 de diciembre de 2026, 12:15 (CST)")."""
    local = moment.astimezone(tz)
    return gettext("%(weekday)s %(date)s, %(time)s (%(zone)s)") % {
        "weekday": date_format(local, "l"),
        "date": date_format(local, "DATE_FORMAT"),
        "time": f"{local:%H:%M}",
        "zone": local.tzname(),
    }


def _local_when(meeting: Meeting) -> str:
    return _when_words(meeting.starts_at, meeting.venue.school.tz)


def _email_reminder(meeting: Meeting, user_id: int) -> None:
    _email_users(
        [user_id],
        lambda: (
            gettext("Trellis: your mentoring meeting is coming up"),
            gettext("Your meeting is on %(when)s at %(venue)s.")
            % {"when": _local_when(meeting), "venue": meeting.venue.name},
        ),
    )


# -- removed people: cancellation with notice ----------------------------------------------------


def _cancel_with_notice(meeting_id: int, *, actor: User | None, cause: str) -> bool:
    """Cancel one future meeting because its conversation is over for meetings, and tell its
    remaining participants (active members) in neutral words: no reason, nobody blamed. False when
    it was already cancelled or has started (one outcome: a coordinator's racing change either
    wins first or then meets a new version)."""
    with transaction.atomic():
        meeting = (
            Meeting.objects.select_for_update(of=("self",))
            .select_related("venue__school", "conversation")
            .filter(pk=meeting_id)
            .first()
        )
        if (
            meeting is None
            or meeting.status != Meeting.Status.SCHEDULED
            or meeting.starts_at <= timezone.now()
        ):
            return False
        meeting.status = Meeting.Status.CANCELLED
        meeting.version += 1
        meeting.save(update_fields=["status", "version", "updated_at"])
        told = list(
            Membership.objects.filter(
                conversation_id=meeting.conversation_id, user__is_active=True
            ).values_list("user_id", flat=True)
        )
        _notify_meeting(meeting, "cancelled", told)
        audit_record(
            action="meeting.cancelled",
            actor=actor,
            district_id=meeting.conversation.district_id,
            target_type="meeting",
            target_id=meeting.pk,
            detail={"cause": cause, "told": len(told)},
        )
        _announce(
            MeetingChange.Kind.CANCELLED,
            told,
            meeting=meeting,
            email=lambda told: _email_cancelled(meeting, told),
        )
    return True


def _announce(
    kind: str,
    user_ids: list[int],
    *,
    email,
    meeting: Meeting | None = None,
    proposal: MeetingProposal | None = None,
    old: tuple[datetime.datetime, Venue] | None = None,
    title: str = "",
    count: int = 1,
    reason: str = "",
) -> None:
    """Tell `user_ids` of a change, the one way every meeting change reaches people: it is kept
    for the app now, in the change's own transaction (MeetingChange, one row per active person:
    their home and meetings page list it, so nothing is lost for someone offline or without an
    address), and `email(user_ids)` runs after commit. A rolled-back change keeps and sends
    nothing. About `meeting` (its time and venue now), else `proposal` (the one proposed)."""
    subject = meeting if meeting is not None else proposal
    people = User.objects.filter(pk__in=user_ids, is_active=True).values_list("pk", flat=True)
    MeetingChange.objects.bulk_create(
        MeetingChange(
            user_id=pk,
            conversation_id=subject.conversation_id,
            meeting=meeting if meeting is not None else getattr(proposal, "meeting", None),
            proposal=proposal,
            kind=kind,
            starts_at=subject.starts_at,
            venue_name=subject.venue.name,
            old_starts_at=old[0] if old else None,
            old_venue_name=old[1].name if old else "",
            title=title,
            count=count,
            reason=reason,
        )
        for pk in people
    )
    told = list(user_ids)
    transaction.on_commit(lambda: email(told))


def meeting_changes_seen(*, user: User, change_ids: list[int]) -> int:
    """Mark the user's own changes among `change_ids` seen (no longer new). Returns how many."""
    return MeetingChange.objects.filter(user=user, pk__in=change_ids, seen_at__isnull=True).update(
        seen_at=timezone.now()
    )


def _email_series_planned(series: MeetingSeries, user_ids: list[int]) -> None:
    meetings = list(
        series.meetings.filter(status=Meeting.Status.SCHEDULED)
        .select_related("venue__school")
        .order_by("starts_at")
    )
    if not meetings:
        return
    first = meetings[0]
    _email_users(
        user_ids,
        lambda: (
            gettext("Trellis: your mentoring meetings are planned"),
            gettext(
                "Meetings are planned for you: %(title)s at %(venue)s, the first on %(when)s "
                "(%(count)d meetings planned so far).\n\n"
                "You can see them and say whether you will come on Trellis."
            )
            % {
                "title": series.title,
                "venue": first.venue.name,
                "when": _local_when(first),
                "count": len(meetings),
            },
        ),
    )


def _email_planned(meeting: Meeting, user_ids: list[int]) -> None:
    _email_users(
        user_ids,
        lambda: (
            gettext("Trellis: a meeting is planned"),
            gettext(
                "A meeting is planned on %(when)s at %(venue)s.\n\n"
                "You can see it and say whether you will come on Trellis."
            )
            % {"when": _local_when(meeting), "venue": meeting.venue.name},
        ),
    )


def _email_moved(
    meeting: Meeting,
    old: tuple[datetime.datetime, Venue],
    user_ids: list[int],
    *,
    count: int = 1,
) -> None:
    """`old` is the (first) meeting's start and venue before the move; `count` how many moved."""
    old_start, old_venue = old

    def compose():
        values = {
            "old_when": _when_words(old_start, old_venue.school.tz),
            "old_venue": old_venue.name,
            "when": _local_when(meeting),
            "venue": meeting.venue.name,
            "count": count,
        }
        if count == 1:
            return (
                gettext("Trellis: a meeting is moved"),
                gettext(
                    "The meeting on %(old_when)s at %(old_venue)s is moved to %(when)s at "
                    "%(venue)s."
                )
                % values,
            )
        return (
            gettext("Trellis: meetings are moved"),
            gettext(
                "The meeting on %(old_when)s at %(old_venue)s and the ones after it "
                "(%(count)d meetings in all) are moved: the first is now on %(when)s at "
                "%(venue)s, and the others at the same time on their own days."
            )
            % values,
        )

    _email_users(user_ids, compose)


def _email_cancelled(meeting: Meeting, user_ids: list[int]) -> None:
    _email_users(
        user_ids,
        lambda: (
            gettext("Trellis: a meeting is cancelled"),
            gettext(
                "The meeting on %(when)s at %(venue)s is cancelled.\n\n"
                "You do not need to do anything. If a new meeting is planned, you will hear "
                "about it on Trellis."
            )
            % {"when": _local_when(meeting), "venue": meeting.venue.name},
        ),
    )


def _email_cancelled_following(first: Meeting, count: int, user_ids: list[int]) -> None:
    _email_users(
        user_ids,
        lambda: (
            gettext("Trellis: meetings are cancelled"),
            gettext(
                "The meeting on %(when)s at %(venue)s and the ones after it (%(count)d meetings "
                "in all) are cancelled.\n\nIf new meetings are planned, you will hear about "
                "them on Trellis."
            )
            % {"when": _local_when(first), "venue": first.venue.name, "count": count},
        ),
    )


def meetings_cancel_for_adult(*, user: User, actor: User | None) -> int:
    """Cancel, with notice, every future meeting of the conversations the user is an adult
    (mentor) member of: called when the account is suspended, in the suspension's transaction.
    A student's meetings are not touched here (their match pauses). Returns how many."""
    ids = Meeting.objects.filter(
        conversation__memberships__user=user,
        conversation__memberships__role=Membership.Role.MENTOR,
        status=Meeting.Status.SCHEDULED,
        starts_at__gt=timezone.now(),
    ).values_list("pk", flat=True)
    return sum(_cancel_with_notice(pk, actor=actor, cause="adult_removed") for pk in list(ids))


def meetings_cancel_removed(*, now: datetime.datetime | None = None) -> int:
    """Periodic (every minute) and idempotent: cancel, with notice, the future meetings of every
    conversation that is over for meetings (messaging.access.conversations_ended: a closed match,
    a suspended or deactivated adult), whichever way it got there (the admin, the review console,
    a command); a closed match's series stop and its pending proposals are closed. Returns how
    many meetings were cancelled."""
    now = now or timezone.now()
    ended = conversations_ended()
    MeetingSeries.objects.filter(
        active=True, conversation__match__status=Match.Status.CLOSED
    ).update(active=False)
    # A pending proposal of such a conversation can no longer be approved: it is closed in
    # neutral words (the mentor who proposed it no longer reaches the conversation either).
    MeetingProposal.objects.filter(
        conversation__in=ended, status=MeetingProposal.Status.PENDING
    ).update(
        status=MeetingProposal.Status.DECLINED,
        decline_reason=gettext("This meeting can no longer take place."),
        decided_at=now,
    )
    ids = list(
        Meeting.objects.filter(
            conversation__in=ended, status=Meeting.Status.SCHEDULED, starts_at__gt=now
        ).values_list("pk", flat=True)
    )
    cancelled = sum(_cancel_with_notice(pk, actor=None, cause="removed") for pk in ids)
    if cancelled:
        logger.info("cancelled %d meeting(s) of closed matches or removed adults", cancelled)
    return cancelled


# -- the preview of a new series ----------------------------------------------------------------


@dataclass(frozen=True)
class PreviewDate:
    """One date a rule names, and whether a new series would keep it (`skip` empty) or skip it:
    "holiday", "hours" (outside the venue's hours) or "past" (before now)."""

    local_date: datetime.date
    start: datetime.datetime  # aware, in the school's zone
    end: datetime.datetime
    skip: str = ""
    reason: str = ""

    @property
    def kept(self) -> bool:
        return not self.skip


def preview_dates(
    *,
    occurrences: list[recurrence.Occurrence],
    tz: zoneinfo.ZoneInfo,
    holidays: dict[datetime.date, str],
    opens: datetime.time,
    closes: datetime.time,
    now: datetime.datetime,
) -> list[PreviewDate]:
    """Pure: mark each occurrence kept or skipped, in the school's zone. No database."""
    result = []
    for occ in occurrences:
        start, end = occ.start.astimezone(tz), occ.end.astimezone(tz)
        skip, reason = "", ""
        if occ.local_date in holidays:
            skip, reason = "holiday", holidays[occ.local_date]
        elif start.date() != end.date() or start.time() < opens or end.time() > closes:
            skip = "hours"
            reason = gettext("outside the venue's hours, %(opens)s to %(closes)s") % {
                "opens": f"{opens:%H:%M}",
                "closes": f"{closes:%H:%M}",
            }
        elif occ.start <= now:
            skip, reason = "past", gettext("already passed")
        result.append(PreviewDate(occ.local_date, start, end, skip, reason))
    return result


def series_preview(
    *,
    conversation: Conversation,
    venue: Venue,
    rule: str,
    first_date: datetime.date,
    start_time: datetime.time,
    duration_minutes: int,
    now: datetime.datetime | None = None,
) -> list[PreviewDate]:
    """The dates a new series would keep and skip (the district's holidays, the venue's hours,
    dates already passed), as `meetings_materialize` will. Writes nothing; raises ValidationError
    for a rule that does not parse. The permission and venue checks are `series_check`'s."""
    try:
        occurrences = recurrence.expand_all(
            rule=rule,
            tz=venue.school.tz,
            first_date=first_date,
            at=start_time,
            duration=datetime.timedelta(minutes=duration_minutes),
        )
    except recurrence.RuleError as exc:
        raise ValidationError(str(exc), code="rule") from exc
    holidays = dict(
        Holiday.objects.filter(district_id=conversation.district_id).values_list("date", "name")
    )
    return preview_dates(
        occurrences=occurrences,
        tz=venue.school.tz,
        holidays=holidays,
        opens=venue.opens,
        closes=venue.closes,
        now=now or timezone.now(),
    )


# -- mentors' proposals ---------------------------------------------------------------------------


def _email_users(user_ids: list[int], compose) -> None:
    """E-mail each active person with an address; `compose()` returns (subject, body) and runs
    once per person in that person's language (accounts.languages.language_for_person)."""
    people = (
        User.objects.filter(pk__in=user_ids, is_active=True)
        .exclude(email="")
        .select_related("district")
        .order_by("pk")
    )
    for person in people:
        with translation.override(language_for_person(user=person)):
            subject, body = compose()
        try:
            send_mail(subject=subject, message=body, from_email=None, recipient_list=[person.email])
        except Exception:
            logger.warning("scheduling e-mail failed for user=%s", person.pk)


def _proposal_when(proposal: MeetingProposal) -> str:
    return _when_words(proposal.starts_at, proposal.venue.school.tz)


def _notify_proposal(proposal: MeetingProposal, user_ids: list[int], change: str) -> None:
    realtime.notify_after_commit(
        groups=[realtime.user_group(uid) for uid in user_ids],
        event={"type": "meeting.proposal", "change": change, "proposal": proposal.pk},
    )


def _coordinator_ids(district_id: int) -> list[int]:
    return list(
        User.objects.filter(
            district_id=district_id, role=User.Role.COORDINATOR, is_active=True
        ).values_list("pk", flat=True)
    )


@transaction.atomic
def proposal_create(
    *,
    actor: User,
    conversation_id: int,
    venue: Venue,
    local_date: datetime.date,
    start_time: datetime.time,
    duration_minutes: int,
    note: str = "",
) -> MeetingProposal:
    """A mentor proposes a meeting for one of their active matches. The meeting rules are checked
    now (clear errors) and again when a coordinator approves. The district's coordinators are
    told (in-app and by e-mail, after commit). Where the program lets mentors schedule directly
    the proposal is approved at once (the meeting is made through `meeting_create`).

    Raises ConversationNotFound for a conversation that is not one of the mentor's matches, and
    ValidationError for a broken rule."""
    conversation = access_conversation_as_member(user=actor, conversation_id=conversation_id)
    if conversation.kind != Conversation.Kind.MATCH or not _is_mentor_member(actor, conversation):
        raise ConversationNotFound
    _one_meeting_check(
        conversation=conversation,
        venue=venue,
        local_date=local_date,
        start_time=start_time,
        duration_minutes=duration_minutes,
    )
    proposal = MeetingProposal.objects.create(
        conversation=conversation,
        venue=venue,
        proposed_by=actor,
        local_date=local_date,
        start_time=start_time,
        duration_minutes=duration_minutes,
        note=note.strip()[:500],
    )
    if _may_schedule_directly(actor, conversation):
        return _proposal_approve(proposal, actor=actor)
    coordinators = _coordinator_ids(conversation.district_id)
    _notify_proposal(proposal, coordinators, "proposed")
    _announce(
        MeetingChange.Kind.PROPOSED,
        coordinators,
        proposal=proposal,
        email=lambda told: _email_users(
            told,
            lambda: (
                gettext("Trellis: a mentor proposes a meeting"),
                gettext(
                    "A mentor proposes a meeting on %(when)s at %(venue)s. Approve or decline it "
                    "on Trellis."
                )
                % {"when": _proposal_when(proposal), "venue": venue.name},
            ),
        ),
    )
    return proposal


def _access_proposal_as_coordinator(actor: User, proposal_id: int) -> MeetingProposal:
    """The proposal, locked, if it belongs to the coordinator's district; else DoesNotExist."""
    if actor.role != User.Role.COORDINATOR and not actor.is_superuser:
        raise MeetingProposal.DoesNotExist
    scope = {} if actor.is_superuser else {"conversation__district_id": actor.district_id}
    try:
        return (
            MeetingProposal.objects.select_for_update(of=("self",))
            .select_related("conversation__program", "venue__school")
            .get(pk=proposal_id, **scope)
        )
    except (ValueError, TypeError) as exc:
        raise MeetingProposal.DoesNotExist from exc


def _pending(proposal: MeetingProposal) -> None:
    if proposal.status != MeetingProposal.Status.PENDING:
        raise ValidationError(gettext("This proposal was already decided."), code="decided")


def _proposal_approve(proposal: MeetingProposal, *, actor: User) -> MeetingProposal:
    meeting = meeting_create(
        conversation=proposal.conversation,
        venue=proposal.venue,
        local_date=proposal.local_date,
        start_time=proposal.start_time,
        duration_minutes=proposal.duration_minutes,
        actor=actor,
        not_emailed=(proposal.proposed_by_id,),
    )
    proposal.status = MeetingProposal.Status.APPROVED
    proposal.meeting = meeting
    proposal.decided_by = actor
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "meeting", "decided_by", "decided_at"])
    return proposal


@transaction.atomic
def proposal_approve(*, proposal_id: int, actor: User) -> MeetingProposal:
    """A coordinator of the district approves a pending proposal: the meeting is created through
    `meeting_create` (every meeting rule checked again now), its people are told in-app, and the
    mentor also by e-mail. One outcome against a racing decision (ValidationError "decided")."""
    proposal = _access_proposal_as_coordinator(actor, proposal_id)
    _pending(proposal)
    proposal = _proposal_approve(proposal, actor=actor)
    _notify_proposal(proposal, [proposal.proposed_by_id], "approved")
    _announce(
        MeetingChange.Kind.APPROVED,
        [proposal.proposed_by_id],
        proposal=proposal,
        email=lambda told: _email_users(
            told,
            lambda: (
                gettext("Trellis: your meeting is approved"),
                gettext("The meeting you proposed on %(when)s at %(venue)s is approved.")
                % {"when": _proposal_when(proposal), "venue": proposal.venue.name},
            ),
        ),
    )
    return proposal


@transaction.atomic
def proposal_decline(*, proposal_id: int, actor: User, reason: str) -> MeetingProposal:
    """A coordinator of the district declines a pending proposal with a reason; the mentor is told
    in-app and by e-mail, with the reason. Nothing is scheduled."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(gettext("Say why the meeting is declined."), code="reason")
    proposal = _access_proposal_as_coordinator(actor, proposal_id)
    _pending(proposal)
    proposal.status = MeetingProposal.Status.DECLINED
    proposal.decline_reason = reason[:500]
    proposal.decided_by = actor
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "decline_reason", "decided_by", "decided_at"])
    _notify_proposal(proposal, [proposal.proposed_by_id], "declined")
    _announce(
        MeetingChange.Kind.DECLINED,
        [proposal.proposed_by_id],
        proposal=proposal,
        reason=reason[:500],
        email=lambda told: _email_users(
            told,
            lambda: (
                gettext("Trellis: your proposed meeting was declined"),
                gettext(
                    "The meeting you proposed on %(when)s at %(venue)s was declined.\n\n"
                    "Reason: %(reason)s"
                )
                % {
                    "when": _proposal_when(proposal),
                    "venue": proposal.venue.name,
                    "reason": reason,
                },
            ),
        ),
    )
    return proposal
