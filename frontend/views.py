from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.models import Program, User
from messaging.access import ConversationNotFound, access_conversation_as_member
from messaging.cadence import program_week as week_of
from messaging.cadence import program_week_overview
from messaging.selectors import conversations_for_user

from . import health as health_checks


@login_required
@never_cache
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "frontend/home.html",
        {"conversations": conversations_for_user(user=request.user)},
    )


@login_required
@never_cache
def conversation(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """One conversation; the page's module (static/frontend/conversation.js) speaks the socket."""
    try:
        found = access_conversation_as_member(user=request.user, conversation_id=conversation_id)
    except ConversationNotFound as exc:
        raise Http404 from exc
    return render(request, "frontend/conversation.html", {"conversation": found})


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The 404 page (`handler404`, and in debug mode frontend.middleware): it says nothing about
    the site's URLs or what was asked for."""
    return render(request, "404.html", status=404)


@require_GET
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    checks = {
        "database": health_checks.check_database(),
        "channel_layer": health_checks.check_channel_layer(),
        "moderation": health_checks.check_moderation(),
    }
    status = health_checks.overall(checks)
    return JsonResponse(
        {"status": status, "checks": checks}, status=503 if status == "down" else 200
    )


@login_required
@never_cache
def program_week(request: HttpRequest, program_id: int) -> HttpResponse:
    """A coordinator's view of this week in one program: who wrote, who waits, who was nudged."""
    user = request.user
    if user.role != User.Role.COORDINATOR and not user.is_superuser:
        raise Http404
    scope = {} if user.is_superuser else {"school__district_id": user.district_id}
    try:
        program = Program.objects.select_related("school__district").get(pk=program_id, **scope)
    except Program.DoesNotExist as exc:
        raise Http404 from exc
    from django.utils import timezone

    return render(
        request,
        "frontend/program_week.html",
        {
            "program": program,
            "week": week_of(program=program, at=timezone.now()),
            "rows": program_week_overview(program=program),
        },
    )
