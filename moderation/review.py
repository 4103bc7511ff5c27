"""Review-queue writes: opening items, staff actions on them, safeguarding escalation.

Every action is keyword-only and takes an item that the caller fetched through
moderation.access.access_review_item (so a refusal is audited outside the action's transaction).
Each action re-reads the item under a row lock, records a ReviewAction (the staff's own words), an
audit entry (ids and a digest of the words, never the words), stamps `first_action_at`, and sends
its events only after commit.

The moderation pipeline calls `review_item_open(message=..., verdict=...)` after it stores a flag or
hold verdict; that is the one way a pipeline item reaches the district's moderators.
"""

import datetime
import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.audit import audit_record
from accounts.languages import language_for_person
from accounts.models import District, User
from accounts.sessions import sessions_revoke_all
from messaging import realtime
from messaging.access import member_ids, reader_ids
from messaging.models import Conversation, Match, Message
from messaging.services import (
    MatchNotActivatable,
    match_activate,
    match_pause,
    matches_pause_for_user,
    message_state_set,
    notify_message,
    system_message_post,
)
from scheduling.services import meetings_cancel_for_adult

from .conversation_risk import Risk
from .crisis import crisis_respond
from .models import (
    PRIORITY_RANK,
    Action,
    Priority,
    ReviewAction,
    ReviewItem,
    SafeguardingAlert,
    Verdict,
)

logger = logging.getLogger(__name__)

Kind = ReviewAction.Kind

WARNING_TEXT = (
    "A note from program staff for {name}: a message in this conversation was reviewed. "
    "Please keep to the program's guidelines: stay on Trellis, share no personal contact "
    "details, and keep conversations about school, work and goals."
)


class ReviewConflict(ValidationError):
    """The action does not fit the item's current state (already resolved, nothing held...)."""


@dataclass(frozen=True)
class BulkResult:
    done: list[int]
    refused: dict[int, str]


# -- events --------------------------------------------------------------------------------------


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


def review_item_notify(*, item: ReviewItem, action: str = "") -> None:
    """Tell the district's moderators about a new item, after commit; urgent items also raise
    the distinct `review.urgent` alert. `action` is the verdict's (flag, hold) or "report"."""
    group = realtime.staff_group(item.district_id)
    summary = item_summary(item)
    realtime.notify_after_commit(
        groups=[group], event={"type": "review.item", "item": summary, "action": action}
    )
    if item.priority == Priority.URGENT:
        realtime.notify_after_commit(
            groups=[group], event={"type": "review.urgent", "item": summary}
        )


def _notify_updated(item: ReviewItem) -> None:
    realtime.notify_after_commit(
        groups=[realtime.staff_group(item.district_id)],
        event={"type": "review.updated", "item": item_summary(item)},
    )


# -- opening items -------------------------------------------------------------------------------


@transaction.atomic
def review_item_open(*, message: Message, verdict: Verdict) -> ReviewItem:
    """Queue a flagged or held message for its district's moderators and tell them live.

    Idempotent per message: a second call (a retried pipeline job) returns the existing item and
    sends nothing. A verdict that delivers needs no review and is refused.
    """
    if verdict.action not in (Action.FLAG, Action.HOLD):
        raise ValidationError("Only flag and hold verdicts open a review item.")
    conversation = message.conversation
    item, created = ReviewItem.objects.get_or_create(
        message=message,
        source=ReviewItem.Source.PIPELINE,
        defaults={
            "district_id": conversation.district_id,
            "conversation": conversation,
            "priority": verdict.priority,
            "priority_rank": PRIORITY_RANK[Priority(verdict.priority)],
            "categories": list(verdict.categories),
        },
    )
    if created:
        audit_record(
            action="review.open",
            district_id=item.district_id,
            target_type="review_item",
            target_id=item.pk,
            detail={
                "message": message.pk,
                "verdict": verdict.action,
                "priority": item.priority,
                "categories": item.categories,
            },
        )
        review_item_notify(item=item, action=verdict.action)
    return item


