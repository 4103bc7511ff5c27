"""Pages each role can use without typing an address: navigation, a home per role, times in the
viewer's school zone with its name, and the console's alerts and second step."""

import datetime
import re
import zoneinfo

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import User
from accounts.permissions import coordinator_admin_grant
from actions.messages import message_send
from messaging.models import Message, WeeklyPrompt
from moderation.models import Action, ReviewItem, SafeguardingAlert
from moderation.review.actions import review_escalate
from scheduling import services as scheduling
from scheduling.models import Venue
from tests.conftest import login_verified
from tests.review.conftest import moderate

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    login_verified(client, user)
    return client


def text_of(response) -> str:
    """The page's visible text, tags removed and whitespace collapsed."""
    html = response.content.decode()
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def lunch(conversation, program, coordinator):
    """A 12:15 lunch in Chicago (the district's zone; the school names none) next Thursday."""
    assert program.school.tz.key == "America/Chicago"
    venue = Venue.objects.create(school=program.school, name="Library", approved=True)
    today = timezone.now().astimezone(program.school.tz).date() + datetime.timedelta(days=1)
    first = today + datetime.timedelta(days=(3 - today.weekday()) % 7)
    series = scheduling.series_create(
        conversation=conversation,
        venue=venue,
        title="Career lunch",
        rule="FREQ=WEEKLY;BYDAY=TH;COUNT=1",
        first_date=first,
        start_time=datetime.time(12, 15),
        duration_minutes=40,
        actor=coordinator,
    )
    return series.meetings.get()


def chicago_label(moment: datetime.datetime) -> str:
    local = moment.astimezone(zoneinfo.ZoneInfo("America/Chicago"))
    return f"{local:%a} {local.day} {local:%b}, 12:15 {local.tzname()}"


def test_a_chicago_lunch_reads_1215_with_its_zone_on_every_page(
    lunch, student, mentor, coordinator, program
):
    label = chicago_label(lunch.starts_at)
    assert label.endswith(("12:15 CST", "12:15 CDT"))
    utc_clock = lunch.starts_at.astimezone(datetime.UTC).strftime("%H:%M")
    User.objects.filter(pk=coordinator.pk).update(is_staff=True)
    coordinator.refresh_from_db()
    coordinator_admin_grant(user=coordinator)
    for user, path in [
        (student, "/"),
        (mentor, "/"),
        (student, "/meetings/"),
        (mentor, "/meetings/"),
        (coordinator, f"/meetings/{lunch.pk}/change/"),
        (coordinator, f"/coordinator/programs/{program.pk}/week/"),
        # The admin pages coordinators plan with, in the meeting's school zone too.
        (coordinator, "/admin/scheduling/meeting/"),
        (coordinator, f"/admin/scheduling/meeting/{lunch.pk}/change/"),
    ]:
        response = signed_in(user).get(path)
        assert response.status_code == 200, (user.role, path)
        page = text_of(response)
        assert label in page, (user.role, path)
        assert f", {utc_clock}" not in page, (user.role, path)
        assert f" {utc_clock} " not in page, (user.role, path)


def test_the_admin_meeting_form_reads_and_writes_the_school_clock(lunch, coordinator):
    User.objects.filter(pk=coordinator.pk).update(is_staff=True)
    coordinator.refresh_from_db()
    coordinator_admin_grant(user=coordinator)
    client = signed_in(coordinator)
    form = client.get(f"/admin/scheduling/meeting/{lunch.pk}/change/").content.decode()
    assert 'name="starts_at_1" value="12:15:00"' in form
    local = lunch.starts_at.astimezone(zoneinfo.ZoneInfo("America/Chicago"))
    response = client.post(
        f"/admin/scheduling/meeting/{lunch.pk}/change/",
        {
            "venue": lunch.venue_id,
            "starts_at_0": local.date().isoformat(),
            "starts_at_1": "13:30:00",
            "expected_version": lunch.version,
        },
    )
    assert response.status_code == 302
    lunch.refresh_from_db()
    assert lunch.starts_at.astimezone(zoneinfo.ZoneInfo("America/Chicago")).time() == (
        datetime.time(13, 30)
    )


def test_each_role_has_its_navigation(student, mentor, moderator, coordinator, conversation):
    student_page = signed_in(student).get("/").content.decode()
    assert '<a class="skip-link" href="#main">' in student_page
    assert '<main id="main"' in student_page
    assert 'href="/meetings/"' in student_page
    assert 'href="/staff/"' not in student_page
    assert 'href="/admin/"' not in student_page
    coordinator_page = signed_in(coordinator).get("/", follow=True).content.decode()
    assert 'href="/staff/"' in coordinator_page
    assert 'href="/admin/"' in coordinator_page
    assert 'href="/meetings/"' in coordinator_page


def test_a_moderator_lands_on_the_queue_with_the_urgent_count(moderator, make_item_urgent):
    client = signed_in(moderator)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/staff/"
    queue = client.get("/staff/").content.decode()
    assert re.search(r'id="nav-urgent">\s*1 urgent\s*<', queue)


@pytest.fixture
def make_item_urgent(conversation, mentor):
    message = message_send(
        sender=mentor, conversation_id=conversation.pk, client_id="u1", body="meet me alone"
    ).message
    return moderate(message, action=Action.HOLD, priority="urgent", categories=["grooming"])


