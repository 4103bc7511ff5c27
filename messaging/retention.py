"""Data retention: a closed match's conversation is purged once its district's retention period
(District.retention_days) has passed since the match closed.

Purging deletes the conversation's messages (and with them their moderation verdicts and review
items) and blanks its title, which carries people's names. What stays: the match and its status
history, the memberships (ids), the conversation row (so sequence numbers are never reused), and
the audit log, whose entries hold ids only. Idempotent: a purged conversation has nothing left to
delete, so a second run changes nothing and records nothing.

Runs as the periodic job "retention-purge" (docs/adr/0002) and as `manage.py purge_expired`.
"""

import datetime
import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import District

from .models import Conversation, Match, Message

logger = logging.getLogger(__name__)


@dataclass
class PurgeReport:
    conversations: list[int] = field(default_factory=list)
    messages: int = 0


def conversations_due_for_purge(
    *, district: District, now: datetime.datetime
) -> list[Conversation]:
    """Conversations of the district's closed matches past retention that still hold anything."""
    cutoff = now - datetime.timedelta(days=district.retention_days)
    return list(
        Conversation.objects.filter(
            district=district,
            kind=Conversation.Kind.MATCH,
            match__status=Match.Status.CLOSED,
            match__closed_at__lte=cutoff,
        )
        .filter(Q(messages__isnull=False) | ~Q(title=""))
        .distinct()
        .order_by("pk")
    )


@transaction.atomic
def conversation_purge(*, conversation: Conversation, reason: str = "retention") -> int:
    """Delete one conversation's messages and blank its title. Returns how many messages."""
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    deleted = Message.objects.filter(conversation=conversation).count()
    Message.objects.filter(conversation=conversation).delete()
    if conversation.title:
        conversation.title = ""
        conversation.save(update_fields=["title"])
    audit_record(
        action="conversation.purged",
        district_id=conversation.district_id,
        target_type="conversation",
        target_id=conversation.pk,
        detail={"reason": reason, "messages": deleted, "match": conversation.match_id},
    )
    return deleted


def conversations_purge_expired(*, now: datetime.datetime | None = None) -> PurgeReport:
    """Purge every conversation past its district's retention (the periodic job)."""
    now = now or timezone.now()
    report = PurgeReport()
    for district in District.objects.order_by("pk"):
        for conversation in conversations_due_for_purge(district=district, now=now):
            report.messages += conversation_purge(conversation=conversation)
            report.conversations.append(conversation.pk)
    if report.conversations:
        logger.info(
            "retention purge: conversations=%d messages=%d",
            len(report.conversations),
            report.messages,
        )
    return report
