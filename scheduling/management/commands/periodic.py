from django.core.management.base import BaseCommand

from scheduling.periodic import periodic_run_due_now


class Command(BaseCommand):
    help = (
        "Run every periodic job once now, in this process (for the embedded default, where no "
        "worker runs, or from cron). Each job is idempotent."
    )

    def handle(self, *args, **options):
        for name in periodic_run_due_now():
            self.stdout.write(f"ran {name}")
