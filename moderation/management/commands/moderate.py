"""Moderate JSON lines from stdin: the evaluation interface (keep its input and output stable).

    python manage.py moderate --jsonl [--no-ml] < messages.jsonl > verdicts.jsonl

Each input line: {"text": ..., "sender_role": "mentor" | "student"}. Each output line, in order:
{"action", "categories", "priority", "reasons", "scores", "scored"}. A line that is not valid JSON,
or has no text, gets a verdict that says so (action "flag") so the output stays aligned.
"""

import json
import sys

from django.conf import settings
from django.core.management.base import BaseCommand

from moderation.detectors.base import Context
from moderation.pipeline import get_pipeline

OTHER_ROLE = {"mentor": "student", "student": "mentor"}


def context_for(role: str) -> Context:
    return Context(
        sender_role=role,
        recipient_roles=(OTHER_ROLE.get(role, "student"),),
        link_allowlist=tuple(settings.MODERATION.get("LINK_ALLOWLIST", ())),
    )


class Command(BaseCommand):
    help = "Moderate JSON lines ({text, sender_role}) from stdin; one verdict a line on stdout."

    def add_arguments(self, parser):
        parser.add_argument("--jsonl", action="store_true", help="JSON lines in and out.")
        parser.add_argument("--no-ml", action="store_true", help="Rules only: leave the model out.")
        parser.add_argument("--batch-size", type=int, default=32)

    def handle(self, *args, **options):
        pipeline = get_pipeline()
        include_model = not options["no_ml"]
        batch: list[tuple[str, Context] | dict] = []
        size = max(1, options["batch_size"])
        for line in sys.stdin:
            if not line.strip():
                continue
            batch.append(self._parse(line))
            if len(batch) >= size:
                self._flush(pipeline, batch, include_model)
                batch = []
        self._flush(pipeline, batch, include_model)

    @staticmethod
    def _parse(line: str):
        try:
            item = json.loads(line)
            text, role = item["text"], item.get("sender_role", "student")
            if not isinstance(text, str) or not isinstance(role, str):
                raise TypeError
        except (ValueError, KeyError, TypeError):
            return {
                "action": "flag",
                "categories": [],
                "priority": "normal",
                "reasons": [{"reason": "input line is not {text, sender_role} JSON"}],
                "scores": {},
                "scored": False,
            }
        return (text, context_for(role))

    def _flush(self, pipeline, batch, include_model: bool) -> None:
        work = [b for b in batch if isinstance(b, tuple)]
        verdicts = iter(
            pipeline.run_batch(
                [t for t, _ in work], [c for _, c in work], include_model=include_model
            )
            if work
            else []
        )
        for item in batch:
            if isinstance(item, dict):
                out = item
            else:
                verdict = next(verdicts)
                out = verdict.as_dict()
                out["scored"] = verdict.scored
            self.stdout.write(json.dumps(out, ensure_ascii=False))
