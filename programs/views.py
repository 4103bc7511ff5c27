"""Coordinator pages for running a program: the matching aid and the roster upload."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_date
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from actions.checkins import checkin_answer
from messaging.models import Conversation, Match

from .access import (
    ProgramNotFound,
    StudentNotFound,
    access_district_as_coordinator,
    access_program_as_coordinator,
    access_student_for_program,
)
from .agreements import (
    AgreementRefused,
    agreement_accept,
    agreement_current,
    agreement_publish,
    agreements_pending,
)
from .checkins import CheckInNotFound, access_checkin_to_answer, follow_up_close
from .match_actions import (
    match_close_for_review,
    match_history,
    match_pause_for_review,
    match_reassign,
)
from .milestones import milestone_mark, milestone_suggestions
from .models import Agreement, FollowUp, MatchHandover, Milestone
from .oneroster import BundleUnreadable, read_bundle
from .roster import ENTITIES, RosterRejected, roster_import
from .selectors import match_options, students_to_match
from .services import MatchNotProposable, match_propose

# An upload larger than this is refused before it is opened (a district roster is a few MB).
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


@login_required
@never_cache
@require_http_methods(["GET", "HEAD"])
def match_students(request: HttpRequest, program_id: int) -> HttpResponse:
    """The program's students who have no open match yet, each linked to the matching aid."""
    try:
        program = access_program_as_coordinator(user=request.user, program_id=program_id)
    except ProgramNotFound as exc:
        raise Http404 from exc
    return render(
        request,
        "programs/students.html",
        {"program": program, "students": students_to_match(program=program)},
    )


@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def match_student(request: HttpRequest, program_id: int, student_id: int) -> HttpResponse:
    """Ranked mentors for one student with the reasons, the excluded ones with theirs, and a
    "propose this match" button per candidate."""
    try:
        program = access_program_as_coordinator(user=request.user, program_id=program_id)
        student = access_student_for_program(
            user=request.user, program=program, student_id=student_id
        )
    except (ProgramNotFound, StudentNotFound) as exc:
        raise Http404 from exc
    problems: list[str] = []
    if request.method == "POST":
        try:
            match_propose(
                actor=request.user,
                program=program,
                student=student,
                mentor_id=request.POST.get("mentor", ""),
            )
        except MatchNotProposable as exc:
            problems = exc.messages
        else:
            return redirect(request.path)
    options = match_options(program=program, student=student)
    return render(
        request,
        "programs/match.html",
        {
            "program": program,
            "student": student,
            "open_match": options.open_match,
            "candidates": [(options.mentors[c.mentor_id], c) for c in options.ranking.candidates],
            "exclusions": [(options.mentors[e.mentor_id], e) for e in options.ranking.exclusions],
            "problems": problems,
        },
        status=400 if problems else 200,
    )


@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def roster_upload(request: HttpRequest) -> HttpResponse:
    """Upload a OneRoster zip for the coordinator's own district: "Preview" is a dry run,
    "Import" the real run (the same file is chosen again, so what is imported is what was sent)."""
    try:
        district = access_district_as_coordinator(user=request.user)
    except ProgramNotFound as exc:
        raise Http404 from exc
    context: dict = {"district": district, "entities": ENTITIES}
    if request.method == "POST":
        upload = request.FILES.get("bundle")
        dry_run = request.POST.get("action") != "import"
        if upload is None:
            context["problem"] = _("Choose a OneRoster zip file.")
        elif upload.size > MAX_UPLOAD_BYTES:
            context["problem"] = _("The file is larger than 20 MB.")
        else:
            try:
                report = roster_import(
                    district=district,
                    bundle=read_bundle(upload.file),
                    dry_run=dry_run,
                    skip_invalid=request.POST.get("skip_invalid") == "on",
                    actor=request.user,
                )
            except BundleUnreadable as exc:
                context["problem"] = str(exc)
            except RosterRejected as exc:
                context["report"] = exc.report
                context["problem"] = str(exc)
            else:
                context["report"] = report
        context["rows"] = (
            [(e, context["report"].counts[e]) for e in ENTITIES] if "report" in context else []
        )
        return render(
            request, "programs/roster.html", context, status=400 if "problem" in context else 200
        )
    return render(request, "programs/roster.html", context)


