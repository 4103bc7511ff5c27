"""Thin views: the person's meetings with RSVP, and their private calendar feed.

The feed's key is made (and reset) by a POST from the meetings page and shown on that one answer
only: only its hash is stored (accounts.feed_keys)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.feed_keys import feed_key_issue, feed_key_of, feed_key_user

from . import ics, selectors, services
from .models import Meeting, Rsvp


def _meetings_page(request: HttpRequest, *, feed_url: str | None = None) -> HttpResponse:
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
            "feed_key": feed_key_of(user=request.user),
            "feed_url": feed_url,
            "error": request.GET.get("error", ""),
        },
    )


@login_required
@never_cache
def my_meetings(request: HttpRequest) -> HttpResponse:
    return _meetings_page(request)


@login_required
@require_POST
@never_cache
def calendar_link_reset(request: HttpRequest) -> HttpResponse:
    """Make a new private calendar address (the old one stops working) and show it, once."""
    key = feed_key_issue(user=request.user)
    return _meetings_page(request, feed_url=request.build_absolute_uri(f"/calendar/{key}.ics"))


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
    """The feed of a live key (404 otherwise: reset, revoked, a suspended or disabled account)."""
    user = feed_key_user(key=token)
    if user is None:
        raise Http404
    body = ics.calendar_for(selectors.meetings_for_user(user=user), host=request.get_host())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response
