"""The moderation pipeline: normalise once, run every configured detector, apply the policy.

Configured like Django's password validators: `settings.MODERATION["DETECTORS"]` is a list of
{"NAME": dotted path, "OPTIONS": {...}}; `get_pipeline()` builds it once per process. Pure: text and
context in, verdicts out; persisting them is moderation.services' job. Each message is normalised,
analysed and identified once, and everything found about it rides on its verdict, the
conversation-level weak signals too (`Verdict.weak_signals`), so nothing downstream reads the text
again.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence
from functools import lru_cache

from django.conf import settings
from django.utils.module_loading import import_string

from . import conversation_signals, policy
from . import lexicon as lexicon_module
from .detectors.base import Context, Detector, Finding, ScorerUnavailable
from .language import DEFAULT_LANGUAGES, detect_language, language_detector
from .normalize import Normalized, normalize

logger = logging.getLogger(__name__)


class Pipeline:
    def __init__(
        self,
        detectors: Sequence[Detector],
        *,
        languages: Sequence[str] = DEFAULT_LANGUAGES,
        lexicon_dir: str = "",
    ):
        self.detectors = list(detectors)
        self.languages = tuple(languages)
        self.lexicon = lexicon_module.load(lexicon_dir, self.languages)
        for detector in self.detectors:
            detector.lexicon = self.lexicon
        self.policy_version = self.lexicon.version
        # The conversation signals' tables of the configured languages that have one.
        self.signal_tables = [
            self.lexicon.signal_tables[lang]
            for lang in self.languages
            if lang in self.lexicon.signal_tables
        ]
        # Built (models loaded) with the pipeline, once per process, not on the first message.
        language_detector(self.languages)
        lexicon_module.preload(self.languages)

    def language_of(self, text: Normalized) -> str:
        return detect_language(text.folded.text, self.languages)

    @property
    def has_model(self) -> bool:
        return any(d.uses_model for d in self.detectors)

    def run(self, text: str, context: Context, *, include_model: bool = True) -> policy.Verdict:
        return self.run_batch([text], [context], include_model=include_model)[0]

    def run_batch(
        self, texts: Sequence[str], contexts: Sequence[Context], *, include_model: bool = True
    ) -> list[policy.Verdict]:
        """One verdict per text, in order. Never raises because of a message's content."""
        norms = [normalize(t) for t in texts]
        findings: list[list[Finding]] = [[] for _ in texts]
        failures: list[list[str]] = [[] for _ in texts]
        unscored: str | None = None
        scorer_name = ""
        extra: list[list[Finding]] = [[] for _ in texts]
        for detector in self.detectors:
            if detector.uses_model and not include_model:
                continue
            try:
                results = detector.detect_batch(norms, contexts)
            except ScorerUnavailable as exc:
                unscored = exc.reason
                continue
            except Exception:
                results = self._one_by_one(detector, norms, contexts, failures)
            for i, found in enumerate(results):
                (extra if getattr(detector, "supplementary", False) else findings)[i].extend(found)
            if detector.uses_model:
                scorer_name = getattr(detector, "scorer_name", "") or detector.name
        for i, found in enumerate(extra):
            findings[i].extend(_adds(found, findings[i]))
        verdicts = []
        for i, context in enumerate(contexts):
            model_scores: dict[str, float] = {}
            for f in findings[i]:
                model_scores.update(f.scores)
            verdict = policy.decide(
                findings[i],
                adult_sender=context.adult_sender,
                student_bound=context.student_bound,
                model_scores=model_scores,
                failures=failures[i],
            )
            verdict.scorer = scorer_name
            verdict.language = self.language_of(norms[i])
            verdict.policy_version = self.policy_version
            hits = conversation_signals.extract_with(texts[i], self.signal_tables)
            verdict.weak_signals = [hit.as_dict() for hit in hits]
            if unscored is not None:
                verdict.scored = False
                verdict.scorer = ""
            verdicts.append(verdict)
        return verdicts

    @staticmethod
    def _one_by_one(detector, norms, contexts, failures) -> list[list[Finding]]:
        # A detector broke on the batch: find the message it breaks on, carry on with the rest.
        results: list[list[Finding]] = []
        for i, (text, context) in enumerate(zip(norms, contexts, strict=True)):
            try:
                results.append(detector.detect(text, context))
            except ScorerUnavailable:
                raise
            except Exception:
                logger.exception("detector %s failed (item %s of a batch)", detector.name, i)
                failures[i].append(detector.name)
                results.append([])
        return results


_RANK = {None: 0, "low": 0, "normal": 1, "high": 2, "urgent": 3}


def _priority(finding: Finding) -> str | None:
    # As the policy reads it: a finding of an urgent kind (a threat) is urgent whatever it says.
    if finding.details.get("kind") in policy.URGENT_KINDS:
        return "urgent"
    return finding.priority


def _adds(supplementary: list[Finding], found: list[Finding]) -> list[Finding]:
    """The supplementary findings that add to the others: a category they did not find, or a
    higher priority for one they did (a threat the rules read as an insult)."""
    best: dict[str, int] = {}
    for f in found:
        if f.category:
            best[f.category] = max(best.get(f.category, -1), _RANK.get(_priority(f), 0))
    return [
        f
        for f in supplementary
        if f.category not in best or _RANK.get(f.priority, 0) > best[f.category]
    ]


def build_pipeline(
    config: Sequence[dict], *, languages: Sequence[str] = DEFAULT_LANGUAGES, lexicon_dir: str = ""
) -> Pipeline:
    detectors = []
    for entry in config:
        cls = import_string(entry["NAME"])
        detectors.append(cls(**entry.get("OPTIONS", {})))
    return Pipeline(detectors, languages=languages, lexicon_dir=lexicon_dir)


@lru_cache(maxsize=1)
def _cached(key: tuple, languages: tuple[str, ...], lexicon_dir: str) -> Pipeline:
    return build_pipeline(
        [{"NAME": n, "OPTIONS": dict(o)} for n, o in key],
        languages=languages,
        lexicon_dir=lexicon_dir,
    )


def get_pipeline() -> Pipeline:
    """The pipeline `settings.MODERATION` describes (detectors, languages, lexicon folder),
    built once per process."""
    conf = settings.MODERATION
    key = tuple((e["NAME"], tuple(sorted(e.get("OPTIONS", {}).items()))) for e in conf["DETECTORS"])
    languages = tuple(conf.get("LANGUAGES") or DEFAULT_LANGUAGES)
    return _cached(key, languages, conf.get("LEXICON_DIR", ""))


def warm_up() -> None:
    """Build the pipeline and load an inline toxicity scorer now, at server start.

    Loading profanity_check's model takes seconds; done lazily, the first message after every start
    waited for it, and every socket of that process waited behind that message. A scorer that
    cannot load here is left to the send path, which copes (docs/moderation.md).
    """
    from .scorers import registry
    from .scorers.base import ScorerUnavailable

    pipeline = get_pipeline()
    # Builds the language detector with its models loaded, and fills the lemma cache a little.
    pipeline.run("warm-up: hola, how are you", Context(), include_model=False)
    scorer = registry.get_scorer()
    if scorer is not None and scorer.inline:
        # A failure is logged and shown on /healthz by the registry.
        with contextlib.suppress(ScorerUnavailable):
            registry.score(["warm-up"])
