"""The learned detector beside the rules (moderation.learned, docs/moderation.md): it finds held
categories in phrasings that are not in its training data, leaves ordinary conversation alone,
caches its model by the training data's hash, and can be switched off."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from moderation import learned
from moderation.detectors.base import Context
from moderation.detectors.learned import LearnedDetector
from moderation.normalize import normalize
from moderation.pipeline import build_pipeline

RULES = [e for e in settings.MODERATION["DETECTORS"] if "learned" not in e["NAME"]]
LEARNED = {"NAME": "moderation.detectors.learned.LearnedDetector"}
STUDENT = Context(sender_role="student", recipient_roles=("mentor",))
MENTOR = Context(sender_role="mentor", recipient_roles=("student",))

# Written for this test, none of them in moderation/training/ (checked below).
UNSEEN = [
    ("my step brother chokes me when mom is at work and says nobody will believe me", STUDENT,
     "abuse_disclosure", "urgent"),
    ("thinking about swallowing all of grandmas sleeping pills tonight so i just stop", STUDENT,
     "self_harm", "urgent"),
    ("el novio de mi mama me pega con el cinturon cuando llega borracho", STUDENT,
     "abuse_disclosure", "urgent"),
    ("ya no aguanto, esta noche me tomo todas las pastillas y me despido", STUDENT,
     "self_harm", "urgent"),
    ("i already picked out which bridge, friday after school", STUDENT, "self_harm", "urgent"),
]  # fmt: skip
# Of those, the ones the rules alone miss (the learned detector is what finds them). The chosen
# bridge (UNSEEN[4]) was one until the retrained model let it fall under its threshold; it is a
# rule family now (test_chosen_place.py, docs/moderation.md "A place chosen, with a time").
RULES_MISS = [UNSEEN[1][0], UNSEEN[3][0]]
ORDINARY = [
    ("did you finish the lab report for chemistry? due friday", MENTOR),
    ("we won 2-0 and i had an assist!!", STUDENT),
    ("mi abuela hizo enchiladas y vinieron mis primos", STUDENT),
    ("my brother is so annoying he ate all my cereal lol", STUDENT),
    ("no le digas a mi papa, le estamos organizando una fiesta sorpresa", STUDENT),
    ("i sprained my wrist at volleyball, its all purple", STUDENT),
]


@pytest.fixture(scope="module")
def pipelines():
    return build_pipeline(RULES), build_pipeline([*RULES, LEARNED])


def _training_texts() -> set[str]:
    return {e.text.casefold() for e in learned.load_examples()}


def test_the_test_phrasings_are_not_training_text():
    seen = _training_texts()
    assert not [t for t, *_ in UNSEEN if t.casefold() in seen]
    assert not [t for t, _ in ORDINARY if t.casefold() in seen]


def test_the_evaluation_files_are_never_training_text():
    rounds = Path(__file__).parent / "rounds"
    evaluation = [p for p in rounds.glob("*.jsonl") if learned.is_evaluation_file(p.name)]
    assert len(evaluation) == 46  # rounds 8 to 19, and every held-out half
    seen = _training_texts()
    texts = {
        json.loads(x)["text"].casefold()
        for p in evaluation
        for x in p.read_text().splitlines()
        if x.strip()
    }
    assert not texts & seen


def test_the_rules_alone_miss_some_of_them(pipelines):
    rules, _ = pipelines
    assert [rules.run(t, STUDENT, include_model=False).action for t in RULES_MISS] == [
        "deliver"
    ] * 2


@pytest.mark.parametrize(("text", "context", "category", "priority"), UNSEEN)
def test_learned_detector_finds_unseen_phrasings(pipelines, text, context, category, priority):
    _, both = pipelines
    verdict = both.run(text, context, include_model=False)
    assert category in verdict.categories
    assert verdict.priority == priority
    mine = [r for r in verdict.reasons if r["detector"] == "learned"]
    # Where the rules found the category too, the learned finding is not repeated.
    if text in RULES_MISS:
        assert mine[0]["category"] == category
        assert "learned classifier" in mine[0]["reason"]
        assert "probability" in mine[0]["reason"]


def test_a_threat_is_held_and_urgent():
    detector = LearnedDetector()
    found = detector.detect(
        normalize("im bringing my cousins gun to school on monday, stay home"), STUDENT
    )
    threat = [f for f in found if f.details.get("learned_label") == "threat"]
    assert threat
    assert threat[0].category == "toxicity"
    assert (threat[0].action, threat[0].priority) == ("hold", "urgent")


@pytest.mark.parametrize(("text", "context"), ORDINARY)
def test_ordinary_messages_pass(pipelines, text, context):
    _, both = pipelines
    verdict = both.run(text, context, include_model=False)
    assert verdict.action == "deliver", verdict.reasons


def test_benign_conversation_turns_pass():
    from testkit.benign_conversations import CONVERSATIONS

    detector = LearnedDetector()
    turns = [normalize(t) for _, conv in CONVERSATIONS for _, t in conv]
    found = detector.detect_batch(turns, [STUDENT] * len(turns))
    assert sum(bool(f) for f in found) <= len(turns) // 100


def test_learned_findings_add_only_what_the_rules_did_not_find(pipelines):
    rules, both = pipelines
    text = "I want to kill myself"
    assert rules.run(text, STUDENT).reasons == both.run(text, STUDENT).reasons


def _small_training_dir(tmp_path: Path) -> Path:
    per_label: dict[str, list] = {}
    for e in learned.load_examples():
        per_label.setdefault(e.label, [])
        if len(per_label[e.label]) < 30:
            per_label[e.label].append(e)
    data = tmp_path / "training"
    data.mkdir()
    with (data / "small.jsonl").open("w") as f:
        for examples in per_label.values():
            for e in examples:
                f.write(json.dumps({"text": e.text, "label": e.label, "lang": e.lang}) + "\n")
    return data


def test_model_is_cached_by_training_data_and_retrained_when_it_changes(tmp_path):
    data, cache = _small_training_dir(tmp_path), tmp_path / "cache"
    first, seconds = learned.train_or_load(cache_dir=cache, directory=data)
    assert seconds > 0
    again, seconds = learned.train_or_load(cache_dir=cache, directory=data)
    assert seconds == 0.0
    assert again.key == first.key
    assert again.thresholds == first.thresholds
    _, seconds = learned.train_or_load(cache_dir=cache, directory=data, force=True)
    assert seconds > 0
    with (data / "small.jsonl").open("a") as f:
        f.write(json.dumps({"text": "a new ordinary line about homework", "label": "none"}) + "\n")
    changed, seconds = learned.train_or_load(cache_dir=cache, directory=data)
    assert seconds > 0
    assert changed.key != first.key
    # The model of the old data is gone from the cache.
    assert [p.name for p in cache.glob("learned-*.pickle")] == [
        f"learned-{changed.key[:24]}.pickle"
    ]


def test_a_cache_that_cannot_be_written_still_gives_a_model(tmp_path):
    """A read-only checkout (or a cache path that is a file) trains and screens, uncached."""
    data = _small_training_dir(tmp_path)
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    model, seconds = learned.train_or_load(cache_dir=blocked / "cache", directory=data)
    assert seconds > 0
    assert model.thresholds


def test_training_is_deterministic(tmp_path):
    data = _small_training_dir(tmp_path)
    a, _ = learned.train_or_load(cache_dir=tmp_path / "a", directory=data)
    b, _ = learned.train_or_load(cache_dir=tmp_path / "b", directory=data)
    assert a.thresholds == b.thresholds
    assert (a._coef == b._coef).all()


def test_thresholds_are_chosen_on_out_of_fold_probabilities_averaged_over_shuffles(tmp_path):
    examples = learned.load_examples(_small_training_dir(tmp_path))
    lexicon = learned.lexicon_module.load()
    parts = [learned._parts(normalize(e.text), lexicon) for e in examples]
    labels = [e.label for e in examples]
    one = [learned.out_of_fold(parts, labels, seeds=(seed,)) for seed in learned.FOLD_SEEDS]
    averaged = learned.out_of_fold(parts, labels)
    assert len(learned.FOLD_SEEDS) > 1
    assert not (one[0] == one[1]).all()  # another shuffle, other out-of-fold probabilities
    assert abs(averaged - sum(one) / len(one)).max() < 1e-9


def test_an_unknown_label_in_the_training_data_is_refused(tmp_path):
    (tmp_path / "bad.jsonl").write_text(json.dumps({"text": "x", "label": "spam"}) + "\n")
    with pytest.raises(ValueError, match="unknown label"):
        learned.load_examples(tmp_path)


@pytest.mark.parametrize(("value", "expected"), [("false", False), ("true", True)])
def test_the_setting_switches_the_detector(value, expected):
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(any('learned' in e['NAME'] for e in settings.MODERATION['DETECTORS']))"
    )
    env = {
        **os.environ,
        "MODERATION_LEARNED_DETECTOR": value,
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == str(expected)


def test_moderate_no_ml_runs_the_learned_detector(settings):
    import io

    from django.core.management import call_command

    from moderation.pipeline import _cached

    settings.MODERATION = {**settings.MODERATION, "DETECTORS": [*RULES, LEARNED]}
    _cached.cache_clear()
    stdin, stdout = sys.stdin, io.StringIO()
    sys.stdin = io.StringIO(json.dumps({"text": RULES_MISS[0], "sender_role": "student"}) + "\n")
    try:
        call_command("moderate", "--jsonl", "--no-ml", stdout=stdout)
    finally:
        sys.stdin = stdin
        _cached.cache_clear()
    verdict = json.loads(stdout.getvalue())
    assert "self_harm" in verdict["categories"]
    assert verdict["priority"] == "urgent"
    assert [r["detector"] for r in verdict["reasons"]] == ["learned"]


@pytest.mark.parametrize(
    ("name", "evaluation"),
    [
        ("2026-12-01-r7-en.jsonl", False),
        ("2026-12-02-r7-en-heldout.jsonl", True),
        ("2026-12-01-r6-en-holdout.jsonl", True),
        ("2026-12-02-r8-es.jsonl", True),
        ("2026-12-02-r10-en.jsonl", True),
        # A round not written yet is evaluation text by default, not training text by omission.
        ("2026-12-09-r11-es.jsonl", True),
        ("2027-01-15-r23-en.jsonl", True),
    ],
)
def test_which_round_files_are_evaluation_text(name, evaluation):
    assert learned.is_evaluation_file(name) is evaluation
