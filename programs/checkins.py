"""Check-ins: every few weeks each member of an active match or group says how it is going.

`checkins_open_due` is the periodic job (settings.TRELLIS_PERIODIC, docs/adr/0002): idempotent,
one row per conversation, member and period. Periods run from the program's start date in
whole multiples of `ProgramRules.checkin_every_weeks`, in the school's local date; a match or
group takes part from the first period that starts after it was created. Answering, which screens
the comments, is actions.checkins.checkin_answer (it needs moderation too).
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.models import Program, User
from messaging.models import Conversation, Match, Membership

from .models import CheckIn, FollowUp, ProgramRules

DEFAULT_EVERY_WEEKS = ProgramRules._meta.get_field("checkin_every_weeks").default
LOW_SCORE = 2


class CheckInNotFound(Exception):
    """No such open check-in for this person (deliberately the same as an answered one)."""


def checkin_every_weeks(*, program: Program) -> int:
    rules = ProgramRules.objects.filter(program=program).first()
    return rules.checkin_every_weeks if rules is not None else DEFAULT_EVERY_WEEKS


def period_start(*, program: Program, on: datetime.date) -> datetime.date | None:
    """The start of the check-in period containing the local date `on`; None before the
    program starts or after it ends."""
    if on < program.start_date or (program.end_date is not None and on > program.end_date):
        return None
    length = datetime.timedelta(weeks=checkin_every_weeks(program=program))
    return program.start_date + length * ((on - program.start_date) // length)


def _taking_part(*, program: Program, before: datetime.datetime):
    """(conversation, match or None) of the program's active matches and open groups created
    before `before`."""
    matches = Match.objects.filter(
        program=program, status=Match.Status.ACTIVE, created_at__lt=before
    ).select_related("conversation")
    for match in matches:
        yield match.conversation, match
    groups = Conversation.objects.filter(
        program=program, kind=Conversation.Kind.GROUP, is_open=True, created_at__lt=before
    )
    for group in groups:
        yield group, None


def checkins_open_due(*, now: datetime.datetime | None = None) -> int:
    """Open this period's check-in for every mentor and student of every active match and open
    group of every running program. Returns how many were opened (0 on a rerun)."""
    now = now or timezone.now()
    opened = 0
    for program in Program.objects.select_related("school__district"):
        zone = program.school.tz
        start = period_start(program=program, on=now.astimezone(zone).date())
        if start is None:
            continue
        began = datetime.datetime.combine(start, datetime.time.min, tzinfo=zone)
        for conversation, match in _taking_part(program=program, before=began):
            members = Membership.objects.filter(
                conversation=conversation,
                user__is_active=True,
                user__role__in=[User.Role.MENTOR, User.Role.STUDENT],
            ).values_list("user_id", flat=True)
            for user_id in members:
                _, created = CheckIn.objects.get_or_create(
                    conversation=conversation,
                    user_id=user_id,
                    period_start=start,
                    defaults={"program": program, "match": match, "opened_at": now},
                )
                opened += int(created)
    return opened


def checkins_open_for(*, user: User) -> list[CheckIn]:
    """The user's unanswered check-ins of active matches and open groups, oldest first."""
    return list(
        CheckIn.objects.filter(user=user, answered_at__isnull=True, conversation__is_open=True)
        .select_related("program", "match__mentor", "match__student", "conversation")
        .order_by("period_start", "pk")
    )


def access_checkin_to_answer(
    *, user: User, checkin_id: object, for_update: bool = False
) -> CheckIn:
    """The user's own open check-in; else CheckInNotFound."""
    rows = CheckIn.objects.filter(user=user, answered_at__isnull=True, conversation__is_open=True)
    if for_update:
        rows = rows.select_for_update(of=("self",))
    try:
        return rows.select_related("program__school", "conversation").get(pk=int(checkin_id))
    except (CheckIn.DoesNotExist, TypeError, ValueError) as exc:
        raise CheckInNotFound from exc


def follow_up_reasons(*, score: int, worries: str, flagged: bool) -> list[str]:
    """Why an answered check-in needs a coordinator (empty: it does not)."""
    reasons = []
    if score <= LOW_SCORE:
        reasons.append(FollowUp.Reason.LOW_SCORE.value)
    if worries.strip():
        reasons.append(FollowUp.Reason.WORRY.value)
    if flagged:
        reasons.append(FollowUp.Reason.FLAGGED.value)
    return reasons


def follow_ups_open(*, program: Program) -> list[FollowUp]:
    return list(
        FollowUp.objects.filter(program=program, closed_at__isnull=True).select_related(
            "checkin__user", "conversation", "match__mentor", "match__student"
        )
    )


@transaction.atomic
def follow_up_close(*, follow_up: FollowUp, actor: User, note: str) -> FollowUp:
    """Close a follow-up with the coordinator's note (required). Only the program's district
    coordinators close it (PermissionDenied); closing a closed one changes nothing."""
    follow_up = (
        FollowUp.objects.select_for_update().select_related("program__school").get(pk=follow_up.pk)
    )
    district_id = follow_up.program.school.district_id
    if actor.role != User.Role.COORDINATOR or actor.district_id != district_id:
        raise PermissionDenied("Only the program's coordinators close its follow-ups.")
    if not note.strip():
        raise ValidationError(_("Write what was done."))
    if follow_up.closed_at is not None:
        return follow_up
    follow_up.closed_at = timezone.now()
    follow_up.closed_by = actor
    follow_up.note = note.strip()[:2000]
    follow_up.save(update_fields=["closed_at", "closed_by", "note"])
    audit_record(
        action="followup.close",
        actor=actor,
        district_id=district_id,
        target_type="follow_up",
        target_id=follow_up.pk,
        detail={"conversation": follow_up.conversation_id, "reasons": follow_up.reasons},
    )
    return follow_up
