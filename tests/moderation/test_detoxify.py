"""Detoxify through the real loading code, on a tiny randomly initialised checkpoint built here in
Detoxify's own format. Nothing is downloaded."""

import hashlib
import shutil

import pytest
from django.core.management import CommandError, call_command

from moderation.scorers import registry
from moderation.scorers.detoxify_scorer import DetoxifyScorer, load_detoxify

SIX = {"toxicity", "severe_toxicity", "obscene", "threat", "insult", "identity_attack"}


def test_tiny_checkpoint_loads_offline_and_scores(tiny_checkpoint):
    checkpoint, hf_dir = tiny_checkpoint
    model = load_detoxify(checkpoint, hf_dir)
    assert model.class_names == [
        "toxicity", "severe_toxicity", "obscene", "threat", "insult", "identity_attack",
    ]  # fmt: skip
    # The tokenizer really reads the local vocabulary (not every token [UNK]).
    assert model.tokenizer.tokenize("hello you idiot zzzz") == ["hello", "you", "idiot", "[UNK]"]
    scores = DetoxifyScorer(checkpoint=str(checkpoint), hf_dir=str(hf_dir)).score_batch(
        ["hello you are great", "you idiot", "a"]
    )
    assert len(scores) == 3
    assert all(set(s) == SIX for s in scores)
    assert all(0.0 < v < 1.0 for s in scores for v in s.values())
    # Deterministic: the same text scores the same in a batch and alone.
    alone = DetoxifyScorer(checkpoint=str(checkpoint), hf_dir=str(hf_dir)).score_batch(["a"])
    assert alone[0] == pytest.approx(scores[2], abs=1e-5)


def test_model_loads_lazily_and_once_per_process(use_detoxify):
    scorer = registry.get_scorer()
    assert scorer.name == "detoxify"
    assert scorer._model is None  # nothing loaded by configuring or importing
    registry.score(["hello"])
    model = scorer._model
    assert model is not None
    registry.score(["you idiot"])
    assert registry.get_scorer() is scorer
    assert scorer._model is model
    assert registry.status["state"] == "ready"


def test_missing_config_folder_is_reported_not_crashed(tiny_checkpoint, tmp_path):
    checkpoint, _ = tiny_checkpoint
    scorer = DetoxifyScorer(checkpoint=str(checkpoint), hf_dir=str(tmp_path))
    with pytest.raises(registry.ScorerUnavailable, match="config folder incomplete"):
        scorer.load()


def test_fetch_command_verifies_the_checksum(tiny_checkpoint, tmp_path):
    checkpoint, hf_dir = tiny_checkpoint
    digest = hashlib.sha256(checkpoint.read_bytes()).hexdigest()
    source = tmp_path / "src" / f"toxic_tiny-{digest[:8]}.ckpt"
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
        "detoxify_fetch", f"--dest={dest}", f"--url=file://{source}",
        f"--config-from={hf_dir}", stdout=Sink(),
    )  # fmt: skip
    fetched = dest / source.name
    assert fetched.read_bytes() == checkpoint.read_bytes()
    scores = DetoxifyScorer(
        checkpoint=str(fetched), hf_dir=str(dest / f"{fetched.stem}-hf")
    ).score_batch(["hello"])
    assert set(scores[0]) == SIX

    tampered = tmp_path / "src" / "toxic_bad-00000000.ckpt"
    shutil.copy(checkpoint, tampered)
    with pytest.raises(CommandError, match="checksum mismatch"):
        call_command("detoxify_fetch", f"--dest={dest}", f"--url=file://{tampered}")
    assert not (dest / tampered.name).exists()


def test_concurrent_calls_queue_on_the_model_thread_instead_of_failing(use_detoxify):
    import concurrent.futures

    registry.score(["warm up"])
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda i: registry.score([f"hello {i}"]), range(16)))
    assert len(results) == 16
    assert all(len(r) == 1 and set(r[0]) == SIX for r in results)
    assert registry.status["state"] == "ready"
