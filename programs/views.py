"""Coordinator pages for running a program: the matching aid."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from .access import (
    ProgramNotFound,
    StudentNotFound,
    access_program_as_coordinator,
    access_student_for_program,
)
from .selectors import match_options
from .services import MatchNotProposable, match_propose


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