def test_a_coordinator_with_one_program_lands_on_its_dashboard(coordinator, program):
    client = signed_in(coordinator)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == f"/coordinator/programs/{program.pk}/week/"
    page = client.get(response["Location"]).content.decode()
    # The dashboard leads to the admin pages a coordinator needs, as the programs list does.
    assert 'href="/admin/messaging/match/"' in page
    assert 'href="/admin/accounts/guardianconsent/"' in page
    assert "You have no conversations yet" not in page


def test_a_coordinator_with_several_programs_chooses_one(coordinator, program, make_program):
    other = make_program(program.school.district)
    page = signed_in(coordinator).get("/").content.decode()
    assert f'href="/coordinator/programs/{program.pk}/week/"' in page
    assert f'href="/coordinator/programs/{other.pk}/week/"' in page
    assert 'href="/admin/messaging/match/"' in page
    assert 'href="/admin/accounts/guardianconsent/"' in page


def test_student_home_shows_mentor_prompt_meeting_and_help(
    student, mentor, conversation, program, coordinator, lunch
):
    week_start = messaging_week_start(program)
    WeeklyPrompt.objects.create(
        program=program,
        week_start=week_start,
        body="What would you like to learn?",
        created_by=coordinator,
    )
    response = signed_in(student).get("/")
    page = response.content.decode()
    assert mentor.public_name in page
    assert f'href="/conversations/{conversation.pk}/"' in page
    assert "What would you like to learn?" in page
    assert f'action="/meetings/{lunch.pk}/rsvp/"' in page
    assert 'id="get-help"' in page
    assert "988" in page  # the default help line


def messaging_week_start(program):
    from messaging.cadence import program_week

    return program_week(program=program, at=timezone.now()).start_date


def test_mentor_home_says_who_waits_since_when(student, mentor, conversation):
    message_send(sender=student, conversation_id=conversation.pk, client_id="s1", body="hi there")
    Message.objects.filter(conversation=conversation).update(state=Message.State.DELIVERED)
    page = text_of(signed_in(mentor).get("/"))
    assert f"{student.public_name} is waiting for your reply since" in page
    assert re.search(r"since \w{3} \d{1,2} \w{3}, \d\d:\d\d C[SD]T \(just now\)", page)
    assert "1 unread message" in signed_in(mentor).get("/").content.decode()


def test_see_alerts_only_for_those_who_receive_them(moderator, coordinator, make_item_urgent):
    review_escalate(item=make_item_urgent, actor=moderator, reason="risk")
    assert SafeguardingAlert.objects.filter(recipient=coordinator).count() == 1
    moderator_queue = signed_in(moderator).get("/staff/").content.decode()
    assert 'href="/staff/alerts/"' not in moderator_queue
    coordinator_queue = signed_in(coordinator).get("/staff/").content.decode()
    assert 'href="/staff/alerts/"' in coordinator_queue


def test_an_alert_names_the_student_category_and_an_excerpt(
    moderator, coordinator, student, make_item_urgent
):
    review_escalate(item=make_item_urgent, actor=moderator, reason="risk")
    page = text_of(signed_in(coordinator).get("/staff/alerts/"))
    assert student.public_name in page
    assert "grooming" in page
    assert "meet me alone" in page
    assert "Review item #" in page


@pytest.mark.parametrize(
    ("action", "button"), [("pause", "confirm-pause"), ("suspend", "confirm-suspend")]
)
def test_pausing_the_match_and_suspending_the_sender_take_a_second_step(
    moderator, make_item_urgent, conversation, mentor, action, button
):
    client = signed_in(moderator)
    url = f"/staff/items/{make_item_urgent.pk}/{action}/"
    first = client.post(url, {"reason": "unsafe contact"})
    assert first.status_code == 200
    page = first.content.decode()
    assert f'id="{button}"' in page
    assert 'name="reason" value="unsafe contact"' in page
    # Nothing happened yet: the match is active, the sender active, no action recorded.
    conversation.match.refresh_from_db()
    mentor.refresh_from_db()
    assert (conversation.match.status, mentor.is_active) == ("active", True)
    assert make_item_urgent.actions.filter(kind=action).count() == 0
    refused = client.post(url, {"reason": "unsafe contact"}, HTTP_ACCEPT="application/json")
    assert (refused.status_code, refused.json()["error"]) == (409, "confirm")
    assert make_item_urgent.actions.filter(kind=action).count() == 0

    second = client.post(url, {"reason": "unsafe contact", "confirm": "yes"})
    assert second.status_code == 302
    assert make_item_urgent.actions.filter(kind=action).count() == 1
    conversation.match.refresh_from_db()
    mentor.refresh_from_db()
    if action == "pause":
        assert conversation.match.status == "paused"
    else:
        assert mentor.is_active is False


def test_dismissing_an_urgent_item_takes_a_second_step(moderator, make_item_urgent):
    Message.objects.filter(pk=make_item_urgent.message_id).update(state=Message.State.DELIVERED)
    client = signed_in(moderator)
    url = f"/staff/items/{make_item_urgent.pk}/dismiss/"
    first = client.post(url, {"reason": "looks fine"})
    assert first.status_code == 200
    assert 'id="confirm-dismiss"' in first.content.decode()
    make_item_urgent.refresh_from_db()
    assert make_item_urgent.status != ReviewItem.Status.RESOLVED
    assert make_item_urgent.actions.filter(kind="dismiss").count() == 0
    second = client.post(url, {"reason": "looks fine", "confirm": "yes"})
    assert second.status_code == 302
    make_item_urgent.refresh_from_db()
    assert make_item_urgent.status == ReviewItem.Status.RESOLVED
