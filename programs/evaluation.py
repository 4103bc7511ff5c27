"""Program evaluation: week-by-week figures for a program or a school, read from the database.

Every function is a read (keyword-only, no writes). Weeks are calendar weeks starting on Monday
at 00:00 in the school's time zone, converted to UTC, so the week in which a DST change falls
is 167 or 169 hours long, as the calendar says. The definitions (docs/programs.md, Evaluation):

- **matches active**: matches whose status was `active` at some moment of the week (from the
  match's status history, `messaging.MatchEvent`), up to now for the current week;
- **messages**: members' messages (kind `user`) that reached the other side (delivered, flagged
  or released), written in the week in those matches; **per match** is messages / matches active;
- **contact**: the share of the week's active matches with at least one such message;
- **mentor response time**: for each run of student messages, from the first of them to the
  mentor's next message, counted in the week the student wrote; median and p90 (nearest rank) in
  hours; runs still unanswered are counted apart;
- **meetings held**: meetings of the one-to-one matches not cancelled, starting in the week,
  with someone recorded present; **attendance**: present / all recorded (present, absent,
  excused) at those meetings;
- **group sessions held**, **group attendance**: the same for the meetings of the scope's groups
  (kind `group` conversations); **group check-ins**: the group members' check-ins answered in the
  week, how many and their mean;
- **check-ins**: the scores (1-5) of the check-ins of these matches answered in the week
  (`programs.models.CheckIn`), how many, and their mean: overall, mentors' and students';
- **at risk**: matches active at the week's end (or now) for more than AT_RISK_DAYS (14), with
  no such message in the AT_RISK_DAYS before it (the dashboard's list counts the same way);
- **school attendance**: days present / days recorded in the district's import
  (programs.models.SchoolAttendance) for the scope's matched students, per week, and before and
  after each student's match started.
"""

import bisect
import datetime
import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from accounts.models import Program, School, User
from messaging.models import Conversation, Match, MatchEvent, Message
from scheduling.models import Holiday, Meeting

from .models import CheckIn, SchoolAttendance

# How far back "no contact" looks: this week and the one before it.
# A match is at risk when it has been active for longer than this and nobody in it wrote a
# message the other side saw for this long (evaluation and the dashboard's list alike).
AT_RISK_DAYS = 14
AT_RISK_WINDOW = datetime.timedelta(days=AT_RISK_DAYS)


@dataclass(frozen=True)
class EvaluationWeek:
    start_date: datetime.date  # a Monday, school time
    start: datetime.datetime  # UTC
    end: datetime.datetime  # UTC, exclusive


@dataclass(frozen=True)
class WeekFigures:
    week: EvaluationWeek
    holidays: tuple[str, ...]
    matches_active: int
    messages: int
    messages_per_match: Decimal | None
    matches_with_contact: int
    contact_share: Decimal | None  # 0..1
    replies: int
    unanswered: int
    response_median_hours: Decimal | None
    response_p90_hours: Decimal | None
    meetings_held: int
    attendance_present: int
    attendance_recorded: int
    attendance_rate: Decimal | None
    checkin_responses: int
    checkin_average: Decimal | None
    checkin_mentor_average: Decimal | None
    checkin_student_average: Decimal | None
    at_risk: int
    school_days_present: int
    school_days_recorded: int
    school_attendance_rate: Decimal | None
    group_sessions_held: int = 0
    group_attendance_present: int = 0
    group_attendance_recorded: int = 0
    group_attendance_rate: Decimal | None = None
    group_checkin_responses: int = 0
    group_checkin_average: Decimal | None = None


@dataclass(frozen=True)
class AttendanceChange:
    """One matched student's school attendance before and after their match started."""

    student: User
    match_started: datetime.date
    before_present: int
    before_recorded: int
    after_present: int
    after_recorded: int

    @property
    def before_rate(self) -> Decimal | None:
        return ratio(self.before_present, self.before_recorded)

    @property
    def after_rate(self) -> Decimal | None:
        return ratio(self.after_present, self.after_recorded)


@dataclass(frozen=True)
class Evaluation:
    title: str
    timezone: str
    weeks: list[WeekFigures]
    # The matches at risk in the last week shown, for the coordinator to follow up.
    at_risk_matches: list[Match]
    attendance_changes: list[AttendanceChange] = field(default_factory=list)
    # The scope's group conversations (any state): the group charts are shown when there is one.
    groups: int = 0


