"""Orientation agreements: a program's versioned boundaries texts and who acknowledged which.

Keyword-only writes, one transaction each, audited with ids only. The current version of a
program's text for an audience is its highest; publishing a new one asks everyone again. A
mentor's orientation for matching (programs.selectors) needs the current mentor version
acknowledged; guardians acknowledge the student version through their signed links (that page
calls `agreement_accept(agreement=..., guardian=...)`).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.audit import audit_record
from accounts.models import Program, User
from messaging.models import Membership

from .models import Agreement, AgreementAcceptance, Guardian, StudentProfile

AUDIENCE_OF_ROLE = {
    User.Role.MENTOR: Agreement.Audience.MENTOR,
    User.Role.STUDENT: Agreement.Audience.STUDENT,
}


class AgreementRefused(ValidationError):
    """The acknowledgement was not recorded: wrong person, district or an old version."""


@transaction.atomic
def agreement_publish(
    *, actor: User, program: Program, audience: str, text_en: str, text_es: str = ""
) -> Agreement:
    """Publish the next version of the program's text for `audience`. Only the program's
    district coordinators (or a superuser) publish; the English text is required."""
    district_id = program.school.district_id
    if not actor.is_superuser and (
        actor.role != User.Role.COORDINATOR or actor.district_id != district_id
    ):
        raise PermissionDenied("Only the program's coordinators publish its agreements.")
    if audience not in Agreement.Audience.values:
        raise ValidationError(_("Choose mentors or students."))
    if not text_en.strip():
        raise ValidationError(_("The English text is required."))
    # The program row is locked so two publications cannot take the same version number.
    Program.objects.select_for_update().get(pk=program.pk)
    latest = Agreement.objects.filter(program=program, audience=audience).aggregate(
        v=Max("version")
    )["v"]
    agreement = Agreement.objects.create(
        program=program,
        audience=audience,
        version=(latest or 0) + 1,
        text_en=text_en.strip(),
        text_es=text_es.strip(),
        published_by=actor,
        published_at=timezone.now(),
    )
    audit_record(
        action="agreement.publish",
        actor=actor,
        district_id=district_id,
        target_type="agreement",
        target_id=agreement.pk,
        detail={"program": program.pk, "audience": audience, "version": agreement.version},
    )
    return agreement


def agreement_current(*, program: Program, audience: str) -> Agreement | None:
    """The program's newest text for the audience; None when it has none."""
    return Agreement.objects.filter(program=program, audience=audience).order_by("-version").first()


def agreement_accepted(*, agreement: Agreement, user: User) -> bool:
    return AgreementAcceptance.objects.filter(agreement=agreement, user=user).exists()


@transaction.atomic
def agreement_accept(
    *, agreement: Agreement, user: User | None = None, guardian: Guardian | None = None
) -> AgreementAcceptance:
    """Record that `user` (a mentor for the mentor text, a student for the student text) or
    `guardian` (a roster guardian, for the student text) acknowledged `agreement`. Exactly one
    of the two. Only the current version can be acknowledged, and only by people of the
    program's district (AgreementRefused, nothing written). Idempotent: a second call returns
    the first acknowledgement."""
    if (user is None) == (guardian is None):
        raise ValueError("Acknowledged by a user or by a guardian, not both or neither.")
    district_id = agreement.program.school.district_id
    current = agreement_current(program=agreement.program, audience=agreement.audience)
    if current is None or current.pk != agreement.pk:
        if user is not None and user.role == User.Role.STUDENT:
            replaced = pgettext(
                "to a student", "This version has been replaced: read the current one."
            )
        else:
            replaced = pgettext(
                "to an adult", "This version has been replaced: read the current one."
            )
        raise AgreementRefused(replaced)
    if user is not None:
        if user.district_id != district_id or AUDIENCE_OF_ROLE.get(user.role) != agreement.audience:
            raise AgreementRefused(_("This text is not addressed to you."))
        who = {"user": user}
    else:
        if guardian.district_id != district_id or agreement.audience != Agreement.Audience.STUDENT:
            raise AgreementRefused(_("This text is not addressed to you."))
        who = {"guardian": guardian}
    existing = AgreementAcceptance.objects.filter(agreement=agreement, **who).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            acceptance = AgreementAcceptance.objects.create(
                agreement=agreement, accepted_at=timezone.now(), **who
            )
    except IntegrityError:
        return AgreementAcceptance.objects.get(agreement=agreement, **who)
    audit_record(
        action="agreement.accept",
        actor=user,
        district_id=district_id,
        target_type="agreement",
        target_id=agreement.pk,
        detail={
            "version": agreement.version,
            "user": user.pk if user else None,
            "guardian": guardian.pk if guardian else None,
        },
    )
    return acceptance


def programs_of(*, user: User) -> list[Program]:
    """The programs whose texts address `user`: for a mentor every program of their district
    (any of them may match them); for a student the programs they take part in and those of
    their roster school."""
    if user.role == User.Role.MENTOR:
        return list(Program.objects.filter(school__district_id=user.district_id).order_by("pk"))
    if user.role != User.Role.STUDENT:
        return []
    member_of = Membership.objects.filter(user=user).values("conversation__program_id")
    roster_school = StudentProfile.objects.filter(student=user).values("school_id")
    return list(
        Program.objects.filter(school__district_id=user.district_id)
        .filter(Q(pk__in=member_of) | Q(school_id__in=roster_school))
        .order_by("pk")
    )


def agreements_pending(*, user: User) -> list[Agreement]:
    """The current texts addressed to `user` that they have not acknowledged yet, by program."""
    audience = AUDIENCE_OF_ROLE.get(user.role)
    if audience is None or not user.district_id:
        return []
    pending = []
    for program in programs_of(user=user):
        current = agreement_current(program=program, audience=audience)
        if current is not None and not agreement_accepted(agreement=current, user=user):
            pending.append(current)
    return pending


def mentors_oriented(*, program: Program, mentor_ids: list[int]) -> set[int]:
    """Of `mentor_ids`, those who acknowledged the program's current mentor text (all of them
    when the program has none)."""
    current = agreement_current(program=program, audience=Agreement.Audience.MENTOR)
    if current is None:
        return set(mentor_ids)
    return set(
        AgreementAcceptance.objects.filter(agreement=current, user_id__in=mentor_ids).values_list(
            "user_id", flat=True
        )
    )