# -- agreements ------------------------------------------------------------------------------------


@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def agreements_to_accept(request: HttpRequest) -> HttpResponse:
    """The current boundaries texts addressed to a mentor or a student that they have not
    acknowledged yet, in their language; home sends them here until none is left."""
    user = request.user
    problems: list[str] = []
    if request.method == "POST":
        chosen = next(
            (
                a
                for a in agreements_pending(user=user)
                if str(a.pk) == request.POST.get("agreement")
            ),
            None,
        )
        if chosen is None:
            problems = [_("This text is no longer waiting for you: read the list again.")]
        else:
            try:
                agreement_accept(agreement=chosen, user=user)
            except AgreementRefused as exc:
                problems = exc.messages
            else:
                return redirect("home" if not agreements_pending(user=user) else request.path)
    language = get_language() or "en"
    pending = [(a, a.text_in(language)) for a in agreements_pending(user=user)]
    return render(
        request,
        "programs/agreement_accept.html",
        {"pending": pending, "problems": problems},
        status=400 if problems else 200,
    )


@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def agreements_manage(request: HttpRequest, program_id: int) -> HttpResponse:
    """A coordinator publishes a new version of the program's mentor or student text and sees
    how many acknowledged the current ones."""
    try:
        program = access_program_as_coordinator(user=request.user, program_id=program_id)
    except ProgramNotFound as exc:
        raise Http404 from exc
    problems: list[str] = []
    if request.method == "POST":
        try:
            agreement_publish(
                actor=request.user,
                program=program,
                audience=request.POST.get("audience", ""),
                text_en=request.POST.get("text_en", ""),
                text_es=request.POST.get("text_es", ""),
            )
        except ValidationError as exc:
            problems = exc.messages
        else:
            return redirect(request.path)
    current = [
        (audience, agreement_current(program=program, audience=audience))
        for audience in Agreement.Audience
    ]
    return render(
        request,
        "programs/agreement_manage.html",
        {
            "program": program,
            "current": [
                (audience, agreement, agreement.acceptances.count() if agreement else 0)
                for audience, agreement in current
            ],
            "audiences": Agreement.Audience.choices,
            "problems": problems,
        },
        status=400 if problems else 200,
    )


# -- check-ins -------------------------------------------------------------------------------------


@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def checkin_answer_page(request: HttpRequest, checkin_id: int) -> HttpResponse:
    """A member's check-in: how is it going (1-5), what went well, anything worrying them."""
    try:
        checkin = access_checkin_to_answer(user=request.user, checkin_id=checkin_id)
    except CheckInNotFound as exc:
        raise Http404 from exc
    problems: list[str] = []
    if request.method == "POST":
        try:
            checkin_answer(
                user=request.user,
                checkin_id=checkin.pk,
                score=request.POST.get("score"),
                went_well=request.POST.get("went_well", ""),
                worries=request.POST.get("worries", ""),
            )
        except ValidationError as exc:
            problems = exc.messages
        except CheckInNotFound as exc:
            raise Http404 from exc
        else:
            return render(request, "programs/checkin_thanks.html", {"checkin": checkin})
    return render(
        request,
        "programs/checkin_answer.html",
        {"checkin": checkin, "scores": range(1, 6), "problems": problems, "posted": request.POST},
        status=400 if problems else 200,
    )


@login_required
@never_cache
@require_http_methods(["POST"])
def follow_up_close_page(request: HttpRequest, program_id: int, follow_up_id: int) -> HttpResponse:
    """Close a follow-up of the coordinator's program with a note; back to the week page."""
    try:
        program = access_program_as_coordinator(user=request.user, program_id=program_id)
    except ProgramNotFound as exc:
        raise Http404 from exc
    follow_up = FollowUp.objects.filter(program=program, pk=follow_up_id).first()
    if follow_up is None:
        raise Http404
    try:
        follow_up_close(follow_up=follow_up, actor=request.user, note=request.POST.get("note", ""))
    except ValidationError as exc:
        return HttpResponse("; ".join(exc.messages), status=400, content_type="text/plain")
    return redirect("program-week", program_id=program.pk)


# -- a match that is not working -------------------------------------------------------------------


