"""Findings in, one verdict out. Pure: no database, no settings.

The rules, in order of weight:
- self-harm and abuse disclosures are always urgent and flagged (delivered, so the student is heard,
  and queued for staff at once);
- contact details, grooming signals and sexual content are held until a moderator releases them;
- toxicity is flagged (slurs and group attacks at high priority); a threat of violence to a
  person is urgent wherever it is (a finding of kind "threat"), and held when it is at school;
- a finding may ask for more than its category's default (a district keyword set to hold);
- sexual content or grooming from an adult to a student carries both categories;
- a detector that failed, or a model that could not score, never passes a message silently:
  see `apply_unscored`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .detectors.base import Finding
from .models import CATEGORIES

ACTIONS = ("deliver", "flag", "hold")
PRIORITIES = ("low", "normal", "high", "urgent")
URGENT_CATEGORIES = frozenset({"self_harm", "abuse_disclosure"})
# What a finding is (`details["kind"]`), whatever its category: a threat of violence to a person,
# at school or anywhere else, is urgent (issue 11). Where the threat is (a school) decides whether
# the detector also asks for a hold.
URGENT_KINDS = frozenset({"threat"})

# category -> (least action, least priority)
CATEGORY_POLICY = {
    "self_harm": ("flag", "urgent"),
    "abuse_disclosure": ("flag", "urgent"),
    "contact_info": ("hold", "high"),
    "grooming": ("hold", "high"),
    "sexual": ("hold", "high"),
    "toxicity": ("flag", "normal"),
}


def _max(order: tuple[str, ...], a: str, b: str) -> str:
    return a if order.index(a) >= order.index(b) else b


@dataclass
class Verdict:
    action: str = "deliver"
    categories: list[str] = field(default_factory=list)
    priority: str = "low"
    reasons: list[dict] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)
    # False when a model that should have scored the message could not.
    scored: bool = True
    scorer: str = ""
    # The language the message was identified as ("en", "es", ...; "" when too short to tell).
    language: str = ""
    # Lexicon and rule versions that produced the verdict.
    policy_version: str = ""
    # Weak signals (grooming) that do not flag alone: [{"signal", "detector", "span"}].
    signals: list[dict] = field(default_factory=list)
    # The message's conversation-level weak signals (moderation.conversation_signals), found by
    # the pipeline with the rules: [{"family", "signal", "weight", "language"}]. Stored with the
    # verdict; the conversation's risk adds them up (moderation.conversation_risk).
    weak_signals: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "action": self.action,
            "categories": list(self.categories),
            "priority": self.priority,
            "reasons": list(self.reasons),
            "scores": dict(self.scores),
            "language": self.language,
        }


def decide(
    findings: Iterable[Finding],
    *,
    adult_sender: bool = False,
    student_bound: bool = True,
    model_scores: dict[str, float] | None = None,
    failures: Iterable[str] = (),
) -> Verdict:
    verdict = Verdict(scores=dict(model_scores or {}))
    categories: set[str] = set()
    for finding in findings:
        if finding.details.get("signal") and not finding.category:
            verdict.signals.append(
                {
                    "signal": finding.details["signal"],
                    "detector": finding.detector,
                    "span": list(finding.span) if finding.span else None,
                }
            )
        for name in finding.details.get("signals", ()) if finding.category else ():
            verdict.signals.append(
                {
                    "signal": name,
                    "detector": finding.detector,
                    "span": list(finding.span) if finding.span else None,
                }
            )
        if finding.category not in CATEGORY_POLICY:
            continue
        action, priority = CATEGORY_POLICY[finding.category]
        if finding.action in ACTIONS:
            action = _max(ACTIONS, action, finding.action)
        if finding.priority in PRIORITIES:
            priority = _max(PRIORITIES, priority, finding.priority)
        if finding.details.get("kind") in URGENT_KINDS:
            priority = "urgent"
        verdict.action = _max(ACTIONS, verdict.action, action)
        verdict.priority = _max(PRIORITIES, verdict.priority, priority)
        categories.add(finding.category)
        key = finding.category
        verdict.scores[key] = round(max(verdict.scores.get(key, 0.0), finding.score), 4)
        verdict.reasons.append(finding.as_dict())
    if "sexual" in categories and adult_sender and student_bound:
        categories.add("grooming")
    for name in failures:
        # A detector that broke on this message: a person looks at it instead.
        verdict.action = _max(ACTIONS, verdict.action, "flag")
        verdict.priority = _max(PRIORITIES, verdict.priority, "normal")
        verdict.reasons.append(
            {
                "detector": name,
                "category": None,
                "reason": f"detector {name} failed on this message",
                "span": None,
                "score": 0.0,
            }
        )
    if categories & URGENT_CATEGORIES:
        verdict.priority = "urgent"
    verdict.categories = [c for c in CATEGORIES if c in categories]
    return verdict


def apply_unscored(verdict: Verdict, *, unscored_policy: str, student_bound: bool) -> Verdict:
    """The model could not score the message within the time limit: a person reviews it.

    Student-bound messages follow the district's choice (hold or flag); messages to adults only
    are flagged. A verdict already holding keeps holding.
    """
    action = unscored_policy if student_bound and unscored_policy in ("hold", "flag") else "flag"
    verdict.action = _max(ACTIONS, verdict.action, action)
    verdict.priority = _max(PRIORITIES, verdict.priority, "normal")
    verdict.scored = False
    verdict.reasons.append(
        {
            "detector": "toxicity_model",
            "category": None,
            "reason": "toxicity scoring unavailable: sent to human review",
            "span": None,
            "score": 0.0,
        }
    )
    return verdict
