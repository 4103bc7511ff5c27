"""Moderation throughput: messages per second per core for the rule detectors alone, and for
Detoxify at its real `original` size (a randomly initialised BERT-base built here in Detoxify's
checkpoint format: same cost, meaningless scores; nothing is downloaded) by batch size.

    .venv/bin/python bench/moderation_bench.py [--seconds 8] [--threads 1] [--skip-model]
    .venv/bin/python bench/moderation_bench.py --latency-only --compare-with ../other-checkout

`latency` times the rules one message at a time, every message different (so the per-text caches
of lang-id and concept analysis never help; the lemma cache does, as in production): median and
p99 per message, on one core. `--compare-with` measures another checkout's code the same way in a
subprocess of the same run (before/after side by side).

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

ROOT = Path(os.environ.get("TRELLIS_BENCH_CODE") or Path(__file__).resolve().parent.parent)
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
    "hola miss, hoy saqué B en el examen de biología y comí con mis amigas",
    "mi padrastro me pega cuando llega borracho",
    "mándame tu número por whatsapp y hablamos",
    "ya no quiero vivir, nada tiene sentido",
    "eres un pinche pendejo",
    "la tarea es de la página 67 para el tercer periodo, salón 12",
    "ok see you el jueves en la biblioteca, a las 3",
    "no le digas a mi hermana pero le estamos haciendo una fiesta sorpresa",
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


def latency(seconds: float) -> dict:
    """Per-message time of the rules (normalise, lang-id, lemmas and concepts where the code has
    them, every rule detector, policy), each message a different text, one at a time."""
    import contextlib

    from moderation.detectors.base import Context
    from moderation.pipeline import get_pipeline

    with contextlib.suppress(AttributeError, OSError):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    pipeline = get_pipeline()
    context = Context(sender_role="student", recipient_roles=("mentor",))
    pipeline.run("warm up, hola", context, include_model=False)
    times: list[float] = []
    cpu: list[float] = []
    i = 0
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        text = f"{SAMPLE[i % len(SAMPLE)]} ({i})"
        t0, c0 = time.perf_counter(), time.thread_time()
        pipeline.run(text, context, include_model=False)
        cpu.append(time.thread_time() - c0)
        times.append(time.perf_counter() - t0)
        i += 1
    times.sort()
    cpu.sort()

    def ms(values: list[float], q: float) -> float:
        return round(values[max(0, int(len(values) * q) - 1)] * 1000, 3)

    # Wall time includes waiting for the core when other work shares the machine; CPU time is
    # the cost of the rules themselves on one core.
    return {
        "code": str(ROOT),
        "messages": len(times),
        "median_ms": round(statistics.median(times) * 1000, 3),
        "p99_ms": ms(times, 0.99),
        "max_ms": round(times[-1] * 1000, 3),
        "cpu_median_ms": round(statistics.median(cpu) * 1000, 3),
        "cpu_p99_ms": ms(cpu, 0.99),
    }


def latency_elsewhere(code: str, seconds: float) -> dict:
    import subprocess

    env = {**os.environ, "TRELLIS_BENCH_CODE": str(Path(code).resolve())}
    result = subprocess.run(
        [sys.executable, __file__, "--latency-only", f"--seconds={seconds}"],
        env=env,
        cwd=code,
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds * 10 + 120,
    )
    return json.loads(result.stdout)["latency"]


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
    parser.add_argument(
        "--latency-only", action="store_true", help="Only the per-message rules time."
    )
    parser.add_argument("--compare-with", help="Another checkout whose rules to time the same way.")
    args = parser.parse_args()

    import torch

    torch.set_num_threads(args.threads)
    import django

    django.setup()
    if args.latency_only:
        result = {"latency": latency(args.seconds)}
        if args.compare_with:
            # Alternate: other, this, other, this - so load from other work hits both alike.
            half = args.seconds / 2
            runs = [latency_elsewhere(args.compare_with, half), latency(half)]
            runs += [latency_elsewhere(args.compare_with, half), latency(half)]
            result = {"before": runs[0::2], "after": runs[1::2]}
        print(json.dumps(result, indent=2))
        return
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
