"""What staff do to a review item and its message: claim or assign, release, uphold, dismiss,
warn the sender, note, escalate, and a bulk dismiss or uphold of low-priority flags; and the audit
of a staff member reading a conversation.

Every action is keyword-only and takes an item that the caller fetched through
moderation.access.access_review_item (so a refusal is audited outside the action's transaction).
Each action re-reads the item under a row lock, records a ReviewAction (the staff's own words), an
audit entry (ids and a digest of the words, never the words), stamps `first_action_at`, and sends
its events only after commit. Pausing, resuming and suspending, which act on other domains, are in
actions.review.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import User
from messaging import realtime
from messaging.access import reader_ids
from messaging.models import Match, Message
from messaging.services import (
    MatchNotActivatable,
    match_activate,
    message_state_set,
    notify_message,
    system_message_post,
)

from ..crisis import crisis_respond
from ..models import Priority, ReviewAction, ReviewItem
from .alerts import alerts_raise
from .items import (
    ReviewConflict,
    reason_digest,
    review_action_record,
    review_item_check_open,
    review_item_lock,
    review_item_resolve,
    review_item_subject,
    review_item_updated_notify,
    review_reason_clean,
)

Kind = ReviewAction.Kind

WARNING_TEXT = (
    "A note from program staff for {name}: a message in this conversation was reviewed. "
    "Please keep to the program's guidelines: stay on Trellis, share no personal contact "
    "details, and keep conversations about school, work and goals."
)


@dataclass(frozen=True)
class BulkResult:
    done: list[int]
    refused: dict[int, str]


@transaction.atomic
def review_claim(
    *, item: ReviewItem, actor: User, assignee: User | None = None, reason: str = ""
) -> ReviewItem:
    """Claim the item (or assign it to another member of the district's staff)."""
    item = review_item_lock(item=item, actor=actor)
    review_item_check_open(item=item)
    assignee = assignee or actor
    if assignee.district_id != item.district_id or not assignee.is_staff_role:
        raise ReviewConflict("Items are assigned to staff of their own district.", code="invalid")
    item.status = ReviewItem.Status.CLAIMED
    item.assigned_to = assignee
    item.save(update_fields=["status", "assigned_to"])
    kind = Kind.CLAIM if assignee.pk == actor.pk else Kind.ASSIGN
    review_action_record(item=item, actor=actor, kind=kind, reason=reason, target_user=assignee)
    review_item_updated_notify(item=item)
    return item


@transaction.atomic
def review_release(*, item: ReviewItem, actor: User, reason: str) -> ReviewItem:
    """Deliver a held message now: every member receives it."""
    reason = review_reason_clean(reason, what="Releasing a message")
    item = review_item_lock(item=item, actor=actor)
    review_item_check_open(item=item)
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
    review_action_record(item=item, actor=actor, kind=Kind.RELEASE, reason=reason)
    review_item_resolve(item=item, resolution="released")
    review_item_updated_notify(item=item)
    return item


@transaction.atomic
def review_uphold(*, item: ReviewItem, actor: User, reason: str) -> ReviewItem:
    """Keep the message from the recipients for good; its sender is told it was not delivered.

    A flagged message was already delivered: the other members are told to withdraw it (the event
    carries ids only, no text). For a report without a message, upholding records the finding; a
    match the report paused stays paused.
    """
    reason = review_reason_clean(reason, what="Upholding a flag")
    item = review_item_lock(item=item, actor=actor)
    review_item_check_open(item=item)
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
    review_action_record(item=item, actor=actor, kind=Kind.UPHOLD, reason=reason)
    review_item_resolve(item=item, resolution="upheld")
    review_item_updated_notify(item=item)
    return item


@transaction.atomic
def review_dismiss(*, item: ReviewItem, actor: User, reason: str) -> ReviewItem:
    """A false positive: the (already delivered) flagged message stays delivered; a report found
    unfounded lets the match it paused resume. Held messages are released, not dismissed."""
    reason = review_reason_clean(reason, what="Dismissing a flag")
    item = review_item_lock(item=item, actor=actor)
    review_item_check_open(item=item)
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
    review_action_record(
        item=item, actor=actor, kind=Kind.DISMISS, reason=reason, detail={"resumed": resumed}
    )
    review_item_resolve(item=item, resolution="dismissed")
    review_item_updated_notify(item=item)
    return item


@transaction.atomic
def review_warn_sender(*, item: ReviewItem, actor: User, reason: str) -> Message:
    """Post a program reminder addressed to the sender into the conversation (all members
    see it)."""
    reason = review_reason_clean(reason, what="Warning a sender")
    item = review_item_lock(item=item, actor=actor)
    sender = review_item_subject(item=item)
    if sender is None:
        raise ReviewConflict("This item has no sender to warn.", code="no_sender")
    count = item.actions.filter(kind=Kind.WARN).count()
    result = system_message_post(
        conversation=item.conversation,
        key=f"review-warn-{item.pk}-{count + 1}",
        body=WARNING_TEXT.format(name=sender.public_name),
    )
    review_action_record(
        item=item,
        actor=actor,
        kind=Kind.WARN,
        reason=reason,
        target_user=sender,
        detail={"system_message": result.message.pk},
    )
    review_item_updated_notify(item=item)
    return result.message


@transaction.atomic
def review_note(*, item: ReviewItem, actor: User, text: str) -> ReviewAction:
    text = review_reason_clean(text, what="A note")
    item = review_item_lock(item=item, actor=actor)
    action = review_action_record(item=item, actor=actor, kind=Kind.NOTE, reason=text)
    review_item_updated_notify(item=item)
    return action


@transaction.atomic
def review_escalate(*, item: ReviewItem, actor: User, reason: str) -> ReviewItem:
    """Escalate a safeguarding concern to the district's safeguarding lead (in-app and e-mail)."""
    reason = review_reason_clean(reason, what="Escalating a concern")
    item = review_item_lock(item=item, actor=actor)
    item.escalation_count += 1
    item.last_escalated_at = timezone.now()
    item.save(update_fields=["escalation_count", "last_escalated_at"])
    alert_ids = alerts_raise(item=item, raised_by=actor, repeat=False)
    review_action_record(
        item=item, actor=actor, kind=Kind.ESCALATE, reason=reason, detail={"alerts": alert_ids}
    )
    review_item_updated_notify(item=item)
    return item


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
    review_reason_clean(reason, what="A bulk action")
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
    detail: dict = {"reason_sha256": reason_digest(reason) if reason else ""}
    if item_id is not None:
        detail["review_item"] = item_id
    audit_record(
        action="conversation.view",
        actor=actor,
        target_type="conversation",
        target_id=conversation_id,
        detail=detail,
    )