PATTERN_PRIORITY = Priority.HIGH


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
            with transaction.atomic():
                item = ReviewItem.objects.create(
                    district_id=conversation.district_id,
                    conversation_id=conversation_id,
                    message=None,
                    source=ReviewItem.Source.PATTERN,
                    priority=PATTERN_PRIORITY,
                    priority_rank=PRIORITY_RANK[PATTERN_PRIORITY],
                    categories=["grooming"],
                    pattern=_pattern_payload(risk, window_days=window_days, previous=[]),
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
        audit_record(
            action="review.open",
            district_id=item.district_id,
            target_type="review_item",
            target_id=item.pk,
            detail={
                "source": ReviewItem.Source.PATTERN,
                "score": item.pattern["score"],
                "messages": sorted({c["message"] for c in item.pattern["contributions"]}),
                "priority": item.priority,
                "categories": item.categories,
            },
        )
        logger.info(
            "conversation=%s pattern item=%s score=%.2f", conversation_id, item.pk, risk.score
        )
        review_item_notify(item=item, action=ReviewItem.Source.PATTERN)
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
    _notify_updated(item)
    return item


# -- actions -------------------------------------------------------------------------------------


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _require_reason(reason: str, what: str) -> str:
    if not isinstance(reason, str) or not reason.strip():
        raise ValidationError(f"{what} needs a reason.")
    return reason.strip()[:2000]


def _lock(item: ReviewItem, actor: User) -> ReviewItem:
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


def _record(
    item: ReviewItem,
    *,
    actor: User | None,
    kind: str,
    reason: str = "",
    target_user: User | None = None,
    detail: dict | None = None,
) -> ReviewAction:
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
            "reason_sha256": _digest(reason) if reason else "",
            **(detail or {}),
        },
    )
    return action


def _resolve(item: ReviewItem, resolution: str) -> None:
    item.status = ReviewItem.Status.RESOLVED
    item.resolution = resolution
    item.resolved_at = timezone.now()
    item.save(update_fields=["status", "resolution", "resolved_at"])


def _require_open(item: ReviewItem) -> None:
    if item.status == ReviewItem.Status.RESOLVED:
        raise ReviewConflict(
            f"Item {item.pk} is already resolved ({item.resolution}).", code="resolved"
        )


@transaction.atomic
def review_claim(
    *, item: ReviewItem, actor: User, assignee: User | None = None, reason: str = ""
) -> ReviewItem:
    """Claim the item (or assign it to another member of the district's staff)."""
    item = _lock(item, actor)
    _require_open(item)
    assignee = assignee or actor
    if assignee.district_id != item.district_id or not assignee.is_staff_role:
        raise ReviewConflict("Items are assigned to staff of their own district.", code="invalid")
    item.status = ReviewItem.Status.CLAIMED
    item.assigned_to = assignee
    item.save(update_fields=["status", "assigned_to"])
    kind = Kind.CLAIM if assignee.pk == actor.pk else Kind.ASSIGN
    _record(item, actor=actor, kind=kind, reason=reason, target_user=assignee)
    _notify_updated(item)
    return item


@transaction.atomic
def review_release(*, item: ReviewItem, actor: User, reason: str) -> ReviewItem:
    """Deliver a held message now: every member receives it."""
    reason = _require_reason(reason, "Releasing a message")
    item = _lock(item, actor)
    _require_open(item)
    message = item.message
    if message is None or message.state not in (Message.State.HELD, Message.State.PENDING):
        raise ReviewConflict("Only a held message can be released.", code="not_held")
    message_state_set(message=message, state=Message.State.RELEASED)
    notify_message(message=message)
    # A disclosure held for another reason (a phone number in it) reaches the adults only now:
    # they get their guidance now, after the message; the student's card was posted at the verdict.
    verdict = getattr(message, "verdict", None)
    if verdict is not None:
        crisis_respond(message=message, verdict=verdict)
    _record(item, actor=actor, kind=Kind.RELEASE, reason=reason)
    _resolve(item, "released")
    _notify_updated(item)
    return item


@transaction.atomic
def review_uphold(*, item: ReviewItem, actor: User, reason: str) -> ReviewItem:
    """Keep the message from the recipients for good; its sender is told it was not delivered.

    A flagged message was already delivered: the other members are told to withdraw it (the event
    carries ids only, no text). For a report without a message, upholding records the finding; a
    match the report paused stays paused.
    """
    reason = _require_reason(reason, "Upholding a flag")
    item = _lock(item, actor)
    _require_open(item)
    message = item.message
    if message is not None:
        if message.state == Message.State.REJECTED:
            raise ReviewConflict("The message is already withheld.", code="rejected")
        was_visible = message.is_visible_to_recipients
        message_state_set(message=message, state=Message.State.REJECTED)
        notify_message(message=message)  # a rejected message goes to its sender only
        if was_visible:
            readers = reader_ids(conversation=item.conversation)
            others = [uid for uid in readers if uid != message.sender_id]
            realtime.notify_after_commit(
                groups=[realtime.user_group(uid) for uid in others],
                event=realtime.withdrawn_event(message),
            )
    _record(item, actor=actor, kind=Kind.UPHOLD, reason=reason)
    _resolve(item, "upheld")
    _notify_updated(item)
    return item


