"""The pipeline without the model on labelled cases: the shared dev corpora when they are present,
this project's own cases (tests/moderation/cases.jsonl), and the frozen evaluation rounds
(tests/moderation/rounds/), each scored per language.

A round is written fresh, frozen, and scored before any change made for it: that first score is
the honest one (docs/moderation.md, "Rounds"). The numbers asserted here are the scores after the
changes, so that nothing later loses what a round showed."""

import json
from pathlib import Path

import pytest
from django.conf import settings

from moderation.detectors.base import Context
from moderation.pipeline import get_pipeline

HERE = Path(__file__).parent
SHARED = Path(settings.BASE_DIR).parent / "shared" / "corpus"
if not SHARED.is_dir():
    # A worktree beside the main checkout: the shared folder is one level further up.
    SHARED = Path(settings.BASE_DIR).parent.parent / "shared" / "corpus"
DEV_CORPUS = SHARED / "moderation-dev.jsonl"
DEV_CORPUS_ES = SHARED / "moderation-dev-es.jsonl"
RANK = {"deliver": 0, "flag": 1, "hold": 2}
URGENT = ("self_harm", "abuse_disclosure")

# round file -> language -> (least recall, most false-flag rate, least urgent rate) after changes.
# The held-out halves' and round 12's recall and urgent floors were raised with the learned
# detector's second training text (docs/moderation.md, "Training text written fresh"): what they
# stand at now, so that nothing later loses it; their before-figures are in the rounds table.
ROUNDS = {
    "2026-12-01-r1.jsonl": {"en": (0.98, 0.03, 1.0), "es": (0.98, 0.0, 1.0)},
    "2026-12-01-r2.jsonl": {"en": (1.0, 0.0, 1.0), "es": (1.0, 0.0, 1.0)},
    "2026-12-01-r3.jsonl": {"en": (1.0, 0.0, 1.0), "es": (1.0, 0.0, 1.0)},
    "2026-12-01-r4.jsonl": {"en": (1.0, 0.0, 1.0), "es": (1.0, 0.0, 1.0)},
    "2026-12-01-r5.jsonl": {"en": (1.0, 0.0, 1.0), "es": (1.0, 0.0, 1.0)},
    "2026-12-01-r6-en.jsonl": {"en": (1.0, 0.0, 1.0)},
    # Written after round 6's change ideas and before they were tried (docs/moderation.md, Rounds).
    "2026-12-01-r6-en-holdout.jsonl": {"en": (1.00, 0.0, 1.00)},
    "2026-12-01-r6-es.jsonl": {"es": (1.0, 0.0, 1.0)},
    "2026-12-01-r6-es-heldout.jsonl": {"es": (0.96, 0.0625, 1.00)},
    # Fitted: round 7's families were written against these two files' misses.
    "2026-12-02-r7-en.jsonl": {"en": (1.0, 0.0, 1.0)},
    "2026-12-02-r7-es.jsonl": {"es": (1.0, 0.0, 1.0)},
    # Held out of round 7's changes (docs/moderation.md, Rounds): the honest figures. The learned
    # detector (on by default) adds one false flag of 16 to the English half (its recall gains
    # are not asserted: docs/moderation.md, "The learned detector").
    "2026-12-02-r7-en-heldout.jsonl": {"en": (0.79, 0.0625, 0.81)},
    "2026-12-02-r7-es-heldout.jsonl": {"es": (0.70, 0.0, 0.81)},
    # Fitted: round 8's families were written against these two files' misses (before: 0.722
    # with 1/36 false flags, 0.704 with none).
    "2026-12-02-r8-en.jsonl": {"en": (1.0, 0.0, 1.0)},
    "2026-12-02-r8-es.jsonl": {"es": (1.0, 0.0, 1.0)},
    # Held out of round 8's changes, scored once they were made: the honest figures (before:
    # 0.542 each, 1/16 false flags each).
    "2026-12-02-r8-en-heldout.jsonl": {"en": (0.87, 0.0625, 0.81)},
    # With round 9 merged (rules-7): 0.625, urgent 9/11.
    "2026-12-02-r8-es-heldout.jsonl": {"es": (0.79, 0.0625, 1.00)},
    # Round 9 (before: 0.817 and 0.683, 3/40 and 0/40). Fitted: round 9's families were written
    # against these two files' misses.
    "2026-12-02-r9-en.jsonl": {"en": (1.0, 0.0, 1.0)},
    "2026-12-02-r9-es.jsonl": {"es": (1.0, 0.0, 1.0)},
    # Held out of round 9's changes (texts unread while tuning; before: 0.792 at 2/16 and 0.667 at
    # 1/16): the honest figures after them, 0.875 (en) and 0.667 (es), both at 0/16. The learned
    # detector, which never saw round 9, adds one false flag of 16 to each (Spanish recall 0.708).
    "2026-12-02-r9-en-heldout.jsonl": {"en": (1.00, 1 / 16, 1.00)},
    "2026-12-02-r9-es-heldout.jsonl": {"es": (0.79, 1 / 16, 1.00)},
    # Round 10 at freeze (rules-7 and the learned detector, which never saw it): the before-figures
    # (docs/moderation.md, Rounds). Fitted: round 10's families were written against these two
    # files' misses (before: 0.850 at 0/40 and 0.667 at 2/40, urgent 23/24 and 18/24).
    # Round 11's Spanish lexicon retrained the learned detector; its self-harm threshold moved
    # (0.80 to 0.81) over one r10-en case only the model caught (0.788): 0.983, urgent 23/24.
    "2026-12-02-r10-en.jsonl": {"en": (1.00, 0.0, 1.00)},
    "2026-12-02-r10-es.jsonl": {"es": (1.0, 0.0, 1.0)},
    # Held out of round 10's changes (texts unread): the honest figures after them, English
    # unchanged at 0.750 (2/16, urgent 6/10), Spanish 0.750 to 0.792 (1/16, urgent 7/10).
    "2026-12-02-r10-en-heldout.jsonl": {"en": (0.87, 2 / 16, 0.70)},
    "2026-12-02-r10-es-heldout.jsonl": {"es": (0.91, 1 / 16, 0.90)},
    # Round 11 at freeze (rules after round 10, learned detector on, which never saw round 11): the
    # before-figures 0.800 at 3/40, 0.750 at 1/40; held-out 0.625 at 0/16, 0.583 at 1/16
    # (docs/moderation.md, Rounds). The chosen-place family retrained the learned detector, which
    # dropped one Spanish case of the tuning file (0.733), asserted as it stands.
    # Round 11 (after, English): fitted, the English families were written against this file's
    # misses (before: 0.800 at 3/40, urgent 19/24).
    "2026-12-02-r11-en.jsonl": {"en": (1.0, 0.0, 1.0)},
    # Round 11 (after), Spanish: fitted via round 11's Spanish families (before 0.750 at 1/40,
    # urgent 19/24; tests/moderation/test_round11_families_es.py).
    "2026-12-02-r11-es.jsonl": {"es": (1.0, 0.0, 1.0)},
    # DOWN after round 11's Spanish families were merged (the learned detector retrained on their
    # concepts; the texts were not read): 0.625 to 0.542, urgent 8/10 to 6/10, false flags 0/16.
    "2026-12-02-r11-en-heldout.jsonl": {"en": (0.62, 0.0, 0.80)},
    "2026-12-02-r11-es-heldout.jsonl": {"es": (0.62, 1 / 16, 0.70)},
    # Round 12 at freeze (the code as round 11's chosen-place family left it, learned detector on,
    # which never saw round 12), written and frozen before round 11's families: the before-figures
    # 0.783 at 2/40 (en), 0.650 at 4/40 (es); held-out 0.625 at 2/16 and 0.542 at 1/16, urgent
    # 18/23, 13/23, 6/10 and 4/10 (docs/moderation.md, Rounds). It is also the held-out text of
    # round 11's families.
    "2026-12-02-r12-en.jsonl": {"en": (0.83, 2 / 40, 0.82)},
    "2026-12-02-r12-es.jsonl": {"es": (0.73, 4 / 40, 0.73)},
    "2026-12-02-r12-en-heldout.jsonl": {"en": (0.70, 2 / 16, 0.60)},
    "2026-12-02-r12-es-heldout.jsonl": {"es": (0.70, 1 / 16, 0.50)},
    # Round 13, written fresh after this session's changes were made (round 11's families, the
    # learned detector's fresh training text), frozen and scored on them (docs/moderation.md,
    # Rounds): 0.780 at 2/40 (en), 0.700 at 2/40 (es); the learned toxicity reading of Spanish,
    # made before round 13 was written, 0.717. The code as the session found it: 0.746 at 3/40
    # and 0.583 at 2/40. (One English case, the same words as a round 7 training case, was left
    # out when it was frozen: 99 English cases.)
    # Round 13 (after): fitted, round 13/14's families were written from its misses in both
    # languages (tests/moderation/test_round14_families_en.py and _es.py).
    "2026-12-02-r13-en.jsonl": {"en": (1.0, 0.0, 23 / 24)},
    # Rounds 13 and 14 (after), Spanish: fitted, the families were written from r13-es's misses
    # (tests/moderation/test_round14_families_es.py).
    "2026-12-02-r13-es.jsonl": {"es": (59 / 60, 0.0, 1.0)},
    # Round 14, written fresh (by a writer who had read none of the project) and frozen before any
    # of the session's changes, scored on main as the session found it: 0.763 at 1/40 (en, 99
    # cases: one with a training line's words left out), 0.833 at 0/40 (es); held-out 0.542 at
    # 0/16 and 0.917 at 0/16 (docs/moderation.md, Rounds). After: the tuning files fitted by round
    # 13/14's families (their misses named by kind); the held-out halves never read.
    "2026-12-03-r14-en.jsonl": {"en": (57 / 59, 1 / 40, 22 / 23)},
    "2026-12-03-r14-es.jsonl": {"es": (58 / 60, 0.0, 1.0)},
    "2026-12-03-r14-en-heldout.jsonl": {"en": (16 / 24, 0.0, 8 / 10)},
    "2026-12-03-r14-es-heldout.jsonl": {"es": (22 / 24, 0.0, 9 / 10)},
    # Round 15, written fresh (a writer who had read none of the project) after the learned
    # detector's third training text and frozen before round 13/14's rule families, scored on that
    # code: 0.864 at 4/40 (en, 99 cases: one with a test's words left out), 0.817 at 1/40 (es);
    # held-out 0.875 at 0/16 and 0.667 at 1/16. The code as the session found it: 0.780 at 4/40,
    # 0.783 at 1/40, 0.792 at 0/16, 0.667 at 1/16 (docs/moderation.md, Rounds). After round
    # 13/14's families (round 15 never read): 0.881, 0.833, 0.875 and 0.708.
    "2026-12-03-r15-en.jsonl": {"en": (52 / 59, 4 / 40, 19 / 23)},
    "2026-12-03-r15-es.jsonl": {"es": (50 / 60, 1 / 40, 17 / 23)},
    "2026-12-03-r15-en-heldout.jsonl": {"en": (21 / 24, 0.0, 9 / 10)},
    "2026-12-03-r15-es-heldout.jsonl": {"es": (17 / 24, 1 / 16, 6 / 10)},
    "2026-12-04-r16-en.jsonl": {"en": (60 / 60, 3 / 40, 23 / 23)},
    "2026-12-04-r16-es.jsonl": {"es": (58 / 60, 1 / 40, 22 / 23)},
    "2026-12-04-r16-en-heldout.jsonl": {"en": (23 / 24, 0.0, 1.0)},
    "2026-12-04-r16-es-heldout.jsonl": {"es": (23 / 24, 0.0, 1.0)},
    "2026-12-04-r17-en.jsonl": {"en": (54 / 60, 4 / 40, 21 / 23)},
    "2026-12-04-r17-es.jsonl": {"es": (53 / 60, 3 / 40, 21 / 23)},
    # Round 18, written fresh and frozen before this session's changes, each language split by
    # kind into a tuning half and a held-out half; scored at freeze: 31/33 at 0/20 and 29/33 at
    # 0/20 (tuning), 24/27 at 1/20 and 24/27 at 1/20 (held-out). Round 19, frozen next (longer
    # messages) and read by nobody who tuned: 48/60 at 1/40 and 48/60 at 4/40 at freeze. After
    # round 18's families (fitted on the tuning halves): the figures below.
    "2026-12-04-r18-en.jsonl": {"en": (33 / 33, 0 / 20, 12 / 12)},
    "2026-12-04-r18-es.jsonl": {"es": (32 / 33, 0 / 20, 12 / 12)},
    "2026-12-04-r18-en-heldout.jsonl": {"en": (24 / 27, 1 / 20, 11 / 11)},
    "2026-12-04-r18-es-heldout.jsonl": {"es": (24 / 27, 1 / 20, 8 / 11)},
    "2026-12-04-r19-en.jsonl": {"en": (49 / 60, 1 / 40, 16 / 23)},
    "2026-12-04-r19-es.jsonl": {"es": (49 / 60, 4 / 40, 19 / 23)},
}


