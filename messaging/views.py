"""The JSON API beside the socket, for clients that cannot hold a websocket.

Same permission gate, same services, same idempotency as messaging.consumers; docs/protocol.md
describes both. Session authentication with CSRF enforced (send the page's csrf-token meta value
in an X-CSRFToken header); errors are JSON: {"error": {"code": ..., "detail": ...}}.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging

from django.db import DatabaseError, InterfaceError
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from actions.messages import message_send

from . import limits, realtime, selectors, services
from .access import ConversationNotFound, access_conversation_as_member
from .protocol import INT_MAX, LIMIT_MAX

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024
STATUS_FOR_CODE = {"conflict": 409, "closed": 409}


class BadRequest(Exception):
    def __init__(self, code: str, detail: str, status: int = 400, *, field: str | None = None):
        super().__init__(detail)
        self.code, self.detail, self.status, self.field = code, detail, status, field


def _error(code: str, detail: str, status: int, **extra) -> JsonResponse:
    response = JsonResponse({"error": {"code": code, "detail": detail, **extra}}, status=status)
    if status == 503:
        response["Retry-After"] = "5"
    return response


def api(view):
    """Authentication, JSON errors and the fault mapping shared by every endpoint."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, conversation_id: int | None = None, **kwargs):
        if not request.user.is_authenticated:
            return _error("unauthenticated", gettext("Sign in first."), 401)
        try:
            return view(request, conversation_id=conversation_id, **kwargs)
        except ConversationNotFound:
            with contextlib.suppress(DatabaseError, InterfaceError):
                services.conversation_access_denied_record(
                    user=request.user, conversation_id=conversation_id, via=f"http.{view.__name__}"
                )
            return _error("not_found", gettext("No such conversation."), 404)
        except services.MessageRejected as exc:
            code = exc.code or "invalid"
            return _error(code, exc.messages[0], STATUS_FOR_CODE.get(code, 400))
        except limits.RateLimited as exc:
            realtime.stats["rate_limited"] += 1
            response = _error(
                "rate_limited", gettext("Too many messages; slow down and resend."), 429
            )
            response["Retry-After"] = str(exc.retry_after_seconds)
            return response
        except BadRequest as exc:
            extra = {"field": exc.field} if exc.field else {}
            return _error(exc.code, exc.detail, exc.status, **extra)
        except (DatabaseError, InterfaceError) as exc:
            realtime.stats["db_unavailable"] += 1
            logger.warning("database unavailable in api %s: %s", view.__name__, type(exc).__name__)
            return _error("unavailable", gettext("The service is unavailable; retry shortly."), 503)

    return never_cache(wrapper)


def _int_param(
    request: HttpRequest, name: str, *, default=None, minimum: int = 0, maximum: int = INT_MAX
):
    raw = request.GET.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or int(raw) > maximum or int(raw) < minimum:
        if maximum < INT_MAX:
            detail = gettext("%(field)r must be an integer from %(minimum)s to %(maximum)s.") % {
                "field": name,
                "minimum": minimum,
                "maximum": maximum,
            }
        else:
            detail = gettext("%(field)r must be an integer of at least %(minimum)s.") % {
                "field": name,
                "minimum": minimum,
            }
        raise BadRequest("wrong_type", detail, field=name)
    return int(raw)


def _json_body(request: HttpRequest, fields: dict[str, type]) -> dict:
    if len(request.body) > MAX_BODY_BYTES:
        raise BadRequest("too_large", gettext("The request body is too large."), 413)
    try:
        data = json.loads(request.body)
    except (ValueError, RecursionError) as exc:
        raise BadRequest("invalid_json", gettext("The body is not valid JSON.")) from exc
    if not isinstance(data, dict):
        raise BadRequest("invalid_frame", gettext("The body must be a JSON object."))
    extra = sorted(set(data) - set(fields))
    if extra:
        raise BadRequest(
            "unexpected_field",
            gettext("Unexpected field %(field)r.") % {"field": extra[0][:40]},
        )
    for name, kind in fields.items():
        if name not in data:
            raise BadRequest("missing_field", gettext("%(field)r is required.") % {"field": name})
        if not isinstance(data[name], kind) or isinstance(data[name], bool):
            raise BadRequest(
                "wrong_type", gettext("%(field)r has the wrong type.") % {"field": name}
            )
    return data


@require_http_methods(["GET"])
@api
def conversations(request: HttpRequest, conversation_id=None) -> JsonResponse:
    return JsonResponse({"conversations": selectors.conversations_for_user(user=request.user)})


@require_http_methods(["GET", "POST"])
@api
def messages(request: HttpRequest, conversation_id: int) -> JsonResponse:
    if request.method == "POST":
        return _send(request, conversation_id)
    after = _int_param(request, "after_seq")
    after_change = _int_param(request, "after_change")
    before = _int_param(request, "before_seq", minimum=1)
    limit = _int_param(request, "limit", default=50, minimum=1, maximum=LIMIT_MAX)
    if after is not None and before is not None:
        raise BadRequest("invalid", gettext("Give after_seq or before_seq, not both."))
    if after_change is not None and after is None:
        raise BadRequest("invalid", gettext("after_change goes with after_seq."))
    conversation = access_conversation_as_member(user=request.user, conversation_id=conversation_id)
    if after is not None:
        return JsonResponse(
            selectors.resume_page(
                user=request.user,
                conversation=conversation,
                after_seq=after,
                limit=limit,
                after_change=after_change,
            )
        )
    return JsonResponse(
        selectors.history_page(
            user=request.user, conversation=conversation, before_seq=before, limit=limit
        )
    )


def _send(request: HttpRequest, conversation_id: int) -> JsonResponse:
    data = _json_body(request, {"client_id": str, "body": str})
    result = message_send(
        sender=request.user,
        conversation_id=conversation_id,
        client_id=data["client_id"],
        body=data["body"],
    )
    message = result.message
    return JsonResponse(realtime.ack_payload(message), status=201 if result.created else 200)


@require_http_methods(["POST"])
@api
def read(request: HttpRequest, conversation_id: int) -> JsonResponse:
    data = _json_body(request, {"seq": int})
    if data["seq"] < 0 or data["seq"] > INT_MAX:
        raise BadRequest(
            "wrong_type", gettext("%(field)r must be a non-negative integer.") % {"field": "seq"}
        )
    marker = services.messages_mark_read(
        user=request.user, conversation_id=conversation_id, seq=data["seq"]
    )
    return JsonResponse({"conversation": conversation_id, "user": request.user.pk, "seq": marker})
