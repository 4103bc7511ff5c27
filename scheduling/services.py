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

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.audit import audit_record
from accounts.models import User
from messaging import realtime
from messaging.access import (
    conversation_meetings_allowed,
    conversations_ended,
    conversations_readable_by,
    reader_ids,
)
from messaging.models import Conversation, Match, Membership

from . import recurrence
from .models import Attendance, Holiday, Meeting, MeetingSeries, ReminderSent, Rsvp, Venue

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
        raise ValidationError("That venue is not approved for meetings.")
    if venue.school.district_id != conversation.district_id:
        raise ValidationError("That venue belongs to another district.")
    local_start, local_end = start.astimezone(tz), end.astimezone(tz)
    if local_start.date() != local_end.date():
        raise ValidationError("A meeting starts and ends on the same day.")
    if local_start.time() < venue.opens or local_end.time() > venue.closes:
        raise ValidationError(
            f"Meetings at {venue.name} happen between {venue.opens:%H:%M} and {venue.closes:%H:%M}."
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
        raise ValidationError("A meeting lasts between 10 minutes and 4 hours.")
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
    Exactly one of racing reschedules/cancels wins; the others get MeetingConflict."""
    if timezone.is_naive(starts_at):
        raise ValidationError("The new time must carry its time zone.")
    meeting = _locked(meeting_id, expected_version, actor)
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


@transaction.atomic
def meeting_cancel(*, meeting_id: int, expected_version: int, actor: User) -> Meeting:
    meeting = _locked(meeting_id, expected_version, actor)
    meeting.status = Meeting.Status.CANCELLED
    meeting.version += 1
    meeting.save(update_fields=["status", "version", "updated_at"])
    _notify_meeting(meeting, "cancelled")
    return meeting


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
        raise ValidationError("The answer is yes, no or maybe.")
    if (
        meeting.status == Meeting.Status.CANCELLED
        or meeting.starts_at <= timezone.now()
        or not conversation_meetings_allowed(conversation=meeting.conversation)
    ):
        raise ValidationError("This meeting can no longer be answered.")
    rsvp, _ = Rsvp.objects.update_or_create(
        meeting=meeting, user=user, defaults={"response": response}
    )
    return rsvp


def attendance_check(*, meeting: Meeting, user_id: int, actor: User) -> None:
    """Attendance is recorded by the district's coordinators, for a member, once the meeting has
    started. Raises PermissionDenied or ValidationError; `attendance_record` calls it."""
    _require_coordinator(actor, meeting.conversation)
    if not Membership.objects.filter(conversation=meeting.conversation, user_id=user_id).exists():
        raise ValidationError("That person is not part of this meeting.")
    if meeting.starts_at > timezone.now():
        raise ValidationError("Attendance is recorded once the meeting has started.")


@transaction.atomic
def attendance_record(*, meeting_id: int, user_id: int, present: bool, actor: User) -> Attendance:
    meeting = Meeting.objects.select_related("conversation").get(pk=meeting_id)
    attendance_check(meeting=meeting, user_id=user_id, actor=actor)
    attendance, _ = Attendance.objects.update_or_create(
        meeting=meeting, user_id=user_id, defaults={"present": present, "recorded_by": actor}
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


def _local_when(meeting: Meeting) -> str:
    local = meeting.starts_at.astimezone(meeting.venue.school.tz)
    return f"{local:%A %d %B at %H:%M} ({local:%Z})"


def _email_reminder(meeting: Meeting, user_id: int) -> None:
    user = User.objects.filter(pk=user_id).only("email").first()
    if user is None or not user.email:
        return
    local = meeting.starts_at.astimezone(meeting.venue.school.tz)
    try:
        send_mail(
            subject="Trellis: your mentoring meeting is coming up",
            message=f"Your meeting is on {local:%A %d %B at %H:%M} at {meeting.venue.name}.",
            from_email=None,
            recipient_list=[user.email],
        )
    except Exception:
        logger.warning("reminder e-mail failed for meeting=%s user=%s", meeting.pk, user_id)


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
        transaction.on_commit(lambda: _email_cancelled(meeting, told))
    return True


def _email_cancelled(meeting: Meeting, user_ids: list[int]) -> None:
    addresses = list(
        User.objects.filter(pk__in=user_ids, is_active=True)
        .exclude(email="")
        .order_by("pk")
        .values_list("email", flat=True)
    )
    subject = gettext("Trellis: a meeting is cancelled")
    body = gettext(
        "The meeting on %(when)s at %(venue)s is cancelled.\n\n"
        "You do not need to do anything. If a new meeting is planned, you will hear about it "
        "on Trellis."
    ) % {"when": _local_when(meeting), "venue": meeting.venue.name}
    for address in addresses:
        try:
            send_mail(subject=subject, message=body, from_email=None, recipient_list=[address])
        except Exception:
            logger.warning("cancellation e-mail failed for meeting=%s", meeting.pk)


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
    a command); a closed match's series stop. Returns how many meetings were cancelled."""
    now = now or timezone.now()
    ended = conversations_ended()
    MeetingSeries.objects.filter(
        active=True, conversation__match__status=Match.Status.CLOSED
    ).update(active=False)
    ids = list(
        Meeting.objects.filter(
            conversation__in=ended, status=Meeting.Status.SCHEDULED, starts_at__gt=now
        ).values_list("pk", flat=True)
    )
    cancelled = sum(_cancel_with_notice(pk, actor=None, cause="removed") for pk in ids)
    if cancelled:
        logger.info("cancelled %d meeting(s) of closed matches or removed adults", cancelled)
    return cancelled
