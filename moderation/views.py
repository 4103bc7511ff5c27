"""The review console (under /staff/) and the members' report endpoint. Thin: authenticate, pass
an `access_*` gate, call one service or selector, render.

Anything a user may not see is a 404 (ids are not enumerable); the gate has already written the
refusal to the audit log.
"""

import functools
import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from actions.review import review_pause_match, review_resume_match, review_suspend_user
from messaging.access import ConversationNotFound, access_conversation_as_staff

from .access import (
    NotStaff,
    ReviewItemNotFound,
    StudentNotFound,
    access_alert,
    access_denied_record,
    access_review_item,
    access_staff,
    access_student_as_coordinator,
    access_user_in_district,
)
from .models import Priority, ReviewItem
from .records import student_record_export
from .reports import ReportRejected, help_request_create, report_create
from .review import alerts as review_alerts
from .review.actions import (
    review_bulk,
    review_claim,
    review_dismiss,
    review_escalate,
    review_note,
    review_release,
    review_uphold,
    review_warn_sender,
    staff_conversation_viewed,
)
from .review.payloads import item_summary
from .review_selectors import (
    district_conversations,
    low_priority_flags,
    open_alerts,
    quality_report,
    review_item_detail,
    review_queue,
    service_levels,
    staff_conversation_messages,
)
from .selectors import moderation_settings_changes


class AuditedNotFound(Http404):
    """A 404 whose refusal the access gate has already written to the audit log (with the target
    it names), so a generic audit of 404s can skip it."""

    audited = True


def staff_view(view):
    """Signed in, district staff, never cached; refusals become (already audited) 404s."""

    @functools.wraps(view)
    @login_required
    @never_cache
    def wrapper(request: HttpRequest, *args, **kwargs):
        try:
            access_staff(user=request.user, what=request.path[:64])
            return view(request, *args, **kwargs)
        except (NotStaff, ReviewItemNotFound, StudentNotFound, ConversationNotFound) as exc:
            raise AuditedNotFound from exc

    return wrapper


def _wants_json(request: HttpRequest) -> bool:
    return request.GET.get("format") == "json" or "application/json" in request.headers.get(
        "Accept", ""
    )


# How often an open queue page asks the staff socket for the whole queue (moderation.consumers):
# the longest an item can be missing from an open console when a live event was lost.
QUEUE_REFRESH_SECONDS = 10


@require_GET
@staff_view
def queue(request: HttpRequest) -> HttpResponse:
    user = request.user
    items = review_queue(district_id=user.district_id)
    if _wants_json(request):
        return JsonResponse({"items": [item_summary(i) for i in items]})
    return render(
        request,
        "moderation/queue.html",
        {
            "items": items,
            "low_flags": low_priority_flags(district_id=user.district_id),
            "levels": service_levels(
                district_id=user.district_id,
                urgent_sla_minutes=user.district.urgent_sla_minutes,
            ),
            "alerts": open_alerts(user=user),
            "labels": _queue_labels(user),
            "refresh_seconds": QUEUE_REFRESH_SECONDS,
        },
    )


def _queue_labels(user: User) -> dict:
    """The display names the queue renders, for the rows its script adds live (queue.js), so a
    live row reads as a reloaded one."""
    staff = User.objects.filter(
        district_id=user.district_id, role__in=(User.Role.MODERATOR, User.Role.COORDINATOR)
    )
    return {
        "priority": {str(k): str(v) for k, v in Priority.choices},
        "source": {str(k): str(v) for k, v in ReviewItem.Source.choices},
        "status": {str(k): str(v) for k, v in ReviewItem.Status.choices},
        "staff": {str(u.pk): u.public_name for u in staff},
        "text": {
            "see_alerts": gettext("See alerts"),
            "open_item": gettext("Open item #{id}"),
            "empty": gettext("Nothing waiting for review."),
        },
    }


@require_GET
@staff_view
def item_detail(request: HttpRequest, item_id: int) -> HttpResponse:
    item = access_review_item(user=request.user, item_id=item_id)
    return _render_item(request, item)


def _render_item(
    request: HttpRequest, item, error: str = "", status: int = 200, confirm: dict | None = None
) -> HttpResponse:
    detail = review_item_detail(item=item)
    # The page shows the message and the messages around it: a staff read, recorded as the
    # conversation page records one.
    staff_conversation_viewed(
        actor=request.user, conversation_id=item.conversation_id, item_id=item.pk
    )
    staff = User.objects.filter(
        district_id=request.user.district_id,
        role__in=(User.Role.MODERATOR, User.Role.COORDINATOR),
        is_active=True,
    ).order_by("username")
    return render(
        request,
        "moderation/item.html",
        {
            "d": detail,
            "staff": staff,
            "error": error,
            "confirm": confirm,
            "reads_conversations": request.user.reads_conversations,
        },
        status=status,
    )


