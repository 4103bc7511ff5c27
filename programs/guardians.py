"""Guardians kept informed: the program's texts, signed links, the information page and letter,
and the periodic progress e-mail.

Guardians do not sign in. Every link sent to one is signed (`TimestampSigner`) with the guardian,
the program and the purpose, and expires after the program's `link_max_age_days` (30 days by
default). The progress e-mail carries figures only (meetings attended, weeks with contact, the
milestones staff marked) and never anything written in a conversation. The information page
carries the program's current student agreement, which a guardian acknowledges there
(`guardian_agreement_acknowledge`, through `programs.agreements.agreement_accept`).
"""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from accounts.audit import audit_record
from accounts.languages import language_for_district
from accounts.models import Program, User
from messaging.models import Conversation, Match, Membership, Message
from scheduling.models import Attendance, Meeting

from .agreements import AgreementRefused, agreement_accept, agreement_current
from .evaluation import evaluation_weeks
from .matching import language_part
from .models import (
    Agreement,
    AgreementAcceptance,
    Guardian,
    GuardianDigest,
    GuardianProgramText,
    GuardianSettings,
    GuardianUnsubscribe,
    Milestone,
)

logger = logging.getLogger(__name__)

SALT = "programs.guardians.link"
PURPOSES = ("information", "letter", "unsubscribe")
FIELDS = ("goals", "why_chosen", "mentors_chosen", "roles", "meetings", "contact")
HEADINGS = {
    "goals": gettext_lazy("What the program is for"),
    "why_chosen": gettext_lazy("Why your child was invited"),
    "mentors_chosen": gettext_lazy("How mentors are chosen and screened"),
    "roles": gettext_lazy("Who does what"),
    "meetings": gettext_lazy("When mentor and student meet"),
    "contact": gettext_lazy("Whom to contact"),
}

# The texts a program starts with, in each language the product speaks; a coordinator edits
# them per program (GuardianProgramText). Spanish addresses the guardian as "usted".
DEFAULT_TEXTS = {
    "en": {
        "goals": (
            "The program pairs each student with a screened adult mentor who writes with them "
            "once a week and meets them at school. The goal is a steady, trusted adult who helps "
            "your child explore their interests, stay on track at school and plan what comes "
            "next."
        ),
        "why_chosen": (
            "School staff invite students they believe will benefit from a mentor: for example "
            "students who asked for one, who are curious about a career, or who would benefit "
            "from extra encouragement to come to school. Being invited is never a punishment."
        ),
        "mentors_chosen": (
            "Every mentor passes a background check and an orientation on the program's rules "
            "and boundaries before being matched. Staff match mentors on what they can offer "
            "your child, such as experience, career and languages spoken."
        ),
        "roles": (
            "The mentor writes every week and comes to the meetings at school. Your child "
            "answers and takes part. Program staff read the conversations to keep everyone "
            "safe and follow up when something is not working. You can ask questions at any "
            "time and may withdraw your consent."
        ),
        "meetings": (
            "Mentor and student write once a week on Trellis, during the school day. Meetings "
            "in person happen at school, in an approved room, on the dates the program sets."
        ),
        "contact": "Contact the program coordinator at your child's school.",
    },
    "es": {
        "goals": (
            "El programa une a cada estudiante con un mentor adulto evaluado que le escribe una "
            "vez por semana y se reúne con él o ella en la escuela. El objetivo es que su hijo o "
            "hija cuente con un adulto constante y de confianza que le ayude a explorar sus "
            "intereses, a mantenerse al día en la escuela y a planear su futuro."
        ),
        "why_chosen": (
            "El personal de la escuela invita a estudiantes que, en su opinión, se beneficiarán "
            "de un mentor: por ejemplo, quienes lo pidieron, quienes sienten curiosidad por una "
            "profesión o quienes necesitan un apoyo adicional para asistir a clases. Ser "
            "invitado nunca es un castigo."
        ),
        "mentors_chosen": (
            "Cada mentor pasa una verificación de antecedentes y una orientación sobre las "
            "reglas y los límites del programa antes de ser asignado. El personal elige al "
            "mentor según lo que puede ofrecer a su hijo o hija, como su experiencia, su "
            "profesión y los idiomas que habla."
        ),
        "roles": (
            "El mentor escribe cada semana y asiste a las reuniones en la escuela. Su hijo o "
            "hija responde y participa. El personal del programa lee las conversaciones para "
            "proteger a todos y actúa cuando algo no funciona. Usted puede hacer preguntas en "
            "cualquier momento y puede retirar su consentimiento."
        ),
        "meetings": (
            "El mentor y el estudiante se escriben una vez por semana en Trellis, durante el "
            "horario escolar. Las reuniones en persona se hacen en la escuela, en un salón "
            "aprobado, en las fechas que fija el programa."
        ),
        "contact": "Comuníquese con el coordinador del programa en la escuela de su hijo o hija.",
    },
}


