"""Moderation writes. `message_screen` is the one entry point messaging calls on every new message.

Until the detector pipeline lands this is a pass-through with the final interface: it decides the
message's state inside the sending transaction.
"""

from messaging.models import Message


def message_screen(*, message: Message) -> Message:
    """Decide a freshly inserted message's state (inside the sender's transaction)."""
    message.state = Message.State.DELIVERED
    message.save(update_fields=["state"])
    return message
