"""Review-queue reads. Every query is scoped to one district, passed in by a caller that got it
from an `access_*` gate (the staff member's own district)."""

import datetime
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from messaging.access import member_ids
from messaging.models import Conversation, Message

from .conversation_signals import family_labels
from .models import PRIORITY_RANK, ModerationRecord, Priority, ReviewItem, SafeguardingAlert

CONTEXT_MESSAGES = 3
QUEUE_PAGE = 100


def review_queue(*, district_id: int, limit: int = QUEUE_PAGE) -> list[ReviewItem]:
    """Unresolved items of the district: priority first, then age (oldest first)."""
    return list(
        ReviewItem.objects.filter(district_id=district_id)
        .exclude(status=ReviewItem.Status.RESOLVED)
        .select_related("message", "assigned_to", "conversation")
        .order_by("-priority_rank", "created_at", "pk")[: max(1, min(limit, 500))]
    )


def low_priority_flags(*, district_id: int, limit: int = 50) -> list[ReviewItem]:
    """One page of unresolved low-priority delivered flags: what bulk actions work on."""
    return list(
        ReviewItem.objects.filter(
            district_id=district_id,
            priority=Priority.LOW,
            message__state=Message.State.FLAGGED,
        )
        .exclude(status=ReviewItem.Status.RESOLVED)
        .select_related("message")
        .order_by("created_at", "pk")[:limit]
    )


@dataclass(frozen=True)
class Segment:
    text: str
    marked: bool
    label: str = ""


def highlight_segments(text: str, reasons: list[dict]) -> list[Segment]:
    """Split `text` at the reasons' span offsets (code points) into plain and marked segments.

    The template escapes each segment and wraps marked ones in <mark>: the text itself is never
    marked safe. Overlapping spans merge; spans out of range or malformed are ignored.
    """
    spans: list[tuple[int, int, str]] = []
    for reason in reasons or []:
        span = reason.get("span") if isinstance(reason, dict) else None
        if not isinstance(span, list | tuple) or len(span) != 2:
            continue
        start, end = span
        if not (isinstance(start, int) and isinstance(end, int)):
            continue
        start, end = max(0, start), min(len(text), end)
        if start < end:
            spans.append((start, end, str(reason.get("category", ""))))
    spans.sort()
    merged: list[list] = []
    for start, end, label in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
            if label and label not in merged[-1][2]:
                merged[-1][2].append(label)
        else:
            merged.append([start, end, [label] if label else []])
    segments: list[Segment] = []
    pos = 0
    for start, end, labels in merged:
        if pos < start:
            segments.append(Segment(text[pos:start], False))
        segments.append(Segment(text[start:end], True, ", ".join(labels)))
        pos = end
    if pos < len(text) or not segments:
        segments.append(Segment(text[pos:], False))
    return segments


@dataclass
class ItemDetail:
    item: ReviewItem
    verdict: ModerationRecord | None
    segments: list[Segment]
    before: list[Message]
    after: list[Message]
    sender: User | None
    recipients: list[User]
    history: list[ReviewItem]
    actions: list = field(default_factory=list)
    report: object = None
    pattern: list["PatternRow"] = field(default_factory=list)


@dataclass(frozen=True)
class PatternRow:
    """One contribution to a pattern item: the message (None once deleted), its signal, its
    share of the score."""

    message: Message | None
    message_id: int
    at: datetime.datetime
    family: str
    family_label: str
    signal: str
    score: float


def pattern_rows(*, item: ReviewItem) -> list[PatternRow]:
    """A pattern item's contributions, oldest first, with their messages (one query, scoped to
    the item's conversation)."""
    contributions = item.pattern.get("contributions", []) if item.pattern else []
    ids = {c["message"] for c in contributions}
    messages = Message.objects.filter(conversation_id=item.conversation_id, pk__in=ids).in_bulk()
    labels = family_labels()
    return [
        PatternRow(
            message=messages.get(c["message"]),
            message_id=c["message"],
            at=datetime.datetime.fromisoformat(c["at"]),
            family=c["family"],
            family_label=labels.get(c["family"], c["family"]),
            signal=c["signal"],
            score=c["score"],
        )
        for c in contributions
    ]


def review_item_detail(*, item: ReviewItem, context: int = CONTEXT_MESSAGES) -> ItemDetail:
    """Everything a moderator needs to decide on one item (staff see messages in every state)."""
    message = item.message
    verdict = ModerationRecord.objects.filter(message=message).first() if message else None
    conversation = item.conversation
    before: list[Message] = []
    after: list[Message] = []
    if message is not None:
        before = list(
            Message.objects.filter(conversation=conversation, seq__lt=message.seq)
            .select_related("sender")
            .order_by("-seq")[:context]
        )[::-1]
        after = list(
            Message.objects.filter(conversation=conversation, seq__gt=message.seq)
            .select_related("sender")
            .order_by("seq")[:context]
        )
    report = getattr(item, "report", None) if item.source == ReviewItem.Source.REPORT else None
    sender = message.sender if message is not None else (report.subject if report else None)
    pattern = pattern_rows(item=item) if item.source == ReviewItem.Source.PATTERN else []
    if item.source == ReviewItem.Source.PATTERN and item.pattern.get("sender"):
        sender = User.objects.filter(pk=item.pattern["sender"]).first()
    members = User.objects.filter(pk__in=member_ids(conversation=conversation)).order_by("pk")
    recipients = [u for u in members if sender is None or u.pk != sender.pk]
    return ItemDetail(
        item=item,
        verdict=verdict,
        segments=highlight_segments(message.body, verdict.reasons if verdict else [])
        if message is not None
        else [],
        before=before,
        after=after,
        sender=sender,
        recipients=recipients,
        history=match_flag_history(conversation=conversation, exclude_id=item.pk),
        actions=list(item.actions.select_related("actor", "target_user")),
        report=report,
        pattern=pattern,
    )