# The columns of the table, the CSV file and the PDF report, in order: (key, heading).
COLUMNS: list[tuple[str, object]] = [
    ("week", _("Week of")),
    ("holidays", _("Holidays")),
    ("matches_active", _("Matches active")),
    ("messages", _("Messages")),
    ("messages_per_match", _("Messages per match")),
    ("contact_share", _("Share with contact")),
    ("response_median_hours", _("Mentor reply, median (hours)")),
    ("response_p90_hours", _("Mentor reply, p90 (hours)")),
    ("unanswered", _("Unanswered")),
    ("meetings_held", _("Meetings held")),
    ("attendance_rate", _("Meeting attendance")),
    ("checkin_responses", _("Check-ins answered")),
    ("checkin_average", _("Check-in score")),
    ("checkin_mentor_average", _("Check-in score, mentors")),
    ("checkin_student_average", _("Check-in score, students")),
    ("at_risk", _("At risk")),
    ("school_attendance_rate", _("School attendance")),
    ("group_sessions_held", _("Group sessions held")),
    ("group_attendance_rate", _("Group attendance")),
    ("group_checkin_responses", _("Group check-ins answered")),
    ("group_checkin_average", _("Group check-in score")),
]


def ratio(part: int, whole: int) -> Decimal | None:
    """`part / whole` to two decimals (half up); None for an empty whole."""
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _hours(seconds: float) -> Decimal:
    return (Decimal(seconds) / Decimal(3600)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def percentile_nearest_rank(values: Sequence[float], p: int) -> float:
    """The p-th percentile by nearest rank: the smallest value with at least p% at or below."""
    ordered = sorted(values)
    return ordered[max(1, math.ceil(p / 100 * len(ordered))) - 1]


def monday_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def _local_midnight(day: datetime.date, tz: datetime.tzinfo) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=tz).astimezone(datetime.UTC)


def evaluation_weeks(
    *, tz: datetime.tzinfo, first: datetime.date, last: datetime.date
) -> list[EvaluationWeek]:
    """The Monday-start weeks, in `tz`, from the one containing `first` to the one containing
    `last` (local dates)."""
    weeks = []
    day = monday_of(first)
    while day <= last:
        nxt = day + datetime.timedelta(days=7)
        weeks.append(EvaluationWeek(day, _local_midnight(day, tz), _local_midnight(nxt, tz)))
        day = nxt
    return weeks


def _active_intervals(
    match_ids: Iterable[int], now: datetime.datetime
) -> dict[int, list[tuple[datetime.datetime, datetime.datetime]]]:
    """Per match, the [from, to) intervals in which it was active (to = now while it still is)."""
    intervals: dict[int, list[tuple[datetime.datetime, datetime.datetime]]] = defaultdict(list)
    opened: dict[int, datetime.datetime] = {}
    events = MatchEvent.objects.filter(match_id__in=list(match_ids)).order_by(
        "match_id", "at", "pk"
    )
    for event in events.values("match_id", "to_status", "at"):
        mid = event["match_id"]
        if event["to_status"] == Match.Status.ACTIVE:
            opened.setdefault(mid, event["at"])
        elif mid in opened:
            intervals[mid].append((opened.pop(mid), event["at"]))
    for mid, since in opened.items():
        intervals[mid].append((since, now))
    return intervals


def _at_risk(spans, messages: Iterable[datetime.datetime], judged_at: datetime.datetime) -> bool:
    """The at-risk rule for one match, judged at `judged_at` (exclusive): active then, and for
    longer than AT_RISK_DAYS, with none of its `messages` (times) in the AT_RISK_DAYS before."""
    since = _active_at(spans, judged_at - datetime.timedelta(microseconds=1))
    window_start = judged_at - AT_RISK_WINDOW
    if not since or since[0] > window_start:
        return False
    return not any(window_start <= at < judged_at for at in messages)


def matches_at_risk_now(*, match_ids: Iterable[int], now: datetime.datetime) -> set[int]:
    """Which of these matches are at risk now: the rule the evaluation's weekly figure uses."""
    match_ids = list(match_ids)
    intervals = _active_intervals(match_ids, now)
    recent: dict[int, list[datetime.datetime]] = defaultdict(list)
    for match_id, at in Message.objects.filter(
        conversation__match_id__in=list(intervals),
        kind=Message.Kind.USER,
        state__in=Message.VISIBLE_STATES,
        created_at__gte=now - AT_RISK_WINDOW,
    ).values_list("conversation__match_id", "created_at"):
        recent[match_id].append(at)
    return {mid for mid, spans in intervals.items() if _at_risk(spans, recent[mid], now)}


