"""Coordinator pages for running a program: the matching aid, the roster upload, the evaluation,
the program's groups."""

import csv
import datetime

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_date
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.middleware import second_factor_exempt
from accounts.models import Program, User
from actions.checkins import checkin_answer
from messaging.models import Conversation, Match

from .access import (
    GroupNotFound,
    ProgramNotFound,
    SchoolNotFound,
    StudentNotFound,
    access_district_as_coordinator,
    access_group_as_coordinator,
    access_program_as_coordinator,
    access_school_as_coordinator,
    access_student_for_program,
)
from .agreements import (
    AgreementRefused,
    agreement_accept,
    agreement_current,
    agreement_publish,
    agreements_pending,
)
from .attendance import MAX_BYTES as ATTENDANCE_MAX_BYTES
from .attendance import AttendanceRejected, school_attendance_import
from .charts import evaluation_charts
from .checkins import CheckInNotFound, access_checkin_to_answer, follow_up_close
from .evaluation import evaluation_table, program_evaluation, school_evaluation
from .group_actions import group_close, group_member_remove
from .guardians import (
    DEFAULT_TEXTS,
    GuardianLinkExpired,
    GuardianLinkInvalid,
    access_guardian_link,
    guardian_agreement,
    guardian_agreement_acknowledge,
    guardian_information,
    guardian_language,
    guardian_texts,
    guardian_texts_save,
    guardian_token,
    guardian_unsubscribe,
    guardian_url,
    program_guardian_list,
)
from .guardians import FIELDS as GUARDIAN_TEXT_FIELDS
from .guardians import HEADINGS as GUARDIAN_HEADINGS
from .match_actions import (
    match_close_for_review,
    match_history,
    match_pause_for_review,
    match_reassign,
)
from .milestones import milestone_mark, milestone_suggestions
from .models import Agreement, FollowUp, GuardianProgramText, MatchHandover, Milestone
from .oneroster import BundleUnreadable, read_bundle
from .pdf import html_to_pdf
from .roster import ENTITIES, RosterRejected, roster_import
from .selectors import (
    group_mentors_eligible,
    group_students_eligible,
    match_options,
    program_groups,
    students_to_match,
)
from .services import MatchNotProposable, group_create, group_members_add, match_propose

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


def _listed(tags) -> str:
    return ", ".join(sorted(tags))


def _offer(facts, candidate) -> dict[str, str]:
    """What a candidate offers, and which of the student's needs it meets, as the page lists it."""
    return {
        "needs_met": _listed(candidate.needs_met),
        "careers": _listed(facts.careers),
        "lived_experience": _listed(facts.lived_experience),
        "languages": _listed(facts.languages),
    }


def _asks(facts) -> dict[str, str]:
    """What the student stated they hope a mentor brings, as the page lists it."""
    return {"needs": _listed(facts.needs), "interests": _listed(facts.interests)}


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
            "candidates": [
                (options.mentors[c.mentor_id], c, _offer(options.mentor_facts[c.mentor_id], c))
                for c in options.ranking.candidates
            ],
            "asks": _asks(options.student_facts),
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


# --- evaluation and guardians ---


