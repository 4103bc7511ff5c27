"""Train the learned detector's model (moderation.learned) and cache it; or collect its training
text from the repository's labelled cases.

    python manage.py moderation_train             # train (or reuse the cached model) and report
    python manage.py moderation_train --force     # retrain even when the cache is current
    python manage.py moderation_train --collect   # rewrite moderation/training/collected.jsonl

`--collect` gathers the labelled cases of tests/moderation (cases.jsonl and the frozen rounds that
were tuned on) and the turns of testkit.benign_conversations (as "none"). The evaluation files,
the held-out halves and round 8 (moderation.learned.is_evaluation_file), are read only to leave out
a sentence that is in one of them too.
"""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from moderation import learned


def _label(case: dict) -> str:
    if case["expect"] == "deliver":
        return "none"
    category = case["category"]
    category = category[0] if isinstance(category, list) else category
    if category == "toxicity" and case.get("priority") == "urgent":
        return "threat"
    return category


class Command(BaseCommand):
    help = "Train (and cache) the learned detector's model, or collect its training text."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Retrain even if cached.")
        parser.add_argument("--collect", action="store_true", help="Rewrite collected.jsonl.")

    def handle(self, *args, **options):
        if options["collect"]:
            self._collect()
            return
        model, seconds = learned.train_or_load(
            cache_dir=learned.cache_dir(), force=options["force"]
        )
        how = f"trained in {seconds:.1f} s" if seconds else "loaded from the cache"
        self.stdout.write(f"learned model {model.key[:12]}: {how}")
        for category, threshold in sorted(model.thresholds.items()):
            self.stdout.write(f"  {category}: threshold {threshold:.2f}")

    def _collect(self) -> None:
        from testkit.benign_conversations import CONVERSATIONS

        here = Path(settings.BASE_DIR) / "tests" / "moderation"
        paths = [here / "cases.jsonl", *sorted((here / "rounds").glob("*.jsonl"))]
        # A sentence that is also in an evaluation file is left out (a few were written twice).
        held = {
            json.loads(line)["text"].casefold()
            for path in paths
            if learned.is_evaluation_file(path.name)
            for line in path.read_text().splitlines()
            if line.strip()
        }
        rows = []
        for path in paths:
            if learned.is_evaluation_file(path.name):
                continue
            for line in path.read_text().splitlines():
                if line.strip() and json.loads(line)["text"].casefold() not in held:
                    case = json.loads(line)
                    rows.append(
                        {
                            "text": case["text"],
                            "label": _label(case),
                            "lang": case.get("lang", "en"),
                            "source": path.name,
                        }
                    )
        for n, (lang, turns) in enumerate(CONVERSATIONS):
            for _, text in turns:
                rows.append(
                    {"text": text, "label": "none", "lang": lang, "source": f"conversation-{n}"}
                )
        out = learned.TRAINING_DIR / "collected.jsonl"
        with out.open("w") as f:
            for row in rows:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
        self.stdout.write(f"{len(rows)} examples written to {out}")
