"""The background worker: recover stalled jobs, make sure periodic jobs are scheduled, then run
the task engine's database worker (all queues)."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from scheduling.periodic import periodic_ensure, tasks_recover_stalled


class Command(BaseCommand):
    help = "Run the Trellis background worker (periodic jobs, moderation scoring, reminders)."

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Exit when the queue is empty.")

    def handle(self, *args, batch: bool = False, **options):
        recovered = tasks_recover_stalled()
        started = periodic_ensure()
        self.stdout.write(
            f"worker: {recovered} stalled job(s) recovered; "
            f"periodic chains started: {', '.join(started) or 'none'}"
        )
        worker_args = ["--queue-name", "*", "--no-startup-delay"]
        if batch:
            worker_args.append("--batch")
        call_command("db_worker", *worker_args)
