"""The learned detector evaluated beside the rules (docs/moderation.md, "The learned detector").

    .venv/bin/python bench/learned_eval.py [--davidson N]

For the rules alone and for rules + learned (without the Detoxify model), on each evaluation file
(round 8 and the held-out halves, never training text), the shared dev corpora and the frozen
rounds: recall, false flags and urgent counts; on the turns of testkit.benign_conversations (which
are training text) the false flags of the shipped model and, honestly, out of fold (five models,
each trained without the turns of two of the ten conversations); on Davidson's "neither" tweets
(a sample) the false-flag rate; and the learned detector's cost per message.
"""

import argparse
import csv
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

from moderation import learned  # noqa: E402
from moderation.detectors.base import Context  # noqa: E402
from moderation.detectors.learned import LearnedDetector  # noqa: E402
from moderation.normalize import normalize  # noqa: E402
from moderation.pipeline import Pipeline, build_pipeline  # noqa: E402

ROUNDS = ROOT / "tests" / "moderation" / "rounds"
SHARED = ROOT.parent / "shared"
if not (SHARED / "corpus").is_dir():
    SHARED = ROOT.parent.parent / "shared"
RANK = {"deliver": 0, "flag": 1, "hold": 2}
URGENT = ("self_harm", "abuse_disclosure")
OTHER = {"mentor": "student", "student": "mentor"}


def context(role: str) -> Context:
    return Context(
        sender_role=role,
        recipient_roles=(OTHER.get(role, "student"),),
        link_allowlist=tuple(settings.MODERATION["LINK_ALLOWLIST"]),
    )


def pipelines(model: learned.Model) -> tuple[Pipeline, Pipeline]:
    rules = [e for e in settings.MODERATION["DETECTORS"] if "learned" not in e["NAME"]]
    plain = build_pipeline(rules)
    both = build_pipeline([*rules, {"NAME": "moderation.detectors.learned.LearnedDetector"}])
    for d in both.detectors:
        if isinstance(d, LearnedDetector):
            d.given = model
    return plain, both


def score(pipeline: Pipeline, cases: list[dict]) -> dict:
    verdicts = pipeline.run_batch(
        [c["text"] for c in cases],
        [context(c.get("sender_role", "student")) for c in cases],
        include_model=False,
    )
    out = {"caught": 0, "unsafe": 0, "ff": 0, "benign": 0, "urgent": 0, "urgent_ok": 0}
    out["missed"], out["flagged"] = [], []
    for case, v in zip(cases, verdicts, strict=True):
        if case.get("priority") == "urgent":
            out["urgent"] += 1
            out["urgent_ok"] += v.priority == "urgent"
        if case["expect"] == "deliver":
            out["benign"] += 1
            if v.action != "deliver":
                out["ff"] += 1
                out["flagged"].append(case["text"])
            continue
        out["unsafe"] += 1
        want = case["category"] if isinstance(case["category"], list) else [case["category"]]
        ok = RANK[v.action] >= RANK[case["expect"]] and any(c in v.categories for c in want)
        if want[0] in URGENT and v.priority != "urgent":
            ok = False
        out["caught"] += ok
        if not ok:
            out["missed"].append(case["text"])
    return out


def load(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text().splitlines() if x.strip()]


def row(name: str, a: dict, b: dict) -> str:
    def fmt(s):
        recall = s["caught"] / s["unsafe"] if s["unsafe"] else float("nan")
        return (
            f"{recall:.3f} ({s['caught']}/{s['unsafe']}) ff {s['ff']}/{s['benign']} "
            f"urgent {s['urgent_ok']}/{s['urgent']}"
        )

    return f"| {name} | {fmt(a)} | {fmt(b)} |"


