"""Every frozen corpus's verdicts, to prove that a change to the engine changed no decision.

    .venv/bin/python bench/moderation_verdicts.py --dump before.jsonl      # on the old code
    .venv/bin/python bench/moderation_verdicts.py --compare before.jsonl   # on the new code

Each text of tests/moderation/cases.jsonl, tests/moderation/rounds/*.jsonl and the shared dev
corpora (../shared/corpus/*.jsonl when present) runs through the rules (no model) as every sender
role it could have: a student writing to a mentor, a mentor to a student, and a mentor to another
adult. One line per (text, context): action, categories, priority, the reasons with their spans,
the weak signals, the language and the conversation signals. `--compare` exits 1 and prints the
first differences when anything moved.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(os.environ.get("TRELLIS_BENCH_CODE") or Path(__file__).resolve().parent.parent)
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

CONTEXTS = (("student", ("mentor",)), ("mentor", ("student",)), ("mentor", ("mentor",)))


def corpus_files() -> list[Path]:
    here = ROOT / "tests" / "moderation"
    files = [here / "cases.jsonl", *sorted((here / "rounds").glob("*.jsonl"))]
    for shared in (ROOT.parent / "shared" / "corpus", ROOT.parent.parent / "shared" / "corpus"):
        if shared.is_dir():
            files += sorted(shared.glob("*.jsonl"))
            break
    return files


def rows() -> list[dict]:
    from django.conf import settings

    from moderation.detectors.base import Context
    from moderation.pipeline import get_pipeline

    pipeline = get_pipeline()
    allow = tuple(settings.MODERATION["LINK_ALLOWLIST"])
    out = []
    for path in corpus_files():
        texts = [json.loads(line)["text"] for line in path.read_text().splitlines() if line.strip()]
        for sender, recipients in CONTEXTS:
            context = Context(sender_role=sender, recipient_roles=recipients, link_allowlist=allow)
            verdicts = pipeline.run_batch(texts, [context] * len(texts), include_model=False)
            for i, (text, v) in enumerate(zip(texts, verdicts, strict=True)):
                out.append(
                    {
                        "file": path.name,
                        "line": i + 1,
                        "sender": sender,
                        "to": recipients[0],
                        "text": text,
                        "action": v.action,
                        "categories": v.categories,
                        "priority": v.priority,
                        "reasons": v.reasons,
                        "signals": v.signals,
                        "language": v.language,
                        "weak_signals": _conversation_signals(v, text),
                    }
                )
    return out


def _conversation_signals(verdict, text: str) -> list:
    # The conversation-level families of the message: on the verdict where the pipeline puts
    # them, else from the extractor the services used to run on the stored text.
    found = getattr(verdict, "weak_signals", None)
    if found is None:
        from moderation import conversation_signals

        found = [h.as_dict() for h in conversation_signals.extract(text)]
    return [{k: s[k] for k in ("family", "signal", "weight", "language")} for s in found]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--dump", help="Write the verdicts to this file.")
    group.add_argument("--compare", help="Compare the verdicts with this earlier dump.")
    args = parser.parse_args()
    import django

    django.setup()
    now = rows()
    if args.dump:
        with open(args.dump, "w", encoding="utf-8") as f:
            for row in now:
                f.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
        print(f"{len(now)} verdicts written to {args.dump}")
        return
    with open(args.compare, encoding="utf-8") as f:
        before = [json.loads(line) for line in f]
    keys = ("action", "categories", "priority", "reasons", "signals", "language", "weak_signals")
    differ = [
        (b, a)
        for b, a in zip(before, now, strict=False)
        if any(b[k] != a[k] for k in keys) or b["text"] != a["text"]
    ]
    if len(before) != len(now):
        print(f"{len(before)} verdicts before, {len(now)} now")
    for b, a in differ[:20]:
        print(json.dumps({"before": b, "after": a}, ensure_ascii=False))
    decisions = sum(
        1 for b, a in differ if any(b[k] != a[k] for k in ("action", "categories", "priority"))
    )
    print(
        f"{len(now)} verdicts compared: {len(differ)} differ "
        f"({decisions} in action, categories or priority)"
    )
    sys.exit(1 if differ or len(before) != len(now) else 0)


if __name__ == "__main__":
    main()