@transaction.atomic
def review_dismiss(*, item: ReviewItem, actor: User, reason: str) -> ReviewItem:
    """A false positive: the (already delivered) flagged message stays delivered; a report found
    unfounded lets the match it paused resume. Held messages are released, not dismissed."""
    reason = _require_reason(reason, "Dismissing a flag")
    item = _lock(item, actor)
    _require_open(item)
    message = item.message
    if message is not None and message.state in (Message.State.HELD, Message.State.PENDING):
        raise ReviewConflict("A held message is released, not dismissed.", code="held")
    resumed = False
    report = getattr(item, "report", None) if item.source == ReviewItem.Source.REPORT else None
    if report is not None and report.paused_match and item.conversation.match_id:
        match = Match.objects.get(pk=item.conversation.match_id)
        if match.status == Match.Status.PAUSED:
            try:
                match_activate(match=match, actor=actor, reason="Report reviewed and dismissed")
                resumed = True
            except MatchNotActivatable:
                # Consent or screening lapsed meanwhile: the match stays paused for the coordinator.
                resumed = False
    _record(item, actor=actor, kind=Kind.DISMISS, reason=reason, detail={"resumed": resumed})
    _resolve(item, "dismissed")
    _notify_updated(item)
    return item


@transaction.atomic
def review_warn_sender(*, item: ReviewItem, actor: User, reason: str) -> Message:
    """Post a program reminder addressed to the sender into the conversation (all members
    see it)."""
    reason = _require_reason(reason, "Warning a sender")
    item = _lock(item, actor)
    sender = _subject_of(item)
    if sender is None:
        raise ReviewConflict("This item has no sender to warn.", code="no_sender")
    count = item.actions.filter(kind=Kind.WARN).count()
    result = system_message_post(
        conversation=item.conversation,
        key=f"review-warn-{item.pk}-{count + 1}",
        body=WARNING_TEXT.format(name=sender.public_name),
    )
    _record(
        item,
        actor=actor,
        kind=Kind.WARN,
        reason=reason,
        target_user=sender,
        detail={"system_message": result.message.pk},
    )
    _notify_updated(item)
    return result.message


@transaction.atomic
def review_pause_match(*, item: ReviewItem, actor: User, reason: str) -> Match:
    """Pause the item's match: the conversation stops accepting messages."""
    reason = _require_reason(reason, "Pausing a match")
    item = _lock(item, actor)
    if item.conversation.match_id is None:
        raise ReviewConflict("This conversation is not a match.", code="no_match")
    match = match_pause(
        match=Match.objects.get(pk=item.conversation.match_id), actor=actor, reason=reason
    )
    _record(item, actor=actor, kind=Kind.PAUSE, reason=reason, detail={"match": match.pk})
    _notify_updated(item)
    return match


@transaction.atomic
def review_resume_match(*, item: ReviewItem, actor: User, reason: str) -> Match:
    """Let a paused match message again; refused (MatchNotActivatable) when consent or screening
    no longer hold."""
    reason = _require_reason(reason, "Resuming a match")
    item = _lock(item, actor)
    if item.conversation.match_id is None:
        raise ReviewConflict("This conversation is not a match.", code="no_match")
    match = Match.objects.get(pk=item.conversation.match_id)
    if match.status != Match.Status.PAUSED:
        raise ReviewConflict("Only a paused match can be resumed.", code="not_paused")
    match = match_activate(match=match, actor=actor, reason=reason)
    _record(item, actor=actor, kind=Kind.RESUME, reason=reason, detail={"match": match.pk})
    _notify_updated(item)
    return match


