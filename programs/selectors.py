"""Reads for running a program: the facts the matching aid ranks (programs.matching), and the
program's groups with the people who may join them."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Exists, F, Max, OuterRef, Prefetch, Q, QuerySet

from accounts.models import GuardianConsent, Program, User
from messaging.models import Conversation, Match, Membership, Message

from .agreements import mentors_oriented
from .matching import MentorFacts, ProgramFacts, Ranking, StudentFacts, language_part, rank_mentors
from .models import Guardian, MentorProfile, ProgramRules, StudentProfile

# A match holds one of the mentor's places until it is closed (a paused one may resume).
OPEN_STATUSES = (Match.Status.PROPOSED, Match.Status.ACTIVE, Match.Status.PAUSED)


def _tags(values: Iterable[object] | None) -> frozenset[str]:
    return frozenset(str(v).strip().lower() for v in values or () if str(v).strip())


def _languages(values: Iterable[object] | None) -> frozenset[str]:
    return frozenset(language_part(str(v)) for v in values or () if str(v).strip())


def program_facts(*, program: Program) -> ProgramFacts:
    rules = ProgramRules.objects.filter(program=program).first()
    return ProgramFacts(
        district_id=program.school.district_id,
        group_size=rules.group_size if rules is not None else None,
    )


def student_facts(*, student: User) -> StudentFacts:
    profile = StudentProfile.objects.filter(student=student).first() or StudentProfile()
    guardian_languages = Guardian.objects.filter(student=student, is_active=True).values_list(
        "preferred_language", flat=True
    )
    return StudentFacts(
        student_id=student.pk,
        district_id=student.district_id,
        grade=profile.grade,
        interests=_tags(profile.interests),
        needs=_tags(profile.needs),
        languages=_languages(profile.languages),
        guardian_languages=_languages(guardian_languages),
        availability=_tags(profile.availability),
    )


def mentor_facts(*, program: Program) -> tuple[list[MentorFacts], dict[int, User]]:
    """Every mentor of the program's district, as facts, and the accounts by id. Mentors of other
    districts are never gathered (a coordinator must not learn they exist)."""
    mentors = (
        User.objects.filter(role=User.Role.MENTOR, district_id=program.school.district_id)
        .select_related("screening")
        .annotate(
            open_matches=Count(
                "matches_as_mentor", filter=Q(matches_as_mentor__status__in=OPEN_STATUSES)
            ),
            open_in_program=Count(
                "matches_as_mentor",
                filter=Q(
                    matches_as_mentor__status__in=OPEN_STATUSES,
                    matches_as_mentor__program=program,
                ),
            ),
        )
        .order_by("pk")
    )
    profiles = {p.mentor_id: p for p in MentorProfile.objects.filter(mentor__in=mentors)}
    oriented = mentors_oriented(program=program, mentor_ids=[m.pk for m in mentors])
    facts = []
    for mentor in mentors:
        # A mentor entered without a profile takes one student and offers nothing to score.
        profile = profiles.get(mentor.pk) or MentorProfile()
        facts.append(
            MentorFacts(
                mentor_id=mentor.pk,
                district_id=mentor.district_id,
                is_active=mentor.is_active,
                is_minor=mentor.is_minor,
                screened=mentor.is_screened(),
                capacity=profile.capacity,
                open_matches=mentor.open_matches,
                open_in_program=mentor.open_in_program,
                careers=_tags(profile.careers),
                lived_experience=_tags(profile.lived_experience),
                languages=_languages(profile.languages),
                interests=_tags(profile.interests),
                availability=_tags(profile.availability),
                grade=profile.grade,
                agreement_acknowledged=mentor.pk in oriented,
            )
        )
    return facts, {m.pk: m for m in mentors}


@dataclass
class MatchOptions:
    program: Program
    student: User
    ranking: Ranking
    mentors: dict[int, User]
    # The student's open match in this program: no new one is proposed while it lasts.
    open_match: Match | None
    # What the page shows beside each candidate: the student's stated asks, what the mentor
    # offers (career, lived experience, languages).
    student_facts: StudentFacts | None = None
    mentor_facts: dict[int, MentorFacts] | None = None


def match_options(*, program: Program, student: User) -> MatchOptions:
    """The ranked candidates and the excluded mentors for `student` in `program`."""
    facts, mentors = mentor_facts(program=program)
    asks = student_facts(student=student)
    ranking = rank_mentors(student=asks, mentors=facts, program=program_facts(program=program))
    open_match = Match.objects.filter(
        program=program, student=student, status__in=OPEN_STATUSES
    ).first()
    return MatchOptions(
        program=program,
        student=student,
        ranking=ranking,
        mentors=mentors,
        open_match=open_match,
        student_facts=asks,
        mentor_facts={f.mentor_id: f for f in facts},
    )


def students_to_match(*, program: Program) -> list[User]:
    """Active students of the program's district with no open match in it: those the roster puts
    at the program's school, and those whose school is not recorded. By name, then id."""
    return list(
        User.objects.filter(
            role=User.Role.STUDENT, district_id=program.school.district_id, is_active=True
        )
        .filter(Q(student_profile__school=program.school) | Q(student_profile__school__isnull=True))
        .exclude(
            pk__in=Match.objects.filter(program=program, status__in=OPEN_STATUSES).values(
                "student_id"
            )
        )
        .order_by("last_name", "first_name", "pk")
    )


def group_mentors_eligible(*, program: Program) -> QuerySet[User]:
    """Mentors who may be put in a group of `program`: active, of its district, screened
    (background check and orientation), and a minor only with guardian consent; each with
    `grade` (recorded for a peer mentor, else None). The services check the same again
    (messaging.services), and the peer rule besides."""
    return (
        User.objects.filter(
            role=User.Role.MENTOR,
            district_id=program.school.district_id,
            is_active=True,
            screening__background_check_cleared_on__isnull=False,
            screening__orientation_completed_on__isnull=False,
        )
        .filter(Q(is_minor=False) | Exists(_active_consent()))
        .annotate(grade=F("mentor_profile__grade"))
        .order_by("last_name", "first_name", "display_name", "pk")
    )


def group_students_eligible(*, program: Program) -> QuerySet[User]:
    """Students who may be put in a group of `program`: active, of its district, at its school
    (or with no school recorded), with guardian consent; each with `grade` (None: unknown)."""
    return (
        User.objects.filter(
            role=User.Role.STUDENT, district_id=program.school.district_id, is_active=True
        )
        .filter(Q(student_profile__school=program.school) | Q(student_profile__school__isnull=True))
        .filter(Exists(_active_consent()))
        .annotate(grade=F("student_profile__grade"))
        .order_by("last_name", "first_name", "display_name", "pk")
    )


def _active_consent():
    return GuardianConsent.objects.filter(student=OuterRef("pk"), revoked_at__isnull=True)


def program_groups(*, program: Program) -> QuerySet[Conversation]:
    """The groups of `program`, newest first, each with its memberships (and their people) and
    `last`: when a member last wrote a message the others could see (None: nobody yet)."""
    return (
        Conversation.objects.filter(program=program, kind=Conversation.Kind.GROUP)
        .annotate(
            last=Max(
                "messages__created_at",
                filter=Q(
                    messages__kind=Message.Kind.USER,
                    messages__state__in=Message.VISIBLE_STATES,
                ),
            )
        )
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related("user").order_by("role", "user_id"),
            )
        )
        .order_by("-created_at", "-pk")
    )
