"""The review queue's events as staff sockets receive them. Pure: ids and codes, never message
text or names; they are sent after commit by the module that changed the item."""

from ..models import ReviewItem, SafeguardingAlert


def item_summary(item: ReviewItem) -> dict:
    """What staff sockets receive about an item: ids and codes, never message text or names."""
    return {
        "id": item.pk,
        "district": item.district_id,
        "conversation": item.conversation_id,
        "message": item.message_id,
        "source": item.source,
        "priority": item.priority,
        "categories": list(item.categories),
        "status": item.status,
        "resolution": item.resolution,
        "assigned_to": item.assigned_to_id,
        "created_at": item.created_at.isoformat() if item.created_at else None,
        "first_action_at": item.first_action_at.isoformat() if item.first_action_at else None,
        "escalation_count": item.escalation_count,
        "url": f"/staff/items/{item.pk}/",
    }


def item_opened_event(item: ReviewItem, *, action: str) -> dict:
    """A new item on the queue; `action` says what opened it (flag, hold, report, pattern,
    rate_limit)."""
    return {"type": "review.item", "item": item_summary(item), "action": action}


def item_urgent_event(item: ReviewItem) -> dict:
    """The distinct alert a new urgent item raises besides `review.item`."""
    return {"type": "review.urgent", "item": item_summary(item)}


def item_updated_event(item: ReviewItem) -> dict:
    return {"type": "review.updated", "item": item_summary(item)}


def item_escalated_event(item: ReviewItem, *, repeat: bool) -> dict:
    return {"type": "review.escalated", "item": item_summary(item), "repeat": repeat}


def alert_event(alert: SafeguardingAlert, *, item: ReviewItem, repeat: bool) -> dict:
    """To the alert's recipient: a safeguarding concern needs them."""
    return {
        "type": "safeguarding.alert",
        "alert": alert.pk,
        "item": item_summary(item),
        "repeat": repeat,
    }
