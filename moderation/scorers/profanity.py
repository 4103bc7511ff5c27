"""The lightweight scorer: alt-profanity-check's linear model, shipped inside the package, so a
fresh install and an offline machine still score toxicity. It runs inline in the send path.

The package's model is a TF-IDF vectoriser and a calibrated linear SVM (scikit-learn's
CalibratedClassifierCV: several LinearSVC folds, each with a sigmoid calibration, averaged).
`profanity_check.predict_prob` spends about ten milliseconds a message on scikit-learn's input
validation around what is a sparse dot product; `LinearProfanityModel` computes the same scores
from the fitted arrays with numpy, in a few hundredths of that (tests/moderation/
test_profanity_model.py holds it to `predict_prob` within 1e-9).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

from .base import ScorerUnavailable, ToxicityScorer


class LinearProfanityModel:
    """alt-profanity-check's fitted vectoriser and calibrated classifier as plain arrays.

    Per text: term counts over the vocabulary (the vectoriser's own analyser: lower case, its
    token pattern and stop words), times the inverse document frequencies, L2-normalised; per
    fold, the SVM's decision value w.x + b and its sigmoid calibration 1 / (1 + exp(A d + B));
    the mean over the folds. Refuses a fitted model of another shape rather than mis-scoring it.
    """

    def __init__(self, vectorizer, model) -> None:
        params = vectorizer.get_params()
        expected = {"norm": "l2", "use_idf": True, "sublinear_tf": False, "binary": False}
        if any(params.get(k) != v for k, v in expected.items()) or params.get("ngram_range") != (
            1,
            1,
        ):
            raise ScorerUnavailable("profanity_check's vectoriser is not the expected TF-IDF")
        if getattr(model, "method", None) != "sigmoid" or list(model.classes_) != [0, 1]:
            raise ScorerUnavailable("profanity_check's model is not a sigmoid-calibrated binary")
        folds = model.calibrated_classifiers_
        if any(len(fold.calibrators) != 1 or fold.estimator.coef_.shape[0] != 1 for fold in folds):
            raise ScorerUnavailable("profanity_check's model is not one linear model per fold")
        self.analyze = vectorizer.build_analyzer()
        self.vocabulary: dict[str, int] = vectorizer.vocabulary_
        self.idf = np.asarray(vectorizer.idf_, dtype=np.float64)
        # (folds, features): each row one fold's weights, in the vocabulary's column order.
        self.weights = np.vstack([fold.estimator.coef_[0] for fold in folds]).astype(np.float64)
        self.intercepts = np.array([fold.estimator.intercept_[0] for fold in folds], np.float64)
        self.a = np.array([fold.calibrators[0].a_ for fold in folds], np.float64)
        self.b = np.array([fold.calibrators[0].b_ for fold in folds], np.float64)

    def score(self, text: str) -> float:
        counts = Counter(
            index
            for token in self.analyze(text)
            if (index := self.vocabulary.get(token)) is not None
        )
        if counts:
            columns = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
            values = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
            values *= self.idf[columns]
            values /= np.sqrt(values @ values)
            decision = self.weights[:, columns] @ values + self.intercepts
        else:
            decision = self.intercepts
        calibrated = 1.0 / (1.0 + np.exp(self.a * decision + self.b))
        return float(calibrated.sum() / len(calibrated))

    def score_batch(self, texts: Sequence[str]) -> list[float]:
        return [self.score(text) for text in texts]


class ProfanityCheckScorer(ToxicityScorer):
    name = "profanity_check"
    inline = True
    labels = ("toxicity",)
    # A bag-of-words model: single words such as "hate" or "sucks" alone reach 0.9, so its bar
    # sits higher than Detoxify's (docs/moderation.md has the Davidson figures at both).
    default_threshold = 0.95

    def __init__(self, **options) -> None:
        self._model: LinearProfanityModel | None = None

    def load(self) -> None:
        if self._model is None:
            try:
                from profanity_check import profanity_check as package
            except Exception as exc:  # a broken install must not take sending down
                raise ScorerUnavailable(
                    f"profanity_check not loadable: {type(exc).__name__}"
                ) from exc
            self._model = LinearProfanityModel(package.vectorizer, package.model)

    def score_batch(self, texts: Sequence[str]) -> list[dict[str, float]]:
        self.load()
        return [{"toxicity": p} for p in self._model.score_batch(texts)]
