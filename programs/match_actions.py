"""A match that is not working: a coordinator pauses it, closes it, or reassigns the student.

Each write is one transaction: the transition (messaging.services), one audit entry (ids, codes;
the reason in words stays on the MatchEvent), and a plain-words notice to each person affected,
in the app (ProgramNotice, on their home page) and by e-mail after commit, and the student's
guardians by e-mail (programs.guardians.guardian_match_change_notify). A reassignment closes
the match, proposes the chosen mentor through the matching aid (programs.services.match_propose:
same rules, same MatchDecision), activates the new match when consent and screening allow, and
keeps a MatchHandover for the coordinator: the student's goals and the old match's history
(dates, meetings held, check-in scores, coordinator notes). The new match has a new
conversation; nothing of the old one's messages is copied, linked or shared with the new mentor.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from accounts.audit import audit_record
from accounts.languages import language_for_person
from accounts.models import Program, User
from accounts.notices import notice_mail
from messaging.models import Conversation, Match, Message
from messaging.services import MatchNotActivatable, match_activate, match_close, match_pause
from scheduling.models import Attendance, Meeting

from .evaluation import AT_RISK_DAYS, matches_at_risk_now
from .guardians import guardian_match_change_notify
from .models import CheckIn, FollowUp, MatchHandover, ProgramNotice, StudentProfile
from .services import match_propose

REASON_MAX = 300


class MatchActionRefused(ValidationError):
    """The action was not taken; the reason is in `messages`."""


def notice_send(
    *, user: User, subject: Promise, body: Promise, names: dict[str, str], kind: str
) -> ProgramNotice:
    """One notice to one person, in their language (`language_for_person`, not the language of
    the coordinator acting): on their home page, and by e-mail after commit. `subject` and
    `body` are lazy translations; `names` fills the body's placeholders. The stored notice keeps
    the language it was written in."""
    with translation.override(language_for_person(user=user)):
        subject, body = str(subject), str(body) % names
    notice = ProgramNotice.objects.create(
        user=user, subject=subject, body=body, created_at=timezone.now()
    )
    notice_mail(user=user, subject=subject, body=body, kind=kind)
    return notice


def _reason(reason: object) -> str:
    text = reason.strip()[:REASON_MAX] if isinstance(reason, str) else ""
    if not text:
        raise MatchActionRefused(_("Give a reason."))
    return text


def _locked(match: Match, program: Program) -> Match:
    found = (
        Match.objects.select_for_update()
        .select_related("mentor", "student", "program__school")
        .filter(pk=match.pk, program=program)
        .first()
    )
    if found is None:
        raise MatchActionRefused(_("No such match in this program."))
    return found


def _audit(action: str, *, actor: User, match: Match, detail: dict) -> None:
    audit_record(
        action=action,
        actor=actor,
        district_id=match.program.school.district_id,
        target_type="match",
        target_id=match.pk,
        detail={"program": match.program_id, **detail},
    )


@transaction.atomic
def match_pause_for_review(*, actor: User, program: Program, match: Match, reason: str) -> Match:
    """Pause an active (or proposed) match: the conversation stops taking messages until it is
    resumed. The mentor and the student are told, without the coordinator's reason (which may
    be about one of them)."""
    reason = _reason(reason)
    match = _locked(match, program)
    if match.status not in (Match.Status.ACTIVE, Match.Status.PROPOSED):
        raise MatchActionRefused(_("Only an active or proposed match can be paused."))
    match = match_pause(match=match, actor=actor, reason=reason)
    _audit("match.pause", actor=actor, match=match, detail={"by": "coordinator"})
    # Each in their own register: "tú" to the student, "usted" to the mentor (contexts).
    texts = {
        match.student: (
            pgettext_lazy("to a student", "Your mentoring conversation is paused"),
            pgettext_lazy(
                "to a student",
                "Your program's coordinator has paused your conversation with %(name)s for "
                "now. You cannot send messages until it is resumed. The coordinator will "
                "contact you about what happens next.",
            ),
        ),
        match.mentor: (
            pgettext_lazy("to an adult", "Your mentoring conversation is paused"),
            pgettext_lazy(
                "to an adult",
                "Your program's coordinator has paused your conversation with %(name)s for "
                "now. You cannot send messages until it is resumed. The coordinator will "
                "contact you about what happens next.",
            ),
        ),
    }
    for person, other in ((match.mentor, match.student), (match.student, match.mentor)):
        subject, body = texts[person]
        notice_send(
            user=person,
            subject=subject,
            body=body,
            names={"name": other.public_name},
            kind="match_paused",
        )
    guardian_match_change_notify(match=match, change="paused")
    return match


@transaction.atomic
def match_close_for_review(*, actor: User, program: Program, match: Match, reason: str) -> Match:
    """Close a match for good: the conversation closes, its future meetings are cancelled by
    the periodic job. The mentor and the student are told."""
    reason = _reason(reason)
    match = _locked(match, program)
    if match.status == Match.Status.CLOSED:
        raise MatchActionRefused(_("This match is already closed."))
    match = match_close(match=match, actor=actor, reason=reason)
    _audit("match.close", actor=actor, match=match, detail={"by": "coordinator"})
    texts = {
        match.student: (
            pgettext_lazy("to a student", "Your mentoring match has ended"),
            pgettext_lazy(
                "to a student",
                "Your program's coordinator has ended your match with %(name)s. You can no "
                "longer send messages in that conversation. If you have questions, talk to "
                "the coordinator.",
            ),
        ),
        match.mentor: (
            pgettext_lazy("to an adult", "Your mentoring match has ended"),
            pgettext_lazy(
                "to an adult",
                "Your program's coordinator has ended your match with %(name)s. You can no "
                "longer send messages in that conversation. If you have questions, talk to "
                "the coordinator.",
            ),
        ),
    }
    for person, other in ((match.mentor, match.student), (match.student, match.mentor)):
        subject, body = texts[person]
        notice_send(
            user=person,
            subject=subject,
            body=body,
            names={"name": other.public_name},
            kind="match_closed",
        )
    guardian_match_change_notify(match=match, change="closed")
    return match


def match_history(*, match: Match, now: datetime.datetime | None = None) -> dict:
    """What a coordinator carries forward from a match: the student's goals, its dates, the
    meetings held and attended, the check-in scores and the coordinator's notes. Counts, dates,
    scores and staff notes only: no message, no member's comment."""
    now = now or timezone.now()
    conversation = Conversation.objects.filter(match=match).first()
    profile = StudentProfile.objects.filter(student=match.student).first()
    events = list(match.events.order_by("at", "pk"))
    activated = next((e.at for e in events if e.to_status == Match.Status.ACTIVE), None)
    held = Meeting.objects.filter(
        conversation=conversation, status=Meeting.Status.SCHEDULED, ends_at__lt=now
    )
    attended = (
        Attendance.objects.filter(meeting__in=held, user=match.student, present=True).count()
        if conversation
        else 0
    )
    last_message = (
        Message.objects.filter(conversation=conversation, sender__isnull=False).aggregate(
            at=Max("created_at")
        )["at"]
        if conversation
        else None
    )
    checkins = CheckIn.objects.filter(match=match, answered_at__isnull=False).order_by(
        "period_start", "pk"
    )
    notes = FollowUp.objects.filter(match=match, closed_at__isnull=False).order_by("closed_at")
    return {
        "goals": {
            "needs": sorted(profile.needs) if profile else [],
            "interests": sorted(profile.interests) if profile else [],
        },
        "mentor": match.mentor_id,
        "created": match.created_at.isoformat(),
        "activated": activated.isoformat() if activated else None,
        "closed": match.closed_at.isoformat() if match.closed_at else None,
        "last_contact": last_message.isoformat() if last_message else None,
        "meetings_held": held.count() if conversation else 0,
        "meetings_attended": attended,
        "checkins": [
            {
                "period": c.period_start.isoformat(),
                "role": "mentor" if c.user_id == match.mentor_id else "student",
                "score": c.score,
            }
            for c in checkins
        ],
        "notes": [{"at": n.closed_at.isoformat(), "text": n.note} for n in notes],
        "events": [
            {"at": e.at.isoformat(), "from": e.from_status, "to": e.to_status, "reason": e.reason}
            for e in events
        ],
    }


