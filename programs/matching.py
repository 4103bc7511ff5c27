"""The matching aid's arithmetic: pure (no database); facts in, ranked candidates and exclusions
out.

`rank_mentors` applies the program's rules first; a mentor a rule excludes is listed with every
reason, never ranked. The rest are scored by what they share with the student, and every point
carries the reason a coordinator sees. programs.selectors gathers the facts.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

POINTS = {
    "need_met": 3,
    "guardian_language": 3,
    "shared_language": 2,
    "shared_interest": 2,
    "schedule_overlap": 1,
}
# Overlapping slots beyond this add nothing: a match meets once a week.
MAX_SLOT_POINTS = 3


@dataclass(frozen=True)
class MentorFacts:
    mentor_id: int
    district_id: int | None
    is_active: bool
    is_minor: bool
    screened: bool
    capacity: int
    # Open (not closed) matches of the mentor, in every program.
    open_matches: int
    # Open matches of the mentor in this program (group programs).
    open_in_program: int
    careers: frozenset[str] = frozenset()
    lived_experience: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    interests: frozenset[str] = frozenset()
    availability: frozenset[str] = frozenset()
    grade: int | None = None
    # The program's current mentor agreement acknowledged (True when the program has none).
    agreement_acknowledged: bool = True

    @property
    def offers(self) -> frozenset[str]:
        """What the mentor can offer a student: career fields and lived experience."""
        return self.careers | self.lived_experience


@dataclass(frozen=True)
class StudentFacts:
    student_id: int
    district_id: int | None
    grade: int | None = None
    interests: frozenset[str] = frozenset()
    needs: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    # Languages the student's guardians read (roster contacts).
    guardian_languages: frozenset[str] = frozenset()
    availability: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ProgramFacts:
    district_id: int
    # A group program: one mentor takes at most this many of its students.
    group_size: int | None = None


@dataclass(frozen=True)
class Reason:
    code: str
    text: str
    points: int = 0

    def as_dict(self) -> dict:
        return {"code": self.code, "text": self.text, "points": self.points}


@dataclass(frozen=True)
class Candidate:
    mentor_id: int
    score: int
    remaining: int
    reasons: tuple[Reason, ...]
    # The student's stated needs this mentor's career or lived experience meets.
    needs_met: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Exclusion:
    mentor_id: int
    reasons: tuple[Reason, ...]


@dataclass
class Ranking:
    candidates: list[Candidate] = field(default_factory=list)
    exclusions: list[Exclusion] = field(default_factory=list)


def language_part(tag: str) -> str:
    """The language of a BCP 47 tag, lower case: "es-MX" -> "es"."""
    return tag.strip().replace("_", "-").split("-")[0].lower()


def _listed(items: frozenset[str]) -> str:
    return ", ".join(sorted(items))


def peer_rule(
    *, mentor_is_minor: bool, mentor_grade: int | None, student_grade: int | None
) -> Reason | None:
    """The peer rule, for a match and for a group alike: a peer mentor (a minor) mentors only
    younger students, with both grades recorded. None when the pair may be together."""
    if not mentor_is_minor:
        return None
    if mentor_grade is None or student_grade is None:
        return Reason(
            "peer_grade_unknown",
            _(
                "A peer mentor (a minor) mentors only younger students, and the "
                "mentor's or the student's grade is not recorded."
            ),
        )
    if mentor_grade <= student_grade:
        return Reason(
            "peer_not_younger",
            _(
                "A peer mentor (a minor) mentors only younger students: the mentor is "
                "in grade %(mentor)d, the student in grade %(student)d."
            )
            % {"mentor": mentor_grade, "student": student_grade},
        )
    return None


def exclusions_for(
    *, mentor: MentorFacts, student: StudentFacts, program: ProgramFacts
) -> list[Reason]:
    """Every program rule the mentor fails for this student (empty: the mentor may be ranked)."""
    reasons: list[Reason] = []
    if mentor.district_id != program.district_id or student.district_id != program.district_id:
        reasons.append(Reason("other_district", _("The mentor belongs to another district.")))
    if not mentor.is_active:
        reasons.append(Reason("inactive", _("The mentor's account is disabled.")))
    if not mentor.screened:
        reasons.append(
            Reason(
                "screening_incomplete",
                _("Screening incomplete: the background check and orientation must be recorded."),
            )
        )
    if not mentor.agreement_acknowledged:
        reasons.append(
            Reason(
                "agreement_pending",
                _(
                    "Orientation incomplete: the mentor has not acknowledged the program's "
                    "current boundaries agreement."
                ),
            )
        )
    if mentor.open_matches >= mentor.capacity:
        reasons.append(
            Reason(
                "at_capacity",
                ngettext(
                    "At capacity: %(taken)d of %(capacity)d place taken.",
                    "At capacity: %(taken)d of %(capacity)d places taken.",
                    mentor.capacity,
                )
                % {"taken": mentor.open_matches, "capacity": mentor.capacity},
            )
        )
    peer = peer_rule(
        mentor_is_minor=mentor.is_minor, mentor_grade=mentor.grade, student_grade=student.grade
    )
    if peer is not None:
        reasons.append(peer)
    if program.group_size is not None and mentor.open_in_program >= program.group_size:
        reasons.append(
            Reason(
                "group_full",
                _("The mentor's group in this program is full (%(size)d students).")
                % {"size": program.group_size},
            )
        )
    return reasons


def score_for(*, mentor: MentorFacts, student: StudentFacts) -> tuple[int, list[Reason]]:
    """The mentor's score for the student and the reasons that make it up."""
    reasons: list[Reason] = []
    needs = student.needs & mentor.offers
    if needs:
        reasons.append(
            Reason(
                "need_met",
                _("Can meet: %(needs)s") % {"needs": _listed(needs)},
                POINTS["need_met"] * len(needs),
            )
        )
    interests = student.interests & mentor.interests
    if interests:
        reasons.append(
            Reason(
                "shared_interest",
                _("Shared interests: %(interests)s") % {"interests": _listed(interests)},
                POINTS["shared_interest"] * len(interests),
            )
        )
    spoken = student.languages & mentor.languages
    if spoken:
        reasons.append(
            Reason(
                "shared_language",
                _("Speaks the student's language: %(languages)s") % {"languages": _listed(spoken)},
                POINTS["shared_language"],
            )
        )
    # A mentor who can write to the guardians in their language helps the whole family take part.
    family = student.guardian_languages & mentor.languages
    if family:
        reasons.append(
            Reason(
                "guardian_language",
                _("Speaks the guardians' language: %(languages)s") % {"languages": _listed(family)},
                POINTS["guardian_language"],
            )
        )
    slots = student.availability & mentor.availability
    if slots:
        reasons.append(
            Reason(
                "schedule_overlap",
                _("Both available: %(slots)s") % {"slots": _listed(slots)},
                POINTS["schedule_overlap"] * min(len(slots), MAX_SLOT_POINTS),
            )
        )
    remaining = mentor.capacity - mentor.open_matches
    reasons.append(
        Reason(
            "capacity",
            ngettext(
                "%(remaining)d of %(capacity)d place free.",
                "%(remaining)d of %(capacity)d places free.",
                mentor.capacity,
            )
            % {"remaining": remaining, "capacity": mentor.capacity},
        )
    )
    return sum(r.points for r in reasons), reasons


def rank_mentors(
    *, student: StudentFacts, mentors: list[MentorFacts], program: ProgramFacts
) -> Ranking:
    """Mentors the rules allow, best first (score, then most places free, then the lower id:
    a stable order), and the mentors the rules exclude, with their reasons, by id."""
    ranking = Ranking()
    for mentor in mentors:
        excluded = exclusions_for(mentor=mentor, student=student, program=program)
        if excluded:
            ranking.exclusions.append(Exclusion(mentor.mentor_id, tuple(excluded)))
            continue
        score, reasons = score_for(mentor=mentor, student=student)
        ranking.candidates.append(
            Candidate(
                mentor_id=mentor.mentor_id,
                score=score,
                remaining=mentor.capacity - mentor.open_matches,
                reasons=tuple(reasons),
                needs_met=student.needs & mentor.offers,
            )
        )
    ranking.candidates.sort(key=lambda c: (-c.score, -c.remaining, c.mentor_id))
    ranking.exclusions.sort(key=lambda e: e.mentor_id)
    return ranking