class GuardianLinkInvalid(Exception):
    """The link was changed, is for something else, or names a guardian no longer on file."""


class GuardianLinkExpired(GuardianLinkInvalid):
    """The link is genuine but older than the program allows."""


def guardian_language(*, guardian: Guardian) -> str:
    """The guardian's language ("es-MX" -> "es") if the product speaks it, else their district's
    default language (a roster may name a language Trellis does not speak, or none)."""
    language = language_part(guardian.preferred_language or "")
    if language in {code for code, _name in settings.LANGUAGES}:
        return language
    return language_for_district(district=guardian.district)


def guardian_settings(*, program: Program) -> GuardianSettings:
    """The program's settings, or the defaults (unsaved) when none were stored."""
    return GuardianSettings.objects.filter(program=program).first() or GuardianSettings(
        program=program
    )


def guardian_texts(*, program: Program, language: str) -> GuardianProgramText:
    """The program's guardian texts in `language`; the default texts (unsaved) when the program
    has none in it."""
    stored = GuardianProgramText.objects.filter(program=program, language=language).first()
    if stored is not None:
        return stored
    defaults = DEFAULT_TEXTS.get(language, DEFAULT_TEXTS["en"])
    return GuardianProgramText(program=program, language=language, **defaults)


def guardian_texts_seed(*, program: Program) -> int:
    """Store the default texts for every language the program has none in, for coordinators to
    edit. Idempotent; returns the number created."""
    created = 0
    for language, texts in DEFAULT_TEXTS.items():
        _row, made = GuardianProgramText.objects.get_or_create(
            program=program, language=language, defaults=texts
        )
        created += int(made)
    return created


# -- the student's place in the program ----------------------------------------------------------


def student_conversations(*, program: Program, student_id: int):
    """The conversations of the program the student is in as a student: the one-to-one matches'
    and the groups'. A queryset of ids (a student of a group has no Match row)."""
    return (
        Conversation.objects.filter(program=program)
        .filter(
            Q(kind=Conversation.Kind.MATCH, match__student_id=student_id)
            | Q(
                kind=Conversation.Kind.GROUP,
                memberships__user_id=student_id,
                memberships__role=Membership.Role.STUDENT,
            )
        )
        .values("pk")
    )


def _program_students(*, program: Program) -> Q:
    """A filter on a student id: a student with a match or a group place in the program."""
    return Q(student_id__in=Match.objects.filter(program=program).values("student_id")) | Q(
        student_id__in=Membership.objects.filter(
            conversation__program=program,
            conversation__kind=Conversation.Kind.GROUP,
            role=Membership.Role.STUDENT,
        ).values("user_id")
    )


# -- signed links --------------------------------------------------------------------------------


def guardian_token(*, guardian: Guardian, program: Program, purpose: str) -> str:
    if purpose not in PURPOSES:
        raise ValueError(f"unknown purpose {purpose!r}")
    payload = {"g": guardian.pk, "p": program.pk, "k": purpose}
    return signing.TimestampSigner(salt=SALT).sign_object(payload)


def guardian_url(*, guardian: Guardian, program: Program, purpose: str) -> str:
    """The absolute address of a guardian's page (information, letter or unsubscribe)."""
    token = guardian_token(guardian=guardian, program=program, purpose=purpose)
    path = reverse(f"guardian-{purpose}", args=[token])
    return f"{settings.TRELLIS['PUBLIC_URL']}{path}"