def _active_at(intervals, at: datetime.datetime) -> tuple[datetime.datetime, ...]:
    """The start of the interval active at `at`, as a 1-tuple, or ()."""
    return tuple(since for since, until in intervals if since <= at < until)


@dataclass(frozen=True)
class CheckinWeekScores:
    """The check-in scores (1-5) answered in one week, by the side of the match that answered."""

    mentor: tuple[int, ...] = ()
    student: tuple[int, ...] = ()

    @property
    def every(self) -> tuple[int, ...]:
        return self.mentor + self.student


def checkin_scores(
    *, match_ids: Sequence[int], weeks: Sequence[EvaluationWeek]
) -> dict[datetime.date, CheckinWeekScores]:
    """The scores of the check-ins of these matches answered in each week, by week start (weeks
    with none are left out). The match's mentor answers for the mentor side, the student for
    the student side. Unanswered check-ins count nowhere; group check-ins (no match) count in
    the group figures only (group_checkin_scores)."""
    if not weeks or not match_ids:
        return {}
    rows = (
        CheckIn.objects.filter(
            match_id__in=list(match_ids),
            score__isnull=False,
            answered_at__gte=weeks[0].start,
            answered_at__lt=weeks[-1].end,
        )
        .order_by("answered_at", "pk")
        .values_list("answered_at", "score", "user_id", "match__mentor_id")
    )
    sides: dict[datetime.date, dict[str, list[int]]] = defaultdict(
        lambda: {"mentor": [], "student": []}
    )
    starts = [week.start for week in weeks]
    for answered_at, score, user_id, mentor_id in rows:
        week = weeks[bisect.bisect_right(starts, answered_at) - 1]
        sides[week.start_date]["mentor" if user_id == mentor_id else "student"].append(score)
    return {
        day: CheckinWeekScores(mentor=tuple(s["mentor"]), student=tuple(s["student"]))
        for day, s in sides.items()
    }


def group_checkin_scores(
    *, programs: Sequence[Program], weeks: Sequence[EvaluationWeek]
) -> dict[datetime.date, tuple[int, ...]]:
    """The scores of the group check-ins (no match) of these programs answered in each week,
    by week start (weeks with none are left out)."""
    if not weeks:
        return {}
    rows = (
        CheckIn.objects.filter(
            program__in=programs,
            match__isnull=True,
            conversation__kind=Conversation.Kind.GROUP,
            score__isnull=False,
            answered_at__gte=weeks[0].start,
            answered_at__lt=weeks[-1].end,
        )
        .order_by("answered_at", "pk")
        .values_list("answered_at", "score")
    )
    by_week: dict[datetime.date, list[int]] = defaultdict(list)
    starts = [week.start for week in weeks]
    for answered_at, score in rows:
        by_week[weeks[bisect.bisect_right(starts, answered_at) - 1].start_date].append(score)
    return {day: tuple(scores) for day, scores in by_week.items()}


def _held(meetings, week: EvaluationWeek) -> tuple[int, int, int]:
    """Meetings held in the week (someone recorded present), present and recorded at them."""
    held = [m for m in meetings if week.start <= m.starts_at < week.end and m.present]
    return len(held), sum(m.present for m in held), sum(m.recorded for m in held)


def _mean(scores: Sequence[int]) -> Decimal | None:
    return ratio(sum(scores), len(scores))