def match_flag_history(*, conversation: Conversation, exclude_id: int | None = None) -> list:
    """Every other review item of the match (all its conversations), newest first."""
    qs = ReviewItem.objects.filter(district_id=conversation.district_id)
    if conversation.match_id is not None:
        qs = qs.filter(conversation__match_id=conversation.match_id)
    else:
        qs = qs.filter(conversation=conversation)
    if exclude_id is not None:
        qs = qs.exclude(pk=exclude_id)
    return list(qs.order_by("-created_at", "-pk")[:50])


def staff_conversation_messages(
    *, conversation: Conversation, before_seq: int | None = None, limit: int = 100
) -> list[Message]:
    """A page of a conversation in every state, for staff. `conversation` must come from
    messaging.access.access_conversation_as_staff."""
    qs = Message.objects.filter(conversation=conversation).select_related("sender")
    if before_seq is not None:
        qs = qs.filter(seq__lt=before_seq)
    return list(qs.order_by("-seq")[: max(1, min(limit, 200))])[::-1]


def district_conversations(*, district_id: int, limit: int = 200) -> list[dict]:
    """The district's conversations for the staff index, newest activity first, with how many
    review items each has open."""
    from django.db.models import Count, Q

    rows = (
        Conversation.objects.filter(district_id=district_id)
        .annotate(
            open_items=Count(
                "review_items", filter=~Q(review_items__status=ReviewItem.Status.RESOLVED)
            )
        )
        .order_by("-last_seq", "-pk")[:limit]
    )
    return [
        {
            "id": c.pk,
            "title": c.title,
            "kind": c.kind,
            "kind_label": c.get_kind_display(),
            "open": c.is_open,
            "messages": c.last_seq,
            "open_items": c.open_items,
            "student_ids": list(
                c.memberships.filter(role="student").values_list("user_id", flat=True)
            ),
        }
        for c in rows
    ]


def open_alerts(*, user: User) -> list[SafeguardingAlert]:
    return list(
        SafeguardingAlert.objects.filter(
            district_id=user.district_id, recipient=user, acknowledged_at__isnull=True
        ).select_related("item")
    )


# -- service levels ------------------------------------------------------------------------------


def _minutes(delta: datetime.timedelta) -> float:
    return round(delta.total_seconds() / 60, 1)


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def _items_since(district_id: int, since: datetime.datetime | None) -> QuerySet[ReviewItem]:
    qs = ReviewItem.objects.filter(district_id=district_id)
    if since is not None:
        qs = qs.filter(created_at__gte=since)
    return qs


def service_levels(
    *, district_id: int, urgent_sla_minutes: int, since: datetime.datetime | None = None
) -> list[dict]:
    """Time to first action per priority (minutes): items, acted on, waiting, median, 90th
    percentile, the oldest unhandled item's age, and urgent items past the district's limit."""
    now = timezone.now()
    rows = []
    items = list(
        _items_since(district_id, since).values("priority", "created_at", "first_action_at")
    )
    for priority in sorted(PRIORITY_RANK, key=PRIORITY_RANK.get, reverse=True):
        mine = [i for i in items if i["priority"] == priority]
        acted = [
            _minutes(i["first_action_at"] - i["created_at"]) for i in mine if i["first_action_at"]
        ]
        waiting = [_minutes(now - i["created_at"]) for i in mine if not i["first_action_at"]]
        rows.append(
            {
                "priority": str(priority),
                "label": Priority(priority).label,
                "items": len(mine),
                "acted": len(acted),
                "waiting": len(waiting),
                "median_minutes": statistics.median(acted) if acted else None,
                "p90_minutes": _percentile(acted, 0.9),
                "oldest_waiting_minutes": max(waiting) if waiting else None,
                "past_limit": sum(1 for w in waiting if w > urgent_sla_minutes)
                if priority == Priority.URGENT
                else None,
            }
        )
    return rows


def quality_report(*, district_id: int, since: datetime.datetime | None = None) -> list[dict]:
    """Per detector and category: how many flags it raised, the share staff dismissed as false
    positives, and the median minutes to first action, so districts can tune thresholds."""
    items = (
        _items_since(district_id, since)
        .filter(source=ReviewItem.Source.PIPELINE, message__isnull=False)
        .select_related("message__verdict")
    )
    buckets: dict[tuple[str, str], dict] = defaultdict(
        lambda: {"volume": 0, "resolved": 0, "dismissed": 0, "minutes": []}
    )
    for item in items:
        verdict = getattr(item.message, "verdict", None)
        reasons = verdict.reasons if verdict is not None else []
        keys = {
            (str(r.get("detector", "?")), str(r.get("category", "?")))
            for r in reasons
            if isinstance(r, dict)
        } or {("?", c) for c in item.categories}
        for key in keys:
            bucket = buckets[key]
            bucket["volume"] += 1
            if item.status == ReviewItem.Status.RESOLVED:
                bucket["resolved"] += 1
                if item.resolution == "dismissed":
                    bucket["dismissed"] += 1
            if item.first_action_at:
                bucket["minutes"].append(_minutes(item.first_action_at - item.created_at))
    rows = []
    for (detector, category), b in sorted(buckets.items()):
        rows.append(
            {
                "detector": detector,
                "category": category,
                "volume": b["volume"],
                "resolved": b["resolved"],
                "dismissed": b["dismissed"],
                "false_positive_share": round(b["dismissed"] / b["resolved"], 3)
                if b["resolved"]
                else None,
                "median_minutes_to_action": statistics.median(b["minutes"])
                if b["minutes"]
                else None,
            }
        )
    return rows