@transaction.atomic
def review_suspend_user(
    *, item: ReviewItem, actor: User, reason: str, user: User | None = None
) -> User:
    """Suspend a member (default: the item's sender or reported person): the account is disabled,
    every open socket of theirs closes at once, their active matches pause, and an adult's future
    meetings are cancelled with a neutral notice to the other participants."""
    reason = _require_reason(reason, "Suspending a user")
    item = _lock(item, actor)
    target = user or _subject_of(item)
    if target is None:
        raise ReviewConflict("This item names nobody to suspend.", code="no_user")
    if (
        target.district_id != item.district_id
        or target.role not in (User.Role.STUDENT, User.Role.MENTOR)
        or target.pk not in member_ids(conversation=item.conversation)
    ):
        raise ReviewConflict("Only a member of the item's conversation can be suspended here.")
    target = User.objects.select_for_update().get(pk=target.pk)
    if target.is_active:
        target.is_active = False
        target.save(update_fields=["is_active"])
    # Every session of theirs ends and every socket closes (after commit), in every process.
    sessions_revoke_all(user=target, actor=actor, reason="suspended")
    paused = matches_pause_for_user(user=target, actor=actor, reason="Account suspended")
    # The account is already inactive here, so the notices go to the other participants only.
    cancelled = meetings_cancel_for_adult(user=target, actor=actor)
    _record(
        item,
        actor=actor,
        kind=Kind.SUSPEND,
        reason=reason,
        target_user=target,
        detail={"matches_paused": paused, "meetings_cancelled": cancelled},
    )
    audit_record(
        action="account.suspend",
        actor=actor,
        target_type="user",
        target_id=target.pk,
        detail={"review_item": item.pk},
    )
    _notify_updated(item)
    return target


@transaction.atomic
def review_note(*, item: ReviewItem, actor: User, text: str) -> ReviewAction:
    text = _require_reason(text, "A note")
    item = _lock(item, actor)
    action = _record(item, actor=actor, kind=Kind.NOTE, reason=text)
    _notify_updated(item)
    return action


def _subject_of(item: ReviewItem) -> User | None:
    """The person an item is about: the message's sender, the pattern's sender, else the
    reported person."""
    if item.message is not None and item.message.sender_id:
        return item.message.sender
    if item.source == ReviewItem.Source.PATTERN and item.pattern.get("sender"):
        return User.objects.filter(pk=item.pattern["sender"]).first()
    report = getattr(item, "report", None)
    return report.subject if report is not None else None


# -- safeguarding escalation ---------------------------------------------------------------------


def safeguarding_recipients(district: District) -> list[User]:
    """The district's designated safeguarding lead; without one, its coordinators, so an
    escalation never goes nowhere."""
    lead = district.safeguarding_lead
    if lead is not None and lead.is_active and lead.district_id == district.pk:
        return [lead]
    return list(User.objects.filter(district=district, role=User.Role.COORDINATOR, is_active=True))


def _raise_alerts(item: ReviewItem, *, raised_by: User | None, repeat: bool) -> list[int]:
    recipients = safeguarding_recipients(item.district)
    alerts = [
        SafeguardingAlert.objects.create(
            item=item, district_id=item.district_id, recipient=r, raised_by=raised_by, repeat=repeat
        )
        for r in recipients
    ]
    for alert in alerts:
        realtime.notify_after_commit(
            groups=[realtime.user_group(alert.recipient_id)],
            event={
                "type": "safeguarding.alert",
                "alert": alert.pk,
                "item": item_summary(item),
                "repeat": repeat,
            },
        )
    realtime.notify_after_commit(
        groups=[realtime.staff_group(item.district_id)],
        event={"type": "review.escalated", "item": item_summary(item), "repeat": repeat},
    )
    for recipient in recipients:
        if not recipient.email:
            continue
        # In the recipient's language; ids and codes only: the message itself is read in the
        # console, behind sign-in.
        with translation.override(language_for_person(user=recipient)):
            subject = gettext(
                "[Trellis] Safeguarding concern: review item %(item)s (%(priority)s)"
            ) % {"item": item.pk, "priority": item.priority}
            body = gettext(
                "A safeguarding concern in %(district)s needs your attention.\n\n"
                "Review item: %(item)s\nPriority: %(priority)s\n"
                "Categories: %(categories)s\n"
                "Times escalated: %(count)s\n\n"
                "Open it in the review console: /staff/items/%(item)s/\n"
            ) % {
                "district": item.district.name,
                "item": item.pk,
                "priority": item.priority,
                "categories": ", ".join(item.categories) or gettext("none"),
                "count": item.escalation_count,
            }
        transaction.on_commit(
            lambda s=subject, b=body, to=[recipient.email]: _mail(s, b, to, item.pk)
        )
    return [a.pk for a in alerts]


def _mail(subject: str, body: str, addresses: list[str], item_id: int) -> None:
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, addresses)
    except Exception:
        # The in-app alert is stored and shown; a mail outage must not hide it or raise.
        logger.warning("safeguarding e-mail failed for review item=%s", item_id)


