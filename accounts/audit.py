"""The append-only audit log: staff actions, views, moderation verdicts and account events.

Each entry's hash covers its own fields and the previous entry's hash, so the log is a chain:
`audit_verify` recomputes it and names the first entry that does not match. Appends are serialised
(an advisory lock on PostgreSQL, the write lock on SQLite) so the chain never forks.
"""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from .models import AuditEntry, User

GENESIS = "0" * 64
_LOCK_KEY = 0x7472656C6C6973  # "trellis"


def _canonical(entry: AuditEntry) -> bytes:
    fields = {
        "at": entry.at.isoformat(),
        "actor": entry.actor_ref,
        "district": entry.district_ref,
        "action": entry.action,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "detail": entry.detail,
        "prev": entry.prev_hash,
    }
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def entry_hash(entry: AuditEntry) -> str:
    return hashlib.sha256(_canonical(entry)).hexdigest()


def audit_record(
    *,
    action: str,
    actor: User | None = None,
    district_id: int | None = None,
    target_type: str = "",
    target_id: object = "",
    detail: dict | None = None,
) -> AuditEntry:
    """Append an entry. Joins the caller's transaction, so a rolled-back action leaves no entry.

    `detail` must hold ids and codes only, never message text or people's names.
    """
    if district_id is None and actor is not None:
        district_id = actor.district_id
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        last = AuditEntry.objects.order_by("-pk").values_list("entry_hash", flat=True).first()
        entry = AuditEntry(
            at=timezone.now(),
            actor=actor,
            actor_ref=actor.pk if actor is not None else None,
            district_id=district_id,
            district_ref=district_id,
            action=action,
            target_type=target_type,
            target_id=str(target_id),
            detail=json.loads(json.dumps(detail or {}, default=str)),
            prev_hash=last or GENESIS,
        )
        entry.entry_hash = entry_hash(entry)
        entry.save()
    return entry


@dataclass(frozen=True)
class ChainBreak:
    entry_id: int
    reason: str


def audit_verify(entries: Iterable[AuditEntry] | None = None) -> ChainBreak | None:
    """Recompute the chain; the first entry that does not match, or None when it is intact."""
    prev = GENESIS
    rows = entries if entries is not None else AuditEntry.objects.order_by("pk").iterator()
    for entry in rows:
        if entry.prev_hash != prev:
            return ChainBreak(
                entry.pk, "previous-hash link broken (an entry before it was removed or altered)"
            )
        if entry_hash(entry) != entry.entry_hash:
            return ChainBreak(entry.pk, "contents do not match the entry's hash (edited)")
        prev = entry.entry_hash
    return None