def access_guardian_link(*, token: str, purpose: str) -> tuple[Guardian, Program]:
    """The guardian and program a signed link names, for its purpose. Raises GuardianLinkInvalid
    for a changed or foreign link, an inactive guardian or a student no longer in the program,
    and GuardianLinkExpired once the program's link age has passed."""
    signer = signing.TimestampSigner(salt=SALT)
    try:
        payload = signer.unsign_object(token)
    except signing.BadSignature as exc:
        raise GuardianLinkInvalid from exc
    if not isinstance(payload, dict) or payload.get("k") != purpose:
        raise GuardianLinkInvalid
    guardian = (
        Guardian.objects.filter(pk=payload.get("g"), is_active=True)
        .select_related("student")
        .first()
    )
    program = Program.objects.filter(pk=payload.get("p")).select_related("school").first()
    if guardian is None or program is None or guardian.district_id != program.school.district_id:
        raise GuardianLinkInvalid
    if not student_conversations(program=program, student_id=guardian.student_id).exists():
        raise GuardianLinkInvalid
    max_age = datetime.timedelta(days=guardian_settings(program=program).link_max_age_days)
    try:
        signer.unsign_object(token, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise GuardianLinkExpired from exc
    return guardian, program


# -- the information page and the letter ---------------------------------------------------------


@dataclass(frozen=True)
class GuardianInformation:
    guardian: Guardian
    program: Program
    student: User
    language: str
    sections: list[tuple[str, str]]  # (heading, text), in the guardian's language
    meetings: list[Meeting]  # the student's next meetings at school


def guardian_information(
    *, guardian: Guardian, program: Program, now: datetime.datetime | None = None
) -> GuardianInformation:
    """What the page and the letter say to this guardian, in their language. Call under
    `translation.override(information.language)` to render it."""
    now = now or timezone.now()
    language = guardian_language(guardian=guardian)
    texts = guardian_texts(program=program, language=language)
    with translation.override(language):
        sections = [(str(HEADINGS[f]), getattr(texts, f)) for f in FIELDS]
    meetings = list(
        Meeting.objects.filter(
            conversation__program=program,
            conversation__memberships__user_id=guardian.student_id,
            status=Meeting.Status.SCHEDULED,
            starts_at__gte=now,
        )
        .select_related("venue__school")
        .order_by("starts_at")[:5]
    )
    return GuardianInformation(
        guardian=guardian,
        program=program,
        student=guardian.student,
        language=language,
        sections=sections,
        meetings=meetings,
    )


# -- the student agreement, acknowledged by the guardian ------------------------------------------


@dataclass(frozen=True)
class GuardianAgreement:
    """The program's current student agreement as one guardian sees it."""

    agreement: Agreement
    text: str  # in the guardian's language (English where it is not written in it)
    acknowledged_on: datetime.date | None  # school date; None until acknowledged


def guardian_agreement(*, guardian: Guardian, program: Program) -> GuardianAgreement | None:
    """The program's current student agreement for this guardian, with the date they
    acknowledged it; None when the program has published none."""
    agreement = agreement_current(program=program, audience=Agreement.Audience.STUDENT)
    if agreement is None:
        return None
    acceptance = AgreementAcceptance.objects.filter(agreement=agreement, guardian=guardian).first()
    return GuardianAgreement(
        agreement=agreement,
        text=agreement.text_in(guardian_language(guardian=guardian)),
        acknowledged_on=(
            acceptance.accepted_at.astimezone(program.school.tz).date() if acceptance else None
        ),
    )


def guardian_agreement_acknowledge(
    *, guardian: Guardian, program: Program, agreement_id: object
) -> AgreementAcceptance:
    """Record the guardian's acknowledgement of the program's student agreement they were shown
    (`agreement_id`, from the page's form). Raises AgreementRefused, writing nothing, when that
    is not the program's current student text (a newer version was published since the page
    was opened, or the id names another program's text). Idempotent and audited by
    `agreement_accept`. The caller has checked the signed link (access_guardian_link)."""
    current = agreement_current(program=program, audience=Agreement.Audience.STUDENT)
    if current is None or str(current.pk) != str(agreement_id):
        raise AgreementRefused(
            pgettext("to an adult", "This version has been replaced: read the current one.")
        )
    return agreement_accept(agreement=current, guardian=guardian)


# -- the progress digest ---------------------------------------------------------------------------


@dataclass(frozen=True)
class GuardianProgress:
    meetings_attended: int
    meetings_held: int
    weeks: int
    weeks_with_contact: int
    # The milestones staff marked in the period for the student's matches (title and date only).
    milestones: tuple[Milestone, ...] = ()


def guardian_progress(
    *,
    guardian: Guardian,
    program: Program,
    start: datetime.datetime,
    end: datetime.datetime,
) -> GuardianProgress:
    """The student's figures in [start, end): meetings at school they attended (of those with
    attendance recorded), the school weeks in which the student and a mentor wrote to each
    other (a message seen by the other side; in a group, any member's), and the milestones of
    the student's matches and groups that
    staff marked in the period (so each is told once, whatever day it was reached on). Counts,
    titles and dates only, never content."""
    student_id = guardian.student_id
    conversations = student_conversations(program=program, student_id=student_id)
    attendance = Attendance.objects.filter(
        user_id=student_id,
        meeting__conversation__in=conversations,
        meeting__status=Meeting.Status.SCHEDULED,
        meeting__starts_at__gte=start,
        meeting__starts_at__lt=end,
    )
    tz = program.school.tz
    weeks = evaluation_weeks(
        tz=tz,
        first=start.astimezone(tz).date(),
        last=(end - datetime.timedelta(microseconds=1)).astimezone(tz).date(),
    )
    times = Message.objects.filter(
        conversation__in=conversations,
        kind=Message.Kind.USER,
        state__in=Message.VISIBLE_STATES,
        created_at__gte=start,
        created_at__lt=end,
    ).values_list("created_at", flat=True)
    contact_weeks = {w.start_date for t in times for w in weeks if w.start <= t < w.end}
    milestones = Milestone.objects.filter(
        program=program,
        conversation__in=conversations,
        marked_at__gte=start,
        marked_at__lt=end,
    ).order_by("achieved_on", "pk")
    return GuardianProgress(
        meetings_attended=attendance.filter(present=True).count(),
        meetings_held=attendance.count(),
        weeks=len(weeks),
        weeks_with_contact=len(contact_weeks),
        milestones=tuple(milestones),
    )


def _digest_due(*, guardian: Guardian, program: Program, now: datetime.datetime, every):
    last = (
        GuardianDigest.objects.filter(guardian=guardian, program=program)
        .order_by("-period_end")
        .first()
    )
    if last is None:
        return now - every
    if now - last.period_end < every:
        return None
    return last.period_end


def guardian_digest_send(
    *, guardian: Guardian, program: Program, now: datetime.datetime | None = None
) -> GuardianDigest | None:
    """Send this guardian the program's progress e-mail if one is due (the program's interval
    since the last), in their language, with links to the information page and to unsubscribe.
    Nothing for a guardian without an e-mail address, inactive or unsubscribed. Once per period:
    the digest row is unique, and the e-mail leaves after it commits."""
    now = now or timezone.now()
    if not guardian.email or not guardian.is_active:
        return None
    if GuardianUnsubscribe.objects.filter(guardian=guardian).exists():
        return None
    every = datetime.timedelta(days=guardian_settings(program=program).digest_every_days)
    start = _digest_due(guardian=guardian, program=program, now=now, every=every)
    if start is None:
        return None
    progress = guardian_progress(guardian=guardian, program=program, start=start, end=now)
    try:
        with transaction.atomic():
            digest = GuardianDigest.objects.create(
                guardian=guardian,
                program=program,
                period_start=start,
                period_end=now,
                meetings_attended=progress.meetings_attended,
                weeks_with_contact=progress.weeks_with_contact,
                sent_at=now,
            )
            subject, body = guardian_digest_message(
                guardian=guardian, program=program, progress=progress, start=start, end=now
            )
            transaction.on_commit(lambda: _mail(guardian=guardian, subject=subject, body=body))
    except IntegrityError:
        return None  # another worker sent this period's digest
    return digest


def guardian_digest_message(
    *,
    guardian: Guardian,
    program: Program,
    progress: GuardianProgress,
    start: datetime.datetime,
    end: datetime.datetime,
) -> tuple[str, str]:
    """The e-mail's subject and text in the guardian's language: figures and links only."""
    language = guardian_language(guardian=guardian)
    tz = program.school.tz
    with translation.override(language):
        context = {
            "guardian": guardian,
            "program": program,
            "student_name": guardian.student.first_name or guardian.student.public_name,
            "progress": progress,
            "start": start.astimezone(tz).date(),
            "end": (end - datetime.timedelta(microseconds=1)).astimezone(tz).date(),
            "contact": guardian_texts(program=program, language=language).contact,
            "information_url": guardian_url(
                guardian=guardian, program=program, purpose="information"
            ),
            "unsubscribe_url": guardian_url(
                guardian=guardian, program=program, purpose="unsubscribe"
            ),
            "link_days": guardian_settings(program=program).link_max_age_days,
        }
        subject = _("Progress in %(program)s") % {"program": program.name}
        body = render_to_string("programs/guardian_digest.txt", context)
    return subject, body


def _mail(*, guardian: Guardian, subject: str, body: str) -> None:
    try:
        send_mail(subject=subject, message=body, from_email=None, recipient_list=[guardian.email])
    except Exception:
        logger.warning("guardian e-mail failed for guardian=%s", guardian.pk)


def guardian_digests_send(*, now: datetime.datetime | None = None) -> int:
    """The periodic job: every due digest, for every active guardian of a student with an active
    or paused match, or a place in an open group, in a running program. Returns the number
    sent."""
    now = now or timezone.now()
    today = now.date()
    running = Program.objects.filter(start_date__lte=today).exclude(end_date__lt=today)
    pairs = set(
        Match.objects.filter(
            status__in=[Match.Status.ACTIVE, Match.Status.PAUSED], program__in=running
        ).values_list("student_id", "program_id")
    ) | set(
        Membership.objects.filter(
            role=Membership.Role.STUDENT,
            conversation__kind=Conversation.Kind.GROUP,
            conversation__is_open=True,
            conversation__program__in=running,
        ).values_list("user_id", "conversation__program_id")
    )
    programs = Program.objects.select_related("school__district").in_bulk(
        {program_id for _student, program_id in pairs}
    )
    sent = 0
    for student_id, program_id in sorted(pairs, key=lambda pair: (pair[1], pair[0])):
        program = programs[program_id]
        guardians = Guardian.objects.filter(
            student_id=student_id, is_active=True, district_id=program.school.district_id
        ).select_related("student")
        for guardian in guardians.order_by("pk"):
            if guardian_digest_send(guardian=guardian, program=program, now=now):
                sent += 1
    return sent


# -- a match's change, told to the guardians ----------------------------------------------------

MATCH_CHANGES = ("paused", "closed", "reassigned")


def _match_change_message(*, change: str, student: str, mentor: str, contact: str):
    """The subject and body of a match change for a guardian, in the active language: what
    happened in plain words, never the coordinator's reason nor anything written."""
    names = {"student": student, "mentor": mentor}
    if change == "paused":
        subject = _("The mentoring of %(student)s is paused") % names
        body = (
            _(
                "The program's coordinator has paused the mentoring conversation of %(student)s "
                "for now. While it is paused, %(student)s and the mentor do not write to each "
                "other. The coordinator will tell you when it starts again or what happens next."
            )
            % names
        )
    elif change == "closed":
        subject = _("The mentoring match of %(student)s has ended") % names
        body = (
            _(
                "The program's coordinator has ended the mentoring match of %(student)s with their "
                "mentor. Their conversation is closed, and they no longer write to each other."
            )
            % names
        )
    else:
        subject = _("%(student)s has a new mentor") % names
        body = (
            _(
                "The program's coordinator has matched %(student)s with a new mentor, %(mentor)s. "
                "The match with the previous mentor has ended. The new conversation starts fresh: "
                "the new mentor does not see the earlier messages."
            )
            % names
        )
    closing = _("If you have questions, please get in touch: %(contact)s") % {"contact": contact}
    return subject, f"{body}\n\n{closing}\n"


def guardian_match_change_notify(
    *, match: Match, change: str, new_mentor: User | None = None
) -> int:
    """Tell each active guardian with an e-mail address of the match's student that the match
    was paused, closed or reassigned (`change`, with `new_mentor` for a reassignment), in the
    guardian's language, in plain words: the child's first name, the new mentor's public name,
    the program's contact text; never the reason given nor any message. Sent after commit (a
    rolled-back change tells nobody) whether or not the guardian unsubscribed from the progress
    e-mails, which are a different thing. Returns the number of e-mails queued."""
    if change not in MATCH_CHANGES:
        raise ValueError(f"unknown change {change!r}")
    student = match.student
    return _change_notify(
        program=match.program,
        student=student,
        compose=lambda contact: _match_change_message(
            change=change,
            student=student.first_name or student.public_name,
            mentor=new_mentor.public_name if new_mentor else "",
            contact=contact,
        ),
    )


def _change_notify(*, program, student: User, compose) -> int:
    """E-mail each active guardian with an address of `student` the message `compose(contact)`
    makes in the guardian's language (with the program's contact text), after commit. Returns
    the number of e-mails queued."""
    guardians = Guardian.objects.filter(
        student=student, is_active=True, district_id=program.school.district_id
    ).exclude(email="")
    queued = 0
    for guardian in guardians.order_by("pk"):
        language = guardian_language(guardian=guardian)
        with translation.override(language):
            subject, body = compose(guardian_texts(program=program, language=language).contact)
        transaction.on_commit(
            lambda g=guardian, s=subject, b=body: _mail(guardian=g, subject=s, body=b)
        )
        queued += 1
    return queued


GROUP_CHANGES = ("left", "closed")


def _group_change_message(*, change: str, student: str, group: str, contact: str):
    """The subject and body of a group change for a guardian, in the active language: the child
    left the group, or the group ended; never the coordinator's reason nor anything written."""
    names = {"student": student, "group": group}
    if change == "left":
        subject = _("%(student)s has left a mentoring group") % names
        body = (
            _(
                "The program's coordinator has taken %(student)s out of the mentoring group "
                "%(group)s. %(student)s no longer reads or writes to the group."
            )
            % names
        )
    else:
        subject = _("The mentoring group of %(student)s has ended") % names
        body = (
            _(
                "The program's coordinator has ended the mentoring group %(group)s. Its "
                "conversation is closed: nobody writes in it any more."
            )
            % names
        )
    closing = _("If you have questions, please get in touch: %(contact)s") % {"contact": contact}
    return subject, f"{body}\n\n{closing}\n"


def guardian_group_change_notify(*, group: Conversation, student: User, change: str) -> int:
    """As `guardian_match_change_notify`, for a group: tell each active guardian with an e-mail
    address of `student` that the student left the group (`left`) or that it ended (`closed`),
    in the guardian's language, after commit. Returns the number of e-mails queued."""
    if change not in GROUP_CHANGES:
        raise ValueError(f"unknown change {change!r}")
    return _change_notify(
        program=group.program,
        student=student,
        compose=lambda contact: _group_change_message(
            change=change,
            student=student.first_name or student.public_name,
            group=group.title or _("Untitled group"),
            contact=contact,
        ),
    )


def guardian_unsubscribe(*, guardian: Guardian) -> GuardianUnsubscribe:
    """No more progress e-mails to this guardian. Idempotent."""
    row, _created = GuardianUnsubscribe.objects.get_or_create(
        guardian=guardian, defaults={"at": timezone.now()}
    )
    return row


def program_guardian_list(*, program: Program) -> list[Guardian]:
    """The active guardians of students with a match or a group place in the program, by student
    then name."""
    return list(
        Guardian.objects.filter(
            _program_students(program=program),
            is_active=True,
            district_id=program.school.district_id,
        )
        .select_related("student")
        .order_by("student__last_name", "student_id", "name", "pk")
    )


@transaction.atomic
def guardian_texts_save(
    *, program: Program, language: str, texts: dict[str, str], actor: User
) -> GuardianProgramText:
    """Store the program's guardian texts in one language (every field required), audited."""
    if language not in DEFAULT_TEXTS:
        raise ValueError(f"unsupported language {language!r}")
    missing = [f for f in FIELDS if not (texts.get(f) or "").strip()]
    if missing:
        raise ValueError(f"missing texts: {', '.join(missing)}")
    row, _created = GuardianProgramText.objects.update_or_create(
        program=program, language=language, defaults={f: texts[f].strip() for f in FIELDS}
    )
    audit_record(
        action="guardian_texts.save",
        actor=actor,
        district_id=program.school.district_id,
        target_type="program",
        target_id=program.pk,
        detail={"language": language},
    )
    return row
