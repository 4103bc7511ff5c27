"""Conversation-level grooming risk: weak signals that add up over a sliding window.

Pure (no database, no settings): the caller passes a window of messages with the signals found in
each (moderation/conversation_signals.py) and the district's parameters, and gets back a score,
whether it reached the threshold, and each contributing message with its signal and its share of
the score.

The score, for one sender (the highest sender's score is the conversation's):

1. Only messages in the grooming direction count: from a mentor (an adult, or a peer mentor, who
   is the older side of a peer match) or another adult who is not a student, to a conversation
   with a student or a minor in it. A student's words to a mentor never count.
2. Each signal is worth its lexicon weight (0-1), halved every `half_life` of age (by default
   half the window), and nothing once older than the window.
3. Within one family the values are taken largest first with diminishing returns (each repeat is
   worth `repeat_factor` times the one before) and the family is capped at `family_cap`. One topic
   repeated, however often, stays below any sensible threshold: it takes several families.
4. The families' sum is multiplied by `1 + diversity_bonus * (families - 1)`: distinct kinds of
   signal are what a pattern looks like; one kind repeated is what a topic looks like.

Every contribution's score is its share after all four steps, so the contributions add up to the
total shown to moderators.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

DEFAULT_WINDOW_DAYS = 14
DEFAULT_THRESHOLD = 3.0


@dataclass(frozen=True)
class Signal:
    family: str
    signal: str
    weight: float


@dataclass(frozen=True)
class WindowMessage:
    """One message of the window and what is known about its direction."""

    message_id: int
    at: datetime.datetime
    sender_id: int
    sender_role: str  # student | mentor | moderator | coordinator
    sender_is_adult: bool
    to_student: bool  # a student is among the other members
    to_minor: bool  # a minor is among the other members
    signals: tuple[Signal, ...]


@dataclass(frozen=True)
class RiskParams:
    window: datetime.timedelta = datetime.timedelta(days=DEFAULT_WINDOW_DAYS)
    threshold: float = DEFAULT_THRESHOLD
    half_life: datetime.timedelta | None = None  # None: half the window
    repeat_factor: float = 0.5
    family_cap: float = 1.5
    diversity_bonus: float = 0.2

    @property
    def effective_half_life(self) -> datetime.timedelta:
        return self.half_life or self.window / 2


@dataclass(frozen=True)
class Contribution:
    message_id: int
    at: datetime.datetime
    family: str
    signal: str
    weight: float
    score: float

    def as_dict(self) -> dict:
        return {
            "message": self.message_id,
            "at": self.at.isoformat(),
            "family": self.family,
            "signal": self.signal,
            "weight": self.weight,
            "score": round(self.score, 3),
        }


@dataclass(frozen=True)
class Risk:
    score: float
    threshold: float
    reached: bool
    sender_id: int | None
    families: dict[str, float] = field(default_factory=dict)
    contributions: tuple[Contribution, ...] = ()


def direction_counts(message: WindowMessage) -> bool:
    """Whether a message is in the direction grooming goes: an adult or a mentor (peer mentors
    included) writing where a student or a minor reads. Students' messages never count."""
    if message.sender_role == "student":
        return False
    if not (message.sender_is_adult or message.sender_role == "mentor"):
        return False
    return message.to_student or message.to_minor


def _sender_risk(
    messages: list[WindowMessage], now: datetime.datetime, params: RiskParams
) -> tuple[float, dict[str, float], list[Contribution]]:
    half_life = params.effective_half_life.total_seconds()
    by_family: dict[str, list[tuple[float, WindowMessage, Signal]]] = defaultdict(list)
    for message in messages:
        age = max((now - message.at).total_seconds(), 0.0)
        if age > params.window.total_seconds():
            continue
        decay = 0.5 ** (age / half_life) if half_life > 0 else 1.0
        for signal in message.signals:
            by_family[signal.family].append((signal.weight * decay, message, signal))
    families: dict[str, float] = {}
    shares: list[tuple[float, WindowMessage, Signal]] = []
    for family, values in by_family.items():
        # Largest first; ties by time so that the result does not depend on input order.
        values.sort(key=lambda v: (-v[0], v[1].at, v[1].message_id))
        diminished = [v * params.repeat_factor**i for i, (v, _, _) in enumerate(values)]
        total = sum(diminished)
        scale = min(1.0, params.family_cap / total) if total > 0 else 0.0
        families[family] = total * scale
        shares.extend(
            (d * scale, message, signal)
            for d, (_, message, signal) in zip(diminished, values, strict=True)
        )
    distinct = sum(1 for value in families.values() if value > 0)
    multiplier = 1 + params.diversity_bonus * max(distinct - 1, 0)
    contributions = [
        Contribution(
            message_id=message.message_id,
            at=message.at,
            family=signal.family,
            signal=signal.signal,
            weight=signal.weight,
            score=share * multiplier,
        )
        for share, message, signal in shares
    ]
    contributions.sort(key=lambda c: (c.at, c.message_id, c.family, c.signal))
    score = sum(families.values()) * multiplier
    return score, {f: v * multiplier for f, v in families.items()}, contributions


def conversation_risk(
    messages: Iterable[WindowMessage],
    *,
    now: datetime.datetime,
    params: RiskParams | None = None,
    new_after: datetime.datetime | None = None,
) -> Risk:
    """The conversation's risk at `now` from the messages of its window.

    `new_after`: the threshold counts as reached only if some contribution is newer than this
    (after a moderator dismissed a pattern item, the same signals do not raise it again; a new
    signal does, and then the whole window counts).
    """
    params = params or RiskParams()
    per_sender: dict[int, list[WindowMessage]] = defaultdict(list)
    for message in messages:
        if message.signals and direction_counts(message):
            per_sender[message.sender_id].append(message)
    best = Risk(score=0.0, threshold=params.threshold, reached=False, sender_id=None)
    for sender_id, sender_messages in sorted(per_sender.items()):
        score, families, contributions = _sender_risk(sender_messages, now, params)
        if score <= best.score:
            continue
        fresh = new_after is None or any(c.at > new_after for c in contributions)
        best = Risk(
            score=score,
            threshold=params.threshold,
            reached=score >= params.threshold and fresh,
            sender_id=sender_id,
            families=families,
            contributions=tuple(contributions),
        )
    return best
