"""Toxicity side of the moderation pipeline on Davidson et al. 2017 (tweets, externally labelled).

    .venv/bin/python bench/davidson_eval.py [--csv PATH] [--no-ml] [--limit N]

Runs every tweet through the configured pipeline as a student's message and reports, per class,
the share the pipeline flags or holds: recall on class 0 (hate speech) and 1 (offensive language),
false-flag rate on class 2 (neither). Social-media text, not mentoring talk: one signal among
several. Prints no tweet text.
"""

import argparse
import csv
import html
import os
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def clean(tweet: str) -> str:
    # Retweet prefixes and @handles are Twitter plumbing, not what the author wrote; a handle
    # would otherwise read as a contact detail.
    text = html.unescape(tweet)
    text = re.sub(r"\bRT\b:?", " ", text)
    text = re.sub(r"@\w+:?", " ", text)
    text = re.sub(r"https?://\S+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def main() -> None:
    import django

    django.setup()
    from django.conf import settings

    from moderation.detectors.base import Context
    from moderation.pipeline import get_pipeline
    from moderation.scorers import registry

    default_csv = ROOT.parent / "shared" / "datasets" / "davidson-2017" / "labeled_data.csv"
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", default=str(default_csv))
    parser.add_argument("--no-ml", action="store_true")
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--batch-size", type=int, default=64)
    args = parser.parse_args()

    with open(args.csv, encoding="utf-8", newline="") as f:
        rows = [(int(r["class"]), clean(r["tweet"])) for r in csv.DictReader(f)]
    if args.limit:
        rows = rows[: args.limit]
    pipeline = get_pipeline()
    context = Context(
        sender_role="student",
        recipient_roles=("mentor",),
        link_allowlist=tuple(settings.MODERATION["LINK_ALLOWLIST"]),
    )
    include_model = not args.no_ml
    flagged, total, by_category, unscored = Counter(), Counter(), Counter(), 0
    started = time.perf_counter()
    for i in range(0, len(rows), args.batch_size):
        chunk = rows[i : i + args.batch_size]
        verdicts = pipeline.run_batch(
            [t for _, t in chunk], [context] * len(chunk), include_model=include_model
        )
        for (label, _), verdict in zip(chunk, verdicts, strict=True):
            total[label] += 1
            unscored += not verdict.scored
            if verdict.action != "deliver":
                flagged[label] += 1
                for category in verdict.categories:
                    by_category[(label, category)] += 1
    elapsed = time.perf_counter() - started
    scorer = "none (rules only)" if args.no_ml else registry.active_name()
    print(f"scorer: {scorer}; tweets: {sum(total.values())}; {elapsed:.1f}s; unscored: {unscored}")
    names = {0: "hate speech", 1: "offensive", 2: "neither"}
    for label in (0, 1, 2):
        share = flagged[label] / total[label] if total[label] else 0.0
        what = "false-flag rate" if label == 2 else "recall"
        print(f"class {label} ({names[label]:11}) n={total[label]:5}  {what} {share:.3f}")
    both = flagged[0] + flagged[1]
    print(f"classes 0+1 recall {both / max(1, total[0] + total[1]):.3f}")
    for label in (0, 1, 2):
        cats = ", ".join(f"{c}={n}" for (lab, c), n in sorted(by_category.items()) if lab == label)
        print(f"  class {label} categories: {cats}")


if __name__ == "__main__":
    main()
