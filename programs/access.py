"""Permission gates for running a program: fetch and enforce in one step.

A coordinator acts only on their own district's programs and students; anything else is reported
as not found, so ids are not enumerable (the view turns it into a 404, which
accounts.middleware.AccessDeniedAuditMiddleware audits with the ids asked for).
"""

from django.core.exceptions import ObjectDoesNotExist

from accounts.models import District, Program, School, User
from messaging.models import Conversation


class ProgramNotFound(ObjectDoesNotExist):
    """No such program, or not one of the coordinator's district (deliberately the same)."""


class StudentNotFound(ObjectDoesNotExist):
    """No such student in the program's district (deliberately the same)."""


def _is_coordinator(user: User) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and user.role == User.Role.COORDINATOR
        and user.district_id
    )


def access_district_as_coordinator(*, user: User) -> District:
    """The coordinator's own district; else ProgramNotFound (a 404 like any other page)."""
    if not _is_coordinator(user):
        raise ProgramNotFound
    return user.district


def access_program_as_coordinator(*, user: User, program_id: object) -> Program:
    """The program, if `user` is an active coordinator of its district; else ProgramNotFound."""
    if not _is_coordinator(user):
        raise ProgramNotFound
    try:
        return Program.objects.select_related("school__district").get(
            pk=int(program_id), school__district_id=user.district_id
        )
    except (Program.DoesNotExist, TypeError, ValueError) as exc:
        raise ProgramNotFound from exc


def access_student_for_program(*, user: User, program: Program, student_id: object) -> User:
    """A student of the program's district, for a coordinator of that district; else
    StudentNotFound."""
    if not _is_coordinator(user) or user.district_id != program.school.district_id:
        raise StudentNotFound
    try:
        return User.objects.get(
            pk=int(student_id), role=User.Role.STUDENT, district_id=program.school.district_id
        )
    except (User.DoesNotExist, TypeError, ValueError) as exc:
        raise StudentNotFound from exc


class SchoolNotFound(ObjectDoesNotExist):
    """No such school, or not one of the coordinator's district (deliberately the same)."""


def access_school_as_coordinator(*, user: User, school_id: object) -> School:
    """The school, if `user` is an active coordinator of its district; else SchoolNotFound."""
    if not _is_coordinator(user):
        raise SchoolNotFound
    try:
        return School.objects.select_related("district").get(
            pk=int(school_id), district_id=user.district_id
        )
    except (School.DoesNotExist, TypeError, ValueError) as exc:
        raise SchoolNotFound from exc


class GroupNotFound(ObjectDoesNotExist):
    """No such group in the program, or the program is not the coordinator's (the same)."""


def access_group_as_coordinator(
    *, user: User, program_id: object, group_id: object
) -> tuple[Program, Conversation]:
    """The program and one of its groups, if `user` is an active coordinator of the program's
    district; else GroupNotFound."""
    try:
        program = access_program_as_coordinator(user=user, program_id=program_id)
        group = Conversation.objects.get(
            pk=int(group_id), program=program, kind=Conversation.Kind.GROUP
        )
    except (ProgramNotFound, Conversation.DoesNotExist, TypeError, ValueError) as exc:
        raise GroupNotFound from exc
    return program, group
