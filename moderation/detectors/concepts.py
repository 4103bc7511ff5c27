"""Concept rules: small patterns over the concepts of `moderation.lexicon`, not over words.

A rule names groups of concepts that must all be present in one clause (or anywhere in the
message), in any order, so one rule reads "an adult in a child's life + an act of harm + the child
(me, my)" in English, Spanish or Spanglish alike ("my stepdad shoved me", "mi padrastro me pega",
"my stepdad me encierra"). Concepts that lower confidence (a book or history lesson being
discussed, a game, laughter) can block a rule; a negation just before the rule's first concept
("never hits me", "nunca me pega") cancels that occurrence.

Weak signals (a rule with `signal` and no category) never flag alone: they ride on the verdict so
that conversation-level accumulation can weigh them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..lexicon import Analysis, Hit, Lexicon, analyse
from ..normalize import Normalized
from .base import Context, Finding

Group = str | tuple[str, ...]
# A stand-down: one concept, or several that stand the rule down only when all are present.
StandDown = str | tuple[str, ...]


@dataclass(frozen=True)
class ConceptRule:
    reason: str
    category: str
    all_of: tuple[Group, ...]
    # Stand-downs: a concept present (and not voided, `VOIDED_BY`) stands the rule down; a tuple
    # of concepts stands it down only when every one of them is present and not voided
    # (("identity_noun", "kindness"): a coming-out told with a parent's kindness).
    none_of: tuple[StandDown, ...] = ()
    scope: str = "clause"  # or "message"
    score: float = 0.85
    action: str | None = None
    priority: str | None = None
    adult_sender: bool | None = None
    negatable: bool = True
    # The other groups must start within this many tokens of the first group's hit (one number
    # for all, or one per other group).
    window: int | tuple[int, ...] | None = None
    # A weak signal's name; with category "" the finding never flags by itself.
    signal: str | None = None
    # What the finding is, for the policy ("threat": a threat of violence to a person, urgent).
    kind: str | None = None

    def __post_init__(self) -> None:
        # What `match` tests first, as sets built once (not fields: no part of the rule's
        # identity): each group's concepts, each stand-down's concepts (all needed), and every
        # concept any stand-down names (a message with none of them is never stood down).
        groups = tuple(frozenset(_alternatives(g)) for g in self.all_of)
        stand_downs = tuple(frozenset(_alternatives(s)) for s in self.none_of)
        object.__setattr__(self, "group_sets", groups)
        object.__setattr__(self, "stand_downs", stand_downs)
        object.__setattr__(self, "blocking", frozenset().union(*stand_downs))


NEGATION = "negation"
# A concept that takes away another's power to stand a rule down: "no es broma", "I'm not
# joking" say that the laughter a word like "broma" or "joking" would bring is not there.
# A game named only to deny it ("the marks aren't from volleyball") or as the abuser's cover
# ("dice que es un juego") does not make the message about a game.
# Words that only look like a story: a place ("the film room") or watching ("reading every
# word") do not make the message about a book or a film.
# A meeting "not at school" or "away from school" is not at the school's library.
# An adult named in the message ("my mom won't let me eat, she says I don't deserve it") takes
# away the child's own choice's power to stand a neglect rule down: the adult keeps the finding.
# A parent's kindness at a coming-out stands nothing down once an act of harm, an injury or
# being put out of the house is named. Someone else's words reported ("people say ...") are the
# sender's own once the sender agrees with them ("and they're right"). A concept may be voided by
# any of several.
VOIDED_BY: dict[str, str | tuple[str, ...]] = {
    "laughter": "serious",
    "play": "not_a_game",
    "literature": "not_a_story",
    "school_venue": "outside_school",
    "self_denial": "abuser_adult",
    "deny_food": "abuser_adult",
    "kindness": ("harm_act", "severe_act", "injury", "kicked_out"),
    "reported_speech": "endorse",
    # A gift for the student's people kept from them until it is given is a surprise, unless being
    # alone, unseen, picked up or photographed comes with it.
    "family_gift": ("alone_check", "who_home", "just_us", "unwatched", "pickup", "photo_request"),
}


def voided(concept: str, present: frozenset[str]) -> bool:
    """Something present takes away the concept's power to stand a rule down."""
    by = VOIDED_BY.get(concept, ())
    return (by in present) if isinstance(by, str) else not present.isdisjoint(by)


_SENTENCE_END = re.compile(r"[.!?;\n]")


def _alternatives(group: Group) -> tuple[str, ...]:
    return (group,) if isinstance(group, str) else group


# "why don't we ..." / "¿por qué no ...?" propose the act rather than deny it.
SUGGESTION = "suggestion"


def negated(a: Analysis, hit: Hit) -> bool:
    proposals = a.by_concept.get(SUGGESTION, ())
    return any(
        n.clause == hit.clause
        and hit.start - 3 <= n.end - 1 < hit.start
        and not any(s.start <= n.start < s.end for s in proposals)
        for n in a.by_concept.get(NEGATION, ())
    )


