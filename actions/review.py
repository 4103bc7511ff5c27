"""Review actions whose purpose is a change in other domains: pausing or resuming the item's
match (messaging) and suspending a member (accounts: the account and its sessions; messaging: their
matches; scheduling: an adult's meetings). The item's own bookkeeping (row lock, ReviewAction and
audit entry, `review.updated` after commit) is moderation's (moderation.review.items); the actions
on the item and its message stay there (moderation.review.actions).

Same contract as those: keyword-only, the item comes from moderation.access.access_review_item,
events leave after commit.
"""

from django.db import transaction

from accounts.audit import audit_record
from accounts.models import User
from accounts.sessions import sessions_revoke_all
from messaging.access import member_ids
from messaging.models import Match
from messaging.services import match_activate, match_pause, matches_pause_for_user
from moderation.models import ReviewAction, ReviewItem
from moderation.review.items import (
    ReviewConflict,
    review_action_record,
    review_item_lock,
    review_item_subject,
    review_item_updated_notify,
    review_reason_clean,
)
from scheduling.services import meetings_cancel_for_adult

Kind = ReviewAction.Kind


@transaction.atomic
def review_pause_match(*, item: ReviewItem, actor: User, reason: str) -> Match:
    """Pause the item's match: the conversation stops accepting messages."""
    reason = review_reason_clean(reason, what="Pausing a match")
    item = review_item_lock(item=item, actor=actor)
    if item.conversation.match_id is None:
        raise ReviewConflict("This conversation is not a match.", code="no_match")
    match = match_pause(
        match=Match.objects.get(pk=item.conversation.match_id), actor=actor, reason=reason
    )
    review_action_record(
        item=item, actor=actor, kind=Kind.PAUSE, reason=reason, detail={"match": match.pk}
    )
    review_item_updated_notify(item=item)
    return match


@transaction.atomic
def review_resume_match(*, item: ReviewItem, actor: User, reason: str) -> Match:
    """Let a paused match message again; refused (MatchNotActivatable) when consent or screening
    no longer hold."""
    reason = review_reason_clean(reason, what="Resuming a match")
    item = review_item_lock(item=item, actor=actor)
    if item.conversation.match_id is None:
        raise ReviewConflict("This conversation is not a match.", code="no_match")
    match = Match.objects.get(pk=item.conversation.match_id)
    if match.status != Match.Status.PAUSED:
        raise ReviewConflict("Only a paused match can be resumed.", code="not_paused")
    match = match_activate(match=match, actor=actor, reason=reason)
    review_action_record(
        item=item, actor=actor, kind=Kind.RESUME, reason=reason, detail={"match": match.pk}
    )
    review_item_updated_notify(item=item)
    return match


@transaction.atomic
def review_suspend_user(
    *, item: ReviewItem, actor: User, reason: str, user: User | None = None
) -> User:
    """Suspend a member (default: the item's sender or reported person): the account is disabled,
    every open socket of theirs closes at once, their active matches pause, and an adult's future
    meetings are cancelled with a neutral notice to the other participants."""
    reason = review_reason_clean(reason, what="Suspending a user")
    item = review_item_lock(item=item, actor=actor)
    target = user or review_item_subject(item=item)
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
    review_action_record(
        item=item,
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
    review_item_updated_notify(item=item)
    return target
