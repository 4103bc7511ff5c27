"""Finish messages left `pending` (after a crash or restart), oldest first; `--loop` keeps going
and retries while the model is unavailable. Run it where the model runs (the worker)."""

import time

from django.core.management.base import BaseCommand

from moderation.services import messages_screen_pending


class Command(BaseCommand):
    help = "Score messages waiting for moderation, oldest first."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="Keep sweeping until stopped.")
        parser.add_argument("--interval", type=float, default=5.0)

    def handle(self, *args, **options):
        while True:
            result = messages_screen_pending()
            self.stdout.write(
                f"scored={result.scored} sent_to_review={result.sent_to_review} "
                f"waiting={result.waiting} scorer_error={result.scorer_error or '-'}"
            )
            if not options["loop"]:
                return
            time.sleep(options["interval"])
