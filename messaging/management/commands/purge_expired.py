from django.core.management.base import BaseCommand

from messaging.retention import conversations_purge_expired


class Command(BaseCommand):
    help = (
        "Purge the messages of closed matches' conversations past their district's retention "
        "period (District.retention_days). Idempotent; audit entries stay."
    )

    def handle(self, *args, **options):
        report = conversations_purge_expired()
        self.stdout.write(
            f"purged {len(report.conversations)} conversation(s), {report.messages} message(s)"
        )
