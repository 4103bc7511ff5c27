"""Per-socket delivery order for message events. Pure bookkeeping, no I/O.

Sequence numbers are allocated under the conversation's row lock, so message N is committed before
message N+1 exists. Their after-commit events, however, leave from different server processes and
may reach a socket in either order. A socket therefore delivers a conversation's messages in
sequence order: an event that skips ahead means the messages in between are already stored, and
the consumer fetches them from the database first; an event for a sequence number already
delivered in the same state is a duplicate and is dropped. A later state of a delivered message
(pending -> delivered, held -> released) is an update and is passed on.
"""

from __future__ import annotations

from collections import OrderedDict
from enum import Enum

RECENT_PER_CONVERSATION = 512


class Arrival(Enum):
    """How an arriving message event stands to what the socket delivered (DeliveryOrder.check)."""

    NEXT = "next"  # deliver
    GAP = "gap"  # fill from the database first, then deliver
    DUPLICATE = "duplicate"  # drop
    UPDATE = "update"  # an earlier message in a new state: deliver


class DeliveryOrder:
    def __init__(self) -> None:
        self._through: dict[int, int] = {}
        self._recent: dict[int, OrderedDict[int, str]] = {}

    def through(self, conversation: int) -> int | None:
        """Everything up to this seq was delivered or is not this user's to see; None: unknown."""
        return self._through.get(conversation)

    def baseline(self, conversation: int, seq: int) -> None:
        """The socket starts at `seq` (what the client learns from the hello); earlier ones come
        by resume, not live."""
        self.cover(conversation, seq)

    def cover(self, conversation: int, seq: int) -> None:
        self._through[conversation] = max(self._through.get(conversation, 0), seq)

    def check(self, message: dict) -> Arrival:
        conversation, seq = message["conversation"], message["seq"]
        through = self._through.get(conversation)
        if through is None or seq == through + 1:
            return Arrival.NEXT
        if seq > through + 1:
            return Arrival.GAP
        if self._recent.get(conversation, {}).get(seq) == message["state"]:
            return Arrival.DUPLICATE
        return Arrival.UPDATE

    def delivered(self, message: dict) -> None:
        conversation, seq = message["conversation"], message["seq"]
        recent = self._recent.setdefault(conversation, OrderedDict())
        recent[seq] = message["state"]
        recent.move_to_end(seq)
        while len(recent) > RECENT_PER_CONVERSATION:
            recent.popitem(last=False)
        through = self._through.get(conversation)
        if through is None or seq == through + 1:
            self._through[conversation] = seq
