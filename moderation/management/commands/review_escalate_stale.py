from django.core.management.base import BaseCommand

from moderation.review.escalation import review_escalate_stale


class Command(BaseCommand):
    help = (
        "Escalate again every urgent review item nobody has acted on within its district's limit "
        "(idempotent; the worker also runs it every minute as the `urgent-reescalation` job)."
    )

    def handle(self, *args, **options):
        escalated = review_escalate_stale()
        self.stdout.write(f"Escalated again: {len(escalated)} item(s) {escalated}")
