from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

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
