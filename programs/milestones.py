"""Milestones: achievements the coordinator marks for a match or a group, which its members
then see on their home page.

Suggestions are computed, never marked by themselves: the first meeting held (a scheduled
meeting of the conversation that has ended), 10 program weeks with a member's message, and the
end of the program's year (from two weeks before its end date). Staff may mark any other
achievement under their own title.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.models import Program, User
from messaging.models import Conversation, Membership, Message
from scheduling.models import Meeting

from .models import Milestone

CONTACT_WEEKS = 10
END_OF_YEAR_NOTICE = datetime.timedelta(days=14)


def _week_start(program: Program, day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=(day.weekday() - program.week_starts_on) % 7)


def contact_weeks(*, conversation: Conversation) -> list[datetime.date]:
    """The program weeks (their first local day) in which a member wrote, in order."""
    program = conversation.program
    zone = program.school.tz
    stamps = Message.objects.filter(conversation=conversation, sender__isnull=False).values_list(
        "created_at", flat=True
    )
    return sorted({_week_start(program, at.astimezone(zone).date()) for at in stamps})


def milestone_suggestions(
    *, conversation: Conversation, now: datetime.datetime | None = None
) -> list[tuple[str, datetime.date]]:
    """(kind, achieved on) for each computed milestone reached and not yet marked."""
    now = now or timezone.now()
    program = conversation.program
    zone = program.school.tz
    marked = set(Milestone.objects.filter(conversation=conversation).values_list("kind", flat=True))
    found: list[tuple[str, datetime.date]] = []
    first = (
        Meeting.objects.filter(
            conversation=conversation, status=Meeting.Status.SCHEDULED, ends_at__lt=now
        )
        .order_by("starts_at")
        .first()
    )
    if first is not None:
        found.append((Milestone.Kind.FIRST_MEETING, first.starts_at.astimezone(zone).date()))
    weeks = contact_weeks(conversation=conversation)
    if len(weeks) >= CONTACT_WEEKS:
        found.append((Milestone.Kind.TEN_WEEKS, weeks[CONTACT_WEEKS - 1]))
    today = now.astimezone(zone).date()
    if program.end_date is not None and today >= program.end_date - END_OF_YEAR_NOTICE:
        found.append((Milestone.Kind.END_OF_YEAR, min(today, program.end_date)))
    return [(kind, on) for kind, on in found if kind not in marked]


@transaction.atomic
def milestone_mark(
    *,
    actor: User,
    conversation: Conversation,
    kind: str,
    achieved_on: datetime.date | None = None,
    title: str = "",
) -> Milestone:
    """Mark a milestone of a match or group of the coordinator's district. A computed kind is
    marked once per conversation (a second mark returns the first) on the date it was reached;
    a staff-named one needs a title and a date. Audited."""
    if actor.role != User.Role.COORDINATOR or actor.district_id != conversation.district_id:
        raise PermissionDenied("Only the program's coordinators mark milestones.")
    title = title.strip()[:120]
    if kind == Milestone.Kind.CUSTOM:
        if not title or achieved_on is None:
            raise ValidationError(_("Name the milestone and give its date."))
    else:
        suggested = dict(milestone_suggestions(conversation=conversation))
        existing = Milestone.objects.filter(conversation=conversation, kind=kind).first()
        if existing is not None:
            return existing
        if kind not in suggested:
            raise ValidationError(_("This milestone has not been reached yet."))
        achieved_on, title = suggested[kind], ""
    try:
        with transaction.atomic():
            milestone = Milestone.objects.create(
                program=conversation.program,
                conversation=conversation,
                kind=kind,
                title=title,
                achieved_on=achieved_on,
                marked_by=actor,
                marked_at=timezone.now(),
            )
    except IntegrityError:
        return Milestone.objects.get(conversation=conversation, kind=kind)
    audit_record(
        action="milestone.mark",
        actor=actor,
        district_id=conversation.district_id,
        target_type="conversation",
        target_id=conversation.pk,
        detail={"milestone": milestone.pk, "kind": kind},
    )
    return milestone


def milestones_for(*, user: User) -> list[Milestone]:
    """Marked milestones of the matches and groups the user is a member of, newest first."""
    return list(
        Milestone.objects.filter(
            conversation__in=Membership.objects.filter(user=user).values("conversation")
        )
        .select_related("conversation")
        .order_by("-achieved_on", "-pk")
    )
