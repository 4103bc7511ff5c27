"""Create (or refresh) a demo district with people, matches and some conversation history.

Idempotent: running it again finds what exists and adds nothing twice.
"""

import base64
import datetime
import hashlib

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import District, GuardianConsent, Program, School, Screening, User
from accounts.permissions import coordinator_admin_grant
from actions.checkins import checkin_answer
from actions.messages import message_send
from messaging import cadence
from messaging import services as messaging
from messaging.models import Conversation, Match, MatchEvent, Message, WeeklyPrompt
from programs.attendance import school_attendance_import
from programs.checkins import period_start
from programs.guardians import guardian_texts_seed
from programs.milestones import milestone_mark
from programs.models import CheckIn, FollowUp, Guardian, Milestone, ProgramRules
from programs.services import group_create
from scheduling import services as scheduling
from scheduling.models import Attendance, Meeting, Venue

DEMO_PASSWORD = "trellis-demo-2026"  # noqa: S105 - demo accounts only, printed to the operator

PEOPLE = [
    # username, display name, role, is_minor
    ("coordinator", "Casey Coordinator", User.Role.COORDINATOR, False),
    ("moderator", "Morgan Moderator", User.Role.MODERATOR, False),
    ("mentor", "Maya Mentor (nurse)", User.Role.MENTOR, False),
    ("mentor2", "Jordan Mentor (engineer)", User.Role.MENTOR, False),
    ("student", "Sam Student", User.Role.STUDENT, True),
    ("student2", "Riley Student", User.Role.STUDENT, True),
]

HISTORY = [
    ("mentor", "Hi Sam! I'm Maya, a nurse at the county hospital. What are you into these days?"),
    ("student", "Hi! I like biology and I play soccer on weekends."),
    ("mentor", "Great mix. What made you curious about biology?"),
    # Flagged for staff (toxicity) and delivered; then a phone number, held for a moderator: the
    # console's queue has something to show on first run.
    ("student", "ugh my group project partner is such an idiot, he did nothing"),
    ("mentor", "Text me instead, my cell is 555 201 7788"),
]
THIS_PROMPT = (
    "This week: share one place you would like to visit one day, and ask your mentor what they "
    "would show you there."
)
THIS_PROMPT_ES = (
    "Esta semana: cuéntale a tu mentor un lugar que te gustaría visitar algún día y pregúntale "
    "qué te mostraría allí."
)
NEXT_PROMPT = (
    "This week: tell your mentor about one thing you tried for the first time, and ask them "
    "about the first job they ever had."
)

# Earlier weeks, so that the program's evaluation and week pages show a history: (weeks before
# this one, day of the week, hour in the school's zone, who, text). Riley and Jordan write every
# week; Sam and Jordan stopped two weeks ago, so their match shows as at risk.
EARLIER = {
    ("mentor2", "student2"): [
        (4, 1, 16, "student2", "Hi Jordan! I want to build robots one day."),
        (4, 2, 12, "mentor2", "Hi Riley! Robots are a great goal. What have you built so far?"),
        (3, 1, 15, "student2", "A small car with a motor kit in science class."),
        (3, 1, 21, "mentor2", "Nice work. Did it drive straight the first time?"),
        (3, 3, 10, "student2", "No, it turned left every time. We fixed one wheel."),
        (2, 0, 17, "mentor2", "This week: what subject do you find hardest right now?"),
        (2, 2, 11, "student2", "Math, fractions are confusing."),
        (2, 3, 17, "mentor2", "Fractions confused me too. Try drawing them as pizza slices."),
        (1, 1, 14, "student2", "The pizza trick worked on my quiz!"),
        (1, 1, 17, "mentor2", "That is great news. I am proud of you."),
    ],
    ("mentor2", "student"): [
        (4, 2, 15, "student", "Hi, I am Sam. I like biology."),
        (4, 3, 19, "mentor2", "Hi Sam, nice to meet you. Engineers work with biologists a lot."),
        (3, 1, 16, "student", "What kind of projects do you do?"),
        (3, 4, 9, "mentor2", "Water filters for small towns. I can tell you more next time."),
    ],
}
# School attendance as the district would import it, per student: (weeks before this one, days
# present of five). Riley's attendance rises after the match started four weeks ago.
SCHOOL_ATTENDANCE = {
    "student2": [(7, 3), (6, 3), (5, 2), (4, 4), (3, 4), (2, 5), (1, 5)],
    "student": [(7, 4), (6, 4), (5, 4), (4, 4), (3, 3), (2, 4), (1, 4)],
}
# Check-ins, every two weeks in the demo (ProgramRules), answered in earlier weeks: (pair, weeks
# before this one, day of the week, hour, who, score, what went well, what worries them). Jordan's
# low score and worry about Sam open a coordinator follow-up; Sam has not answered the last one.
CHECKINS = [
    (("mentor2", "student2"), 3, 2, 16, "mentor2", 4, "Riley asks good questions.", ""),
    (("mentor2", "student2"), 3, 3, 12, "student2", 5, "The robot car drives straight now.", ""),
    (("mentor2", "student2"), 1, 2, 17, "mentor2", 5, "The fractions trick worked.", ""),
    (("mentor2", "student2"), 1, 3, 11, "student2", 4, "", ""),
    (("mentor2", "student"), 3, 2, 9, "student", 4, "Learning about water filters.", ""),
    (("mentor2", "student"), 1, 2, 18, "mentor2", 2, "",
     "Sam has not answered for two weeks and I do not know why."),
    (("mentor2", "student"), 1, 2, 18, "student", None, "", ""),
]  # fmt: skip
CHECKIN_EVERY_WEEKS = 2

