"""A review item's own records: creating it (`review_item_create`, the one place a ReviewItem row
is created), the pipeline's and the conversation-pattern check's ways onto the queue, and the
bookkeeping every staff action shares: the row lock, the ReviewAction with its audit entry, the
resolution and the `review.updated` event.

Events leave after commit (messaging.realtime.notify_after_commit); the audit log gets ids,
codes and digests, never message text or the staff's words.
"""

import hashlib
import logging
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import User
from messaging import realtime
from messaging.models import Conversation, Message

from ..conversation_risk import Risk
from ..models import PRIORITY_RANK, Action, ModerationRecord, Priority, ReviewAction, ReviewItem
from .payloads import item_opened_event, item_updated_event, item_urgent_event

logger = logging.getLogger(__name__)

PATTERN_PRIORITY = Priority.HIGH


class ReviewConflict(ValidationError):
    """The action does not fit the item's current state (already resolved, nothing held...)."""


# -- opening items -------------------------------------------------------------------------------


@transaction.atomic
def review_item_create(
    *,
    conversation: Conversation,
    source: str,
    priority: str,
    categories: Iterable[str],
    message: Message | None = None,
    reported_by: User | None = None,
    pattern: dict | None = None,
    audit_action: str = "review.open",
    detail: dict | None = None,
    event_action: str = "",
) -> ReviewItem:
    """Put an item on its district's queue: the one place a ReviewItem row is created.

    It sets the queue rank from the priority, writes the audit entry (`audit_action`, by
    `reported_by` if a member asked, else by nobody; ids and codes plus the caller's `detail`) and
    sends `review.item` to the district's staff after commit (`review.urgent` as well for urgent
    items), with `event_action` (default: the source) saying what opened it. Runs in its own
    savepoint: an insert refused by a constraint (a second unresolved pattern item) raises
    IntegrityError with nothing written and nothing sent.
    """
    priority = Priority(priority)
    item = ReviewItem.objects.create(
        district_id=conversation.district_id,
        conversation=conversation,
        message=message,
        source=ReviewItem.Source(source),
        reported_by=reported_by,
        priority=priority,
        priority_rank=PRIORITY_RANK[priority],
        categories=list(categories),
        pattern=pattern or {},
    )
    audit_record(
        action=audit_action,
        actor=reported_by,
        district_id=item.district_id,
        target_type="review_item",
        target_id=item.pk,
        detail={
            "source": item.source,
            "conversation": item.conversation_id,
            "message": item.message_id,
            "priority": item.priority,
            "categories": item.categories,
            **(detail or {}),
        },
    )
    group = realtime.staff_group(item.district_id)
    realtime.notify_after_commit(
        groups=[group], event=item_opened_event(item, action=event_action or item.source)
    )
    if item.priority == Priority.URGENT:
        realtime.notify_after_commit(groups=[group], event=item_urgent_event(item))
    return item


@transaction.atomic
def review_item_open(*, message: Message, verdict: ModerationRecord) -> ReviewItem:
    """Queue a flagged or held message for its district's moderators and tell them live.

    Idempotent per message: a second call (a retried pipeline job) returns the existing item and
    sends nothing. A verdict that delivers needs no review and is refused.
    """
    if verdict.action not in (Action.FLAG, Action.HOLD):
        raise ValidationError("Only flag and hold verdicts open a review item.")
    existing = ReviewItem.objects.filter(message=message, source=ReviewItem.Source.PIPELINE).first()
    if existing is not None:
        return existing
    return review_item_create(
        conversation=message.conversation,
        message=message,
        source=ReviewItem.Source.PIPELINE,
        priority=verdict.priority,
        categories=verdict.categories,
        detail={"verdict": verdict.action},
        event_action=verdict.action,
    )


def _pattern_payload(risk: Risk, *, window_days: int, previous: list[dict]) -> dict:
    """The item's evidence: the current score and every contribution seen while it was open
    (earlier ones are kept when they age out of the window, with their score at the time)."""
    current = {(c.message_id, c.family, c.signal): c.as_dict() for c in risk.contributions}
    merged = {(c["message"], c["family"], c["signal"]): c for c in previous}
    merged.update(current)
    contributions = sorted(merged.values(), key=lambda c: (c["at"], c["message"], c["family"]))
    return {
        "score": round(risk.score, 3),
        "threshold": risk.threshold,
        "window_days": window_days,
        "sender": risk.sender_id,
        "families": {f: round(v, 3) for f, v in sorted(risk.families.items())},
        "contributions": contributions,
    }


