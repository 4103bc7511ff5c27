"""Every page of each role's path, rendered in Spanish, shows no English words: a template string
left bare, or a Python string shown without gettext, fails here.

The check is a word list: the page's visible text (tags, scripts and styles removed; aria-label,
title and placeholder kept, since screen readers speak them) is split into words, and any word
among the most frequent English words that are not also Spanish words fails the page. Names and
other data of the test (people, programs, schools, venues, titles) are allowed, and so is a
short list of words that are the same in both languages or are names of things.
"""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from actions.messages import message_send
from messaging import cadence
from moderation.crisis import crisis_resources
from programs.agreements import agreement_accept, agreement_publish
from programs.guardians import guardian_token
from programs.milestones import milestone_mark
from programs.models import Agreement, CheckIn, Guardian, Milestone
from programs.services import group_create
from scheduling import services as scheduling
from scheduling.models import Venue
from testkit.sessions import login_verified
from tests.review.conftest import moderate

pytestmark = pytest.mark.django_db

# About 300 of the most frequent English words, less those that are also Spanish words ("a",
# "no", "me", "he", "son", "come", "has", "use", "sea", "red", "once", "plan", "mentor", "total",
# "final", "real", "local", "general", "idea", "area", "error", ...), plus the words of this
# product's own pages.
_ENGLISH_WORDS = """
    the be to of and in that have it for not on with as you do at this but his by from they we
    say her she or an will my one all would there their what so up out if about who get which
    go when make can like time just him know take people into year your good some could them
    see other than then now look only its over think also back after two how our work first
    well way even new want because any these give day most us is are was were been had did does
    said made more many very such here where why much own same should each those few still
    every through before between under while again never always often being without yet since
    until both off down next last long great little right old big high different small large
    early young important public bad able thing man woman child world life hand part place case
    week company system question government number night point home water room mother money
    story fact month lot study book eye job word business issue side kind head house service
    friend father power hour game line end member law car city community name president team
    minute kid body information school face others level office door health person art war
    history party result change morning reason research girl guy moment air teacher force
    education send sent open show ask tell try leave call need feel become put mean keep let
    begin seem help talk turn start hear play run move live believe hold bring happen write
    provide sit stand lose pay meet include continue learn lead understand watch follow stop
    create speak read allow add spend grow offer remember love consider appear buy wait serve
    build stay fall cut reach remain suggest raise pass sell require report decide pull yes
    today tomorrow yesterday please thank thanks sorry hello welcome save delete edit search
    password username sign signed message messages meeting meetings waiting reply review staff
    safe student students conversation conversations paused going maybe unread wrote written
    yet later scheduled calendar link private reset attendance present absent excused proposal
    proposals propose coordinator coordinators district program programs match matches prompt
    prompts weekly nothing found page skip content account devices device code continue enter
    your setup confirm step second backup codes authenticator app shared computer browser
    closes minutes activity done sure every student's mentor's guardian guardians consent
    consents screening screenings admin console queue alerts safeguarding urgent item items
    priority source categories status since oldest acted median hours days ago now just
"""
ENGLISH = frozenset(_ENGLISH_WORDS.split())

# Words that are the same in both languages, or names of things, seen on these pages.
_ALLOWED_WORDS = "trellis cst cdt cet utc json csv ics zip oneroster rrule url id english español"
ALLOWED = frozenset(_ALLOWED_WORDS.split())

TAGS_WITH_TEXT_HIDDEN = re.compile(r"<(script|style|head)\b.*?</\1>", re.S | re.I)
SPOKEN_ATTRIBUTES = re.compile(r'\s(?:aria-label|title|placeholder|alt)="([^"]*)"', re.I)
TITLE = re.compile(r"<title>(.*?)</title>", re.S | re.I)
WORD = re.compile(r"[A-Za-zÀ-ÿ]+(?:'[a-z]+)?")


