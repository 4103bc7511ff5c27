"""The detector interface: normalised text and a context in, findings out.

Detectors are pure: no database, no network, no settings read at call time, and they never raise
because of what a message says. Whatever they need from the district (allowlisted sites, keyword
lists, thresholds) arrives in the `Context`. A detector backed by a model may raise
`ScorerUnavailable` when the model cannot run: that is an infrastructure fault, not a verdict, and
the pipeline reports it so the message is not passed unscored.
"""

from __future__ import annotations

import abc
import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from ..lexicon import Lexicon
from ..lexicon import load as load_lexicon
from ..normalize import Normalized, View

ADULT_ROLES = frozenset({"mentor", "moderator", "coordinator"})


@dataclass(frozen=True)
class KeywordSpec:
    """One district keyword entry, its phrase already normalised (`normalize(...).words`)."""

    phrase: str
    category: str
    action: str = "flag"
    label: str = ""


@dataclass(frozen=True)
class Context:
    """What a detector may know about a message besides its text."""

    sender_role: str = "student"
    recipient_roles: tuple[str, ...] = ()
    link_allowlist: tuple[str, ...] = ()
    keywords: tuple[KeywordSpec, ...] = ()
    # None: the active scorer's own default (scorers are calibrated differently).
    toxicity_threshold: float | None = None
    # Per model label ("insult", "threat", ...), overriding `toxicity_threshold` for that label.
    toxicity_thresholds: tuple[tuple[str, float], ...] = ()

    @property
    def adult_sender(self) -> bool:
        return self.sender_role in ADULT_ROLES

    @property
    def student_bound(self) -> bool:
        """A student may read it: a student is a recipient, or recipients are unknown."""
        return not self.recipient_roles or "student" in self.recipient_roles


@dataclass(frozen=True)
class Finding:
    detector: str
    category: str
    reason: str
    span: tuple[int, int] | None = None
    score: float = 1.0
    # The least the policy must do for this finding; None: the category's default.
    action: str | None = None
    priority: str | None = None
    # Model scores behind the finding, by label.
    scores: dict[str, float] = field(default_factory=dict)
    # Anything else a reader of the finding may use: the concepts behind it, and for a weak
    # grooming signal (category "", never flags alone) its name under "signal".
    details: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "detector": self.detector,
            "category": self.category,
            "reason": self.reason,
            "span": list(self.span) if self.span else None,
            "score": round(self.score, 4),
        }


class ScorerUnavailable(Exception):
    """A model behind a detector could not score (missing, crashed, timed out, out of memory)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class Detector(abc.ABC):
    """Base class: subclasses set `name` and implement `detect`."""

    name = "detector"
    # A detector that runs a model: left out with `--no-ml`, scored in batches by the worker.
    uses_model = False
    # A second opinion beside the rules: its finding of a category another detector already found
    # for the message is dropped, unless it asks for a higher priority (moderation.pipeline).
    supplementary = False

    def __init__(self, **options) -> None:
        self.options = options
        # The concept lexicon the concept rules read; the pipeline sets the configured one.
        self.lexicon: Lexicon = load_lexicon()

    @abc.abstractmethod
    def detect(self, text: Normalized, context: Context) -> list[Finding]:
        """Findings for one normalised text; never raises for bad content."""

    def detect_batch(
        self, texts: Sequence[Normalized], contexts: Sequence[Context]
    ) -> list[list[Finding]]:
        return [self.detect(t, c) for t, c in zip(texts, contexts, strict=True)]


@dataclass(frozen=True)
class Rule:
    """One pattern over one view of the text, and what a match means."""

    pattern: re.Pattern[str]
    reason: str
    category: str
    score: float = 0.9
    view: str = "words"
    action: str | None = None
    priority: str | None = None
    # Only when the sender is an adult (True), a student (False), or anyone (None).
    adult_sender: bool | None = None
    # Concept stand-downs, as a concept rule's `none_of` (`concepts.stood_down`): read only by a
    # detector that passes `apply_rules` a `stood_down` test.
    none_of: tuple[str | tuple[str, ...], ...] = ()


def compile_words(*parts: str) -> re.Pattern[str]:
    """A case-insensitive pattern from alternatives, each bounded by word edges."""
    return re.compile(r"(?<![\w])(?:" + "|".join(parts) + r")(?![\w])")


def apply_rules(
    detector: str,
    rules: Iterable[Rule],
    text: Normalized,
    context: Context,
    stood_down: Callable[[Rule], bool] | None = None,
) -> list[Finding]:
    findings: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    for rule in rules:
        if rule.adult_sender is not None and rule.adult_sender != context.adult_sender:
            continue
        if rule.none_of and stood_down is not None and stood_down(rule):
            continue
        view: View = getattr(text, rule.view)
        m = rule.pattern.search(view.text)
        if m is None or (rule.category, rule.reason) in seen:
            continue
        seen.add((rule.category, rule.reason))
        span = view.span(m.start(), m.end())
        findings.append(
            Finding(
                detector=detector,
                category=rule.category,
                reason=f"{rule.reason}: “{text.original[span[0] : span[1]]}”",
                span=span,
                score=rule.score,
                action=rule.action,
                priority=rule.priority,
            )
        )
    return findings


_WORD = re.compile(r"[a-z]+")


def find_disguised(
    detector: str, text: Normalized, terms: Iterable[str], category: str, reason: str, score=0.85
) -> list[Finding]:
    """Terms written with their letters spread out ("s n a p c h a t", "n.u.d.e.s", zero-width
    characters between letters): looked for inside words of the `words` view whose letters were
    not next to each other in the original. Ordinary words never qualify, so a term hidden inside
    an innocent word ("class hole") is not found."""
    view = text.words
    if not view.spread:
        return []  # no word of the message has its letters spread out
    for m in _WORD.finditer(view.text):
        origin = view.origin[m.start() : m.end()]
        if len(origin) < 4 or all(b - a <= 1 for a, b in itertools.pairwise(origin)):
            continue
        word = m.group(0)
        for term in terms:
            at = word.find(term)
            if at >= 0:
                span = view.span(m.start() + at, m.start() + at + len(term))
                return [
                    Finding(
                        detector=detector,
                        category=category,
                        reason=f"{reason}: “{text.original[span[0] : span[1]]}”",
                        span=span,
                        score=score,
                    )
                ]
    return []
