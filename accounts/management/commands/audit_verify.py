from django.core.management.base import BaseCommand, CommandError

from accounts.audit import audit_verify
from accounts.models import AuditEntry


class Command(BaseCommand):
    help = "Verify the audit log's hash chain; names the first broken entry and exits 1 if any."

    def handle(self, *args, **options):
        broken = audit_verify()
        if broken is not None:
            raise CommandError(f"Audit chain broken at entry {broken.entry_id}: {broken.reason}")
        self.stdout.write(f"Audit chain intact ({AuditEntry.objects.count()} entries).")
