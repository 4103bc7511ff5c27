"""The append-only audit log: staff actions, views, moderation verdicts and account events.

Each entry carries an HMAC-SHA256, keyed with `settings.AUDIT_HMAC_KEY` (kept outside the
database), over its own fields and the previous entry's HMAC, so the log is a chain: `audit_verify`
recomputes it and names the first entry that does not match. Without the key nobody can re-seal an
edited chain. Appends are serialised (an advisory lock on PostgreSQL, the write lock on SQLite) so
the chain never forks.

A chain cannot show that its newest entries were removed; anchors can. The periodic job
`audit_anchor_export` appends the latest (id, HMAC) to `settings.AUDIT_ANCHOR_PATH` (JSON lines)
and writes it to the log stream; `manage.py audit_verify` checks the table against the latest one.
On PostgreSQL a trigger refuses UPDATE, DELETE and TRUNCATE of the table (accounts/migrations/0004,
docs/security.md).
"""

import hashlib
import hmac
import json
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .models import AuditEntry, User

logger = logging.getLogger(__name__)

GENESIS = "0" * 64
_LOCK_KEY = 0x7472656C6C6973  # "trellis"


def _canonical(entry) -> bytes:
    """The hashed fields of an entry (an AuditEntry, or a migration's historical model)."""
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


def entry_hash(entry, *, key: str | None = None) -> str:
    """The entry's HMAC-SHA256 under `key` (default: settings.AUDIT_HMAC_KEY)."""
    secret = (key if key is not None else settings.AUDIT_HMAC_KEY).encode()
    return hmac.new(secret, _canonical(entry), hashlib.sha256).hexdigest()


def _legacy_hash(entry) -> str:
    """The unkeyed SHA-256 of the log before it was keyed (only audit_rekey_legacy reads it)."""
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


def audit_verify(
    entries: Iterable[AuditEntry] | None = None, *, key: str | None = None
) -> ChainBreak | None:
    """Recompute the keyed chain; the first entry that does not match, or None when it is intact.

    An intact chain can still have lost its newest entries: `audit_verify_anchor` tells.
    """
    prev = GENESIS
    rows = entries if entries is not None else AuditEntry.objects.order_by("pk").iterator()
    for entry in rows:
        if entry.prev_hash != prev:
            return ChainBreak(
                entry.pk, "previous-hash link broken (an entry before it was removed or altered)"
            )
        if not hmac.compare_digest(entry_hash(entry, key=key), entry.entry_hash):
            return ChainBreak(
                entry.pk,
                "contents do not match the entry's HMAC (edited, or the chain was re-hashed "
                "without the audit key)",
            )
        prev = entry.entry_hash
    return None


def audit_rekey_legacy(entries: list, *, key: str | None = None) -> list:
    """Re-seal a log written before it was keyed (accounts/migrations/0004).

    Checks the old unkeyed chain first and raises ValueError naming the first entry that does not
    match it (a broken log is an incident to look at, not something to re-seal); then sets each
    entry's prev_hash and entry_hash (HMAC) in order. Returns the entries; the caller saves them.
    """
    prev = GENESIS
    for entry in entries:
        if entry.prev_hash != prev or _legacy_hash(entry) != entry.entry_hash:
            raise ValueError(
                f"The audit log does not verify at entry {entry.pk} (unkeyed chain); not "
                "re-sealing it. Investigate with the previous release's `manage.py audit_verify`."
            )
        prev = entry.entry_hash
    prev = GENESIS
    for entry in entries:
        entry.prev_hash = prev
        entry.entry_hash = entry_hash(entry, key=key)
        prev = entry.entry_hash
    return entries


# -- anchors ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Anchor:
    """The latest entry's id and HMAC at a moment, kept outside the database."""

    id: int
    hmac: str
    at: str = ""


class AnchorFileError(Exception):
    """The anchor file cannot be read as JSON lines of anchors."""


def audit_anchor_export() -> dict | None:
    """The periodic job "audit-anchor": append the latest entry's (id, HMAC) to the anchor file
    (settings.AUDIT_ANCHOR_PATH; skipped when empty) and log it. Nothing while the log is empty.

    Idempotent: a second run appends the same anchor with a later time, which changes no check.
    """
    latest = AuditEntry.objects.order_by("-pk").values("pk", "entry_hash").first()
    if latest is None:
        return None
    anchor = {
        "id": latest["pk"],
        "hmac": latest["entry_hash"],
        "at": timezone.now().isoformat(),
    }
    path = settings.AUDIT_ANCHOR_PATH
    if path:
        # O_APPEND: each line lands at the end even with a second writer; fsync before the log
        # says the anchor exists. The file may also be made append-only (chattr +a).
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            os.write(fd, (json.dumps(anchor, sort_keys=True) + "\n").encode())
            os.fsync(fd)
        finally:
            os.close(fd)
    logger.info("audit anchor id=%d hmac=%s", anchor["id"], anchor["hmac"])
    return anchor


def audit_anchor_read(path: str) -> Anchor | None:
    """The last anchor in the file, or None when the file is missing or empty.

    Raises AnchorFileError naming the line when a line is not an anchor.
    """
    try:
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except FileNotFoundError:
        return None
    latest = None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            latest = Anchor(id=int(data["id"]), hmac=str(data["hmac"]), at=str(data.get("at", "")))
        except (ValueError, KeyError, TypeError) as error:
            raise AnchorFileError(f"{path}, line {number}: not an audit anchor ({error})") from None
    return latest


def audit_verify_anchor(anchor: Anchor) -> ChainBreak | None:
    """Check the table against an anchor: its entry must still be there, with the same HMAC.

    Run after `audit_verify`: with an intact chain, a matching anchored entry vouches for every
    entry before it; entries after it are checked by the chain alone.
    """
    stored = AuditEntry.objects.filter(pk=anchor.id).values_list("entry_hash", flat=True).first()
    if stored is None:
        newest = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
        return ChainBreak(
            anchor.id,
            f"entry {anchor.id} named by the latest anchor is missing (the newest entry is now "
            f"{newest}): entries were deleted from the end of the log",
        )
    if not hmac.compare_digest(stored, anchor.hmac):
        return ChainBreak(
            anchor.id,
            f"entry {anchor.id} does not match the latest anchor's HMAC: it was rewritten "
            "and re-sealed",
        )
    return None
