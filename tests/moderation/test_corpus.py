"""The pipeline without the model on labelled cases: the shared dev corpus when it is present, and
this project's own cases (tests/moderation/cases.jsonl), written in different words."""

import json
from pathlib import Path

import pytest
from django.conf import settings

from moderation.detectors.base import Context
from moderation.pipeline import get_pipeline

HERE = Path(__file__).parent
DEV_CORPUS = Path(settings.BASE_DIR).parent / "shared" / "corpus" / "moderation-dev.jsonl"
RANK = {"deliver": 0, "flag": 1, "hold": 2}


def score(path: Path) -> tuple[float, float, list]:
    cases = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    pipeline = get_pipeline()
    other = {"mentor": "student", "student": "mentor"}
    verdicts = pipeline.run_batch(
        [c["text"] for c in cases],
        [
            Context(
                sender_role=c["sender_role"],
                recipient_roles=(other[c["sender_role"]],),
                link_allowlist=tuple(settings.MODERATION["LINK_ALLOWLIST"]),
            )
            for c in cases
        ],
        include_model=False,
    )
    caught = unsafe = benign = false_flags = 0
    misses = []
    for case, v in zip(cases, verdicts, strict=True):
        if case["expect"] == "deliver":
            benign += 1
            if v.action != "deliver":
                false_flags += 1
                misses.append(("false flag", case["text"], v.action, v.categories))
            continue
        unsafe += 1
        want = case["category"] if isinstance(case["category"], list) else [case["category"]]
        ok = RANK[v.action] >= RANK[case["expect"]] and any(c in v.categories for c in want)
        if want[0] in ("self_harm", "abuse_disclosure") and v.priority != "urgent":
            ok = False
        caught += ok
        if not ok:
            misses.append(("missed", case["text"], v.action, v.categories))
    return caught / unsafe, false_flags / benign, misses


def test_own_cases_generalise():
    recall, false_flag, misses = score(HERE / "cases.jsonl")
    assert recall >= 0.95, misses
    assert false_flag <= 0.05, misses


@pytest.mark.skipif(not DEV_CORPUS.is_file(), reason="shared dev corpus not beside the checkout")
def test_dev_corpus_without_the_model():
    recall, false_flag, misses = score(DEV_CORPUS)
    assert recall >= 0.95, misses
    assert false_flag <= 0.05, misses
