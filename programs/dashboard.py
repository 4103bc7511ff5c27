"""Reads for a coordinator's program dashboard (the program week page): at-risk matches first,
open follow-ups, the latest check-in scores, and the program's groups."""

from accounts.models import Program
from messaging.models import Conversation, Match

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


def program_dashboard(*, program: Program) -> dict:
    at_risk = matches_at_risk(program=program)
    risky = {row["conversation"].pk for row in at_risk}
    scores = latest_scores(program=program)
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
            {"conversation": c, "match": c.match, "scores": scores.get(c.pk, [])}
            for c in conversations
            if c.pk not in risky
        ],
    }
