from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.audit import (
    Anchor,
    AnchorFileError,
    audit_anchor_read,
    audit_verify,
    audit_verify_anchor,
)
from accounts.models import AuditEntry


def _anchor_argument(value: str) -> Anchor:
    entry_id, _, digest = value.partition(":")
    if not entry_id.isdigit() or len(digest) != 64:
        raise CommandError("--anchor takes ID:HMAC, as the log line 'audit anchor id=.. hmac=..'.")
    return Anchor(id=int(entry_id), hmac=digest.lower())


class Command(BaseCommand):
    help = (
        "Verify the audit log's keyed hash chain and check it against the latest anchor (from "
        "AUDIT_ANCHOR_PATH, or --anchor). Names the first broken entry and exits 1 if any."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--anchor",
            help="Check against this anchor (ID:HMAC, from the log stream) instead of the file.",
        )
        parser.add_argument(
            "--require-anchor",
            action="store_true",
            help="Fail when there is no anchor (by default: a warning).",
        )

    def handle(self, *args, **options):
        broken = audit_verify()
        if broken is not None:
            raise CommandError(f"Audit chain broken at entry {broken.entry_id}: {broken.reason}")
        count = AuditEntry.objects.count()
        if options["anchor"]:
            anchor, source = _anchor_argument(options["anchor"]), "--anchor"
        else:
            source = settings.AUDIT_ANCHOR_PATH
            try:
                anchor = audit_anchor_read(source) if source else None
            except AnchorFileError as error:
                raise CommandError(f"Audit anchor file unreadable: {error}") from None
        if anchor is None:
            missing = (
                f"No audit anchor ({source or 'AUDIT_ANCHOR_PATH is not set'}): removal of the "
                "newest entries cannot be detected."
            )
            if options["require_anchor"]:
                raise CommandError(missing)
            self.stderr.write(missing)
            self.stdout.write(f"Audit chain intact ({count} entries).")
            return
        broken = audit_verify_anchor(anchor)
        if broken is not None:
            raise CommandError(
                f"Audit log does not match its latest anchor ({source}): {broken.reason}"
            )
        at = f", anchored {anchor.at}" if anchor.at else ""
        self.stdout.write(
            f"Audit chain intact ({count} entries); it matches the latest anchor "
            f"(entry {anchor.id}{at})."
        )