def visible_text(html: str) -> str:
    """What a person sees or hears of a page: its title, the text between tags and the spoken
    attributes, with scripts, styles and the head removed."""
    title = " ".join(TITLE.findall(html))
    body = TAGS_WITH_TEXT_HIDDEN.sub(" ", html)
    spoken = " ".join(SPOKEN_ATTRIBUTES.findall(body))
    text = re.sub(r"<[^>]+>", " ", body)
    return " ".join(f"{title} {text} {spoken}".split())


RRULE = re.compile(r"\b[A-Z]+=[\w;,=]+")  # "FREQ=WEEKLY;BYDAY=TU": a standard's syntax


def english_words(text: str, *, data: set[str]) -> list[str]:
    """The English words of `text` that are neither data of the test nor allowed."""
    found = []
    for word in WORD.findall(RRULE.sub(" ", text)):
        token = word.lower()
        if token in ENGLISH and token not in ALLOWED and token not in data:
            found.append(word)
    return found


def data_words(*values: str) -> set[str]:
    return {w.lower() for value in values for w in WORD.findall(value or "")}


def test_the_check_finds_a_bare_english_string():
    page = "<html><head><title>Reuniones · Trellis</title></head><body><p>Tus reuniones</p>"
    assert english_words(visible_text(page + "</body></html>"), data=set()) == []
    bare = page + "<p>Show earlier messages</p></body></html>"
    assert english_words(visible_text(bare), data=set()) == ["Show", "messages"]
    assert english_words(visible_text('<button aria-label="Close the menu">x</button>'), data=set())


@pytest.fixture
def world(
    program,
    district,
    coordinator,
    moderator,
    conversation,
    active_match,
    student,
    mentor,
    make_user,
):
    """A Spanish-speaking district's week: a prompt, a meeting series, a held and a flagged
    message in the queue, a pending proposal; the program's agreement (acknowledged by the
    mentor, waiting for a newcomer), the student's open check-in, a milestone, a guardian."""
    coordinator.is_staff = True
    coordinator.save()
    newcomer = make_user("mentor", district)
    for user in (student, mentor, coordinator, newcomer, moderator):
        user.preferred_language = "es"
        user.save()
    venue = Venue.objects.create(school=program.school, name="Biblioteca", approved=True)
    today = timezone.now().astimezone(program.school.tz).date() + datetime.timedelta(days=1)
    first = today + datetime.timedelta(days=(3 - today.weekday()) % 7)
    series = scheduling.series_create(
        conversation=conversation,
        venue=venue,
        title="Almuerzo de carreras",
        rule="FREQ=WEEKLY;BYDAY=TH;COUNT=2",
        first_date=first,
        start_time=datetime.time(12, 15),
        duration_minutes=40,
        actor=coordinator,
    )
    start = cadence.program_week(program=program, at=timezone.now()).start_date
    prompt = cadence.prompt_schedule(
        program=program,
        week_start=start + datetime.timedelta(days=7),
        body="What do you want to learn?",
        actor=coordinator,
        translations={"es": "¿Qué quieres aprender?"},
    )
    prompt.week_start = start
    prompt.save(update_fields=["week_start"])
    held = message_send(
        sender=student, conversation_id=conversation.pk, client_id="h1", body="mi número"
    ).message
    item = moderate(held, categories=["contact_info"])
    meeting = series.meetings.order_by("starts_at").first()
    agreement = agreement_publish(
        actor=coordinator,
        program=program,
        audience=Agreement.Audience.MENTOR,
        text_en="Write only in Trellis.",
        text_es="Escribe solo en Trellis.",
    )
    agreement_accept(agreement=agreement, user=mentor)
    checkin = CheckIn.objects.create(
        program=program,
        conversation=conversation,
        match=active_match,
        user=student,
        period_start=start,
        opened_at=timezone.now(),
    )
    milestone_mark(
        actor=coordinator,
        conversation=conversation,
        kind=Milestone.Kind.CUSTOM,
        title="Feria de ciencias",
        achieved_on=today,
    )
    # A group of the program, so that its pages (list, new group, the group) are read too.
    group = group_create(
        actor=coordinator,
        program=program,
        title="Club de lectura",
        mentors=[mentor],
        students=[student],
    )
    guardian = Guardian.objects.create(
        district=district,
        student=student,
        sourced_id="g-1",
        name="Rosa Díaz",
        email="rosa@example.org",
        preferred_language="es",
    )
    data = data_words(
        # The district's help lines are data (names of services: "Crisis Text Line").
        *crisis_resources(district_id=district.pk, language="es"),
        *(u.public_name for u in (student, mentor, coordinator, newcomer, moderator)),
        *(u.username for u in (student, mentor, coordinator, newcomer, moderator)),
        # Category codes shown as they are stored, the same in every language.
        "contact_info",
        guardian.name,
        # The attendance file's column names and values are the file format's own words.
        "student date status present absent week days_present days_absent",
        program.name,
        program.school.name,
        district.name,
        conversation.title,
        group.title,
    )
    return {
        "conversation": conversation,
        "program": program,
        "student": student,
        "mentor": mentor,
        "coordinator": coordinator,
        "moderator": moderator,
        "item": item,
        "newcomer": newcomer,
        "guardian": None,  # a guardian has no account: signed links only
        "meeting": meeting,
        "match": active_match,
        "checkin": checkin,
        "group": group,
        "guardian_links": {
            purpose: guardian_token(guardian=guardian, program=program, purpose=purpose)
            for purpose in ("information", "unsubscribe")
        },
        "data": data,
    }