def review_pattern_record(
    *, conversation_id: int, risk: Risk, window_days: int
) -> ReviewItem | None:
    """Open the conversation's `pattern` item when `risk` reached its threshold, or append new
    contributions to the unresolved one (whatever the score now: the item is already with staff).

    One unresolved pattern item per conversation (a database constraint): two checks racing end
    with one item. Opening writes `review.open` to the audit log and sends `review.item` to the
    district's staff after commit; an append writes `review.pattern_update` and sends
    `review.updated`. Returns the unresolved item, or None.
    """
    with transaction.atomic():
        item = (
            ReviewItem.objects.select_for_update(of=("self",))
            .filter(conversation_id=conversation_id, source=ReviewItem.Source.PATTERN)
            .exclude(status=ReviewItem.Status.RESOLVED)
            .first()
        )
        if item is not None:
            return _pattern_append(item, risk, window_days=window_days)
        if not risk.reached:
            return None
        conversation = Conversation.objects.only("district_id").get(pk=conversation_id)
        try:
            item = review_item_create(
                conversation=conversation,
                source=ReviewItem.Source.PATTERN,
                priority=PATTERN_PRIORITY,
                categories=["grooming"],
                pattern=_pattern_payload(risk, window_days=window_days, previous=[]),
                detail={
                    "score": round(risk.score, 3),
                    "messages": sorted({c.message_id for c in risk.contributions}),
                },
            )
        except IntegrityError:
            # Another check opened it first: append to that one instead.
            item = (
                ReviewItem.objects.select_for_update(of=("self",))
                .filter(conversation_id=conversation_id, source=ReviewItem.Source.PATTERN)
                .exclude(status=ReviewItem.Status.RESOLVED)
                .get()
            )
            return _pattern_append(item, risk, window_days=window_days)
        logger.info(
            "conversation=%s pattern item=%s score=%.2f", conversation_id, item.pk, risk.score
        )
        return item


def _pattern_append(item: ReviewItem, risk: Risk, *, window_days: int) -> ReviewItem:
    previous = list(item.pattern.get("contributions", []))
    known = {(c["message"], c["family"], c["signal"]) for c in previous}
    new = [c for c in risk.contributions if (c.message_id, c.family, c.signal) not in known]
    if not new:
        return item
    item.pattern = _pattern_payload(risk, window_days=window_days, previous=previous)
    item.save(update_fields=["pattern"])
    audit_record(
        action="review.pattern_update",
        district_id=item.district_id,
        target_type="review_item",
        target_id=item.pk,
        detail={"score": item.pattern["score"], "messages": sorted({c.message_id for c in new})},
    )
    review_item_updated_notify(item=item)
    return item


# -- the bookkeeping every action shares ---------------------------------------------------------


def reason_digest(text: str) -> str:
    """The SHA-256 of the staff's words: the audit log keeps this, never the words."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def review_reason_clean(reason: str, *, what: str) -> str:
    """The staff's stated reason, trimmed; refused when empty (`what` names the action)."""
    if not isinstance(reason, str) or not reason.strip():
        raise ValidationError(f"{what} needs a reason.")
    return reason.strip()[:2000]


def review_item_lock(*, item: ReviewItem, actor: User) -> ReviewItem:
    """Re-read the item under a row lock; refuse staff of another district (the caller's access
    check already audited a refusal, this is the service's own guard)."""
    locked = (
        ReviewItem.objects.select_for_update(of=("self",))
        .select_related("conversation", "message", "district")
        .get(pk=item.pk)
    )
    if actor.district_id != locked.district_id or not actor.is_staff_role or not actor.is_active:
        raise ReviewConflict("Staff act only on their own district's items.", code="forbidden")
    return locked


def review_action_record(
    *,
    item: ReviewItem,
    actor: User | None,
    kind: str,
    reason: str = "",
    target_user: User | None = None,
    detail: dict | None = None,
) -> ReviewAction:
    """Store what staff did (a ReviewAction with their words) and its audit entry (ids and the
    words' digest); the first staff action stamps `first_action_at`."""
    now = timezone.now()
    action = ReviewAction.objects.create(
        item=item, actor=actor, kind=kind, reason=reason, target_user=target_user
    )
    if actor is not None and item.first_action_at is None:
        item.first_action_at = now
        item.save(update_fields=["first_action_at"])
    audit_record(
        action=f"review.{kind}",
        actor=actor,
        district_id=item.district_id,
        target_type="review_item",
        target_id=item.pk,
        detail={
            "review_action": action.pk,
            "message": item.message_id,
            "user": target_user.pk if target_user else None,
            "reason_sha256": reason_digest(reason) if reason else "",
            **(detail or {}),
        },
    )
    return action


def review_item_resolve(*, item: ReviewItem, resolution: str) -> None:
    item.status = ReviewItem.Status.RESOLVED
    item.resolution = resolution
    item.resolved_at = timezone.now()
    item.save(update_fields=["status", "resolution", "resolved_at"])


def review_item_check_open(*, item: ReviewItem) -> None:
    """Refuse an action that needs an unresolved item."""
    if item.status == ReviewItem.Status.RESOLVED:
        raise ReviewConflict(
            f"Item {item.pk} is already resolved ({item.resolution}).", code="resolved"
        )


def review_item_updated_notify(*, item: ReviewItem) -> None:
    """Tell the district's staff, after commit, that the item changed."""
    realtime.notify_after_commit(
        groups=[realtime.staff_group(item.district_id)], event=item_updated_event(item)
    )


def review_item_subject(*, item: ReviewItem) -> User | None:
    """The person an item is about: the message's sender, the pattern's sender, else the
    reported person."""
    if item.message is not None and item.message.sender_id:
        return item.message.sender
    if item.source == ReviewItem.Source.PATTERN and item.pattern.get("sender"):
        return User.objects.filter(pk=item.pattern["sender"]).first()
    report = getattr(item, "report", None)
    return report.subject if report is not None else None