@transaction.atomic
def match_reassign(
    *, actor: User, program: Program, match: Match, mentor_id: object, reason: str
) -> MatchHandover:
    """Close `match` and match its student with the mentor `mentor_id`, as the matching aid
    ranks them (refused with the aid's reasons, nothing written, when a rule excludes the
    mentor; the old mentor cannot be chosen again). The new match is activated when consent and
    screening allow, else left proposed. Returns the handover the coordinator reads."""
    reason = _reason(reason)
    match = _locked(match, program)
    if match.status == Match.Status.CLOSED:
        raise MatchActionRefused(_("This match is already closed."))
    if str(mentor_id) == str(match.mentor_id):
        raise MatchActionRefused(_("Choose a different mentor."))
    old_mentor, student = match.mentor, match.student
    match_close(match=match, actor=actor, reason=reason)
    match.refresh_from_db()
    history = match_history(match=match)
    decision = match_propose(actor=actor, program=program, student=student, mentor_id=mentor_id)
    new_match = decision.match
    try:
        with transaction.atomic():
            new_match = match_activate(match=new_match, actor=actor, reason="Reassigned")
    except MatchNotActivatable:
        pass  # left proposed: the matching page shows what is missing
    handover = MatchHandover.objects.create(
        old_match=match,
        new_match=new_match,
        coordinator=actor,
        reason=reason,
        history=history,
        created_at=timezone.now(),
    )
    _audit(
        "match.reassign",
        actor=actor,
        match=match,
        detail={
            "new_match": new_match.pk,
            "old_mentor": old_mentor.pk,
            "new_mentor": decision.mentor_id,
            "student": student.pk,
            "new_status": new_match.status,
        },
    )
    new_mentor = decision.mentor
    notice_send(
        user=old_mentor,
        subject=gettext_lazy("Your mentoring match has ended"),
        body=gettext_lazy(
            "Your program's coordinator has ended your match with %(name)s, who will continue "
            "with another mentor. You can no longer send messages in that conversation. Thank "
            "you for your time; if you have questions, talk to the coordinator."
        ),
        names={"name": student.public_name},
        kind="match_reassigned",
    )
    notice_send(
        user=student,
        subject=gettext_lazy("You have a new mentor"),
        body=gettext_lazy(
            "Your program's coordinator has matched you with a new mentor, %(new)s. Your "
            "conversation with %(old)s has ended. Your new conversation starts fresh: your "
            "new mentor does not see your old messages."
        ),
        names={"new": new_mentor.public_name, "old": old_mentor.public_name},
        kind="match_reassigned",
    )
    notice_send(
        user=new_mentor,
        subject=gettext_lazy("You have been matched with a student"),
        body=gettext_lazy(
            "Your program's coordinator has matched you with %(name)s. Open Trellis to start "
            "your conversation."
        ),
        names={"name": student.public_name},
        kind="match_reassigned",
    )
    guardian_match_change_notify(match=match, change="reassigned", new_mentor=new_mentor)
    return handover