@transaction.atomic
def review_escalate(*, item: ReviewItem, actor: User, reason: str) -> ReviewItem:
    """Escalate a safeguarding concern to the district's safeguarding lead (in-app and e-mail)."""
    reason = _require_reason(reason, "Escalating a concern")
    item = _lock(item, actor)
    item.escalation_count += 1
    item.last_escalated_at = timezone.now()
    item.save(update_fields=["escalation_count", "last_escalated_at"])
    alert_ids = _raise_alerts(item, raised_by=actor, repeat=False)
    _record(item, actor=actor, kind=Kind.ESCALATE, reason=reason, detail={"alerts": alert_ids})
    _notify_updated(item)
    return item


def review_escalate_stale(*, now: datetime.datetime | None = None) -> list[int]:
    """Escalate again every urgent item nobody has acted on within its district's limit.

    Idempotent: an item is escalated at most once per limit interval (measured from its last
    escalation, or its creation), so running this twice in a row, or from two workers at once
    (rows locked with SKIP LOCKED), escalates each stale item once. Returns the escalated ids.
    """
    now = now or timezone.now()
    escalated: list[int] = []
    for district in District.objects.filter(
        review_items__priority=Priority.URGENT,
        review_items__first_action_at__isnull=True,
        review_items__status__in=(ReviewItem.Status.OPEN, ReviewItem.Status.CLAIMED),
    ).distinct():
        cutoff = now - datetime.timedelta(minutes=district.urgent_sla_minutes)
        with transaction.atomic():
            stale = (
                ReviewItem.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("district")
                .filter(
                    district=district,
                    priority=Priority.URGENT,
                    first_action_at__isnull=True,
                    status__in=(ReviewItem.Status.OPEN, ReviewItem.Status.CLAIMED),
                )
            )
            for item in stale:
                since = item.last_escalated_at or item.created_at
                if since > cutoff:
                    continue
                item.escalation_count += 1
                item.last_escalated_at = now
                item.save(update_fields=["escalation_count", "last_escalated_at"])
                alert_ids = _raise_alerts(item, raised_by=None, repeat=True)
                _record(
                    item,
                    actor=None,
                    kind=Kind.REESCALATE,
                    reason="",
                    detail={"alerts": alert_ids, "count": item.escalation_count},
                )
                _notify_updated(item)
                escalated.append(item.pk)
    if escalated:
        logger.info("re-escalated %d stale urgent review items", len(escalated))
    return escalated


# -- bulk ----------------------------------------------------------------------------------------

BULK_ACTIONS = {"dismiss": review_dismiss, "uphold": review_uphold}


def review_bulk(
    *, items: Iterable[ReviewItem], actor: User, action: str, reason: str
) -> BulkResult:
    """Apply one action to a page of low-priority flags. Items must come from access_review_item.

    Anything but a low-priority flag is refused per item (held and higher-priority items deserve
    a look of their own); each item is its own transaction, so one refusal does not undo the rest.
    """
    if action not in BULK_ACTIONS:
        raise ValidationError(f"Bulk action must be one of {sorted(BULK_ACTIONS)}.")
    _require_reason(reason, "A bulk action")
    done: list[int] = []
    refused: dict[int, str] = {}
    for item in items:
        if item.priority != Priority.LOW:
            refused[item.pk] = "not low priority"
            continue
        if item.message is not None and item.message.state != Message.State.FLAGGED:
            refused[item.pk] = "not a delivered flag"
            continue
        try:
            BULK_ACTIONS[action](item=item, actor=actor, reason=reason)
        except ValidationError as exc:
            refused[item.pk] = exc.messages[0]
            continue
        done.append(item.pk)
    return BulkResult(done=done, refused=refused)


# -- reading as staff ----------------------------------------------------------------------------


def staff_conversation_viewed(
    *, actor: User, conversation_id: int, reason: str = "", item_id: int | None = None
) -> None:
    """Record that a member of staff read a conversation's content (every staff read is audited):
    the conversation page, or a review item's page (`item_id`), which shows the message and the
    messages around it."""
    detail: dict = {"reason_sha256": _digest(reason) if reason else ""}
    if item_id is not None:
        detail["review_item"] = item_id
    audit_record(
        action="conversation.view",
        actor=actor,
        target_type="conversation",
        target_id=conversation_id,
        detail=detail,
    )


def alert_acknowledge(*, alert: SafeguardingAlert, actor: User) -> SafeguardingAlert:
    with transaction.atomic():
        if alert.acknowledged_at is None:
            alert.acknowledged_at = timezone.now()
            alert.save(update_fields=["acknowledged_at"])
            audit_record(
                action="safeguarding.acknowledge",
                actor=actor,
                target_type="alert",
                target_id=alert.pk,
                detail={"review_item": alert.item_id},
            )
    return alert
