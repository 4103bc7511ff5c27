"""Reads for a coordinator's program dashboard (the program week page): at-risk matches first,
open follow-ups, the latest check-in scores, and the program's groups."""

import datetime

from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import Program
from messaging.models import Conversation, Match
from scheduling.models import Attendance, Meeting

from .checkins import follow_ups_open
from .match_actions import matches_at_risk
from .models import CheckIn


def latest_scores(*, program: Program) -> dict[int, list[CheckIn]]:
    """Per conversation id, the answered check-ins of its latest answered period."""
    scores: dict[int, list[CheckIn]] = {}
    answered = (
        CheckIn.objects.filter(program=program, answered_at__isnull=False)
        .select_related("user")
        .order_by("conversation_id", "-period_start", "user_id")
    )
    for checkin in answered:
        rows = scores.setdefault(checkin.conversation_id, [])
        if not rows or rows[0].period_start == checkin.period_start:
            rows.append(checkin)
    return scores


def attendance(*, program: Program, now: datetime.datetime | None = None) -> dict[int, dict]:
    """Per conversation id: meetings held (scheduled, ended) and attendance recorded at them,
    {"held": n, "present": n, "recorded": n}; a group's members all count."""
    now = now or timezone.now()
    held = Meeting.objects.filter(
        conversation__program=program, status=Meeting.Status.SCHEDULED, ends_at__lt=now
    )
    rows: dict[int, dict] = {}
    for conversation_id, n in held.values_list("conversation_id").annotate(n=Count("pk")):
        rows[conversation_id] = {"held": n, "present": 0, "recorded": 0}
    recorded = (
        Attendance.objects.filter(meeting__in=held)
        .values_list("meeting__conversation_id")
        .annotate(present=Count("pk", filter=Q(present=True)), recorded=Count("pk"))
    )
    for conversation_id, present, total in recorded:
        rows[conversation_id].update(present=present, recorded=total)
    return rows


def program_dashboard(*, program: Program) -> dict:
    at_risk = matches_at_risk(program=program)
    risky = {row["conversation"].pk for row in at_risk}
    scores = latest_scores(program=program)
    held = attendance(program=program)
    conversations = (
        Conversation.objects.filter(program=program)
        .exclude(kind=Conversation.Kind.MATCH, match__status=Match.Status.CLOSED)
        .select_related("match__mentor", "match__student")
        .prefetch_related("memberships__user")
        .order_by("kind", "pk")
    )
    return {
        "at_risk": [{**row, "scores": scores.get(row["conversation"].pk, [])} for row in at_risk],
        "follow_ups": follow_ups_open(program=program),
        "others": [
            {
                "conversation": c,
                "match": c.match,
                "scores": scores.get(c.pk, []),
                "attendance": held.get(c.pk),
                "peer": any(m.user.is_minor for m in c.memberships.all() if m.role == "mentor"),
            }
            for c in conversations
            if c.pk not in risky
        ],
    }