# The lunch club, a group of Maya and both students: a session every Wednesday for the four weeks
# before this one, with attendance (Riley excused the first week, Sam absent the third), two
# messages and two answered group check-ins, so the evaluation's group figures show something.
CLUB_TITLE = "Lunch club"
CLUB_ABSENT = {(0, "student2"): "excused", (2, "student"): "absent"}
CLUB_MESSAGES = [
    # weeks before this one, day of the week, hour, who, text
    (1, 0, 10, "mentor", "Lunch club on Wednesday: bring one question about a job you'd try."),
    (1, 1, 14, "student2", "I will ask what engineers and nurses do together."),
]
CLUB_CHECKINS = [
    # weeks before this one, day of the week, hour, who, score
    (1, 3, 15, "mentor", 4),
    (1, 3, 16, "student2", 5),
]

GUARDIANS = [
    # student, sourcedId, name, e-mail, language
    ("student", "demo-guardian-1", "Rosa Student", "rosa@example.org", "es"),
    ("student2", "demo-guardian-2", "Alex Student", "alex@example.org", "en"),
]


DEMO_BACKUP_CODES = 3


def demo_totp_key(username: str) -> str:
    """A fixed authenticator key per demo adult (hex), so a demo authenticator survives re-seeding.
    Demo accounts only: real adults enrol with a random key on their first sign-in."""
    return hashlib.sha1(f"trellis-demo-totp:{username}".encode()).hexdigest()  # noqa: S324


def demo_backup_codes(username: str) -> list[str]:
    return [
        base64.b32encode(hashlib.sha256(f"trellis-demo-backup:{username}:{i}".encode()).digest())
        .decode()[:8]
        .lower()
        for i in range(DEMO_BACKUP_CODES)
    ]


def ensure_demo_second_factor(user: User) -> TOTPDevice:
    """The demo adult's authenticator (fixed key) and backup codes (restored if used)."""
    device, _ = TOTPDevice.objects.update_or_create(
        user=user, name="demo", defaults={"key": demo_totp_key(user.username), "confirmed": True}
    )
    backup, _ = StaticDevice.objects.get_or_create(user=user, name="demo-backup")
    have = set(backup.token_set.values_list("token", flat=True))
    StaticToken.objects.bulk_create(
        [
            StaticToken(device=backup, token=code)
            for code in demo_backup_codes(user.username)
            if code not in have
        ]
    )
    return device


