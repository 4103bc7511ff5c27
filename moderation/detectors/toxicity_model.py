"""Toxicity from a model (Detoxify or the lightweight scorer), thresholds per district.

Runs in batches (the worker collects pending messages); raises ScorerUnavailable when the model
cannot score, which the pipeline records so that the message is not passed unscored. Identity
words are a known weakness of toxicity models ("I am a gay Black woman" scores high), so when the
text names an identity and no rule found an insult, the bar is raised to IDENTITY_THRESHOLD.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..language import detect_language
from ..normalize import Normalized
from .base import Context, Detector, Finding

IDENTITY_WORDS = re.compile(
    r"(?<!\w)(?:gay|lesbian|bi|bisexual|trans|transgender|queer|nonbinary|non-binary|lgbtq?\+?|"
    r"muslim|islam|islamic|jew|jewish|christian|catholic|hindu|sikh|buddhist|atheist|black|white|"
    r"asian|latino|latina|latinx|hispanic|mexican|immigrant|refugee|arab|african|indian|native|"
    r"disabled|disability|autistic|autism|deaf|blind|wheelchair|adhd|dyslexic|women|woman|girl|"
    r"gender|sexuality|religion|race|hijab|synagogue|mosque|church|temple)(?!\w)"
)
NEUTRAL = "person"
SEXUAL_LABELS = {"sexual_explicit"}


class ToxicityModelDetector(Detector):
    name = "toxicity_model"
    uses_model = True

    def __init__(self, **options) -> None:
        super().__init__(**options)
        self.scorer_name = ""

    def detect(self, text: Normalized, context: Context) -> list[Finding]:
        return self.detect_batch([text], [context])[0]

    def detect_batch(
        self, texts: Sequence[Normalized], contexts: Sequence[Context]
    ) -> list[list[Finding]]:
        from ..scorers import registry

        scorer = registry.get_scorer()
        if scorer is None:
            return [[] for _ in texts]
        self.scorer_name = scorer.name
        # The model reads the cleaned text (NFKC, no zero-width characters, no look-alikes).
        inputs = [t.clean.text for t in texts]
        masked = {}
        for i, t in enumerate(texts):
            neutral = IDENTITY_WORDS.sub(NEUTRAL, t.folded.text)
            if neutral != t.folded.text:
                masked[i] = len(inputs)
                inputs.append(neutral)
        # The language of each input decides the model where a multilingual one is configured.
        languages = [detect_language(t.folded.text, self.lexicon.languages) for t in texts]
        languages += [languages[i] for i in masked]
        results = registry.score(inputs, languages=languages)
        out = []
        for i, (text, context) in enumerate(zip(texts, contexts, strict=True)):
            scores = results[i]
            if i in masked:
                other = results[masked[i]]
                scores = {k: min(v, other.get(k, v)) for k, v in scores.items()}
            threshold = context.toxicity_threshold
            if threshold is None:
                threshold = scorer.default_threshold
            per_label = dict(context.toxicity_thresholds)
            out.append(self._findings(text, threshold, scores, scorer.labels, per_label))
        return out

    def _findings(
        self,
        text: Normalized,
        threshold: float,
        scores: dict[str, float],
        labels,
        per_label: dict[str, float] | None = None,
    ) -> list[Finding]:
        rounded = {f"model.{k}": round(v, 4) for k, v in scores.items()}
        bar = {k: (per_label or {}).get(k, threshold) for k in scores}
        hits = {k: v for k, v in scores.items() if k in labels and v >= bar[k]}
        if not hits:
            # Scores only: recorded on the verdict, no category.
            return [Finding(self.name, "", "model scores", None, 0.0, scores=rounded)]
        label, value = max(hits.items(), key=lambda kv: kv[1])
        threshold = bar[label]
        category = "sexual" if label in SEXUAL_LABELS else "toxicity"
        return [
            Finding(
                detector=self.name,
                category=category,
                reason=f"model score {label} {value:.2f} at or above {threshold:.2f}",
                span=None,
                score=value,
                # A model alone never holds a message: it flags it for a person to judge.
                action="flag",
                scores=rounded,
            )
        ]