def _scope_evaluation(
    *,
    title: str,
    tz: datetime.tzinfo,
    district_id: int,
    programs: Sequence[Program],
    first: datetime.date,
    last: datetime.date,
    now: datetime.datetime,
) -> Evaluation:
    weeks = evaluation_weeks(tz=tz, first=first, last=last)
    if not weeks:
        return Evaluation(title=title, timezone=str(tz), weeks=[], at_risk_matches=[])
    range_start, range_end = weeks[0].start, weeks[-1].end
    look_back = range_start - AT_RISK_WINDOW
    matches = {
        m.pk: m
        for m in Match.objects.filter(program__in=programs).select_related("mentor", "student")
    }
    intervals = _active_intervals(matches, now)

    # Members' messages the other side saw, per match, in sequence.
    messages = (
        Message.objects.filter(
            conversation__match_id__in=list(matches),
            kind=Message.Kind.USER,
            state__in=Message.VISIBLE_STATES,
            created_at__gte=look_back,
        )
        .order_by("conversation_id", "seq")
        .values_list("conversation__match_id", "sender_id", "created_at")
    )
    by_match: dict[int, list[tuple[int, datetime.datetime]]] = defaultdict(list)
    for match_id, sender_id, created_at in messages:
        by_match[match_id].append((sender_id, created_at))

    # Waits from a student's run of messages to the mentor's next message.
    waits: list[tuple[datetime.datetime, float]] = []
    unanswered: list[datetime.datetime] = []
    for match_id, rows in by_match.items():
        mentor_id = matches[match_id].mentor_id
        waiting_since = None
        for sender_id, created_at in rows:
            if sender_id == mentor_id:
                if waiting_since is not None:
                    waits.append((waiting_since, (created_at - waiting_since).total_seconds()))
                    waiting_since = None
            elif waiting_since is None:
                waiting_since = created_at
        if waiting_since is not None:
            unanswered.append(waiting_since)

    meetings = list(
        Meeting.objects.filter(
            conversation__program__in=programs,
            status=Meeting.Status.SCHEDULED,
            starts_at__gte=range_start,
            starts_at__lt=range_end,
        )
        .annotate(
            present=Count("attendance", filter=Q(attendance__present=True)),
            recorded=Count("attendance"),
        )
        .select_related("conversation")
    )
    group_meetings = [m for m in meetings if m.conversation.kind == Conversation.Kind.GROUP]
    meetings = [m for m in meetings if m.conversation.kind != Conversation.Kind.GROUP]
    groups = Conversation.objects.filter(program__in=programs, kind=Conversation.Kind.GROUP).count()
    holidays = defaultdict(list)
    for day, name in Holiday.objects.filter(
        district_id=district_id,
        date__gte=weeks[0].start_date,
        date__lt=last + datetime.timedelta(days=7),
    ).values_list("date", "name"):
        holidays[monday_of(day)].append(name)

    student_ids = {m.student_id for m in matches.values()}
    school_rows = list(
        SchoolAttendance.objects.filter(student_id__in=student_ids).values_list(
            "student_id", "period_start", "period_days", "days_present", "days_absent"
        )
    )
    scores = checkin_scores(match_ids=list(matches), weeks=weeks)
    group_scores = group_checkin_scores(programs=programs, weeks=weeks)

    figures = []
    at_risk_last: list[Match] = []
    for week in weeks:
        week_end = min(week.end, now)
        active = [
            mid
            for mid, spans in intervals.items()
            if any(since < week_end and until > week.start for since, until in spans)
        ]
        week_messages = {
            mid: sum(1 for _s, at in by_match.get(mid, ()) if week.start <= at < week.end)
            for mid in active
        }
        total_messages = sum(week_messages.values())
        with_contact = sum(1 for n in week_messages.values() if n)
        week_waits = [s for since, s in waits if week.start <= since < week.end]
        held, present, recorded = _held(meetings, week)
        group_held, group_present, group_recorded = _held(group_meetings, week)
        week_group_scores = group_scores.get(week.start_date, ())
        # At risk: judged at the week's end, or now for the week under way, over the
        # AT_RISK_DAYS before it (the dashboard's list, programs.match_actions, uses the same).
        at_risk = [
            matches[mid]
            for mid, spans in intervals.items()
            if _at_risk(spans, [at for _s, at in by_match.get(mid, ())], week_end)
        ]
        at_risk_last = sorted(at_risk, key=lambda m: m.pk)
        days_present = days_recorded = 0
        for _sid, period_start, _days, p, a in school_rows:
            if week.start_date <= period_start < week.start_date + datetime.timedelta(days=7):
                days_present += p
                days_recorded += p + a
        week_scores = scores.get(week.start_date, CheckinWeekScores())
        figures.append(
            WeekFigures(
                week=week,
                holidays=tuple(sorted(holidays.get(week.start_date, ()))),
                matches_active=len(active),
                messages=total_messages,
                messages_per_match=ratio(total_messages, len(active)),
                matches_with_contact=with_contact,
                contact_share=ratio(with_contact, len(active)),
                replies=len(week_waits),
                unanswered=sum(1 for at in unanswered if week.start <= at < week.end),
                response_median_hours=_hours(statistics.median(week_waits)) if week_waits else None,
                response_p90_hours=(
                    _hours(percentile_nearest_rank(week_waits, 90)) if week_waits else None
                ),
                meetings_held=held,
                attendance_present=present,
                attendance_recorded=recorded,
                attendance_rate=ratio(present, recorded),
                checkin_responses=len(week_scores.every),
                checkin_average=_mean(week_scores.every),
                checkin_mentor_average=_mean(week_scores.mentor),
                checkin_student_average=_mean(week_scores.student),
                at_risk=len(at_risk),
                school_days_present=days_present,
                school_days_recorded=days_recorded,
                school_attendance_rate=ratio(days_present, days_recorded),
                group_sessions_held=group_held,
                group_attendance_present=group_present,
                group_attendance_recorded=group_recorded,
                group_attendance_rate=ratio(group_present, group_recorded),
                group_checkin_responses=len(week_group_scores),
                group_checkin_average=_mean(week_group_scores),
            )
        )
    return Evaluation(
        title=title,
        timezone=str(tz),
        weeks=figures,
        at_risk_matches=at_risk_last,
        attendance_changes=_attendance_changes(
            matches=list(matches.values()), intervals=intervals, rows=school_rows, tz=tz
        ),
        groups=groups,
    )


