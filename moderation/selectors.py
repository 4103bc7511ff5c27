"""Moderation reads."""

from django.conf import settings
from django.db.models import Min
from django.utils import timezone

from accounts.models import AuditEntry
from messaging.models import Message

from .district_settings import SETTINGS_ACTIONS
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


def moderation_settings_changes(*, district_id: int, limit: int = 200) -> list[dict]:
    """The latest changes to a district's moderation settings and keyword rules, newest first,
    read from the audit log: when, by whom, what, and each changed field's value before and after
    (None where the row did not exist before, or no longer does)."""
    entries = (
        AuditEntry.objects.filter(district_ref=district_id, action__in=SETTINGS_ACTIONS)
        .select_related("actor")
        .order_by("-pk")[:limit]
    )
    rows = []
    for entry in entries:
        before, after = entry.detail.get("before", {}), entry.detail.get("after", {})
        rows.append(
            {
                "at": entry.at,
                "actor": entry.actor,
                "action": entry.action,
                "target_type": entry.target_type,
                "target_id": entry.target_id,
                "changes": [
                    (name, before.get(name), after.get(name))
                    for name in entry.detail.get("changed", [])
                ],
            }
        )
    return rows