def conversation_oof() -> tuple[int, int]:
    """False flags on the benign conversations' turns by models that never saw them."""
    from testkit.benign_conversations import CONVERSATIONS

    examples = learned.load_examples()
    lexicon = build_pipeline([]).lexicon
    flagged = total = 0
    for fold in range(5):
        held = {2 * fold, 2 * fold + 1}
        held_texts = {
            t for n, (_, turns) in enumerate(CONVERSATIONS) if n in held for _, t in turns
        }
        model = learned.train([e for e in examples if e.text not in held_texts], lexicon)
        texts = [normalize(t) for t in sorted(held_texts)]
        predictions = learned.predict(model, texts, lexicon)
        flagged += sum(bool(p) for p in predictions)
        total += len(texts)
    return flagged, total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--davidson", type=int, default=1000)
    parser.add_argument("--no-oof", action="store_true")
    parser.add_argument("--misses", action="store_true")
    args = parser.parse_args()
    model, _ = learned.train_or_load(cache_dir=learned.cache_dir())
    print("thresholds:", model.thresholds)
    print("cv:", json.dumps(model.cv_report))
    plain, both = pipelines(model)
    print("| file | rules | rules + learned |\n|---|---|---|")
    combined = {}
    for path in sorted(ROUNDS.glob("*.jsonl")):
        cases = load(path)
        for lang in sorted({c.get("lang", "en") for c in cases}):
            sub = [c for c in cases if c.get("lang", "en") == lang]
            a, b = score(plain, sub), score(both, sub)
            tag = "eval" if learned.is_evaluation_file(path.name) else "train"
            print(row(f"{path.name} {lang} ({tag})", a, b))
            if tag == "eval":
                for key, s in (("rules", a), ("learned", b)):
                    acc = combined.setdefault((lang, key), {})
                    for k, v in s.items():
                        acc[k] = acc.get(k, 0 if isinstance(v, int) else []) + v
            if args.misses and tag == "eval":
                print("   added catches:", sorted(set(a["missed"]) - set(b["missed"])))
                print("   added ff:", sorted(set(b["flagged"]) - set(a["flagged"])))
                print("   still missed:", b["missed"])
    for lang in ("en", "es"):
        print(
            row(
                f"evaluation files combined {lang}",
                combined[(lang, "rules")],
                combined[(lang, "learned")],
            )
        )
    for name in ("moderation-dev.jsonl", "moderation-dev-es.jsonl"):
        path = SHARED / "corpus" / name
        if path.is_file():
            print(row(name, score(plain, load(path)), score(both, load(path))))
    from testkit.benign_conversations import CONVERSATIONS

    turns = [
        {"text": t, "sender_role": "mentor" if r == "m" else "student", "expect": "deliver"}
        for _, conv in CONVERSATIONS
        for r, t in conv
    ]
    print(row("benign conversation turns (training text)", score(plain, turns), score(both, turns)))
    if not args.no_oof:
        flagged, total = conversation_oof()
        print(f"benign conversation turns, learned alone out of fold: {flagged}/{total}")
    davidson = SHARED / "datasets" / "davidson-2017" / "labeled_data.csv"
    if davidson.is_file():
        with davidson.open(encoding="utf-8") as f:
            tweets = [r["tweet"] for r in csv.DictReader(f) if r["class"] == "2"]
        random.Random(0).shuffle(tweets)
        tweets = tweets[: args.davidson]
        from bench.davidson_eval import clean

        cases = [{"text": clean(t), "sender_role": "student", "expect": "deliver"} for t in tweets]
        print(
            row(
                f"Davidson neither (sample of {len(tweets)})",
                score(plain, cases),
                score(both, cases),
            )
        )
    # Cost per message, one message at a time, every message different (the per-text caches
    # never help): the rules pipeline, and the rules with the learned detector.
    sample = [c["text"] for p in sorted(ROUNDS.glob("*.jsonl")) for c in load(p)][:800]
    for name, pipeline, tag in (("rules", plain, "a"), ("rules + learned", both, "b")):
        times = []
        for i, text in enumerate(sample):
            started = time.perf_counter()
            pipeline.run(f"{text} {tag}{i}", context("student"), include_model=False)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        print(
            f"{name} per message: median {statistics.median(times):.2f} ms, "
            f"p99 {times[int(len(times) * 0.99)]:.2f} ms"
        )


if __name__ == "__main__":
    main()