def _claim(request, item):
    assignee = None
    if request.POST.get("assignee"):
        try:
            assignee = User.objects.get(
                pk=int(request.POST["assignee"]), district_id=request.user.district_id
            )
        except (User.DoesNotExist, ValueError) as exc:
            raise ValidationError(gettext("Choose a member of your district's staff.")) from exc
    return review_claim(
        item=item, actor=request.user, assignee=assignee, reason=request.POST.get("reason", "")
    )


def _suspend(request, item):
    target = None
    if request.POST.get("user"):
        target = access_user_in_district(user=request.user, target_id=request.POST["user"])
    return review_suspend_user(
        item=item, actor=request.user, reason=request.POST.get("reason", ""), user=target
    )


def _simple(service):
    def run(request, item):
        return service(item=item, actor=request.user, reason=request.POST.get("reason", ""))

    return run


ACTIONS = {
    "claim": _claim,
    "release": _simple(review_release),
    "uphold": _simple(review_uphold),
    "dismiss": _simple(review_dismiss),
    "warn": _simple(review_warn_sender),
    "pause": _simple(review_pause_match),
    "resume": _simple(review_resume_match),
    "suspend": _suspend,
    "escalate": _simple(review_escalate),
    "note": lambda request, item: review_note(
        item=item, actor=request.user, text=request.POST.get("reason", "")
    ),
}


def _needs_second_step(action: str, item) -> bool:
    """Whether the action is destructive enough to be confirmed first (the item page shows the
    step, a JSON client sends confirm=yes)."""
    if action == "dismiss":
        return item.priority == Priority.URGENT
    return action in ("pause", "suspend")


@require_POST
@staff_view
def item_action(request: HttpRequest, item_id: int, action: str) -> HttpResponse:
    item = access_review_item(user=request.user, item_id=item_id)
    if action not in ACTIONS:
        raise Http404
    if _needs_second_step(action, item) and request.POST.get("confirm") != "yes":
        # A destructive action takes a second, explicit step: dismissing an urgent item
        # (self-harm, abuse, grooming), pausing the match, suspending the sender.
        if _wants_json(request):
            return JsonResponse(
                {
                    "error": "confirm",
                    "detail": gettext("Send confirm=yes to %(action)s.") % {"action": action},
                },
                status=409,
            )
        return _render_item(
            request,
            item,
            confirm={
                "action": action,
                "reason": request.POST.get("reason", ""),
                "user": request.POST.get("user", ""),
            },
        )
    try:
        ACTIONS[action](request, item)
    except ValidationError as exc:
        if _wants_json(request):
            return JsonResponse({"error": exc.messages[0]}, status=409)
        item.refresh_from_db()
        return _render_item(request, item, error=exc.messages[0], status=409)
    if _wants_json(request):
        item.refresh_from_db()
        return JsonResponse({"item": item_summary(item)})
    return redirect("moderation:item", item_id=item.pk)