def _date_param(request: HttpRequest, name: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(request.GET.get(name, ""))
    except ValueError:
        return None


def _evaluation_of(request: HttpRequest, *, program_id=None, school_id=None):
    """The evaluation asked for, its links and its scope name; Http404 for anything but a
    coordinator of the scope's district."""
    first, last = _date_param(request, "from"), _date_param(request, "to")
    try:
        if program_id is not None:
            program = access_program_as_coordinator(user=request.user, program_id=program_id)
            evaluation = program_evaluation(program=program, first=first, last=last)
            links = {
                "csv": reverse("program-evaluation-csv", args=[program.pk]),
                "pdf": reverse("program-evaluation-pdf", args=[program.pk]),
                "school": reverse("school-evaluation", args=[program.school_id]),
                "week": reverse("program-week", args=[program.pk]),
                "guardians": reverse("program-guardians", args=[program.pk]),
            }
            return evaluation, links, program.school
        school = access_school_as_coordinator(user=request.user, school_id=school_id)
    except (ProgramNotFound, SchoolNotFound) as exc:
        raise Http404 from exc
    evaluation = school_evaluation(school=school, first=first, last=last)
    links = {
        "csv": reverse("school-evaluation-csv", args=[school.pk]),
        "pdf": reverse("school-evaluation-pdf", args=[school.pk]),
    }
    return evaluation, links, school


def _evaluation_context(evaluation, links, school) -> dict:
    headings, rows = evaluation_table(evaluation, localize=True)
    return {
        "evaluation": evaluation,
        "school": school,
        "charts": evaluation_charts(evaluation),
        "headings": headings,
        "rows": rows,
        "links": links,
        "first": evaluation.weeks[0].week.start_date if evaluation.weeks else None,
        "last": evaluation.weeks[-1].week.start_date if evaluation.weeks else None,
    }


def _evaluation_page(request, **scope):
    evaluation, links, school = _evaluation_of(request, **scope)
    return render(
        request, "programs/evaluation.html", _evaluation_context(evaluation, links, school)
    )


def _csv_cell(value: str) -> str:
    # A spreadsheet runs a cell that starts with one of these as a formula.
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _evaluation_csv(request, **scope):
    evaluation, _links, _school = _evaluation_of(request, **scope)
    headings, rows = evaluation_table(evaluation)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="evaluation.csv"'
    writer = csv.writer(response)
    writer.writerow(headings)
    writer.writerows([[_csv_cell(cell) for cell in row] for row in rows])
    return response


def _evaluation_pdf(request, **scope):
    evaluation, links, school = _evaluation_of(request, **scope)
    context = _evaluation_context(evaluation, links, school)
    # Preformatted in the school's zone: the date filter would show the server's zone.
    context["generated"] = timezone.now().astimezone(school.tz).strftime("%Y-%m-%d %H:%M")
    html = render_to_string("programs/evaluation_pdf.html", context, request=request)
    response = HttpResponse(html_to_pdf(html=html), content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="evaluation.pdf"'
    return response


@login_required
@never_cache
@require_http_methods(["GET", "HEAD"])
def program_evaluation_page(request: HttpRequest, program_id: int) -> HttpResponse:
    """The program's evaluation week by week: charts, each with its data table."""
    return _evaluation_page(request, program_id=program_id)


@login_required
@never_cache
@require_http_methods(["GET", "HEAD"])
def program_evaluation_csv(request: HttpRequest, program_id: int) -> HttpResponse:
    return _evaluation_csv(request, program_id=program_id)


@login_required
@never_cache
@require_http_methods(["GET", "HEAD"])
def program_evaluation_pdf(request: HttpRequest, program_id: int) -> HttpResponse:
    return _evaluation_pdf(request, program_id=program_id)


@login_required
@never_cache
@require_http_methods(["GET", "HEAD"])
def school_evaluation_page(request: HttpRequest, school_id: int) -> HttpResponse:
    """Every program of one school together, week by week."""
    return _evaluation_page(request, school_id=school_id)


@login_required
@never_cache
@require_http_methods(["GET", "HEAD"])
def school_evaluation_csv(request: HttpRequest, school_id: int) -> HttpResponse:
    return _evaluation_csv(request, school_id=school_id)


@login_required
@never_cache
@require_http_methods(["GET", "HEAD"])
def school_evaluation_pdf(request: HttpRequest, school_id: int) -> HttpResponse:
    return _evaluation_pdf(request, school_id=school_id)


@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def attendance_upload(request: HttpRequest) -> HttpResponse:
    """Upload the district's school attendance CSV: "Preview" is a dry run, "Import" the run."""
    try:
        district = access_district_as_coordinator(user=request.user)
    except ProgramNotFound as exc:
        raise Http404 from exc
    context: dict = {"district": district}
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("attendance")
        if upload is None:
            context["problem"] = _("Choose a CSV file.")
        else:
            try:
                context["report"] = school_attendance_import(
                    district=district,
                    data=upload.read(ATTENDANCE_MAX_BYTES + 1),
                    dry_run=request.POST.get("action") != "import",
                    actor=request.user,
                )
            except AttendanceRejected as exc:
                context["report"], context["problem"] = exc.report, str(exc)
        status = 400 if "problem" in context else 200
    return render(request, "programs/evaluation_attendance.html", context, status=status)


def _guardian_link(request: HttpRequest, token: str, purpose: str):
    """The guardian and program of a signed link, or the page saying the link is expired or
    does not work (410 / 404). Guardians never sign in: the link is their only key."""
    try:
        return access_guardian_link(token=token, purpose=purpose), None
    except GuardianLinkExpired:
        page = render(request, "programs/guardian_link_invalid.html", {"expired": True}, status=410)
    except GuardianLinkInvalid:
        page = render(request, "programs/guardian_link_invalid.html", {}, status=404)
    return None, page


@second_factor_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def guardian_information_page(request: HttpRequest, token: str) -> HttpResponse:
    """The program's information for one guardian, in their language, with the letter's link and
    the program's student agreement; a POST (CSRF-checked) acknowledges that agreement."""
    found, refused = _guardian_link(request, token, "information")
    if refused is not None:
        return refused
    guardian, program = found
    info = guardian_information(guardian=guardian, program=program)
    problem = ""
    with translation.override(info.language):
        if request.method == "POST":
            try:
                guardian_agreement_acknowledge(
                    guardian=guardian, program=program, agreement_id=request.POST.get("agreement")
                )
            except AgreementRefused as exc:
                problem = " ".join(exc.messages)
            else:
                return redirect(request.path)
        return render(
            request,
            "programs/guardian_information.html",
            {
                "info": info,
                "agreement": guardian_agreement(guardian=guardian, program=program),
                "problem": problem,
                "letter_url": reverse(
                    "guardian-letter",
                    args=[guardian_token(guardian=guardian, program=program, purpose="letter")],
                ),
            },
            status=400 if problem else 200,
        )


def _letter_pdf(info) -> HttpResponse:
    with translation.override(info.language):
        html = render_to_string(
            "programs/guardian_letter.html",
            {"info": info, "today": timezone.now().astimezone(info.program.school.tz).date()},
        )
    response = HttpResponse(html_to_pdf(html=html), content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="letter.pdf"'
    return response


@second_factor_exempt
@never_cache
@require_http_methods(["GET", "HEAD"])
def guardian_letter_pdf(request: HttpRequest, token: str) -> HttpResponse:
    """The printable letter (PDF) in the guardian's language."""
    found, refused = _guardian_link(request, token, "letter")
    if refused is not None:
        return refused
    guardian, program = found
    return _letter_pdf(guardian_information(guardian=guardian, program=program))


@second_factor_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def guardian_unsubscribe_page(request: HttpRequest, token: str) -> HttpResponse:
    """Stop the progress e-mails. A GET only asks (mail scanners open links); the POST does."""
    found, refused = _guardian_link(request, token, "unsubscribe")
    if refused is not None:
        return refused
    guardian, program = found
    language = guardian_language(guardian=guardian)
    if request.method == "POST":
        guardian_unsubscribe(guardian=guardian)
    with translation.override(language):
        return render(
            request,
            "programs/guardian_unsubscribe.html",
            {"language": language, "program": program, "done": request.method == "POST"},
        )


@login_required
@never_cache
@require_http_methods(["GET", "HEAD"])
def program_guardians(request: HttpRequest, program_id: int) -> HttpResponse:
    """The guardians of the program's matched students, each with their letter to print and the
    link to their information page (to give them on paper or by e-mail)."""
    try:
        program = access_program_as_coordinator(user=request.user, program_id=program_id)
    except ProgramNotFound as exc:
        raise Http404 from exc
    guardians = program_guardian_list(program=program)
    rows = [
        (
            g,
            guardian_url(guardian=g, program=program, purpose="information"),
            guardian_language(guardian=g),
        )
        for g in guardians
    ]
    return render(request, "programs/guardians.html", {"program": program, "rows": rows})


@login_required
@never_cache
@require_http_methods(["GET", "HEAD"])
def program_guardian_letter(
    request: HttpRequest, program_id: int, guardian_id: int
) -> HttpResponse:
    """A coordinator prints one guardian's letter (PDF), in the guardian's language."""
    try:
        program = access_program_as_coordinator(user=request.user, program_id=program_id)
    except ProgramNotFound as exc:
        raise Http404 from exc
    guardian = next(
        (g for g in program_guardian_list(program=program) if g.pk == guardian_id), None
    )
    if guardian is None:
        raise Http404
    return _letter_pdf(guardian_information(guardian=guardian, program=program))


class GuardianTextsForm(forms.ModelForm):
    class Meta:
        model = GuardianProgramText
        fields = list(GUARDIAN_TEXT_FIELDS)
        widgets = {f: forms.Textarea(attrs={"rows": 4}) for f in GUARDIAN_TEXT_FIELDS}


@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def program_guardian_texts(request: HttpRequest, program_id: int, language: str) -> HttpResponse:
    """Edit what the program tells guardians in one language; the page and letter follow it."""
    try:
        program = access_program_as_coordinator(user=request.user, program_id=program_id)
    except ProgramNotFound as exc:
        raise Http404 from exc
    if language not in DEFAULT_TEXTS:
        raise Http404
    current = guardian_texts(program=program, language=language)
    form = GuardianTextsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        guardian_texts_save(
            program=program, language=language, texts=form.cleaned_data, actor=request.user
        )
        return redirect("program-guardians", program.pk)
    return render(
        request,
        "programs/guardian_texts.html",
        {"program": program, "form": form, "language": language, "headings": GUARDIAN_HEADINGS},
        status=400 if form.errors else 200,
    )


# --- agreements, check-ins, milestones ---
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


# -- groups ----------------------------------------------------------------------------------------


class _PeopleField(forms.ModelMultipleChoiceField):
    """People chosen by checkbox among those offered; anyone else (another district's, or not
    cleared) is refused with the reason."""

    widget = forms.CheckboxSelectMultiple
    default_error_messages = {
        "invalid_choice": gettext_lazy(
            "Someone chosen is not one of the program's cleared people (of this district, "
            "screened or with a guardian's consent, and not already in the group)."
        ),
        "invalid_pk_value": gettext_lazy(
            "Someone chosen is not one of the program's cleared people (of this district, "
            "screened or with a guardian's consent, and not already in the group)."
        ),
    }

    def label_from_instance(self, obj: User) -> str:
        # What the peer rule looks at: a peer mentor (a minor) and the grades recorded.
        facts = []
        if obj.role == User.Role.MENTOR and obj.is_minor:
            facts.append(_("peer mentor"))
        if getattr(obj, "grade", None) is not None:
            facts.append(_("grade %(grade)d") % {"grade": obj.grade})
        return f"{obj.public_name} ({', '.join(facts)})" if facts else obj.public_name


class GroupCreateForm(forms.Form):
    """A new group: a title, and mentors and students from the program's cleared people."""

    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    mentors = _PeopleField(queryset=User.objects.none(), label=gettext_lazy("Mentors"))
    students = _PeopleField(queryset=User.objects.none(), label=gettext_lazy("Students"))

    def __init__(self, *args, program: Program, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentors"].queryset = group_mentors_eligible(program=program)
        self.fields["students"].queryset = group_students_eligible(program=program)


class GroupMembersAddForm(forms.Form):
    """People to add to a group: the program's cleared people who are not in it yet."""

    mentors = _PeopleField(
        queryset=User.objects.none(), label=gettext_lazy("Mentors"), required=False
    )
    students = _PeopleField(
        queryset=User.objects.none(), label=gettext_lazy("Students"), required=False
    )

    def __init__(self, *args, program: Program, group: Conversation, **kwargs):
        super().__init__(*args, **kwargs)
        present = group.memberships.values("user_id")
        self.fields["mentors"].queryset = group_mentors_eligible(program=program).exclude(
            pk__in=present
        )
        self.fields["students"].queryset = group_students_eligible(program=program).exclude(
            pk__in=present
        )

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("mentors") and not data.get("students"):
            raise ValidationError(_("Choose at least one mentor or student to add."))
        return data


@login_required
@never_cache
@require_http_methods(["GET", "HEAD"])
def program_groups_page(request: HttpRequest, program_id: int) -> HttpResponse:
    """The program's groups: title, mentors, students, open or closed, last contact."""
    try:
        program = access_program_as_coordinator(user=request.user, program_id=program_id)
    except ProgramNotFound as exc:
        raise Http404 from exc
    return render(
        request,
        "programs/groups.html",
        {"program": program, "groups": program_groups(program=program)},
    )


@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def program_group_create(request: HttpRequest, program_id: int) -> HttpResponse:
    """A coordinator makes a group of the program; the program's rules refusing these people
    together (the peer rule, the district) are shown on the form and nothing is made."""
    try:
        program = access_program_as_coordinator(user=request.user, program_id=program_id)
    except ProgramNotFound as exc:
        raise Http404 from exc
    form = GroupCreateForm(request.POST if request.method == "POST" else None, program=program)
    if request.method == "POST" and form.is_valid():
        try:
            group = group_create(
                actor=request.user,
                program=program,
                title=form.cleaned_data["title"],
                mentors=list(form.cleaned_data["mentors"]),
                students=list(form.cleaned_data["students"]),
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            return redirect("program-group", program_id=program.pk, group_id=group.pk)
    return render(
        request,
        "programs/group_create.html",
        {"program": program, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def program_group_page(request: HttpRequest, program_id: int, group_id: int) -> HttpResponse:
    """One group for its coordinator: who is in it, a form to add mentors and students under
    the same rules as making it, and, while it is open, taking a member out of it or closing it
    (`action` remove or close), each after a confirm step (`confirm=yes`)."""
    try:
        program, group = access_group_as_coordinator(
            user=request.user, program_id=program_id, group_id=group_id
        )
    except GroupNotFound as exc:
        raise Http404 from exc
    action = request.POST.get("action", "") if request.method == "POST" else ""
    problems: list[str] = []
    confirm = None
    form = GroupMembersAddForm(
        request.POST if request.method == "POST" and not action else None,
        program=program,
        group=group,
    )
    if action in ("remove", "close"):
        member = None
        if action == "remove":
            user_id = _int(request.POST.get("user"))
            membership = (
                group.memberships.select_related("user").filter(user_id=user_id).first()
                if user_id is not None
                else None
            )
            member = membership.user if membership else None
            if member is None:
                problems = [_("Choose someone who is in the group.")]
        if not problems and request.POST.get("confirm") != "yes":
            confirm = {"action": action, "member": member}
        elif not problems:
            try:
                if action == "remove":
                    group_member_remove(
                        actor=request.user, program=program, group=group, user=member
                    )
                else:
                    group_close(actor=request.user, program=program, group=group)
            except ValidationError as exc:
                problems = exc.messages
            else:
                return redirect(request.path)
    elif action:
        problems = [_("Choose add, remove or close.")]
    elif request.method == "POST" and form.is_valid():
        try:
            group_members_add(
                actor=request.user,
                program=program,
                group=group,
                mentors=list(form.cleaned_data["mentors"]),
                students=list(form.cleaned_data["students"]),
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            return redirect(request.path)
    group = program_groups(program=program).get(pk=group.pk)
    return render(
        request,
        "programs/group.html",
        {
            "program": program,
            "group": group,
            "form": form,
            "problems": problems,
            "confirm": confirm,
        },
        status=400 if form.errors or problems else 200,
    )


def _int(value: object) -> int | None:
    """A posted id as a number a database key can hold, else None."""
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None