def matches_at_risk(*, program: Program, now: datetime.datetime | None = None) -> list[dict]:
    """Active matches and open groups of the program with no message from any member that the
    others saw for AT_RISK_DAYS days (programs.evaluation's rule; counted from the
    conversation's start when nobody wrote yet), the longest silence first. Each row:
    conversation, match (None for a group), since, last."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=AT_RISK_DAYS)
    conversations = (
        Conversation.objects.filter(program=program, created_at__lte=cutoff)
        .filter(
            Q(kind=Conversation.Kind.MATCH, match__status=Match.Status.ACTIVE)
            | Q(kind=Conversation.Kind.GROUP, is_open=True)
        )
        .select_related("match__mentor", "match__student")
        .annotate(
            last=Max(
                "messages__created_at",
                filter=Q(
                    messages__kind=Message.Kind.USER,
                    messages__state__in=Message.VISIBLE_STATES,
                ),
            )
        )
    )
    conversations = list(conversations)
    # Matches by the evaluation's rule (active for the whole window, counted from activation),
    # so that the dashboard's list and its headline figure agree.
    risky_matches = matches_at_risk_now(
        match_ids=[c.match_id for c in conversations if c.match_id], now=now
    )
    rows = []
    for conversation in conversations:
        since = conversation.last or conversation.created_at
        if conversation.match_id and conversation.match_id not in risky_matches:
            continue
        if since <= cutoff:
            rows.append(
                {
                    "conversation": conversation,
                    "match": conversation.match,
                    "since": since,
                    "last": conversation.last,
                }
            )
    rows.sort(key=lambda r: (r["since"], r["conversation"].pk))
    return rows
