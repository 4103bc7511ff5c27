"""Moderation reads."""

from django.conf import settings
from django.db.models import Min
from django.utils import timezone

from messaging.models import Message

from .models import ScorerStatus
from .scorers import registry


def moderation_health() -> dict:
    name = registry.active_name()
    pending = Message.objects.filter(state=Message.State.PENDING, kind=Message.Kind.USER)
    agg = pending.aggregate(oldest=Min("created_at"))
    depth = pending.count()
    oldest_age = (timezone.now() - agg["oldest"]).total_seconds() if agg["oldest"] else 0.0
    status = ScorerStatus.objects.filter(scorer=name).first()
    scorer_state = status.state if status else "unknown"
    problems = []
    if name == "none":
        problems.append("toxicity scoring is off")
    if scorer_state == "failed":
        problems.append("toxicity scorer unavailable")
    if oldest_age > settings.MODERATION.get("QUEUE_ALERT_SECONDS", 60):
        problems.append("moderation queue is behind")
    return {
        "status": "degraded" if problems else "ok",
        "scorer": name,
        "scorer_state": scorer_state,
        "scorer_error": status.error if status else "",
        "queue_depth": depth,
        "oldest_pending_seconds": round(oldest_age, 1),
        "problems": problems,
    }
