"""Writes for running a program: proposing a match from the matching aid, with its reasons;
making a group and adding people to it under the program's rules.

Keyword-only, one transaction each. The match itself is made by messaging.services.match_create;
this layer adds the rules of the matching aid and the record of who matched whom and why.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.models import Program, User
from messaging.models import Conversation
from messaging.services import (
    group_conversation_create,
    match_create,
    match_create_check,
)
from messaging.services import group_members_add as conversation_members_add

from .matching import Reason, peer_rule
from .models import MatchDecision, MentorProfile, StudentProfile
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


class GroupRefused(ValidationError):
    """A program rule refuses these people together in a group; the reasons are in `messages`,
    their codes in `codes` (one per refused pair's rule, without repeats)."""

    def __init__(self, reasons: list[Reason]):
        super().__init__([reason.text for reason in reasons])
        self.codes = list(dict.fromkeys(reason.code for reason in reasons))


def _peer_problems(*, mentors: list[User], students: list[User]) -> list[Reason]:
    """The peer rule for every mentor and student who would be in the group together."""
    minors = [m for m in mentors if m.is_minor]
    if not minors or not students:
        return []
    mentor_grades = dict(
        MentorProfile.objects.filter(mentor__in=minors).values_list("mentor_id", "grade")
    )
    student_grades = dict(
        StudentProfile.objects.filter(student__in=students).values_list("student_id", "grade")
    )
    reasons = []
    for mentor in minors:
        for student in students:
            reason = peer_rule(
                mentor_is_minor=True,
                mentor_grade=mentor_grades.get(mentor.pk),
                student_grade=student_grades.get(student.pk),
            )
            if reason is not None:
                reasons.append(reason)
    return reasons


@transaction.atomic
def group_create(
    *, actor: User, program: Program, title: str, mentors: list[User], students: list[User]
) -> Conversation:
    """Make a group of `program`: the members cleared as for a match (screened mentors,
    consented minors on both sides, one district; ValidationError from messaging) and the peer
    rule for every mentor and student in it (GroupRefused). Nothing is written when refused.
    Audited (`group.create`, ids only)."""
    match_create_check(program=program, actor=actor)
    problems = _peer_problems(mentors=mentors, students=students)
    if problems:
        raise GroupRefused(problems)
    group = group_conversation_create(
        program=program, title=title, mentors=mentors, students=students
    )
    audit_record(
        action="group.create",
        actor=actor,
        district_id=program.school.district_id,
        target_type="conversation",
        target_id=group.pk,
        detail={
            "program": program.pk,
            "mentors": sorted(m.pk for m in mentors),
            "students": sorted(s.pk for s in students),
        },
    )
    return group


@transaction.atomic
def group_members_add(
    *,
    actor: User,
    program: Program,
    group: Conversation,
    mentors: list[User] = (),
    students: list[User] = (),
) -> int:
    """Add people to an open group of `program` under the same rules as `group_create` (a closed
    group takes nobody: GroupRefused `group_closed`): the peer rule
    is checked for the new mentors with every student of the group and for the group's mentors
    with every new student. Returns the number of people added (those already in the group
    are left as they are); audited (`group.members_add`) when someone was added."""
    match_create_check(program=program, actor=actor)
    group = (
        Conversation.objects.select_for_update()
        .filter(pk=group.pk, program=program, kind=Conversation.Kind.GROUP)
        .first()
    )
    if group is None:
        raise GroupRefused([Reason("other_program", _("No such group in this program."))])
    if not group.is_open:
        raise GroupRefused([Reason("group_closed", _("This group is closed: nobody can join it."))])
    members = {
        role: list(User.objects.filter(memberships__conversation=group, memberships__role=role))
        for role in ("mentor", "student")
    }
    mentors, students = list(mentors), list(students)
    problems = _peer_problems(mentors=mentors, students=members["student"] + students)
    problems += _peer_problems(mentors=members["mentor"], students=students)
    if problems:
        raise GroupRefused(problems)
    added = conversation_members_add(conversation=group, mentors=mentors, students=students)
    if added:
        audit_record(
            action="group.members_add",
            actor=actor,
            district_id=program.school.district_id,
            target_type="conversation",
            target_id=group.pk,
            detail={"program": program.pk, "users": sorted(m.user_id for m in added)},
        )
    return len(added)