def score(path: Path, lang: str | None = None) -> tuple[float, float, float, list]:
    """Recall, false-flag rate, and the share of cases marked `priority: urgent` that came out
    urgent, for the cases of `lang` (all cases when None)."""
    cases = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    if lang is not None:
        cases = [c for c in cases if c.get("lang", "en") == lang]
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
    caught = unsafe = benign = false_flags = urgent = urgent_ok = 0
    misses = []
    for case, v in zip(cases, verdicts, strict=True):
        if case.get("priority") == "urgent":
            urgent += 1
            urgent_ok += v.priority == "urgent"
        if case["expect"] == "deliver":
            benign += 1
            if v.action != "deliver":
                false_flags += 1
                misses.append(("false flag", case["text"], v.action, v.categories))
            continue
        unsafe += 1
        want = case["category"] if isinstance(case["category"], list) else [case["category"]]
        ok = RANK[v.action] >= RANK[case["expect"]] and any(c in v.categories for c in want)
        if want[0] in URGENT and v.priority != "urgent":
            ok = False
        caught += ok
        if not ok:
            misses.append(("missed", case["text"], v.action, v.categories))
    return caught / unsafe, false_flags / benign, (urgent_ok / urgent if urgent else 1.0), misses


def test_own_cases_generalise():
    recall, false_flag, _, misses = score(HERE / "cases.jsonl")
    assert recall >= 0.95, misses
    assert false_flag <= 0.05, misses


@pytest.mark.parametrize("corpus", [DEV_CORPUS, DEV_CORPUS_ES], ids=["en", "es"])
def test_dev_corpus_without_the_model(corpus):
    if not corpus.is_file():
        pytest.skip("shared dev corpus not beside the checkout")
    recall, false_flag, _, misses = score(corpus)
    assert recall >= 0.95, misses
    assert false_flag <= 0.05, misses


@pytest.mark.parametrize(
    ("name", "lang"), [(name, lang) for name, langs in ROUNDS.items() for lang in langs]
)
def test_frozen_rounds_keep_their_recorded_scores(name, lang):
    least_recall, most_false_flag, least_urgent = ROUNDS[name][lang]
    recall, false_flag, urgent, misses = score(HERE / "rounds" / name, lang)
    assert recall >= least_recall, misses
    assert false_flag <= most_false_flag, misses
    assert urgent >= least_urgent, misses


def test_every_frozen_round_is_scored():
    assert sorted(p.name for p in (HERE / "rounds").glob("*.jsonl")) == sorted(ROUNDS)
