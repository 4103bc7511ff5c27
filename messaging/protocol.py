"""The websocket protocol's client frames: their shapes and a parser that names what is wrong.

Pure: text in, a validated dict or a ProtocolError out. docs/protocol.md describes every event.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.utils.translation import gettext


class ProtocolError(Exception):
    """A frame the server cannot act on. `code` is machine-readable, `detail` names the problem."""

    def __init__(self, code: str, detail: str, *, field: str | None = None, ref=None):
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.field = field
        self.ref = ref


@dataclass(frozen=True)
class Field:
    kind: type
    required: bool = True
    nullable: bool = False
    max_len: int | None = None
    minimum: int | None = None
    maximum: int | None = None


# Ids and sequence numbers are 64-bit in the database.
INT_MAX = 2**63 - 1
REF_MAX = 64
REF = Field(str, required=False, max_len=REF_MAX)
CONVERSATION = Field(int, minimum=1)
SEQ = Field(int, minimum=0)
# A page is at most 200 messages (messaging.selectors.PAGE_MAX); more is refused, not capped.
LIMIT_MAX = 200
LIMIT = Field(int, required=False, minimum=1, maximum=LIMIT_MAX)

# Every client event and its fields. Any field not listed is refused, so that a typo is reported
# rather than silently ignored.
CLIENT_EVENTS: dict[str, dict[str, Field]] = {
    "send": {
        "conversation": CONVERSATION,
        # Lengths of client_id and body are the domain's rules (messaging.services).
        # Only types here.
        "client_id": Field(str),
        "body": Field(str),
        "ref": REF,
    },
    "resume": {
        "conversation": CONVERSATION,
        "after_seq": SEQ,
        "after_change": Field(int, required=False, minimum=0),
        "limit": LIMIT,
        "ref": REF,
    },
    "history": {
        "conversation": CONVERSATION,
        "before_seq": Field(int, required=False, nullable=True, minimum=1),
        "limit": LIMIT,
        "ref": REF,
    },
    "read": {"conversation": CONVERSATION, "seq": SEQ, "ref": REF},
    "typing": {"conversation": CONVERSATION, "ref": REF},
    "conversations": {"ref": REF},
    "ping": {"ref": REF},
}


def _type_name(kind: type) -> str:
    return {int: gettext("an integer"), str: gettext("a string")}.get(kind, kind.__name__)


def parse_frame(text: str) -> dict:
    """Decode one text frame into a validated event dict (always with "type")."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise ProtocolError("invalid_json", gettext("The frame is not valid JSON.")) from exc
    if not isinstance(data, dict):
        raise ProtocolError("invalid_frame", gettext("The frame must be a JSON object."))
    # Echoed in the answer only when it is a valid ref: a bad value is never sent back.
    ref = data.get("ref")
    if not isinstance(ref, str) or len(ref) > REF_MAX:
        ref = None
    kind = data.get("type")
    if not isinstance(kind, str):
        raise ProtocolError(
            "missing_field", gettext("The frame has no 'type'."), field="type", ref=ref
        )
    schema = CLIENT_EVENTS.get(kind)
    if schema is None:
        raise ProtocolError(
            "unknown_type",
            gettext("Unknown event type %(type)r.") % {"type": kind[:40]},
            ref=ref,
        )
    extra = sorted(set(data) - set(schema) - {"type"})
    if extra:
        raise ProtocolError(
            "unexpected_field",
            gettext("Unexpected field %(field)r for %(type)r.")
            % {"field": extra[0][:40], "type": kind},
            field=extra[0][:40],
            ref=ref,
        )
    for name, spec in schema.items():
        if name not in data:
            if spec.required:
                raise ProtocolError(
                    "missing_field",
                    gettext("%(type)r needs %(field)r.") % {"type": kind, "field": name},
                    field=name,
                    ref=ref,
                )
            continue
        value = data[name]
        if value is None and spec.nullable:
            continue
        # bool is an int in Python, never in this protocol.
        if not isinstance(value, spec.kind) or isinstance(value, bool):
            raise ProtocolError(
                "wrong_type",
                gettext("%(field)r must be %(kind)s.")
                % {"field": name, "kind": _type_name(spec.kind)},
                field=name,
                ref=ref,
            )
        if spec.max_len is not None and len(value) > spec.max_len:
            raise ProtocolError(
                "wrong_type",
                gettext("%(field)r is longer than %(max)s characters.")
                % {"field": name, "max": spec.max_len},
                field=name,
                ref=ref,
            )
        if spec.kind is int and value > INT_MAX:
            raise ProtocolError(
                "wrong_type",
                gettext("%(field)r is out of range.") % {"field": name},
                field=name,
                ref=ref,
            )
        if spec.minimum is not None and value < spec.minimum:
            raise ProtocolError(
                "wrong_type",
                gettext("%(field)r must be at least %(minimum)s.")
                % {"field": name, "minimum": spec.minimum},
                field=name,
                ref=ref,
            )
        if spec.maximum is not None and value > spec.maximum:
            raise ProtocolError(
                "wrong_type",
                gettext("%(field)r must be at most %(maximum)s.")
                % {"field": name, "maximum": spec.maximum},
                field=name,
                ref=ref,
            )
    return data