class Command(BaseCommand):
    help = "Create a demo district, program, people, active matches and some history (idempotent)."

    def _meetings(self, school, match, coordinator):
        """An approved venue and a fortnightly lunch meeting for the first match."""
        venue, _ = Venue.objects.get_or_create(
            school=school, name="Library", defaults={"approved": True}
        )
        if match.conversation.meeting_series.exists():
            return
        today = timezone.now().astimezone(school.tz).date()
        first = today + datetime.timedelta(days=(3 - today.weekday()) % 7 or 7)  # next Thursday
        scheduling.series_create(
            conversation=match.conversation,
            venue=venue,
            title="Lunch with your mentor",
            rule="FREQ=WEEKLY;INTERVAL=2;BYDAY=TH;COUNT=8",
            first_date=first,
            start_time=datetime.time(12, 15),
            duration_minutes=40,
            actor=coordinator,
        )

    def _history(self, program, users, coordinator, matches):
        """Earlier weeks of messages, a weekly meeting with its attendance, school attendance and
        the guardians' contacts, once. The matches with history started four weeks ago."""
        tz = program.school.tz
        this_week = cadence.program_week(program=program, at=timezone.now()).start_date
        started = datetime.datetime.combine(
            this_week - datetime.timedelta(weeks=4), datetime.time(8), tzinfo=tz
        )
        for pair, lines in EARLIER.items():
            match = matches[pair]
            if match.conversation.messages.filter(client_id__startswith="demo-earlier-").exists():
                continue
            MatchEvent.objects.filter(match=match).update(at=started)
            for i, (weeks, day, hour, who, text) in enumerate(lines):
                when = datetime.datetime.combine(
                    this_week - datetime.timedelta(weeks=weeks, days=-day),
                    datetime.time(hour),
                    tzinfo=tz,
                )
                sent = message_send(
                    sender=users[who],
                    conversation_id=match.conversation.pk,
                    client_id=f"demo-earlier-{pair[1]}-{i}",
                    body=text,
                ).message
                Message.objects.filter(pk=sent.pk).update(created_at=when, state_changed_at=when)
        venue, _ = Venue.objects.get_or_create(
            school=program.school, name="Library", defaults={"approved": True}
        )
        weekly = matches[("mentor2", "student2")]
        if not weekly.conversation.meeting_series.exists():
            first = this_week - datetime.timedelta(weeks=4, days=-1)  # a Tuesday
            scheduling.series_create(
                conversation=weekly.conversation,
                venue=venue,
                title="Robotics club with your mentor",
                rule="FREQ=WEEKLY;BYDAY=TU;COUNT=8",
                first_date=first,
                start_time=datetime.time(15, 0),
                duration_minutes=45,
                actor=coordinator,
                now=started - datetime.timedelta(days=1),
            )
            past = Meeting.objects.filter(
                conversation=weekly.conversation, starts_at__lt=timezone.now()
            ).order_by("starts_at")
            for n, meeting in enumerate(past):
                for who in ("mentor2", "student2"):
                    state = Attendance.State.ABSENT if (n, who) == (1, "student2") else "present"
                    scheduling.attendance_record(
                        meeting_id=meeting.pk, user_id=users[who].pk, state=state, actor=coordinator
                    )
        rows = ["student,week,days_present,days_absent"]
        for username, weeks in SCHOOL_ATTENDANCE.items():
            for weeks_ago, present in weeks:
                monday = this_week - datetime.timedelta(weeks=weeks_ago, days=this_week.weekday())
                rows.append(f"{username},{monday.isoformat()},{present},{5 - present}")
        school_attendance_import(
            district=program.school.district, data="\n".join(rows).encode(), dry_run=False
        )
        for username, sourced_id, name, email, language in GUARDIANS:
            Guardian.objects.get_or_create(
                student=users[username],
                sourced_id=sourced_id,
                defaults={
                    "district": program.school.district,
                    "name": name,
                    "email": email,
                    "preferred_language": language,
                },
            )
        guardian_texts_seed(program=program)
        self._checkins(program, users, matches, this_week)
        # The weekly club's first meeting, marked: the members see it, the guardians' e-mail
        # lists it, the week page links to it.
        milestone_mark(
            actor=coordinator, conversation=weekly.conversation, kind=Milestone.Kind.FIRST_MEETING
        )

    def _club(self, program, users, coordinator):
        """The lunch club (a group) with its earlier sessions, attendance, messages and answered
        check-ins, once."""
        if Conversation.objects.filter(
            program=program, kind=Conversation.Kind.GROUP, title=CLUB_TITLE
        ).exists():
            return
        tz = program.school.tz
        this_week = cadence.program_week(program=program, at=timezone.now()).start_date
        started = datetime.datetime.combine(
            this_week - datetime.timedelta(weeks=4), datetime.time(8), tzinfo=tz
        )
        club = group_create(
            actor=coordinator,
            program=program,
            title=CLUB_TITLE,
            mentors=[users["mentor"]],
            students=[users["student"], users["student2"]],
        )
        Conversation.objects.filter(pk=club.pk).update(created_at=started)
        club.refresh_from_db()
        cafeteria, _ = Venue.objects.get_or_create(
            school=program.school, name="Cafeteria", defaults={"approved": True}
        )
        scheduling.series_create(
            conversation=club,
            venue=cafeteria,
            title=CLUB_TITLE,
            rule="FREQ=WEEKLY;BYDAY=WE;COUNT=8",
            first_date=this_week - datetime.timedelta(weeks=4, days=-2),  # a Wednesday
            start_time=datetime.time(12, 0),
            duration_minutes=30,
            actor=coordinator,
            now=started - datetime.timedelta(days=1),
        )
        earlier = Meeting.objects.filter(
            conversation=club,
            starts_at__lt=datetime.datetime.combine(this_week, datetime.time.min, tzinfo=tz),
        ).order_by("starts_at")
        for n, meeting in enumerate(earlier):
            for who in ("mentor", "student", "student2"):
                scheduling.attendance_record(
                    meeting_id=meeting.pk,
                    user_id=users[who].pk,
                    state=CLUB_ABSENT.get((n, who), Attendance.State.PRESENT),
                    actor=coordinator,
                )
        for i, (weeks, day, hour, who, text) in enumerate(CLUB_MESSAGES):
            when = datetime.datetime.combine(
                this_week - datetime.timedelta(weeks=weeks, days=-day),
                datetime.time(hour),
                tzinfo=tz,
            )
            sent = message_send(
                sender=users[who], conversation_id=club.pk, client_id=f"demo-club-{i}", body=text
            ).message
            Message.objects.filter(pk=sent.pk).update(created_at=when, state_changed_at=when)
        for weeks, day, hour, who, score in CLUB_CHECKINS:
            when = datetime.datetime.combine(
                this_week - datetime.timedelta(weeks=weeks, days=-day),
                datetime.time(hour),
                tzinfo=tz,
            )
            checkin = CheckIn.objects.create(
                program=program,
                conversation=club,
                match=None,
                user=users[who],
                period_start=period_start(program=program, on=when.date()),
                opened_at=when - datetime.timedelta(days=2),
            )
            checkin_answer(user=users[who], checkin_id=checkin.pk, score=score)
            CheckIn.objects.filter(pk=checkin.pk).update(answered_at=when)

    def _checkins(self, program, users, matches, this_week):
        """Earlier weeks' check-ins, answered through the real action (comments screened, a
        follow-up for the low score), then dated back to the day they were answered. Once."""
        ProgramRules.objects.get_or_create(
            program=program, defaults={"checkin_every_weeks": CHECKIN_EVERY_WEEKS}
        )
        tz = program.school.tz
        for pair, weeks, day, hour, who, score, went_well, worries in CHECKINS:
            match = matches[pair]
            day_answered = this_week - datetime.timedelta(weeks=weeks, days=-day)
            when = datetime.datetime.combine(day_answered, datetime.time(hour), tzinfo=tz)
            checkin, created = CheckIn.objects.get_or_create(
                conversation=match.conversation,
                user=users[who],
                period_start=period_start(program=program, on=when.date()),
                defaults={
                    "program": program,
                    "match": match,
                    "opened_at": when - datetime.timedelta(days=2),
                },
            )
            if not created or score is None:
                continue
            checkin_answer(
                user=users[who],
                checkin_id=checkin.pk,
                score=score,
                went_well=went_well,
                worries=worries,
            )
            CheckIn.objects.filter(pk=checkin.pk).update(answered_at=when)
            FollowUp.objects.filter(checkin=checkin).update(opened_at=when)

    @transaction.atomic
    def handle(self, *args, **options):
        district, _ = District.objects.get_or_create(
            slug="riverbend", defaults={"name": "Riverbend Unified", "timezone": "America/Chicago"}
        )
        school, _ = School.objects.get_or_create(district=district, name="Riverbend High School")
        today = timezone.localdate()
        program, _ = Program.objects.get_or_create(
            school=school,
            name="Careers in Practice",
            defaults={
                "start_date": today - datetime.timedelta(days=60),
                "end_date": today + datetime.timedelta(days=240),
            },
        )
        users: dict[str, User] = {}
        for username, name, role, minor in PEOPLE:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "display_name": name,
                    "role": role,
                    "district": district,
                    "is_minor": minor,
                    "is_staff": role == User.Role.COORDINATOR,
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            users[username] = user
        coordinator = users["coordinator"]
        district.safeguarding_lead = coordinator
        district.save(update_fields=["safeguarding_lead"])
        if coordinator.is_staff:
            coordinator_admin_grant(user=coordinator)
        for student in ("student", "student2"):
            if not users[student].has_active_consent():
                GuardianConsent.objects.create(
                    student=users[student],
                    guardian_name="Demo Guardian",
                    recorded_by=coordinator,
                    recorded_at=timezone.now(),
                )
        for mentor in ("mentor", "mentor2"):
            Screening.objects.update_or_create(
                mentor=users[mentor],
                defaults={
                    "background_check_cleared_on": today - datetime.timedelta(days=20),
                    "orientation_completed_on": today - datetime.timedelta(days=15),
                    "recorded_by": coordinator,
                },
            )
        pairs = [("mentor", "student"), ("mentor2", "student2"), ("mentor2", "student")]
        matches = {}
        for mentor, student in pairs:
            match = (
                Match.objects.filter(program=program, mentor=users[mentor], student=users[student])
                .exclude(status=Match.Status.CLOSED)
                .first()
            )
            if match is None:
                match = messaging.match_create(
                    program=program, mentor=users[mentor], student=users[student], actor=coordinator
                )
            matches[(mentor, student)] = messaging.match_activate(
                match=match, actor=coordinator, reason="Demo"
            )
        self._history(program, users, coordinator, matches)
        self._club(program, users, coordinator)
        first = Match.objects.get(
            program=program,
            mentor=users["mentor"],
            student=users["student"],
            status=Match.Status.ACTIVE,
        )
        for i, (who, text) in enumerate(HISTORY):
            message_send(
                sender=users[who],
                conversation_id=first.conversation.pk,
                client_id=f"demo-{i}",
                body=text,
            )

        self._meetings(school, first, coordinator)
        # The weekly cadence: this week's prompt, posted into every active match now (as the
        # periodic job does when a week starts), and next week's, posted when it starts.
        this_week = cadence.program_week(program=program, at=timezone.now())
        WeeklyPrompt.objects.get_or_create(
            program=program,
            week_start=this_week.start_date,
            defaults={
                "body": THIS_PROMPT,
                "body_translations": {"es": THIS_PROMPT_ES},
                "created_by": coordinator,
            },
        )
        cadence.prompts_post_due()
        cadence.prompt_schedule(
            program=program,
            week_start=this_week.start_date + datetime.timedelta(days=7),
            body=NEXT_PROMPT,
            actor=coordinator,
        )

        self.stdout.write(self.style.SUCCESS("Demo data ready: district 'Riverbend Unified'."))
        self.stdout.write(
            f"Sign in at {settings.TRELLIS['PUBLIC_URL']}/accounts/login/ with password "
            f"'{DEMO_PASSWORD}' as one of:"
        )
        for username, name, role, _ in PEOPLE:
            self.stdout.write(f"  {username:12} {role:12} {name}")
        self.stdout.write(
            "Adults also need a code: add the setup link to an authenticator app, or use a backup "
            "code (each works once; seeding again restores them)."
        )
        for username, *_ in PEOPLE:
            user = users[username]
            if not user.requires_second_factor:
                continue
            device = ensure_demo_second_factor(user)
            self.stdout.write(f"  {username:12} {device.config_url}")
            self.stdout.write(f"  {'':12} backup codes: {' '.join(demo_backup_codes(username))}")
