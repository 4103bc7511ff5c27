"""Thin views: the person's meetings with RSVP, and their private calendar feed."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from . import ics, selectors, services
from .models import CalendarFeed, Meeting, Rsvp


@login_required
@never_cache
def my_meetings(request: HttpRequest) -> HttpResponse:
    feed, _ = CalendarFeed.objects.get_or_create(user=request.user)
    meetings = list(selectors.meetings_for_user(user=request.user))
    answers = dict(
        Rsvp.objects.filter(user=request.user, meeting__in=meetings).values_list(
            "meeting_id", "response"
        )
    )
    return render(
        request,
        "scheduling/meetings.html",
        {
            "meetings": [(m, answers.get(m.pk)) for m in meetings],
            "feed_url": request.build_absolute_uri(f"/calendar/{feed.token}.ics"),
            "error": request.GET.get("error", ""),
        },
    )


@login_required
@require_POST
def rsvp(request: HttpRequest, meeting_id: int) -> HttpResponse:
    try:
        services.rsvp_set(
            user=request.user, meeting_id=meeting_id, response=request.POST.get("response", "")
        )
    except Meeting.DoesNotExist as exc:
        raise Http404 from exc
    except ValidationError:
        return redirect("/meetings/?error=rsvp")
    return redirect("/meetings/")


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    feed = CalendarFeed.objects.filter(token=token).select_related("user").first()
    if feed is None or not feed.user.is_active:
        raise Http404
    body = ics.calendar_for(selectors.meetings_for_user(user=feed.user), host=request.get_host())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response
