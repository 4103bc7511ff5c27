"""Fixtures for moderation: a clean scorer per test, a tiny Detoxify checkpoint, and scorers that
fail the ways a real model fails (hang, run out of memory)."""

import time

import pytest

from moderation.scorers import registry
from moderation.scorers.base import ToxicityScorer
from moderation.scorers.checkpoint import build_random_checkpoint

TINY_WORDS = ["hello", "you", "are", "an", "idiot", "great", "job", "on", "the", "test", "i", "a"]


@pytest.fixture(autouse=True)
def fresh_scorer():
    registry.reset()
    yield
    registry.reset()


@pytest.fixture(scope="session")
def tiny_checkpoint(tmp_path_factory):
    return build_random_checkpoint(tmp_path_factory.mktemp("detoxify"), words=TINY_WORDS)


@pytest.fixture
def moderation_settings(settings):
    """Change MODERATION keys for one test: moderation_settings(TOXICITY_SCORER="none")."""

    def apply(**kw):
        settings.MODERATION = {**settings.MODERATION, **kw}
        registry.reset()

    return apply


@pytest.fixture
def use_detoxify(moderation_settings, tiny_checkpoint):
    checkpoint, hf_dir = tiny_checkpoint
    moderation_settings(
        TOXICITY_SCORER="detoxify",
        DETOXIFY_CHECKPOINT=str(checkpoint),
        DETOXIFY_HF_DIR=str(hf_dir),
    )
    return checkpoint, hf_dir


class HangingScorer(ToxicityScorer):
    """A model that never answers in time (a stuck thread, a deadlocked library)."""

    name = "hanging"

    def __init__(self, **options):
        pass

    def score_batch(self, texts):
        time.sleep(2)
        return [{"toxicity": 0.0} for _ in texts]


class OutOfMemoryScorer(ToxicityScorer):
    """A model whose allocation fails: PyTorch raises MemoryError (or RuntimeError) then."""

    name = "oom"

    def __init__(self, **options):
        pass

    def score_batch(self, texts):
        raise MemoryError


class BrokenDetector:
    """A detector with a bug that raises on some input."""

    name = "broken"
    uses_model = False

    def __init__(self, **options):
        pass

    def detect(self, text, context):
        if "boom" in text.folded.text:
            raise ValueError("bug")
        return []

    def detect_batch(self, texts, contexts):
        return [self.detect(t, c) for t, c in zip(texts, contexts, strict=True)]
