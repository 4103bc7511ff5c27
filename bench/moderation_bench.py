"""Moderation throughput: messages per second per core for the rule detectors alone, and for
Detoxify at its real `original` size (a randomly initialised BERT-base built here in Detoxify's
checkpoint format: same cost, meaningless scores; nothing is downloaded) by batch size.

    .venv/bin/python bench/moderation_bench.py [--seconds 8] [--threads 1] [--skip-model]

Bounded: each measurement runs for about `--seconds`; the whole run takes two to four minutes on
two cores. One thread is one core: PyTorch and the rules run single-threaded unless --threads.
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

SAMPLE = [
    "Hi! How was the science fair this week?",
    "I got a 92 on my essay and my teacher said the intro was great",
    "Bus 47 was late again so I missed first period",
    "my number is 415 555 0100 text me",
    "what's your snap? don't tell your mom",
    "I don't see the point in anything anymore",
    "you're such an idiot lol",
    "See you at the career day meeting in the cafeteria on the 12th.",
    "Can we go over the college essay prompt at our next session? I wrote two drafts.",
    "That's normal. Want to make a study plan together at our next meeting?",
]


def rules_rate(seconds: float) -> dict:
    from moderation.detectors.base import Context
    from moderation.pipeline import get_pipeline

    pipeline = get_pipeline()
    context = Context(sender_role="student", recipient_roles=("mentor",))
    texts = [f"{t} ({i})" for i in range(50) for t in SAMPLE]
    done, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        pipeline.run_batch(texts, [context] * len(texts), include_model=False)
        done += len(texts)
    elapsed = time.perf_counter() - started
    return {"messages": done, "seconds": round(elapsed, 2), "per_second": round(done / elapsed)}


def model_rates(seconds: float, batch_sizes: list[int]) -> dict:
    import torch

    from moderation.scorers.checkpoint import build_random_checkpoint
    from moderation.scorers.detoxify_scorer import load_detoxify

    words = sorted({w.strip(".,!?'()").lower() for t in SAMPLE for w in t.split()})
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        checkpoint, hf_dir = build_random_checkpoint(Path(tmp), words=words, tiny=False)
        built = time.perf_counter() - started
        started = time.perf_counter()
        model = load_detoxify(checkpoint, hf_dir)
        loaded = time.perf_counter() - started
    params = sum(p.numel() for p in model.model.parameters())
    out = {
        "parameters": params,
        "build_seconds": round(built, 1),
        "load_seconds": round(loaded, 1),
        "threads": torch.get_num_threads(),
        "batches": {},
    }
    model.predict(SAMPLE[:2])  # warm-up
    for size in batch_sizes:
        batch = [SAMPLE[i % len(SAMPLE)] for i in range(size)]
        times = []
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline or len(times) < 3:
            t0 = time.perf_counter()
            model.predict(batch)
            times.append(time.perf_counter() - t0)
        median = statistics.median(times)
        out["batches"][size] = {
            "runs": len(times),
            "median_ms": round(median * 1000, 1),
            "messages_per_second": round(size / median, 1),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--batch-sizes", default="1,8,32")
    parser.add_argument("--skip-model", action="store_true")
    args = parser.parse_args()

    import torch

    torch.set_num_threads(args.threads)
    import django

    django.setup()
    result = {"threads": args.threads, "rules": rules_rate(args.seconds)}
    if not args.skip_model:
        sizes = [int(s) for s in args.batch_sizes.split(",")]
        result["detoxify_original_random"] = model_rates(args.seconds, sizes)
        rules_cost = 1.0 / result["rules"]["per_second"]
        combined = {}
        for size, row in result["detoxify_original_random"]["batches"].items():
            per_message = row["median_ms"] / 1000 / size + rules_cost
            combined[size] = round(1.0 / per_message, 1)
        result["rules_plus_model_per_second"] = combined
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