def paths_of(world) -> dict[str, list[str]]:
    c, p = world["conversation"].pk, world["program"].pk
    links = world["guardian_links"]
    return {
        "student": [
            "/",
            f"/conversations/{c}/",
            "/meetings/",
            "/no-such-page/",
            f"/checkins/{world['checkin'].pk}/",
        ],
        "mentor": [
            "/",
            f"/conversations/{c}/",
            "/meetings/",
            "/meetings/propose/",
            "/meetings/proposals/",
            "/agreements/",
        ],
        "newcomer": ["/agreements/"],
        "moderator": [
            "/staff/",
            f"/staff/items/{world['item'].pk}/",
            "/staff/conversations/",
            f"/staff/conversations/{c}/",
            "/staff/reports/service-levels/",
            "/staff/reports/quality/",
        ],
        "guardian": [
            f"/guardians/{links['information']}/",
            f"/guardians/{links['unsubscribe']}/unsubscribe/",
            "/guardians/not-a-signed-link/",
        ],
        "coordinator": [
            "/",
            f"/coordinator/programs/{p}/week/",
            "/meetings/",
            "/meetings/plan/",
            f"/meetings/plan/{c}/series/new/",
            f"/meetings/{world['meeting'].pk}/change/",
            "/meetings/proposals/",
            f"/coordinator/programs/{p}/match/",
            f"/coordinator/programs/{p}/match/{world['student'].pk}/",
            "/coordinator/roster/",
            f"/coordinator/programs/{p}/matches/{world['match'].pk}/",
            f"/coordinator/programs/{p}/conversations/{c}/milestones/",
            f"/coordinator/programs/{p}/agreements/",
            f"/coordinator/programs/{p}/evaluation/",
            f"/coordinator/schools/{world['program'].school_id}/evaluation/",
            "/coordinator/attendance/",
            "/staff/alerts/",
            "/staff/settings-changes/",
            f"/coordinator/programs/{p}/guardians/",
            f"/coordinator/programs/{p}/guardians/texts/es/",
            f"/coordinator/programs/{p}/groups/",
            f"/coordinator/programs/{p}/groups/new/",
            f"/coordinator/programs/{p}/groups/{world['group'].pk}/",
        ],
    }


