"""The weekly cadence: program weeks, weekly prompts, each match's week status and reply nudges.

A program's week starts on `Program.week_starts_on` at 00:00 in the school's time zone; week
arithmetic happens in local wall-clock time and is converted to UTC, so a week that spans a DST
change is 167 or 169 hours long, as the calendar says.
"""

import datetime
import logging
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.languages import language_for_person, validate_text_translations
from accounts.models import Program, User

from . import realtime
from .models import Match, Message, Nudge, WeeklyPrompt
from .services import system_message_post

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Week:
    start_date: datetime.date  # local date of the first day
    start: datetime.datetime  # UTC
    end: datetime.datetime  # UTC, exclusive


def program_week(*, program: Program, at: datetime.datetime) -> Week:
    """The program week containing the instant `at` (aware)."""
    if timezone.is_naive(at):
        raise ValueError("program_week needs an aware datetime")
    tz = program.school.tz
    local_day = at.astimezone(tz).date()
    start_date = local_day - datetime.timedelta(
        days=(local_day.weekday() - program.week_starts_on) % 7
    )
    return week_starting(program=program, start_date=start_date)


def week_starting(*, program: Program, start_date: datetime.date) -> Week:
    tz = program.school.tz
    start = datetime.datetime.combine(start_date, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(
        start_date + datetime.timedelta(days=7), datetime.time.min, tzinfo=tz
    )
    return Week(start_date, start.astimezone(datetime.UTC), end.astimezone(datetime.UTC))


# -- prompts -------------------------------------------------------------------------------------


@transaction.atomic
def prompt_schedule(
    *,
    program: Program,
    week_start: datetime.date,
    body: str,
    actor: User,
    translations: dict[str, str] | None = None,
) -> WeeklyPrompt:
    """Schedule this program's prompt for the week starting `week_start` (a program week day).
    `translations` holds the question in other languages ({"es": "..."}; blanks are dropped)."""
    if not (
        actor.is_superuser
        or (actor.role == User.Role.COORDINATOR and actor.district_id == program.school.district_id)
    ):
        raise PermissionDenied("Only the program's coordinators schedule prompts.")
    if week_start.weekday() != program.week_starts_on:
        raise ValidationError(gettext("A prompt is scheduled for the first day of a program week."))
    if not body.strip():
        raise ValidationError(gettext("The prompt is empty."))
    if program_week(program=program, at=timezone.now()).start_date > week_start:
        raise ValidationError(gettext("That week has already started or passed."))
    texts = {code: text.strip() for code, text in (translations or {}).items() if text.strip()}
    validate_text_translations(texts)
    prompt, created = WeeklyPrompt.objects.get_or_create(
        program=program,
        week_start=week_start,
        defaults={"body": body.strip(), "body_translations": texts, "created_by": actor},
    )
    if not created:
        if prompt.posted_at is not None:
            raise ValidationError(gettext("This week's prompt has already been posted."))
        prompt.body, prompt.body_translations, prompt.created_by = body.strip(), texts, actor
        prompt.save(update_fields=["body", "body_translations", "created_by"])
    return prompt


def prompt_message_body(*, prompt: WeeklyPrompt, readers: list[User]) -> str:
    """The program message that posts `prompt` into a conversation: once in each of its readers'
    languages (the student's first), so that each reads the question in their own."""
    languages: list[str] = []
    for reader in sorted(readers, key=lambda u: (u.role != User.Role.STUDENT, u.pk)):
        language = language_for_person(user=reader)
        if language not in languages:
            languages.append(language)
    parts = []
    for language in languages or [language_for_person(user=None)]:
        with translation.override(language):
            parts.append(
                gettext("This week's question: %(question)s") % {"question": prompt.text(language)}
            )
    return "\n\n".join(parts)


def prompts_post_due(*, now: datetime.datetime | None = None) -> int:
    """Post every prompt whose week has started (and not ended) into each active match of its
    program. Idempotent: a conversation gets a prompt once (keyed system message). Returns the
    number of messages posted."""
    now = now or timezone.now()
    posted = 0
    due = WeeklyPrompt.objects.filter(posted_at__isnull=True).select_related(
        "program__school__district"
    )
    for prompt in due:
        week = week_starting(program=prompt.program, start_date=prompt.week_start)
        if not (week.start <= now < week.end):
            continue
        with transaction.atomic():
            locked = WeeklyPrompt.objects.select_for_update().get(pk=prompt.pk)
            if locked.posted_at is not None:
                continue
            matches = Match.objects.filter(program=prompt.program, status=Match.Status.ACTIVE)
            for match in matches.select_related(
                "conversation", "mentor__district", "student__district"
            ):
                result = system_message_post(
                    conversation=match.conversation,
                    key=f"prompt:{prompt.pk}",
                    body=prompt_message_body(prompt=locked, readers=[match.student, match.mentor]),
                )
                posted += int(result.created)
            locked.posted_at = now
            locked.save(update_fields=["posted_at"])
    return posted


# -- week status ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MatchWeekStatus:
    match_id: int
    week: Week
    mentor_wrote: bool
    student_wrote: bool
    waiting_since: datetime.datetime | None  # oldest student message the mentor has not answered
    reply_overdue: bool
    nudged: bool


def match_week_status(*, match: Match, at: datetime.datetime | None = None) -> MatchWeekStatus:
    """Who has written this week, and whether the mentor answered the student in time."""
    at = at or timezone.now()
    program = match.program
    week = program_week(program=program, at=at)
    conversation = match.conversation
    visible = Message.objects.filter(
        conversation=conversation, kind=Message.Kind.USER, state__in=Message.VISIBLE_STATES
    )
    this_week = visible.filter(created_at__gte=week.start, created_at__lt=week.end)
    waiting = _oldest_unanswered(match=match)
    overdue = bool(
        waiting and at - waiting.created_at > datetime.timedelta(hours=program.reply_expected_hours)
    )
    return MatchWeekStatus(
        match_id=match.pk,
        week=week,
        mentor_wrote=this_week.filter(sender_id=match.mentor_id).exists(),
        student_wrote=this_week.filter(sender_id=match.student_id).exists(),
        waiting_since=waiting.created_at if waiting else None,
        reply_overdue=overdue,
        nudged=bool(waiting and Nudge.objects.filter(waiting_message=waiting).exists()),
    )


def _oldest_unanswered(*, match: Match) -> Message | None:
    """The first visible student message after the mentor's last visible message, if any."""
    visible = Message.objects.filter(
        conversation=match.conversation, kind=Message.Kind.USER, state__in=Message.VISIBLE_STATES
    )
    last_mentor_seq = (
        visible.filter(sender_id=match.mentor_id)
        .order_by("-seq")
        .values_list("seq", flat=True)
        .first()
    ) or 0
    return (
        visible.filter(sender_id=match.student_id, seq__gt=last_mentor_seq).order_by("seq").first()
    )


def program_week_overview(*, program: Program, at: datetime.datetime | None = None) -> list[dict]:
    """For coordinators: every active match's week status, with who was nudged."""
    rows = []
    matches = program.matches.filter(status=Match.Status.ACTIVE).select_related(
        "mentor", "student", "conversation", "program__school__district"
    )
    for match in matches:
        status = match_week_status(match=match, at=at)
        rows.append(
            {
                "match": match,
                "status": status,
                "nudges": list(match.nudges.values("sent_at", "emailed")[:5]),
            }
        )
    return rows


# -- nudges --------------------------------------------------------------------------------------


def nudges_send_due(*, now: datetime.datetime | None = None) -> int:
    """Nudge each mentor whose student has waited longer than the program's expected reply time.

    Once per waiting message (a unique row), in-app (an event to the mentor's sockets) and by
    e-mail after the commit. Returns the number of nudges sent.
    """
    now = now or timezone.now()
    sent = 0
    matches = Match.objects.filter(status=Match.Status.ACTIVE).select_related(
        "program__school__district", "mentor", "conversation"
    )
    for match in matches:
        waiting = _oldest_unanswered(match=match)
        if waiting is None:
            continue
        limit = datetime.timedelta(hours=match.program.reply_expected_hours)
        if now - waiting.created_at <= limit:
            continue
        try:
            with transaction.atomic():
                nudge = Nudge.objects.create(
                    match=match,
                    mentor=match.mentor,
                    waiting_message=waiting,
                    week_start=program_week(program=match.program, at=now).start_date,
                )
                realtime.notify_after_commit(
                    groups=[realtime.user_group(match.mentor_id)],
                    event={
                        "type": "nudge",
                        "conversation": match.conversation.pk,
                        "waiting_since": waiting.created_at.isoformat(),
                    },
                )
                transaction.on_commit(lambda n=nudge: _email_nudge(n))
        except IntegrityError:
            continue  # another worker nudged for this message already
        sent += 1
    return sent


def _email_nudge(nudge: Nudge) -> None:
    mentor = nudge.mentor
    if not mentor.email:
        return
    with translation.override(language_for_person(user=mentor)):
        subject = gettext("Your student is waiting for your reply on Trellis")
        body = gettext(
            "Your student wrote to you on Trellis and is waiting for an answer. "
            "Sign in to reply: it takes a few minutes and means a lot."
        )
    try:
        send_mail(subject=subject, message=body, from_email=None, recipient_list=[mentor.email])
    except Exception:
        logger.warning("nudge e-mail failed for nudge=%s", nudge.pk)
        return
    Nudge.objects.filter(pk=nudge.pk).update(emailed=True)