def _attendance_changes(*, matches, intervals, rows, tz) -> list[AttendanceChange]:
    """Per matched student with imported attendance: days before the first day of their first
    activated match in the scope, and from that day on. A week row that contains the start day
    belongs to neither side."""
    started: dict[int, tuple[datetime.date, User]] = {}
    for match in matches:
        spans = intervals.get(match.pk)
        if not spans:
            continue
        day = spans[0][0].astimezone(tz).date()
        if match.student_id not in started or day < started[match.student_id][0]:
            started[match.student_id] = (day, match.student)
    sums: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for student_id, period_start, period_days, present, absent in rows:
        if student_id not in started:
            continue
        day = started[student_id][0]
        period_end = period_start + datetime.timedelta(days=period_days)
        if period_end <= day:
            sums[student_id][0] += present
            sums[student_id][1] += present + absent
        elif period_start >= day:
            sums[student_id][2] += present
            sums[student_id][3] += present + absent
    changes = [
        AttendanceChange(
            student=started[sid][1],
            match_started=started[sid][0],
            before_present=s[0],
            before_recorded=s[1],
            after_present=s[2],
            after_recorded=s[3],
        )
        for sid, s in sums.items()
    ]
    return sorted(changes, key=lambda c: (c.match_started, c.student.pk))


def _range(
    *, programs: Sequence[Program], first, last, now: datetime.datetime, tz
) -> tuple[datetime.date, datetime.date]:
    today = now.astimezone(tz).date()
    if first is None:
        first = min((p.start_date for p in programs), default=today)
    if last is None:
        ends = [p.end_date for p in programs if p.end_date]
        last = min(today, max(ends)) if ends and len(ends) == len(programs) else today
    return first, last


def program_evaluation(
    *,
    program: Program,
    first: datetime.date | None = None,
    last: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> Evaluation:
    """The program's figures week by week, from the week of `first` (default: the program's
    start) to the week of `last` (default: today, or the program's end if earlier)."""
    now = now or timezone.now()
    tz = program.school.tz
    first, last = _range(programs=[program], first=first, last=last, now=now, tz=tz)
    return _scope_evaluation(
        title=program.name,
        tz=tz,
        district_id=program.school.district_id,
        programs=[program],
        first=first,
        last=last,
        now=now,
    )


def school_evaluation(
    *,
    school: School,
    first: datetime.date | None = None,
    last: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> Evaluation:
    """The same figures over every program of the school."""
    now = now or timezone.now()
    tz = school.tz
    programs = list(Program.objects.filter(school=school).order_by("pk"))
    first, last = _range(programs=programs, first=first, last=last, now=now, tz=tz)
    return _scope_evaluation(
        title=school.name,
        tz=tz,
        district_id=school.district_id,
        programs=programs,
        first=first,
        last=last,
        now=now,
    )


def _cell(value: object, localize: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, tuple):
        return "; ".join(value)
    if localize and isinstance(value, int | Decimal) and not isinstance(value, bool):
        return number_format(value, force_grouping=True)
    return str(value)


def evaluation_table(
    evaluation: Evaluation, *, localize: bool = False
) -> tuple[list[str], list[list[str]]]:
    """The headings and the rows of the evaluation, as text: one table for the page, the CSV
    file and the PDF report, so all three show the same numbers. `localize`: numbers as the
    active language writes them (the page and the report: 3,5 in Spanish); without it, as a
    spreadsheet reads them whatever its language (the CSV file: 3.5)."""
    headings = [str(label) for _key, label in COLUMNS]
    rows = []
    for figures in evaluation.weeks:
        values = {
            "week": figures.week.start_date.isoformat(),
            **{key: getattr(figures, key) for key, _label in COLUMNS[1:]},
        }
        rows.append([_cell(values[key], localize) for key, _label in COLUMNS])
    return headings, rows