def test_every_page_of_every_role_is_in_spanish(world):
    failures = {}
    for role, paths in paths_of(world).items():
        if world[role] is None:
            # A guardian's browser asks for Spanish: a link that names no guardian (tampered,
            # expired) can only follow the browser. Valid links follow the guardian's language
            # (tests/programs/test_guardians.py).
            client = Client(headers={"accept-language": "es"})
        else:
            client = Client()
            login_verified(client, world[role])
        for path in paths:
            # A coordinator with one program is sent on to its dashboard: read where it lands.
            response = client.get(path, follow=True)
            assert response.status_code in (200, 404), (role, path, response.status_code)
            html = response.content.decode()
            assert '<html lang="es">' in html, (role, path)
            words = english_words(visible_text(html), data=world["data"])
            if words:
                failures[f"{role} {path}"] = sorted(set(words))
    assert failures == {}, "\n".join(f"{page}: {' '.join(w)}" for page, w in failures.items())


@pytest.mark.parametrize(
    "path", ["/accounts/login/", "/no-such-page/", "/accounts/otp/", "/accounts/otp/enrol/"]
)
def test_the_sign_in_pages_are_in_spanish(path, mentor):
    client = Client(headers={"accept-language": "es"})
    if path == "/accounts/otp/":
        # An authenticator set up earlier: the code page.
        TOTPDevice.objects.create(user=mentor, name="phone", confirmed=True)
    if path.startswith("/accounts/otp/"):
        # Password passed; the second step's pages.
        client.force_login(mentor)
    response = client.get(path)
    html = response.content.decode()
    assert '<html lang="es">' in html
    data = data_words(mentor.username, mentor.public_name)
    # The setup key and link are data of the page, not words.
    text = re.sub(r"otpauth://\S+|\b[A-Z2-7]{16,}\b", " ", visible_text(html))
    assert english_words(text, data=data) == []


# The second person of "tú" (students) and of "usted" (adults: mentors, guardians, staff).
TU = re.compile(
    r"\b(tú|tu|tus|ti|contigo|te|tienes|puedes|quieres|necesitas|estás|eres|escribiste|"
    r"aceptaste|pediste|podrás|tengas|vuelves|sabes|has)\b",
    re.I,
)
USTED = re.compile(r"\b(usted|ustedes)\b", re.I)


def test_a_mentor_is_addressed_as_usted_and_a_student_as_tu(world):
    """A page a mentor reads says "usted" throughout (no "tú" form), a page a student reads
    "tú" (no "usted"); shared pages use each reader's form or one that addresses neither."""
    found = {}
    for role, pattern in (("mentor", TU), ("newcomer", TU), ("student", USTED)):
        client = Client()
        login_verified(client, world[role])
        data = world["data"]
        for path in paths_of(world)[role]:
            text = visible_text(client.get(path).content.decode())
            # What the coordinator wrote (the week's question, the agreement) is content, not
            # the site's words: written here for students.
            for written in ("¿Qué quieres aprender?", "Escribe solo en Trellis."):
                text = text.replace(written, " ")
            words = [w for w in pattern.findall(text) if w.lower() not in data]
            if words:
                found[f"{role} {path}"] = sorted(set(words))
    assert found == {}, found


@pytest.mark.parametrize("path", ["/accounts/otp/", "/accounts/otp/enrol/"])
def test_the_authenticator_pages_say_usted(path, mentor):
    """Only adults set up an authenticator."""
    mentor.preferred_language = "es"
    mentor.save()
    client = Client(headers={"accept-language": "es"})
    if path == "/accounts/otp/":
        TOTPDevice.objects.create(user=mentor, name="phone", confirmed=True)
    client.force_login(mentor)
    text = visible_text(client.get(path).content.decode())
    assert TU.findall(text) == []


def test_the_conversation_script_is_told_whom_it_addresses(world):
    """The page tells its script the reader's register (conversation.js picks its words by it),
    and says "only you can see this" in it."""
    path = f"/conversations/{world['conversation'].pk}/"
    for role, audience, only_you in (
        ("student", "student", "Solo tú puedes ver esto"),
        ("mentor", "adult", "Solo usted puede ver esto"),
    ):
        client = Client()
        login_verified(client, world[role])
        html = client.get(path).content.decode()
        assert f'data-audience="{audience}"' in html, role
        assert f'data-only-you="{only_you}"' in html, role
