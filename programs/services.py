"""Writes for running a program: proposing a match from the matching aid, with its reasons.

Keyword-only, one transaction each. The match itself is made by messaging.services.match_create;
this layer adds the rules of the matching aid and the record of who matched whom and why.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.models import Program, User
from messaging.services import match_create, match_create_check

from .models import MatchDecision
from .selectors import match_options


class MatchNotProposable(ValidationError):
    """The matching aid's rules refuse this match; the reasons are in `messages`."""


@transaction.atomic
def match_propose(
    *, actor: User, program: Program, student: User, mentor_id: object
) -> MatchDecision:
    """Propose the match of `student` with the mentor `mentor_id` in `program`, as the matching
    aid ranks it: refused (MatchNotProposable, nothing written) when a program rule excludes the
    mentor or the student already has an open match in the program. Records the MatchDecision
    with the reasons shown and one audit entry (`match.propose`, ids and reason codes only).

    The mentor's and the student's rows are locked first, so two coordinators cannot both take
    a mentor's last place or match one student twice."""
    match_create_check(program=program, actor=actor)
    district_id = program.school.district_id
    try:
        mentor = (
            User.objects.select_for_update()
            .filter(role=User.Role.MENTOR, district_id=district_id)
            .get(pk=int(mentor_id))
        )
    except (User.DoesNotExist, TypeError, ValueError) as exc:
        raise MatchNotProposable(_("No such mentor in this district.")) from exc
    student = User.objects.select_for_update().get(pk=student.pk)
    if student.role != User.Role.STUDENT or student.district_id != district_id:
        raise MatchNotProposable(_("No such student in this district."))
    options = match_options(program=program, student=student)
    if options.open_match is not None:
        raise MatchNotProposable(_("The student already has an open match in this program."))
    for exclusion in options.ranking.exclusions:
        if exclusion.mentor_id == mentor.pk:
            raise MatchNotProposable([reason.text for reason in exclusion.reasons])
    candidate = next(c for c in options.ranking.candidates if c.mentor_id == mentor.pk)
    match = match_create(program=program, mentor=mentor, student=student, actor=actor)
    decision = MatchDecision.objects.create(
        match=match,
        program=program,
        coordinator=actor,
        mentor=mentor,
        student=student,
        score=candidate.score,
        reasons=[reason.as_dict() for reason in candidate.reasons],
        created_at=timezone.now(),
    )
    audit_record(
        action="match.propose",
        actor=actor,
        district_id=district_id,
        target_type="match",
        target_id=match.pk,
        detail={
            "decision": decision.pk,
            "program": program.pk,
            "mentor": mentor.pk,
            "student": student.pk,
            "score": candidate.score,
            "reasons": [reason.code for reason in candidate.reasons],
        },
    )
    return decision
