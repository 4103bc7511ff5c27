import datetime

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.models import Program, User
from messaging import cadence
from messaging.access import ConversationNotFound, access_conversation_as_member
from messaging.models import Conversation, WeeklyPrompt
from messaging.selectors import conversations_for_user, group_senders
from moderation.crisis import crisis_resources
from programs.agreements import agreements_pending
from programs.checkins import checkins_open_for
from programs.dashboard import program_dashboard
from programs.evaluation import program_evaluation
from programs.milestones import milestones_for
from programs.models import ProgramNotice
from scheduling import services as scheduling_services
from scheduling.models import Meeting, Rsvp
from scheduling.selectors import meeting_changes_for, meetings_for_user

from . import health as health_checks


@login_required
@never_cache
def home(request: HttpRequest) -> HttpResponse:
    """A home per role: members see their matches, week and next meeting; a moderator starts at
    the queue; a coordinator at their program's dashboard (the week page), or the list of
    programs when they run several."""
    user = request.user
    if user.role == User.Role.MODERATOR:
        return redirect("moderation:queue")
    if user.role == User.Role.COORDINATOR:
        programs = Program.objects.filter(school__district_id=user.district_id).select_related(
            "school"
        )
        only = list(programs.values_list("pk", flat=True)[:2])
        if len(only) == 1:
            # One program: its dashboard is the coordinator's home.
            return redirect("program-week", program_id=only[0])
        return render(
            request, "frontend/home_coordinator.html", {"programs": programs.order_by("name")}
        )
    # A mentor or student first acknowledges the program's current boundaries text.
    if agreements_pending(user=user):
        return redirect("agreements-accept")
    context = _member_home(user)
    response = render(request, "frontend/home.html", context)
    # The meeting changes this page showed as new are seen from now on.
    scheduling_services.meeting_changes_seen(
        user=user, change_ids=[c.pk for c in context["meeting_changes"] if c.unread]
    )
    return response


def _member_home(user: User) -> dict:
    now = timezone.now()
    rows = conversations_for_user(user=user)
    conversations = {
        c.pk: c
        for c in Conversation.objects.filter(pk__in=[r["id"] for r in rows]).select_related(
            "match__mentor", "match__student", "match__program__school__district"
        )
    }
    matches = []
    for row in rows:
        conversation = conversations[row["id"]]
        match = conversation.match
        if match is None:
            matches.append({"row": row, "other": None, "status": None, "prompt": None})
            continue
        week = cadence.program_week(program=match.program, at=now)
        prompt = WeeklyPrompt.objects.filter(
            program=match.program, week_start=week.start_date
        ).first()
        matches.append(
            {
                "row": row,
                "other": match.student if user.pk == match.mentor_id else match.mentor,
                "status": cadence.match_week_status(match=match, at=now),
                "prompt": prompt,
                "prompt_text": prompt.text(translation.get_language()) if prompt else "",
            }
        )
    upcoming = [
        m
        for m in meetings_for_user(user=user, since=now)
        if m.status != Meeting.Status.CANCELLED and m.starts_at >= now
    ][:3]
    answer = None
    if upcoming:
        answer = (
            Rsvp.objects.filter(user=user, meeting=upcoming[0])
            .values_list("response", flat=True)
            .first()
        )
    context = {
        "checkins": checkins_open_for(user=user),
        "notices": list(ProgramNotice.objects.filter(user=user)[:5]),
        "milestones": milestones_for(user=user),
        "matches": matches,
        "conversations": rows,
        "meeting_changes": meeting_changes_for(user=user),
        "upcoming": upcoming,
        "next_meeting": upcoming[0] if upcoming else None,
        "next_answer": answer,
    }
    if user.role == User.Role.STUDENT:
        context["resources"] = crisis_resources(
            district_id=user.district_id, language=translation.get_language()
        )
    return context


@login_required
@never_cache
def conversation(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """One conversation; the page's module (static/frontend/conversation.js) speaks the socket."""
    user = request.user
    try:
        found = access_conversation_as_member(user=user, conversation_id=conversation_id)
    except ConversationNotFound as exc:
        raise Http404 from exc
    context = {"conversation": found, "conversations": conversations_for_user(user=user)}
    if found.kind == Conversation.Kind.GROUP:
        # Each member's messages carry their first name and role (conversation.js).
        context["senders"] = group_senders(conversation=found)
    if user.role == User.Role.STUDENT:
        # "Get help": the district's help lines, and a request to staff (moderation.reports).
        context["can_ask_help"] = True
        context["resources"] = crisis_resources(
            district_id=user.district_id, language=translation.get_language()
        )
    return render(request, "frontend/conversation.html", context)


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
    now = timezone.now()
    week = cadence.program_week(program=program, at=now)
    # The program's meetings at school from now to the end of next week, soonest first (a
    # coordinator's read, scoped by the program checked above).
    meetings = (
        Meeting.objects.filter(
            conversation__program=program,
            status=Meeting.Status.SCHEDULED,
            starts_at__gte=now,
            starts_at__lt=week.end + datetime.timedelta(days=7),
        )
        .select_related("venue__school", "series", "conversation")
        .order_by("starts_at")
    )
    # This calendar week's headline figures, as the evaluation page counts them.
    today = now.astimezone(program.school.tz).date()
    [headline] = program_evaluation(program=program, first=today, last=today, now=now).weeks
    return render(
        request,
        "frontend/program_week.html",
        {
            "program": program,
            "week": week,
            "headline": headline,
            "rows": cadence.program_week_overview(program=program),
            "meetings": meetings,
            **program_dashboard(program=program),
        },
    )
