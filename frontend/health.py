"""Health checks: each answers ok / degraded with a short reason, never raises."""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection

from accounts import sessions
from messaging import realtime
from moderation.selectors import moderation_health


def check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"status": "ok", "vendor": connection.vendor}
    except Exception as exc:
        return {"status": "down", "error": type(exc).__name__}


REALTIME_COUNTERS = (
    "gaps_filled",
    "duplicates_dropped",
    "layer_receive_failed",
    "layer_join_failed",
    "rate_limited",
    "db_unavailable",
    "frames_too_big",
    "layer_dropped",
    "layer_overflows",
    "overflow_resyncs",
)


def check_channel_layer() -> dict:
    layer = get_channel_layer()
    if layer is None:
        return {"status": "down", "error": "no channel layer configured"}
    try:
        async_to_sync(layer.group_send)("health.probe", {"type": "health.probe"})
    except Exception as exc:
        return {"status": "degraded", "backend": type(layer).__name__, "error": type(exc).__name__}
    return {
        "status": "ok",
        "backend": type(layer).__name__,
        "events_sent": realtime.stats["events_sent"],
        "events_failed": realtime.stats["events_failed"] + sessions.stats["closes_failed"],
        # This process' sockets: live events they had to recover from the database, and faults.
        **{key: realtime.stats[key] for key in REALTIME_COUNTERS},
    }


def overall(checks: dict[str, dict]) -> str:
    states = {c["status"] for c in checks.values()}
    if "down" in states and checks.get("database", {}).get("status") == "down":
        return "down"
    return "ok" if states <= {"ok"} else "degraded"


def check_moderation() -> dict:
    """The active toxicity scorer, its last known state, and the queue of messages awaiting a
    verdict (depth and age of the oldest). Degraded when scoring is failing or the queue is old."""
    try:
        return moderation_health()
    except Exception as exc:
        return {"status": "degraded", "error": type(exc).__name__}