def _program_match(request: HttpRequest, program_id: int, match_id: int):
    try:
        program = access_program_as_coordinator(user=request.user, program_id=program_id)
    except ProgramNotFound as exc:
        raise Http404 from exc
    match = (
        Match.objects.select_related("mentor", "student")
        .filter(program=program, pk=match_id)
        .first()
    )
    if match is None:
        raise Http404
    return program, match


@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def match_manage(request: HttpRequest, program_id: int, match_id: int) -> HttpResponse:
    """One match for its coordinator: its history (never its messages), pause or close with a
    reason, or reassign the student to a mentor from the matching aid's ranked list."""
    program, match = _program_match(request, program_id, match_id)
    problems: list[str] = []
    if request.method == "POST":
        action = request.POST.get("action")
        reason = request.POST.get("reason", "")
        try:
            if action == "pause":
                match_pause_for_review(
                    actor=request.user, program=program, match=match, reason=reason
                )
            elif action == "close":
                match_close_for_review(
                    actor=request.user, program=program, match=match, reason=reason
                )
            elif action == "reassign":
                handover = match_reassign(
                    actor=request.user,
                    program=program,
                    match=match,
                    mentor_id=request.POST.get("mentor", ""),
                    reason=reason,
                )
                return redirect("program-handover", program_id=program.pk, handover_id=handover.pk)
            else:
                problems = [_("Choose pause, close or reassign.")]
        except ValidationError as exc:
            problems = exc.messages
        else:
            if not problems:
                return redirect(request.path)
        match.refresh_from_db()
    candidates = []
    if match.status != Match.Status.CLOSED:
        options = match_options(program=program, student=match.student)
        candidates = [
            (options.mentors[c.mentor_id], c)
            for c in options.ranking.candidates
            if c.mentor_id != match.mentor_id
        ]
    return render(
        request,
        "programs/match_manage.html",
        {
            "program": program,
            "match": match,
            "history": match_history(match=match),
            "candidates": candidates,
            "problems": problems,
        },
        status=400 if problems else 200,
    )


@login_required
@never_cache
@require_http_methods(["GET", "HEAD"])
def handover_page(request: HttpRequest, program_id: int, handover_id: int) -> HttpResponse:
    """What a reassignment carried forward, for the program's coordinators only."""
    try:
        program = access_program_as_coordinator(user=request.user, program_id=program_id)
    except ProgramNotFound as exc:
        raise Http404 from exc
    handover = (
        MatchHandover.objects.select_related(
            "old_match__mentor", "new_match__mentor", "new_match__student"
        )
        .filter(new_match__program=program, pk=handover_id)
        .first()
    )
    if handover is None:
        raise Http404
    return render(
        request, "programs/match_handover.html", {"program": program, "handover": handover}
    )


# -- milestones ------------------------------------------------------------------------------------


@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def milestones_page(request: HttpRequest, program_id: int, conversation_id: int) -> HttpResponse:
    """A match's or group's milestones: the computed suggestions to mark, a staff-named one, and
    those marked (which its members see on their home page)."""
    try:
        program = access_program_as_coordinator(user=request.user, program_id=program_id)
    except ProgramNotFound as exc:
        raise Http404 from exc
    conversation = (
        Conversation.objects.select_related("program__school", "match")
        .filter(program=program, pk=conversation_id)
        .first()
    )
    if conversation is None:
        raise Http404
    problems: list[str] = []
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        achieved_on = parse_date(request.POST.get("achieved_on", "") or "")
        try:
            milestone_mark(
                actor=request.user,
                conversation=conversation,
                kind=kind,
                achieved_on=achieved_on,
                title=request.POST.get("title", ""),
            )
        except ValidationError as exc:
            problems = exc.messages
        else:
            return redirect(request.path)
    kinds = dict(Milestone.Kind.choices)
    return render(
        request,
        "programs/milestone_list.html",
        {
            "program": program,
            "conversation": conversation,
            "suggestions": [
                (kind, kinds[kind], on)
                for kind, on in milestone_suggestions(conversation=conversation)
            ],
            "marked": Milestone.objects.filter(conversation=conversation),
            "problems": problems,
        },
        status=400 if problems else 200,
    )
