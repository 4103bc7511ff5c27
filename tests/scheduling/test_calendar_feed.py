"""The private calendar feed (audit item 6): its key is stored hashed and shown once, a person
resets it from the meetings page, signing out everywhere, a password change and a second-factor
reset end it, it answers nothing for a suspended account or a closed match, and it never carries
a student's full name."""

import hashlib

import pytest
from django.db import connection
from django.test import Client
from icalendar import Calendar

from accounts.credentials import second_factor_reset
from accounts.models import FeedKey, User
from messaging import services as messaging
from testkit.sessions import login_verified

RESET = "/meetings/calendar-link/"


def signed_in(user) -> Client:
    client = Client()
    login_verified(client, user)
    return client


def new_link(client) -> str:
    """Press "reset my calendar link": the path of the new private address, shown once."""
    response = client.post(RESET)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    url = response.context["feed_url"]
    assert url.startswith("http://testserver/calendar/")
    assert url.encode() in response.content
    return url.removeprefix("http://testserver")


def fetch(path):
    return Client().get(path)


def vevents(response) -> list:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return list(Calendar.from_ical(response.content).walk("VEVENT"))


def test_the_key_is_stored_hashed_and_shown_only_once(series, student):
    client = signed_in(student)
    path = new_link(client)
    token = path.removeprefix("/calendar/").removesuffix(".ics")
    stored = FeedKey.objects.get(user=student)
    assert stored.key_hash == hashlib.sha256(token.encode()).hexdigest()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {FeedKey._meta.db_table}")  # noqa: S608 (model's own table)
        assert token not in repr(cursor.fetchall())
    assert len(vevents(fetch(path))) == 4
    again = client.get("/meetings/")
    assert again.context["feed_url"] is None
    assert token.encode() not in again.content
    assert b"Reset my calendar link" in again.content


def test_resetting_the_link_makes_a_new_one_and_the_old_one_stops_working(series, student):
    client = signed_in(student)
    first = new_link(client)
    assert len(vevents(fetch(first))) == 4
    second = new_link(client)
    assert second != first
    assert fetch(first).status_code == 404
    assert len(vevents(fetch(second))) == 4
    assert FeedKey.objects.filter(user=student).count() == 1


def test_the_reset_is_a_post_with_a_csrf_token(series, student):
    client = Client(enforce_csrf_checks=True)
    login_verified(client, student)
    page = client.get("/meetings/")
    assert b'action="/meetings/calendar-link/"' in page.content
    assert b"csrfmiddlewaretoken" in page.content
    assert client.post(RESET).status_code == 403
    assert client.get(RESET).status_code == 405
    assert FeedKey.objects.filter(user=student).exists() is False


@pytest.mark.parametrize("trigger", ["sign_out_everywhere", "password_change", "second_factor"])
def test_each_credential_reset_ends_the_calendar_link(series, mentor, coordinator, trigger):
    client = signed_in(mentor)
    path = new_link(client)
    assert len(vevents(fetch(path))) == 4
    if trigger == "sign_out_everywhere":
        assert client.post("/accounts/sessions/sign-out-everywhere/").status_code == 302
    elif trigger == "password_change":
        mentor.set_password("a-brand-new-long-password-7")
        mentor.save()
    else:
        # One coordinator resets an adult's second factor where the district allows it.
        mentor.district.allow_single_coordinator_credential_reset = True
        mentor.district.save()
        assert second_factor_reset(user=mentor, actor=coordinator).applied
    assert fetch(path).status_code == 404
    # Signed in again, the person makes a new link, which works.
    mentor.refresh_from_db()
    fresh = new_link(signed_in(mentor))
    assert fresh != path
    assert len(vevents(fetch(fresh))) == 4


def test_the_feed_is_refused_for_a_suspended_or_deactivated_account(series, mentor):
    path = new_link(signed_in(mentor))
    User.objects.filter(pk=mentor.pk).update(is_active=False)
    assert fetch(path).status_code == 404


def test_a_closed_matchs_meetings_leave_the_feed(series, active_match, student):
    path = new_link(signed_in(student))
    assert len(vevents(fetch(path))) == 4
    messaging.match_close(match=active_match, actor=None, reason="Program ended")
    assert vevents(fetch(path)) == []


def test_the_feed_never_carries_a_students_full_name(series, mentor, student):
    User.objects.filter(pk=student.pk).update(
        first_name="Maria", last_name="Lopez-Garcia", display_name="Maria Lopez-Garcia"
    )
    series.title = "Lunch with Maria Lopez-Garcia"
    series.save(update_fields=["title"])
    for person in (mentor, student):
        response = fetch(new_link(signed_in(person)))
        events = vevents(response)
        assert [str(e["summary"]) for e in events] == ["Mentoring meeting"] * 4
        assert b"Lopez" not in response.content
        assert b"Maria" not in response.content
        assert str(events[0]["location"]).startswith("Library")
