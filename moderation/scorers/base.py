"""The toxicity scorer interface.

A scorer turns a batch of texts into one dict of label -> probability per text. It loads its model
lazily on first use (never at import time) and raises `ScorerUnavailable` when it cannot score.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence

from ..detectors.base import ScorerUnavailable

__all__ = ["ScorerUnavailable", "ToxicityScorer"]


class ToxicityScorer(abc.ABC):
    name = "scorer"
    # Cheap enough to run inside the send transaction; otherwise the worker scores in batches.
    inline = False
    # Labels whose score counts towards the toxicity decision.
    labels: tuple[str, ...] = ("toxicity",)
    # Score at or above which a message is flagged, unless the district sets its own.
    default_threshold = 0.5

    def load(self) -> None:  # noqa: B027 - optional hook: a scorer may have nothing to load
        """Load the model. Raises ScorerUnavailable (or any exception) when it cannot."""

    @abc.abstractmethod
    def score_batch(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """One dict of label -> probability per text, in order."""

    def score_languages(
        self, texts: Sequence[str], languages: Sequence[str]
    ) -> list[dict[str, float]]:
        """As `score_batch`, knowing each text's language; one model for all by default."""
        return self.score_batch(texts)