@require_POST
@staff_view
def bulk(request: HttpRequest) -> HttpResponse:
    items = []
    for raw in request.POST.getlist("items")[:200]:
        try:
            items.append(access_review_item(user=request.user, item_id=raw))
        except ReviewItemNotFound:
            continue  # audited by the gate; the rest of the page still proceeds
    try:
        result = review_bulk(
            items=items,
            actor=request.user,
            action=request.POST.get("action", ""),
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as exc:
        return JsonResponse({"error": exc.messages[0]}, status=400)
    if _wants_json(request):
        return JsonResponse({"done": result.done, "refused": result.refused})
    return redirect("moderation:queue")


@require_GET
@staff_view
def conversations(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "moderation/conversations.html",
        {
            "conversations": district_conversations(district_id=request.user.district_id),
            "reads_conversations": request.user.reads_conversations,
        },
    )


@require_GET
@staff_view
def conversation(request: HttpRequest, conversation_id: int) -> HttpResponse:
    try:
        conv = access_conversation_as_staff(user=request.user, conversation_id=conversation_id)
    except ConversationNotFound:
        access_denied_record(
            user=request.user,
            target_type="conversation",
            target_id=conversation_id,
            why="outside district"
            if request.user.reads_conversations
            else "reading conversations not granted",
        )
        raise
    staff_conversation_viewed(actor=request.user, conversation_id=conv.pk)
    # `?before=<seq>`: the page ending just before that message (links from a pattern item).
    before = request.GET.get("before", "")
    before_seq = int(before) if before.isdigit() else None
    messages = staff_conversation_messages(conversation=conv, before_seq=before_seq)
    return render(
        request, "moderation/conversation.html", {"conversation": conv, "messages": messages}
    )


@require_GET
@staff_view
def service_levels_report(request: HttpRequest) -> HttpResponse:
    district = request.user.district
    rows = service_levels(district_id=district.pk, urgent_sla_minutes=district.urgent_sla_minutes)
    if _wants_json(request):
        return JsonResponse({"urgent_sla_minutes": district.urgent_sla_minutes, "rows": rows})
    return render(request, "moderation/service_levels.html", {"rows": rows, "district": district})


@require_GET
@staff_view
def quality(request: HttpRequest) -> HttpResponse:
    rows = quality_report(district_id=request.user.district_id)
    if _wants_json(request):
        return JsonResponse({"rows": rows})
    return render(request, "moderation/quality.html", {"rows": rows})


@require_GET
@staff_view
def student_record(request: HttpRequest, student_id: int, fmt: str) -> HttpResponse:
    student = access_student_as_coordinator(user=request.user, student_id=student_id)
    body, content_type = student_record_export(actor=request.user, student=student, fmt=fmt)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="student-{student.pk}.{fmt}"'
    return response


@require_GET
@staff_view
def alerts(request: HttpRequest) -> HttpResponse:
    rows = [_alert_row(alert) for alert in open_alerts(user=request.user)]
    # The excerpts are message content: a staff read of each conversation, recorded as the item
    # page records one.
    for row in rows:
        staff_conversation_viewed(
            actor=request.user,
            conversation_id=row["alert"].item.conversation_id,
            item_id=row["alert"].item_id,
        )
    return render(request, "moderation/alerts.html", {"rows": rows})


EXCERPT_CHARS = 80


def _alert_row(alert) -> dict:
    """What a safeguarding lead needs to act on an alert at a glance: the student, the
    categories and a short excerpt of the message (or of the report's reason)."""
    item = alert.item
    match = item.conversation.match
    text = item.message.body if item.message_id else ""
    report = getattr(item, "report", None) if item.source == ReviewItem.Source.REPORT else None
    if not text and report is not None:
        text = report.reason
    text = " ".join(text.split())
    excerpt = text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1].rstrip() + "…"
    return {
        "alert": alert,
        "student": match.student if match is not None else None,
        "categories": [c.replace("_", " ") for c in item.categories],
        "excerpt": excerpt,
    }


@require_POST
@staff_view
def alert_acknowledge(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = access_alert(user=request.user, alert_id=alert_id)
    review_alerts.alert_acknowledge(alert=alert, actor=request.user)
    return redirect("moderation:alerts")


@require_GET
@staff_view
def settings_changes(request: HttpRequest) -> HttpResponse:
    rows = moderation_settings_changes(district_id=request.user.district_id)
    zone = request.user.district.timezone
    return render(request, "moderation/settings_changes.html", {"rows": rows, "zone": zone})


# -- members -------------------------------------------------------------------------------------


@require_POST
@login_required
@never_cache
def report(request: HttpRequest) -> JsonResponse:
    """A member reports a message or a person: JSON {conversation, message?, subject?, reason};
    or asks staff for help: {conversation, help: true, reason}."""
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            return JsonResponse(
                {"error": "invalid", "detail": gettext("Invalid JSON.")}, status=400
            )
        if not isinstance(data, dict):
            return JsonResponse(
                {"error": "invalid", "detail": gettext("Send a JSON object.")}, status=400
            )
    else:
        data = request.POST
    try:
        if data.get("help") in (True, "true", "1", "on"):
            filed = help_request_create(
                reporter=request.user,
                conversation_id=data.get("conversation"),
                reason=data.get("reason", ""),
            )
        else:
            filed = report_create(
                reporter=request.user,
                conversation_id=data.get("conversation"),
                message_id=data.get("message"),
                subject_id=data.get("subject"),
                reason=data.get("reason", ""),
            )
    except ConversationNotFound as exc:
        raise Http404 from exc
    except ReportRejected as exc:
        return JsonResponse({"error": exc.code, "detail": exc.messages[0]}, status=400)
    return JsonResponse(
        {"report": filed.pk, "paused_match": filed.paused_match},
        status=201,
    )
