"""The lightweight scorer: alt-profanity-check's linear model (scikit-learn), shipped inside the
package, so a fresh install and an offline machine still score toxicity. About a millisecond a
message, so it runs inline in the send path."""

from __future__ import annotations

from collections.abc import Sequence

from .base import ScorerUnavailable, ToxicityScorer


class ProfanityCheckScorer(ToxicityScorer):
    name = "profanity_check"
    inline = True
    labels = ("toxicity",)
    # A bag-of-words model: single words such as "hate" or "sucks" alone reach 0.9, so its bar
    # sits higher than Detoxify's (docs/moderation.md has the Davidson figures at both).
    default_threshold = 0.95

    def __init__(self, **options) -> None:
        self._predict_prob = None

    def load(self) -> None:
        if self._predict_prob is None:
            try:
                from profanity_check import predict_prob
            except Exception as exc:  # a broken install must not take sending down
                raise ScorerUnavailable(
                    f"profanity_check not loadable: {type(exc).__name__}"
                ) from exc
            self._predict_prob = predict_prob

    def score_batch(self, texts: Sequence[str]) -> list[dict[str, float]]:
        self.load()
        probs = self._predict_prob(list(texts))
        return [{"toxicity": float(p)} for p in probs]