def _group_hits(a: Analysis, group: Group, clause: int | None) -> list[Hit]:
    out: list[Hit] = []
    for concept in _alternatives(group):
        hits = a.by_concept.get(concept, ())
        out.extend(h for h in hits if clause is None or h.clause == clause)
    return out


def _near(window: int | None, hit: Hit, hits: list[Hit]) -> bool:
    if window is None:
        return bool(hits)
    return any(abs(h.start - hit.start) <= window and h is not hit for h in hits)


def _windows(rule: ConceptRule) -> tuple[int | None, ...]:
    if isinstance(rule.window, tuple):
        return rule.window
    return (rule.window,) * (len(rule.all_of) - 1)


def _stands_down(concepts: frozenset[str], present: frozenset[str]) -> bool:
    """Every concept of one stand-down is present, and none of them is voided."""
    return all(c in present and not voided(c, present) for c in concepts)


def stood_down(none_of: Iterable[StandDown], a: Analysis) -> bool:
    """One of the stand-downs holds in the message (a pattern rule's `none_of`, read the way a
    concept rule's is)."""
    return any(_stands_down(frozenset(_alternatives(s)), a.present) for s in none_of)


def match(rule: ConceptRule, a: Analysis) -> Hit | None:
    """The hit of the rule's first group where the rule holds, or None."""
    present = a.present
    for group in rule.group_sets:
        if group.isdisjoint(present):
            return None
    if not rule.blocking.isdisjoint(present) and any(
        _stands_down(s, present) for s in rule.stand_downs
    ):
        return None
    first = _group_hits(a, rule.all_of[0], None)
    if rule.negatable:
        first = [h for h in first if not negated(a, h)]
    for hit in first:
        clause = hit.clause if rule.scope == "clause" else None
        groups = zip(rule.all_of[1:], _windows(rule), strict=True)
        if all(_near(w, hit, _group_hits(a, g, clause)) for g, w in groups):
            return hit
    return None


def apply_concept_rules(
    detector: str,
    rules: Iterable[ConceptRule],
    text: Normalized,
    context: Context,
    lexicon: Lexicon,
    analysis: Analysis | None = None,
) -> list[Finding]:
    """The findings of `rules` that hold in the message: over its concepts (`analysis`, the
    concepts as a detector reads them, when it reads some of them away; the lexicon's otherwise)."""
    a = analysis if analysis is not None else analyse(text, lexicon)
    findings: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    for rule in rules:
        if rule.adult_sender is not None and rule.adult_sender != context.adult_sender:
            continue
        key = (rule.category, rule.signal or rule.reason)
        if key in seen:
            continue
        hit = match(rule, a)
        if hit is None:
            continue
        seen.add(key)
        span = a.span(hit)
        details = {"concepts": [_first_concept(rule, a, hit)]}
        if rule.signal:
            details["signal"] = rule.signal
        if rule.kind:
            details["kind"] = rule.kind
        findings.append(
            Finding(
                detector=detector,
                category=rule.category,
                reason=f"{rule.reason}: “{text.original[span[0] : span[1]]}”",
                span=span,
                score=rule.score,
                action=rule.action,
                priority=rule.priority,
                details=details,
            )
        )
    return findings


def _first_concept(rule: ConceptRule, a: Analysis, hit: Hit) -> str:
    return hit.concept


def asks_to_report(a: Analysis) -> bool:
    """Someone else asking the student for something, and telling staff or a trusted adult about
    it, in one message."""
    return a.has("if_someone") and a.has("asks_you_to") and a.has("report_staff")


def reporting_advice(a: Analysis, text: str) -> Callable[[Finding], bool]:
    """Advice to report a request: someone else asking the student for something, and telling
    staff or a trusted adult about it ("if anyone online asks you to move to another app, tell
    your coordinator"; "si alguien te pide tu número, avísale a la coordinadora"). Returns a test
    for a finding: true when what it found is the object of that request (after "asks you to" in
    the same sentence), so the thing is named to be reported, not offered. Anything before the
    advice, or in another sentence ("add me on insta. if anyone asks you to delete it, tell me"),
    stays a finding."""
    if not asks_to_report(a):
        return _never
    starts = [a.span(hit)[0] for hit in a.by_concept.get("asks_you_to", ())]
    if not starts:
        return _never

    def reported(finding: Finding) -> bool:
        if finding.span is None:
            return False
        at = finding.span[0]
        return any(start <= at and not _SENTENCE_END.search(text, start, at) for start in starts)

    return reported


def _never(_finding: Finding) -> bool:
    return False


def signals(findings: Iterable[Finding]) -> set[str]:
    return {f.details["signal"] for f in findings if f.details.get("signal")}
