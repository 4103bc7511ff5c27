"""Thin views: the person's meetings with RSVP and attendance, their private calendar feed, and
planning: a coordinator's series (with a preview of the dates kept and skipped), reschedule and
cancel, a mentor's proposals and their approval. Every page is scoped to the person (a
coordinator's district, a mentor's matches): anything else is a 404.

The feed's key is made (and reset) by a POST from the meetings page and shown on that one answer
only: only its hash is stored (accounts.feed_keys)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.feed_keys import feed_key_issue, feed_key_of, feed_key_user
from accounts.models import User

from . import forms, ics, recurrence, selectors, services
from .models import Meeting, MeetingProposal, Rsvp


def _meetings_page(request: HttpRequest, *, feed_url: str | None = None) -> HttpResponse:
    user = request.user
    meetings = list(selectors.meetings_for_user(user=user))
    answers = dict(
        Rsvp.objects.filter(user=user, meeting__in=meetings).values_list("meeting_id", "response")
    )
    changes = selectors.meeting_changes_for(user=user)
    response = render(
        request,
        "scheduling/meetings.html",
        {
            "meeting_changes": changes,
            "meetings": [(m, answers.get(m.pk)) for m in meetings],
            "managed": list(selectors.meetings_to_manage(user=user)),
            "to_record": [
                (m, selectors.attendance_rows(meeting=m))
                for m in selectors.meetings_to_record(user=user)
            ],
            "is_coordinator": user.role == User.Role.COORDINATOR,
            "is_mentor": user.role == User.Role.MENTOR,
            "feed_key": feed_key_of(user=user),
            "feed_url": feed_url,
            "error": request.GET.get("error", ""),
            "done": request.GET.get("done", ""),
        },
    )
    # Shown (with their "new" marker) on this page: seen from now on.
    services.meeting_changes_seen(user=user, change_ids=[c.pk for c in changes if c.unread])
    return response


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


# -- planning -------------------------------------------------------------------------------------


def _coordinator(request: HttpRequest) -> User:
    if request.user.role != User.Role.COORDINATOR:
        raise Http404
    return request.user


def _errors(exc: ValidationError) -> list[str]:
    return list(exc.messages)


@login_required
@never_cache
@require_GET
def plan(request: HttpRequest) -> HttpResponse:
    """A coordinator's conversations that may have meetings, each with a link to plan a series."""
    user = _coordinator(request)
    return render(
        request,
        "scheduling/plan.html",
        {"conversations": list(selectors.conversations_to_plan(user=user))},
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def series_new(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """The series form. "Preview" shows the dates the rules keep and skip; "Save" (offered once a
    preview is shown) creates the series through the service."""
    user = _coordinator(request)
    try:
        conversation = selectors.conversations_to_plan(user=user).get(pk=conversation_id)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc
    venues = selectors.venues_approved(schools=[conversation.program.school_id])
    preview, refusal = None, []
    if request.method == "GET":
        form = forms.SeriesForm(venues=venues, initial={"title": conversation.title})
    else:
        form = forms.SeriesForm(request.POST, venues=venues)
        if form.is_valid():
            data = form.cleaned_data
            args = {
                "conversation": conversation,
                "venue": data["venue"],
                "rule": data["rule"],
                "first_date": data["first_date"],
                "start_time": data["start_time"],
                "duration_minutes": data["duration_minutes"],
            }
            try:
                preview = services.series_preview(**args)
                services.series_check(**args, actor=user)
            except ValidationError as exc:
                refusal = _errors(exc)
            if "save" in request.POST and not refusal:
                try:
                    series = services.series_create(**args, title=data["title"], actor=user)
                except ValidationError as exc:
                    refusal = _errors(exc)
                else:
                    made = series.meetings.count()
                    return redirect(f"{reverse('meetings')}?done=series&made={made}")
    return render(
        request,
        "scheduling/series_form.html",
        {
            "conversation": conversation,
            "form": form,
            "preview": preview,
            "refusal": refusal,
            "kept": sum(p.kept for p in preview or ()),
            "school": conversation.program.school,
        },
    )


def _managed_meeting(user: User, meeting_id: int) -> Meeting:
    try:
        return (
            Meeting.objects.select_related("venue__school", "series", "conversation__program")
            .filter(conversation__district_id=user.district_id)
            .get(pk=meeting_id)
        )
    except Meeting.DoesNotExist as exc:
        raise Http404 from exc


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def meeting_change(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Reschedule or cancel one meeting, or it and the rest of its series, with the version the
    page showed (a racing change makes this one a clear error, not a second outcome)."""
    user = _coordinator(request)
    meeting = _managed_meeting(user, meeting_id)
    school = meeting.venue.school
    venues = selectors.venues_approved(schools=[meeting.conversation.program.school_id])
    local = meeting.starts_at.astimezone(school.tz)
    initial = {
        "version": meeting.version,
        "date": local.date(),
        "start_time": local.time(),
        "venue": meeting.venue_id,
    }
    move = forms.RescheduleForm(initial=initial, venues=venues, prefix="move")
    cancel = forms.CancelForm(initial={"version": meeting.version}, prefix="cancel")
    refusal: list[str] = []
    if request.method == "POST" and request.POST.get("action") == "reschedule":
        move = forms.RescheduleForm(request.POST, venues=venues, prefix="move")
        if move.is_valid():
            data = move.cleaned_data
            try:
                if data["scope"] == "following":
                    services.meeting_reschedule_following(
                        meeting_id=meeting.pk,
                        expected_version=data["version"],
                        start_time=data["start_time"],
                        venue=data["venue"],
                        actor=user,
                    )
                else:
                    services.meeting_reschedule(
                        meeting_id=meeting.pk,
                        expected_version=data["version"],
                        starts_at=recurrence.place(
                            data["date"], data["start_time"], data["venue"].school.tz
                        ),
                        venue=data["venue"],
                        actor=user,
                    )
            except ValidationError as exc:
                refusal = _errors(exc)
            else:
                return redirect(f"{reverse('meetings')}?done=rescheduled")
    elif request.method == "POST" and request.POST.get("action") == "cancel":
        cancel = forms.CancelForm(request.POST, prefix="cancel")
        if cancel.is_valid():
            data = cancel.cleaned_data
            fn = (
                services.meeting_cancel_following
                if data["scope"] == "following"
                else services.meeting_cancel
            )
            try:
                fn(meeting_id=meeting.pk, expected_version=data["version"], actor=user)
            except ValidationError as exc:
                refusal = _errors(exc)
            else:
                return redirect(f"{reverse('meetings')}?done=cancelled")
    elif request.method == "POST":
        refusal = [gettext("Choose to reschedule or to cancel.")]
    return render(
        request,
        "scheduling/meeting_change.html",
        {
            "meeting": meeting,
            "school": school,
            "move": move,
            "cancel": cancel,
            "refusal": refusal,
            "in_series": meeting.series_id is not None,
        },
        status=400 if refusal else 200,
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def proposal_new(request: HttpRequest) -> HttpResponse:
    """A mentor proposes a meeting for one of their active matches (or, where the program lets
    mentors schedule directly, makes it)."""
    if request.user.role != User.Role.MENTOR:
        raise Http404
    conversations = list(selectors.mentor_conversations(user=request.user))
    venues = selectors.venues_approved(schools={c.program.school_id for c in conversations})
    form = forms.ProposalForm(request.POST or None, conversations=conversations, venues=venues)
    refusal: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            proposal = services.proposal_create(
                actor=request.user,
                conversation_id=int(data["conversation"]),
                venue=data["venue"],
                local_date=data["date"],
                start_time=data["start_time"],
                duration_minutes=data["duration_minutes"],
                note=data["note"],
            )
        except ObjectDoesNotExist as exc:
            raise Http404 from exc
        except (ValidationError, PermissionDenied) as exc:
            refusal = _errors(exc) if isinstance(exc, ValidationError) else [str(exc)]
        else:
            done = "scheduled" if proposal.status == MeetingProposal.Status.APPROVED else "proposed"
            return redirect(f"{reverse('scheduling:proposals')}?done={done}")
    return render(
        request,
        "scheduling/proposal_form.html",
        {"form": form, "refusal": refusal, "has_matches": bool(conversations)},
        status=400 if refusal else 200,
    )


def _proposals_page(request: HttpRequest, *, errors=None, status: int = 200) -> HttpResponse:
    user = request.user
    if user.role not in (User.Role.MENTOR, User.Role.COORDINATOR):
        raise Http404
    return render(
        request,
        "scheduling/proposals.html",
        {
            "proposals": list(selectors.proposals_for(user=user)),
            "is_coordinator": user.role == User.Role.COORDINATOR,
            "errors": errors or {},
            "done": request.GET.get("done", ""),
        },
        status=status,
    )


@login_required
@never_cache
@require_GET
def proposals(request: HttpRequest) -> HttpResponse:
    return _proposals_page(request)


@login_required
@never_cache
@require_POST
def proposal_decide(request: HttpRequest, proposal_id: int) -> HttpResponse:
    """A coordinator approves or declines (with a reason) one proposal of their district."""
    user = _coordinator(request)
    try:
        if request.POST.get("action") == "approve":
            services.proposal_approve(proposal_id=proposal_id, actor=user)
            done = "approved"
        else:
            services.proposal_decline(
                proposal_id=proposal_id, actor=user, reason=request.POST.get("reason", "")
            )
            done = "declined"
    except MeetingProposal.DoesNotExist as exc:
        raise Http404 from exc
    except ValidationError as exc:
        return _proposals_page(request, errors={proposal_id: _errors(exc)}, status=400)
    return redirect(f"{reverse('scheduling:proposals')}?done={done}")


@login_required
@never_cache
@require_POST
def attendance(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """One click records one person's attendance (present, absent or excused)."""
    form = forms.AttendanceForm(request.POST)
    if not form.is_valid():
        return redirect(f"{reverse('meetings')}?error=attendance")
    visible = {m.pk for m in selectors.meetings_to_record(user=request.user)}
    if meeting_id not in visible:
        raise Http404
    try:
        services.attendance_record(
            meeting_id=meeting_id,
            user_id=form.cleaned_data["user"],
            state=form.cleaned_data["state"],
            actor=request.user,
        )
    except (ValidationError, PermissionDenied):
        return redirect(f"{reverse('meetings')}?error=attendance")
    return redirect(f"{reverse('meetings')}?done=attendance#meeting-{meeting_id}")
