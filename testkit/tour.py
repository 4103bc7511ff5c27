"""The main pages of each role, on the demo data (`manage.py seed_demo`).

One list serves the accessibility scan (tests/browser/test_accessibility.py) and the screenshots
(`python -m testkit.screenshots`), so that both visit the same pages. Paths are computed from the
database after seeding: the demo's first conversation, its held message's review item, its
program, school and next meeting, the program's group, and the student's open check-in.
"""

from __future__ import annotations

import dataclasses

from accounts.models import Program, User
from messaging.models import Conversation, Match
from moderation.models import ReviewItem
from programs.checkins import checkins_open_for
from programs.guardians import guardian_token
from programs.models import Guardian
from scheduling.models import Meeting

ROLES = ("anonymous", "guardian", "student", "mentor", "moderator", "coordinator")

# Sizes the product is built for: a school Chromebook and a phone.
COORD = "coordinator"

VIEWPORTS = {"chromebook": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}


@dataclasses.dataclass(frozen=True)
class Stop:
    role: str
    name: str
    path: str
    username: str | None  # None: not signed in (a guardian never signs in: signed links)

    @property
    def slug(self) -> str:
        return f"{self.role}-{self.name}"


def demo_stops() -> list[Stop]:
    """Every main page per role on the seeded demo, in the order a new user meets them."""
    student = User.objects.get(username="student")
    match = Match.objects.filter(student=student, mentor__username="mentor").latest("pk")
    conversation: Conversation = match.conversation
    program: Program = match.program
    item = ReviewItem.objects.filter(message__conversation=conversation).order_by("pk").first()
    meeting = Meeting.objects.filter(conversation=conversation).order_by("starts_at").first()

    stops = [
        Stop("anonymous", "sign-in", "/accounts/login/", None),
        Stop("anonymous", "not-found", "/no-such-page/", None),
        Stop("student", "home", "/", "student"),
        Stop("student", "conversation", f"/conversations/{conversation.pk}/", "student"),
        Stop("student", "meetings", "/meetings/", "student"),
        Stop("mentor", "home", "/", "mentor"),
        Stop("mentor", "conversation", f"/conversations/{conversation.pk}/", "mentor"),
        Stop("mentor", "meetings", "/meetings/", "mentor"),
        Stop("mentor", "propose-meeting", "/meetings/propose/", "mentor"),
        Stop("moderator", "queue", "/staff/", "moderator"),
        Stop("moderator", "conversations", "/staff/conversations/", "moderator"),
        Stop(
            "moderator",
            "conversation",
            f"/staff/conversations/{conversation.pk}/",
            "moderator",
        ),
        Stop("moderator", "service-levels", "/staff/reports/service-levels/", "moderator"),
        Stop("moderator", "quality", "/staff/reports/quality/", "moderator"),
        Stop("coordinator", "home", "/", "coordinator"),
        Stop(
            "coordinator",
            "program-week",
            f"/coordinator/programs/{program.pk}/week/",
            "coordinator",
        ),
        Stop("coordinator", "plan-meetings", "/meetings/plan/", "coordinator"),
        Stop(
            "coordinator",
            "new-series",
            f"/meetings/plan/{conversation.pk}/series/new/",
            "coordinator",
        ),
        Stop("coordinator", "proposals", "/meetings/proposals/", "coordinator"),
        Stop(
            "coordinator",
            "match-students",
            f"/coordinator/programs/{program.pk}/match/",
            "coordinator",
        ),
        Stop("coordinator", "roster-import", "/coordinator/roster/", "coordinator"),
        Stop("coordinator", "alerts", "/staff/alerts/", "coordinator"),
        Stop("coordinator", "settings-changes", "/staff/settings-changes/", "coordinator"),
    ]
    p = f"/coordinator/programs/{program.pk}"
    stops += [
        Stop(COORD, "evaluation", f"{p}/evaluation/", COORD),
        Stop(COORD, "manage-match", f"{p}/matches/{match.pk}/", COORD),
        Stop(COORD, "agreements", f"{p}/agreements/", COORD),
        Stop(COORD, "families", f"{p}/guardians/", COORD),
        Stop(COORD, "attendance-import", "/coordinator/attendance/", COORD),
    ]
    school_page = f"/coordinator/schools/{program.school_id}/evaluation/"
    stops += [
        Stop(COORD, "review-queue", "/staff/", COORD),
        Stop(COORD, "milestones", f"{p}/conversations/{conversation.pk}/milestones/", COORD),
        Stop(COORD, "school-evaluation", school_page, COORD),
        Stop(COORD, "guardian-texts", f"{p}/guardians/texts/es/", COORD),
        Stop(COORD, "groups", f"{p}/groups/", COORD),
        Stop(COORD, "new-group", f"{p}/groups/new/", COORD),
    ]
    # The demo's group (the lunch club), when the program has one.
    group = (
        Conversation.objects.filter(program=program, kind=Conversation.Kind.GROUP)
        .order_by("pk")
        .first()
    )
    if group is not None:
        stops.append(Stop(COORD, "group", f"{p}/groups/{group.pk}/", COORD))
    # A page a member reaches from home when the demo has one: an open check-in.
    for who in ("student", "mentor"):
        checkin = next(iter(checkins_open_for(user=User.objects.get(username=who))), None)
        if checkin is not None:
            stops.append(Stop(who, "check-in", f"/checkins/{checkin.pk}/", who))
    if item is not None:
        stops.insert(10, Stop("moderator", "review-item", f"/staff/items/{item.pk}/", "moderator"))
    if meeting is not None:
        stops.append(
            Stop("coordinator", "change-meeting", f"/meetings/{meeting.pk}/change/", "coordinator")
        )
    # A guardian reads in their own language (Guardian.preferred_language): one page per language.
    guardians = (
        Guardian.objects.filter(student__matches_as_student__program=program, is_active=True)
        .order_by("pk")
        .distinct()
    )
    for language in dict.fromkeys(g.preferred_language or "en" for g in guardians):
        guardian = next(g for g in guardians if (g.preferred_language or "en") == language)
        token = guardian_token(guardian=guardian, program=program, purpose="information")
        stops.insert(2, Stop("guardian", f"information-{language}", f"/guardians/{token}/", None))
    return stops


def guardian_letters(program: Program) -> dict[str, str]:
    """Per guardian language, the path of one guardian's printable letter (a PDF)."""
    letters = {}
    guardians = (
        Guardian.objects.filter(student__matches_as_student__program=program, is_active=True)
        .order_by("pk")
        .distinct()
    )
    for g in guardians:
        language = g.preferred_language or "en"
        if language not in letters:
            token = guardian_token(guardian=g, program=program, purpose="letter")
            letters[language] = f"/guardians/{token}/letter.pdf"
    return letters
