"""The profanity scorer computes alt-profanity-check's model directly: the same scores as the
package's own `predict_prob`, without its thread hop."""

import json
import pathlib
import threading

import numpy as np
from profanity_check import predict_prob

from moderation.scorers import registry
from moderation.scorers.profanity import ProfanityCheckScorer
from testkit.benign_conversations import CONVERSATIONS

CASES = pathlib.Path(__file__).with_name("cases.jsonl")
# Edges of the vectoriser: nothing in the vocabulary, only stop words, case, repeats, digits,
# punctuation, accents and other scripts, one very long text.
EDGES = [
    "",
    " ",
    "a",
    "the and of to",
    "zzzqqq xxyyzz",
    "FUCK",
    "fuck fuck fuck fuck",
    "You are an IDIOT!!!",
    "sh*t happens",
    "1234 5678",
    "¿Qué tal, cómo estás? ñandú",
    "你好 世界",
    "emoji 😀 only 🙂",
    "hate " * 300,
    "word-with-hyphens and_underscores",
]


def corpus() -> list[str]:
    texts = [json.loads(line)["text"] for line in CASES.read_text(encoding="utf-8").splitlines()]
    texts += [text for _, turns in CONVERSATIONS for _, text in turns]
    return texts + EDGES


def test_the_direct_computation_matches_predict_prob_on_every_text():
    texts = corpus()
    assert len(texts) > 300
    expected = predict_prob(texts)
    scorer = ProfanityCheckScorer()
    got = np.array([s["toxicity"] for s in scorer.score_batch(texts)])
    assert got.shape == expected.shape
    assert float(np.max(np.abs(got - expected))) < 1e-9
    # Not a constant: the corpus spans clean and profane texts.
    assert got.min() < 0.1
    assert got.max() > 0.9


def test_one_text_at_a_time_matches_the_batch():
    scorer = ProfanityCheckScorer()
    texts = corpus()[:50]
    batch = [s["toxicity"] for s in scorer.score_batch(texts)]
    assert [scorer.score_batch([t])[0]["toxicity"] for t in texts] == batch


def test_an_inline_scorer_runs_on_the_callers_thread(settings):
    settings.MODERATION = {**settings.MODERATION, "TOXICITY_SCORER": "profanity_check"}
    registry.reset()
    seen = []
    scorer = registry.get_scorer()
    original = scorer.score_batch

    def recording(texts):
        seen.append(threading.current_thread())
        return original(texts)

    scorer.score_batch = recording
    assert registry.score(["you are great"])[0]["toxicity"] < 0.5
    assert seen == [threading.current_thread()]
    assert registry.status["state"] == "ready"
