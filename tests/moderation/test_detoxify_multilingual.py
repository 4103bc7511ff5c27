"""Detoxify's multilingual (XLM-R) model through the real loading code, on a tiny randomly
initialised checkpoint built here in that model's own format (sentencepiece tokenizer included).
The real weights are not downloaded: only the `detoxify_fetch --model-type multilingual` path and
these shapes are tested; the scores of a random model mean nothing."""

import hashlib
import shutil

import pytest
from django.core.management import call_command

from moderation.detectors.base import Context
from moderation.pipeline import build_pipeline
from moderation.scorers import registry
from moderation.scorers.checkpoint import build_random_multilingual_checkpoint
from moderation.scorers.detoxify_scorer import DetoxifyScorer, load_detoxify

SEVEN = {
    "toxicity", "severe_toxicity", "obscene", "identity_attack", "insult", "threat",
    "sexual_explicit",
}  # fmt: skip
SIX = SEVEN - {"sexual_explicit"}
SENTENCES = [
    "hola cómo estás", "eres un idiota", "mi mamá me pega", "te quiero mucho amigo",
    "buenos días profe", "hello you are great", "you idiot", "gracias por todo",
]  # fmt: skip
PIPELINE = [{"NAME": "moderation.detectors.toxicity_model.ToxicityModelDetector"}]


@pytest.fixture(scope="session")
def tiny_multilingual(tmp_path_factory):
    return build_random_multilingual_checkpoint(
        tmp_path_factory.mktemp("xlmr"), sentences=SENTENCES
    )


@pytest.fixture
def use_both(moderation_settings, tiny_checkpoint, tiny_multilingual):
    checkpoint, hf_dir = tiny_checkpoint
    ml_checkpoint, ml_hf_dir = tiny_multilingual
    moderation_settings(
        TOXICITY_SCORER="detoxify",
        DETOXIFY_CHECKPOINT=str(checkpoint),
        DETOXIFY_HF_DIR=str(hf_dir),
        DETOXIFY_MULTILINGUAL_CHECKPOINT=str(ml_checkpoint),
        DETOXIFY_MULTILINGUAL_HF_DIR=str(ml_hf_dir),
    )


def test_tiny_multilingual_checkpoint_loads_offline_and_reads_its_own_vocabulary(
    tiny_multilingual,
):
    checkpoint, hf_dir = tiny_multilingual
    model = load_detoxify(checkpoint, hf_dir)
    assert type(model.model).__name__ == "XLMRobertaForSequenceClassification"
    assert model.class_names == [
        "toxicity", "severe_toxicity", "obscene", "identity_attack", "insult", "threat",
        "sexual_explicit",
    ]  # fmt: skip
    ids = model.tokenizer("eres un idiota")["input_ids"]
    unk = model.tokenizer.unk_token_id
    assert ids[0] == model.tokenizer.cls_token_id
    assert unk not in ids[1:-1]  # the trained vocabulary is really read
    scores = model.predict(["eres un idiota", "hola"])
    assert set(scores) == SEVEN
    assert all(0.0 < v < 1.0 for values in scores.values() for v in values)


def test_spanish_goes_to_the_multilingual_model_and_english_to_the_original(
    tiny_checkpoint, tiny_multilingual
):
    (checkpoint, hf_dir), (ml_checkpoint, ml_hf_dir) = tiny_checkpoint, tiny_multilingual
    scorer = DetoxifyScorer(
        checkpoint=str(checkpoint),
        hf_dir=str(hf_dir),
        multilingual_checkpoint=str(ml_checkpoint),
        multilingual_hf_dir=str(ml_hf_dir),
    )
    out = scorer.score_languages(["you idiot", "eres un idiota", "ok"], ["en", "es", ""])
    assert [set(s) for s in out] == [SIX, SEVEN, SIX]
    assert scorer._multilingual is not None
    english_only = DetoxifyScorer(checkpoint=str(checkpoint), hf_dir=str(hf_dir))
    assert [set(s) for s in english_only.score_languages(["eres un idiota"], ["es"])] == [SIX]
    assert english_only._multilingual is None


def test_the_pipeline_routes_by_detected_language_and_applies_per_label_thresholds(use_both):
    pipeline = build_pipeline(PIPELINE)
    context = Context(sender_role="student", recipient_roles=("mentor",))
    spanish, english = pipeline.run_batch(
        ["eres un idiota y nadie te quiere", "you are an idiot and nobody likes you"],
        [context, context],
    )
    assert spanish.language == "es"
    assert english.language == "en"
    assert "model.sexual_explicit" in spanish.scores
    assert "model.sexual_explicit" not in english.scores
    assert registry.get_scorer()._multilingual is not None
    # A per-label threshold of 0 flags on that label; 1.0 everywhere flags nothing.
    low = Context(
        sender_role="student", toxicity_threshold=1.0, toxicity_thresholds=(("insult", 0.0),)
    )
    high = Context(sender_role="student", toxicity_threshold=1.0)
    flagged, passed = pipeline.run_batch(["eres un idiota", "eres un idiota"], [low, high])
    assert (flagged.action, flagged.categories) == ("flag", ["toxicity"])
    assert "insult" in flagged.reasons[0]["reason"]
    assert (passed.action, passed.categories) == ("deliver", [])


def test_fetch_prepares_a_multilingual_checkpoint_and_names_its_settings(
    tiny_multilingual, tmp_path
):
    checkpoint, hf_dir = tiny_multilingual
    digest = hashlib.sha256(checkpoint.read_bytes()).hexdigest()
    source = tmp_path / "src" / f"multilingual_tiny-{digest[:8]}.ckpt"
    source.parent.mkdir()
    shutil.copy(checkpoint, source)
    dest = tmp_path / "models"
    out = []

    class Sink:
        def write(self, s):
            out.append(s)

        def flush(self):
            pass

    call_command(
        "detoxify_fetch", f"--dest={dest}", "--model-type=multilingual",
        f"--url=file://{source}", f"--config-from={hf_dir}", stdout=Sink(),
    )  # fmt: skip
    fetched = dest / source.name
    text = "".join(out)
    assert f"DETOXIFY_MULTILINGUAL_CHECKPOINT={fetched}" in text
    assert f"DETOXIFY_MULTILINGUAL_HF_DIR={dest / (fetched.stem + '-hf')}" in text
    scores = DetoxifyScorer(
        checkpoint="", multilingual_checkpoint=str(fetched),
        multilingual_hf_dir=str(dest / f"{fetched.stem}-hf"),
    ).score_languages(["hola"], ["es"])  # fmt: skip
    assert set(scores[0]) == SEVEN
