"""Moderation writes. `message_screen` (the text, before anything is stored) and `screening_store`
(in the insert's transaction) are the two entry points the send action calls on every new
message (actions.messages.message_send).

The life of a message's moderation:
1. `message_screen` runs before the sender's transaction, with no database work and no lock
   held: the rule detectors always run, and an inline scorer such as profanity_check too. When
   the verdict is final (no model configured, an inline scorer answered, or the rules already
   flag or hold: a model can only add a flag) the message is inserted in its final state and
   `screening_store` stores the verdict in the same transaction, so a message is never delivered
   before its verdict exists.
2. Otherwise the message is inserted `pending` (visible to its sender only) and a task is
   enqueued in the same transaction (database backend) or right after commit (immediate backend).
3. `messages_screen_pending` (the task, and `manage.py moderation_sweep` after a restart) takes
   pending messages oldest first in bounded batches, scores them in one model call, stores each
   verdict and notifies after commit. When the model cannot score, the messages wait and are
   retried; past `UNSCORED_AFTER_SECONDS` they go to human review under the district's
   `unscored_policy`, with a review item and an alert.
4. Every stored verdict carries the message's weak grooming signals (`weak_signals`, found by
   the pipeline with the rules); a message with any gets a `ConversationSignal` row (its place
   and direction in the conversation's window), and when the message is in the grooming
   direction the conversation's window is scored after commit (`conversation_risk_check`, off
   the send path's locks): past the district's threshold the conversation itself becomes one
   `pattern` review item.

The district's settings and keyword rules come from a per-process cache keyed by the district's
`moderation_version` (moderation.district_settings), which the send path reads with the
conversation: a plain send reads no moderation table.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import District
from messaging.models import Conversation, Membership, Message
from messaging.rows import row_insert
from messaging.services import message_state_set, notify_message

from . import conversation_risk, policy
from .crisis import crisis_respond
from .detectors.base import Context
from .district_settings import district_settings_cached
from .models import (
    ConversationSignal,
    DistrictModeration,
    ModerationRecord,
    ReviewItem,
    ScorerStatus,
)
from .pipeline import get_pipeline
from .review.items import review_item_open, review_pattern_record
from .scorers import registry

logger = logging.getLogger(__name__)

STATE_FOR_ACTION = {
    "deliver": Message.State.DELIVERED,
    "flag": Message.State.FLAGGED,
    "hold": Message.State.HELD,
}


def _conf(key: str, default):
    return settings.MODERATION.get(key, default)


# -- context ---------------------------------------------------------------------------------------


def screening_context(
    *,
    district_id: int,
    moderation_version: int,
    sender_role: str,
    recipients: Iterable[tuple[str, bool]],
) -> Context:
    """Everything the detectors may know about a message: the sender's role, the other members'
    (membership role, is_minor) and the district's settings as of `moderation_version`
    (`District.moderation_version`). No database work while the district's settings are cached.
    """
    # A minor reads as a student whatever their role in the conversation (a peer mentor can be a
    # minor): the policy's protections for student-bound messages follow the reader's age.
    roles = tuple(
        Membership.Role.STUDENT.value if is_minor else role for role, is_minor in recipients
    )
    district = district_settings_cached(district_id=district_id, version=moderation_version)
    return Context(
        sender_role=sender_role,
        recipient_roles=roles,
        link_allowlist=(*_conf("LINK_ALLOWLIST", ()), *district.allowlist),
        keywords=district.keywords,
        toxicity_threshold=district.toxicity_threshold,
        toxicity_thresholds=district.toxicity_thresholds,
    )


def message_context(*, message: Message) -> Context:
    """The context of a stored message (the worker's path): as `screening_context`, with the
    members and the district's version read here."""
    district_id = message.conversation.district_id
    recipients = (
        Membership.objects.filter(conversation_id=message.conversation_id)
        .exclude(user_id=message.sender_id)
        .order_by("pk")
        .values_list("role", "user__is_minor")
    )
    version = District.objects.values_list("moderation_version", flat=True).get(pk=district_id)
    return screening_context(
        district_id=district_id,
        moderation_version=version,
        sender_role=message.sender.role if message.sender_id else "system",
        recipients=list(recipients),
    )


# -- the send path ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Screening:
    """What `message_screen` decided: the state to store the message in, and the verdict to store
    with it; no verdict when the message waits (`pending`) for the worker's model."""

    state: str
    verdict: policy.Verdict | None


def message_screen(*, body: str, context: Context) -> Screening:
    """Screen a new message's text before it is stored (no database work, no lock held).

    `delivered`, `flagged` or `held` with the verdict when it is final; `pending` without one
    when the configured model scores in the worker (or the inline scorer could not score and
    the rules found nothing).
    """
    pipeline = get_pipeline()
    scorer = registry.get_scorer() if pipeline.has_model else None
    if scorer is not None and scorer.inline:
        verdict = pipeline.run(body, context, include_model=True)
        # Unscored but already flagged or held by the rules: a model could only add a flag.
        if verdict.scored or verdict.action != "deliver":
            return Screening(STATE_FOR_ACTION[verdict.action], verdict)
    else:
        verdict = pipeline.run(body, context, include_model=False)
        if scorer is None or verdict.action != "deliver":
            return Screening(STATE_FOR_ACTION[verdict.action], verdict)
    return Screening(Message.State.PENDING, None)


def screening_store(*, message: Message, screening: Screening) -> Message:
    """Store a screening with the message just inserted in `screening.state`, in the insert's
    transaction: the verdict (with its review item, audit entry and crisis answer), or the
    scoring task of a pending message. The caller notifies after this returns."""
    if screening.verdict is None:
        _enqueue_scoring()
        return message
    return verdict_store(message=message, verdict=screening.verdict, inserting=True)


def screening_record(*, screening: Screening) -> ModerationRecord | None:
    """The verdict's row, unsaved, when storing `screening` is that row alone (a delivered verdict
    with no weak signals: no review item, audit entry, crisis answer or conversation signal), for
    the send path to insert with the message in one statement (messaging.services.message_insert's
    `companion`). None: the caller stores it with `screening_store`.

    The same row `verdict_store` would insert (tests/messaging/test_send_cost.py compares them)."""
    verdict = screening.verdict
    if verdict is None or verdict.action != "deliver" or verdict.weak_signals:
        return None
    if screening.state != STATE_FOR_ACTION[verdict.action]:
        raise ValueError("A message is inserted in its verdict's state (screening_store).")
    return _verdict_row(verdict)


def _verdict_row(verdict: policy.Verdict, message: Message | None = None) -> ModerationRecord:
    return ModerationRecord(
        message=message,
        action=verdict.action,
        categories=verdict.categories,
        priority=verdict.priority,
        reasons=verdict.reasons,
        scores=verdict.scores,
        scorer=verdict.scorer,
        language=verdict.language,
        policy_version=verdict.policy_version,
        signals=verdict.signals,
        weak_signals=verdict.weak_signals,
    )


def _enqueue_scoring(run_after: datetime.datetime | None = None) -> None:
    from django_tasks.backends.immediate import ImmediateBackend

    from .tasks import screen_pending_messages

    task = screen_pending_messages
    if isinstance(task.get_backend(), ImmediateBackend):
        # In-process backend: run once the message is committed (and never if it rolls back).
        if run_after is None:
            transaction.on_commit(lambda: task.enqueue())
        return
    if run_after is not None:
        if not task.get_backend().supports_defer or _retry_already_queued(task):
            return  # one queued retry is enough; the periodic sweep also retries
        task = task.using(run_after=run_after)
    # A database-backed job joins the current transaction: no message without its job.
    task.enqueue()


def _retry_already_queued(task) -> bool:
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - another deferring backend
        return False
    path = f"{task.func.__module__}.{task.func.__qualname__}"
    return DBTaskResult.objects.filter(
        task_path=path, status="READY", run_after__isnull=False
    ).exists()


def verdict_store(*, message: Message, verdict: policy.Verdict, inserting: bool = False) -> Message:
    """Store the verdict, set the message's state, queue flagged or held messages for staff, and
    answer a student's crisis message (moderation.crisis).

    Idempotent: a message that already has a verdict keeps it (a sweep racing a task changes
    nothing). Call inside a transaction; events leave after commit. `inserting`: the message was
    inserted in this transaction already in the verdict's state (`screening_store`), so it has no
    verdict yet and nobody has seen an earlier state of it.
    """
    if not inserting and ModerationRecord.objects.filter(message=message).exists():
        return message
    # One planned INSERT (messaging.rows): this runs on every screened send.
    record = row_insert(_verdict_row(verdict, message))
    if inserting:
        if message.state != STATE_FOR_ACTION[verdict.action]:
            raise ValueError("A message is inserted in its verdict's state (screening_store).")
    else:
        message_state_set(message=message, state=STATE_FOR_ACTION[verdict.action])
    signals = message_signals_record(message=message, weak_signals=verdict.weak_signals)
    if signals is not None and signals.counts:
        conversation_id = message.conversation_id
        # After commit, outside the sender's transaction and its conversation row lock; a failure
        # is logged, never raised into the send (the message is stored and acknowledged).
        transaction.on_commit(
            lambda: conversation_risk_check(conversation_id=conversation_id), robust=True
        )
    district_id = message.conversation.district_id
    if verdict.action != "deliver":
        # The review console's entry point: the item, its audit entry and the staff event
        # (`review.item`, plus `review.urgent` for urgent items) after commit.
        item = review_item_open(message=message, verdict=record)
        audit_record(
            action="moderation.verdict",
            district_id=district_id,
            target_type="message",
            target_id=message.pk,
            detail={
                "verdict": record.pk,
                "action": verdict.action,
                "priority": verdict.priority,
                "categories": verdict.categories,
                "review_item": item.pk,
                "scored": verdict.scored,
            },
        )
        logger.info(
            "message=%s verdict=%s action=%s priority=%s categories=%s",
            message.pk,
            record.pk,
            verdict.action,
            verdict.priority,
            ",".join(verdict.categories),
        )
        # A student's disclosure is answered in the same transaction (docs/moderation.md,
        # "Crisis response"); its cards' events leave before the message's own, which the
        # caller sends next, and sockets put them back in sequence order (messaging.ordering).
        crisis_respond(message=message, verdict=verdict)
    return message


# -- conversation-level risk ---------------------------------------------------------------------


def message_signals_record(
    *, message: Message, weak_signals: list[dict]
) -> ConversationSignal | None:
    """Put a message with weak grooming signals (its verdict's `weak_signals`, as the pipeline
    found them) in its conversation's window, with its direction; None when it has none.

    Cheap by design (it runs inside the sender's transaction): the text is not read again; only
    for a message with signals, one read of the other members' roles and one insert.
    """
    if message.kind != Message.Kind.USER or message.sender_id is None or not weak_signals:
        return None
    sender = message.sender
    others = list(
        Membership.objects.filter(conversation_id=message.conversation_id)
        .exclude(user_id=message.sender_id)
        .values_list("role", "user__is_minor")
    )
    to_student = any(role == Membership.Role.STUDENT for role, _ in others)
    to_minor = any(is_minor for _, is_minor in others)
    window_message = conversation_risk.WindowMessage(
        message_id=message.pk,
        at=message.created_at,
        sender_id=message.sender_id,
        sender_role=sender.role,
        sender_is_adult=sender.is_adult,
        to_student=to_student,
        to_minor=to_minor,
        signals=(),
    )
    return ConversationSignal.objects.create(
        message=message,
        conversation_id=message.conversation_id,
        sender_id=message.sender_id,
        at=message.created_at,
        sender_role=sender.role,
        sender_is_adult=sender.is_adult,
        to_student=to_student,
        to_minor=to_minor,
        counts=conversation_risk.direction_counts(window_message),
        lexicon_version=max(_signal_table_version(s["language"]) for s in weak_signals),
    )


def _signal_table_version(language: str) -> int:
    table = get_pipeline().lexicon.signal_tables.get(language)
    return table.version if table is not None else 0


def risk_params(*, district_id: int) -> conversation_risk.RiskParams:
    """The district's window and threshold (DistrictModeration), else the defaults."""
    row = (
        DistrictModeration.objects.filter(district_id=district_id)
        .values_list("pattern_window_days", "pattern_threshold")
        .first()
    )
    days, threshold = row or (
        conversation_risk.DEFAULT_WINDOW_DAYS,
        conversation_risk.DEFAULT_THRESHOLD,
    )
    return conversation_risk.RiskParams(
        window=datetime.timedelta(days=max(int(days), 1)), threshold=float(threshold)
    )


def conversation_window(
    *, conversation_id: int, now: datetime.datetime, window: datetime.timedelta
) -> list[conversation_risk.WindowMessage]:
    """The conversation's counted signals inside the window: one read on (conversation, at),
    the signals from the messages' stored verdicts."""
    rows = (
        ConversationSignal.objects.filter(
            conversation_id=conversation_id, counts=True, at__gte=now - window, at__lte=now
        )
        .order_by("at", "message_id")
        .values_list(
            "message_id",
            "at",
            "sender_id",
            "sender_role",
            "sender_is_adult",
            "to_student",
            "to_minor",
            "message__verdict__weak_signals",
        )
    )
    return [
        conversation_risk.WindowMessage(
            message_id=message_id,
            at=at,
            sender_id=sender_id,
            sender_role=sender_role,
            sender_is_adult=sender_is_adult,
            to_student=to_student,
            to_minor=to_minor,
            signals=tuple(
                conversation_risk.Signal(s["family"], s["signal"], float(s["weight"]))
                for s in signals or ()
            ),
        )
        for (
            message_id,
            at,
            sender_id,
            sender_role,
            sender_is_adult,
            to_student,
            to_minor,
            signals,
        ) in rows
    ]


def conversation_risk_check(
    *, conversation_id: int, now: datetime.datetime | None = None
) -> ReviewItem | None:
    """Score the conversation's window; past the district's threshold open its `pattern` review
    item, or append new contributions to the open one. Returns the open pattern item, if any.

    Idempotent: running it twice adds nothing the first run did not. After a pattern item is
    resolved, its signals raise a new item only together with a signal sent after the resolution.
    """
    now = now or timezone.now()
    district_id = Conversation.objects.values_list("district_id", flat=True).get(pk=conversation_id)
    params = risk_params(district_id=district_id)
    window = conversation_window(conversation_id=conversation_id, now=now, window=params.window)
    last_resolved = (
        ReviewItem.objects.filter(
            conversation_id=conversation_id,
            source=ReviewItem.Source.PATTERN,
            status=ReviewItem.Status.RESOLVED,
        )
        .order_by("-resolved_at")
        .values_list("resolved_at", flat=True)
        .first()
    )
    risk = conversation_risk.conversation_risk(
        window, now=now, params=params, new_after=last_resolved
    )
    return review_pattern_record(
        conversation_id=conversation_id, risk=risk, window_days=params.window.days
    )


# -- the worker path -------------------------------------------------------------------------------


@dataclass
class SweepResult:
    scored: int = 0
    sent_to_review: int = 0
    waiting: int = 0
    scorer_error: str = ""


def messages_screen_pending(
    *, batch_size: int | None = None, max_batches: int | None = None, now=None
) -> SweepResult:
    """Finish pending messages, oldest first, in batches of `batch_size` (bounded memory).

    Idempotent and safe to run from several workers at once (rows are locked, skip-locked). Stops
    when nothing is left or when the model cannot score (the rest wait for the retry).
    """
    batch_size = batch_size or int(_conf("BATCH_SIZE", 32))
    _alert_if_behind()
    unscored_after = datetime.timedelta(seconds=int(_conf("UNSCORED_AFTER_SECONDS", 120)))
    pipeline = get_pipeline()
    result = SweepResult()
    batches = 0
    while max_batches is None or batches < max_batches:
        batches += 1
        now_at = now or timezone.now()
        with transaction.atomic():
            messages = list(
                Message.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(state=Message.State.PENDING, kind=Message.Kind.USER)
                .select_related("sender", "conversation")
                .order_by("created_at", "pk")[:batch_size]
            )
            if not messages:
                break
            # A verdict takes its conversation's next change number (a row lock): take the locks
            # up front in one order, so that two workers with mixed batches cannot deadlock.
            conversation_ids = sorted({m.conversation_id for m in messages})
            list(
                Conversation.objects.select_for_update()
                .filter(pk__in=conversation_ids)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            contexts = [message_context(message=m) for m in messages]
            verdicts = pipeline.run_batch([m.body for m in messages], contexts)
            unscored_reason = ""
            for message, context, verdict in zip(messages, contexts, verdicts, strict=True):
                if verdict.scored or verdict.action != "deliver":
                    verdict_store(message=message, verdict=verdict)
                    notify_message(message=message)
                    result.scored += 1
                    continue
                unscored_reason = registry.status.get("error") or "scorer unavailable"
                if message.created_at <= now_at - unscored_after:
                    district = District.objects.get(pk=message.conversation.district_id)
                    policy.apply_unscored(
                        verdict,
                        unscored_policy=district.unscored_policy,
                        student_bound=context.student_bound,
                    )
                    verdict_store(message=message, verdict=verdict)
                    notify_message(message=message)
                    result.sent_to_review += 1
                else:
                    result.waiting += 1
            scorer_status_record(error=unscored_reason)
        if unscored_reason:
            result.scorer_error = unscored_reason
            break
    if result.waiting:
        retry = timezone.now() + datetime.timedelta(seconds=int(_conf("RETRY_SECONDS", 10)))
        _enqueue_scoring(run_after=retry)
    return result


def _alert_if_behind() -> None:
    """Service-level alert for a backlog: the oldest message waiting for a verdict is too old."""
    oldest = (
        Message.objects.filter(state=Message.State.PENDING, kind=Message.Kind.USER)
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    if oldest is None:
        return
    age = (timezone.now() - oldest).total_seconds()
    if age > int(_conf("QUEUE_ALERT_SECONDS", 60)):
        depth = Message.objects.filter(state=Message.State.PENDING, kind=Message.Kind.USER).count()
        logger.error("ALERT moderation queue behind: depth=%s oldest_age=%ss", depth, int(age))


def scorer_status_record(*, error: str) -> None:
    """Record the active scorer's state; a change to failed raises an alert (log and audit)."""
    name = registry.active_name()
    now = timezone.now()
    state = "failed" if error else "ready"
    status, created = ScorerStatus.objects.get_or_create(
        scorer=name,
        defaults={"state": state, "error": error[:200], "changed_at": now, "checked_at": now},
    )
    changed = created or status.state != state
    if not created:
        if changed:
            status.changed_at = now
        status.state, status.error, status.checked_at = state, error[:200], now
        status.save(update_fields=["state", "error", "changed_at", "checked_at"])
    if changed and state == "failed":
        logger.error("ALERT toxicity scorer %s unavailable: %s", name, error)
        audit_record(
            action="moderation.scorer_unavailable",
            target_type="scorer",
            target_id=name,
            detail={"error": error[:200]},
        )
    elif changed and not created:
        logger.warning("toxicity scorer %s recovered", name)
        audit_record(action="moderation.scorer_recovered", target_type="scorer", target_id=name)
