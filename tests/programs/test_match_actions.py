"""A match that is not working: pause, close and reassign from the coordinator's dashboard;
at-risk matches; and the proof that a new mentor never reads the old conversation."""

import datetime

import pytest
from asgiref.sync import sync_to_async
from django.core import mail
from django.test import Client
from django.utils import timezone

from accounts.models import AuditEntry, User
from actions.checkins import checkin_answer
from actions.messages import message_send
from messaging import services as messaging
from messaging.models import Conversation, Match, MatchEvent, Message
from programs.checkins import follow_up_close
from programs.match_actions import (
    MatchActionRefused,
    match_close_for_review,
    match_pause_for_review,
    match_reassign,
    matches_at_risk,
)
from programs.models import (
    CheckIn,
    FollowUp,
    MatchDecision,
    MatchHandover,
    ProgramNotice,
    StudentProfile,
)
from testkit.sessions import login_verified, session_cookie
from tests.messaging.support import connect

pytestmark = pytest.mark.usefixtures("fresh_limits")


def _notices(user):
    return list(ProgramNotice.objects.filter(user=user).values_list("subject", flat=True))


def test_pause_with_reason_tells_both_and_is_audited(
    program, active_match, coordinator, django_capture_on_commit_callbacks
):
    active_match.mentor.email, active_match.student.email = "m@example.org", "s@example.org"
    active_match.mentor.save()
    active_match.student.save()
    with django_capture_on_commit_callbacks(execute=True):
        match_pause_for_review(
            actor=coordinator, program=program, match=active_match, reason="Family asked"
        )
    active_match.refresh_from_db()
    assert (active_match.status, active_match.status_reason) == ("paused", "Family asked")
    assert _notices(active_match.mentor) == ["Your mentoring conversation is paused"]
    assert _notices(active_match.student) == ["Your mentoring conversation is paused"]
    assert sorted(m.to[0] for m in mail.outbox) == ["m@example.org", "s@example.org"]
    assert all("Family asked" not in m.body for m in mail.outbox)  # the reason stays with staff
    entry = AuditEntry.objects.get(action="match.pause")
    assert (entry.actor_ref, entry.target_id, entry.detail) == (
        coordinator.pk,
        str(active_match.pk),
        {"program": program.pk, "by": "coordinator"},
    )


def test_close_needs_a_reason_and_tells_both(program, active_match, coordinator):
    with pytest.raises(MatchActionRefused):
        match_close_for_review(actor=coordinator, program=program, match=active_match, reason=" ")
    assert Match.objects.get(pk=active_match.pk).status == "active"
    match_close_for_review(actor=coordinator, program=program, match=active_match, reason="Moved")
    assert Match.objects.get(pk=active_match.pk).status == "closed"
    assert _notices(active_match.student) == ["Your mentoring match has ended"]
    assert AuditEntry.objects.filter(action="match.close").count() == 1
    with pytest.raises(MatchActionRefused):
        match_close_for_review(actor=coordinator, program=program, match=active_match, reason="x")


def test_a_match_of_another_program_is_refused(
    program, make_program, district, active_match, coordinator
):
    with pytest.raises(MatchActionRefused):
        match_pause_for_review(
            actor=coordinator, program=make_program(district), match=active_match, reason="x"
        )


@pytest.fixture
def new_mentor(make_user, district):
    return make_user(User.Role.MENTOR, district, display_name="Nadia")


def test_reassign_closes_proposes_activates_and_carries_the_history(
    program, active_match, coordinator, new_mentor, district
):
    student = active_match.student
    StudentProfile.objects.create(student=student, needs=["math"], interests=["soccer"])
    checkin = CheckIn.objects.create(
        program=program,
        conversation=active_match.conversation,
        match=active_match,
        user=student,
        period_start=datetime.date(2026, 9, 7),
        opened_at=timezone.now(),
    )
    checkin_answer(user=student, checkin_id=checkin.pk, score=2)
    follow_up_close(follow_up=FollowUp.objects.get(), actor=coordinator, note="Talked to both.")

    handover = match_reassign(
        actor=coordinator,
        program=program,
        match=active_match,
        mentor_id=new_mentor.pk,
        reason="No contact",
    )
    old = Match.objects.get(pk=active_match.pk)
    new = handover.new_match
    assert (old.status, old.status_reason) == ("closed", "No contact")
    assert (new.mentor_id, new.student_id, new.status) == (new_mentor.pk, student.pk, "active")
    assert MatchDecision.objects.get(match=new).coordinator_id == coordinator.pk
    history = handover.history
    assert history["goals"] == {"needs": ["math"], "interests": ["soccer"]}
    assert history["checkins"] == [{"period": "2026-09-07", "role": "student", "score": 2}]
    assert [n["text"] for n in history["notes"]] == ["Talked to both."]
    assert (history["meetings_held"], history["meetings_attended"]) == (0, 0)
    assert [(e["from"], e["to"]) for e in history["events"]] == [
        ("", "proposed"),
        ("proposed", "active"),
        ("active", "closed"),
    ]
    assert _notices(old.mentor) == ["Your mentoring match has ended"]
    assert _notices(student) == ["You have a new mentor"]
    assert _notices(new_mentor) == ["You have been matched with a student"]
    entry = AuditEntry.objects.get(action="match.reassign")
    assert entry.detail == {
        "program": program.pk,
        "new_match": new.pk,
        "old_mentor": old.mentor_id,
        "new_mentor": new_mentor.pk,
        "student": student.pk,
        "new_status": "active",
    }
    assert AuditEntry.objects.filter(action="match.propose", target_id=str(new.pk)).count() == 1


def test_reassign_to_an_excluded_or_the_same_mentor_writes_nothing(
    program, active_match, coordinator, make_user, district
):
    unscreened = make_user(User.Role.MENTOR, district, cleared=False)
    for mentor_id in (unscreened.pk, active_match.mentor_id, "nobody"):
        with pytest.raises(Exception):  # noqa: B017,PT011 (MatchActionRefused or MatchNotProposable)
            match_reassign(
                actor=coordinator,
                program=program,
                match=active_match,
                mentor_id=mentor_id,
                reason="x",
            )
    assert Match.objects.get(pk=active_match.pk).status == "active"
    assert MatchHandover.objects.count() == 0
    assert ProgramNotice.objects.count() == 0


def _reassigned_with_history(program, active_match, coordinator, new_mentor):
    message_send(
        sender=active_match.student,
        conversation_id=active_match.conversation.pk,
        client_id="old-1",
        body="A secret only my first mentor knows",
    )
    handover = match_reassign(
        actor=coordinator, program=program, match=active_match, mentor_id=new_mentor.pk, reason="x"
    )
    return active_match.conversation, handover.new_match.conversation


def test_the_new_mentor_cannot_read_the_old_conversation_over_http(
    program, active_match, coordinator, new_mentor
):
    old, new = _reassigned_with_history(program, active_match, coordinator, new_mentor)
    client = Client()
    login_verified(client, new_mentor)
    assert client.get(f"/api/conversations/{old.pk}/messages/").status_code == 404
    assert client.get(f"/conversations/{old.pk}/").status_code == 404
    listing = client.get("/api/conversations/").content.decode()
    assert str(new.pk) in listing
    for url in (
        f"/api/conversations/{new.pk}/messages/",
        f"/conversations/{new.pk}/",
        "/api/conversations/",
        "/",
    ):
        response = client.get(url, follow=True)
        assert response.status_code == 200
        assert "A secret only my first mentor knows" not in response.content.decode()
    assert not Message.objects.filter(conversation=new, body__contains="secret").exists()
    # Nor through the handover or the notices, which the coordinator and the people read.
    assert "secret" not in str(MatchHandover.objects.get().history)
    assert not ProgramNotice.objects.filter(body__contains="secret").exists()


@pytest.mark.django_db(transaction=True)
async def test_the_new_mentor_gets_no_history_over_the_socket(
    program, active_match, coordinator, new_mentor
):
    old, new = await sync_to_async(_reassigned_with_history)(
        program, active_match, coordinator, new_mentor
    )
    socket = await connect(await sync_to_async(session_cookie)(new_mentor))
    for frame in ({"type": "history"}, {"type": "resume", "after_seq": 0}):
        await socket.send(conversation=old.pk, **frame)
        error = await socket.recv()
        assert (error["type"], error["code"]) == ("error", "not_found")
    await socket.send(type="history", conversation=new.pk)
    page = await socket.recv_type("history")
    assert "A secret only my first mentor knows" not in str(page)
    await socket.close()


def _age(conversation, *, days):
    """The conversation, and its match's activation, `days` ago."""
    at = timezone.now() - datetime.timedelta(days=days)
    Conversation.objects.filter(pk=conversation.pk).update(created_at=at)
    if conversation.match_id:
        MatchEvent.objects.filter(match_id=conversation.match_id).update(at=at)


def _wrote(conversation, sender, *, days_ago, client_id):
    result = message_send(
        sender=sender, conversation_id=conversation.pk, client_id=client_id, body="Hi"
    )
    Message.objects.filter(pk=result.message.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=days_ago)
    )


def test_at_risk_is_two_weeks_without_a_message_longest_first(program, make_user, district):
    def active():
        match = messaging.match_create(
            program=program,
            mentor=make_user("mentor", district),
            student=make_user("student", district),
        )
        return messaging.match_activate(match=match)

    quiet, silent, lively, young = active(), active(), active(), active()
    for match in (quiet, silent, lively):
        _age(match.conversation, days=40)
    _age(young.conversation, days=5)
    _wrote(quiet.conversation, quiet.mentor, days_ago=15, client_id="q")
    _wrote(lively.conversation, lively.student, days_ago=13, client_id="l")
    paused = active()
    _age(paused.conversation, days=40)
    messaging.match_pause(match=paused, actor=None, reason="x")
    rows = matches_at_risk(program=program)
    assert [r["match"].pk for r in rows] == [silent.pk, quiet.pk]
    assert rows[0]["last"] is None
    assert rows[1]["last"] is not None


def test_the_dashboards_headline_and_its_list_count_matches_at_risk_the_same_way(
    program, coordinator, make_user, district
):
    def active(*, days, wrote=None):
        match = messaging.match_create(
            program=program,
            mentor=make_user("mentor", district),
            student=make_user("student", district),
        )
        match = messaging.match_activate(match=match)
        _age(match.conversation, days=days)
        if wrote is not None:
            _wrote(match.conversation, match.student, days_ago=wrote, client_id=f"w{match.pk}")
        return match

    # Silent for 16 days; quiet 10 days (this calendar week and maybe the last: not two weeks);
    # activated 5 days ago after a long proposal (not active long enough); wrote yesterday.
    silent = active(days=30, wrote=16)
    active(days=30, wrote=10)
    young = active(days=5)
    Conversation.objects.filter(pk=young.conversation.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=30)
    )
    active(days=30, wrote=1)
    client = Client()
    login_verified(client, coordinator)
    page = client.get(f"/coordinator/programs/{program.pk}/week/").content.decode()
    headline = page[page.index('id="headline-at-risk"') :]
    headline = headline[headline.index(">") + 1 : headline.index("</dd>")].strip()
    listed = page[page.index('id="at-risk"') : page.index('id="follow-ups"')]
    assert listed.count("data-match=") == int(headline) == 1
    assert f'data-match="{silent.pk}"' in listed


def test_the_dashboard_shows_at_risk_first_and_the_manage_page_reassigns(
    program, active_match, coordinator, new_mentor, make_user, make_district
):
    _age(active_match.conversation, days=20)
    client = Client()
    login_verified(client, coordinator)
    page = client.get(f"/coordinator/programs/{program.pk}/week/").content.decode()
    assert (
        page.index('id="at-risk"') < page.index('id="follow-ups"') < page.index('id="all-matches"')
    )
    at_risk = page[page.index('id="at-risk"') : page.index('id="follow-ups"')]
    assert f'data-match="{active_match.pk}"' in at_risk
    url = f"/coordinator/programs/{program.pk}/matches/{active_match.pk}/"
    manage = client.get(url).content.decode()
    assert f'data-mentor="{new_mentor.pk}"' in manage
    assert f'data-mentor="{active_match.mentor_id}"' not in manage  # not offered again
    response = client.post(url, {"action": "reassign", "mentor": new_mentor.pk, "reason": "Silent"})
    handover = MatchHandover.objects.get()
    assert response["Location"] == f"/coordinator/programs/{program.pk}/handovers/{handover.pk}/"
    assert "Active" in client.get(response["Location"]).content.decode()
    stranger = Client()
    login_verified(stranger, make_user(User.Role.COORDINATOR, make_district()))
    assert stranger.get(url).status_code == 404
    assert stranger.get(response["Location"]).status_code == 404
    # The old match is closed now: nothing more to pause.
    assert client.post(url, {"action": "pause", "reason": "Again"}).status_code == 400


@pytest.fixture
def guardians(active_match, district):
    from programs.models import Guardian

    active_match.student.first_name = "Ana"
    active_match.student.save(update_fields=["first_name"])
    made = {
        language: Guardian.objects.create(
            district=district,
            student=active_match.student,
            sourced_id=f"g-{language}",
            name=name,
            email=email,
            preferred_language=language,
        )
        for language, name, email in (
            ("es-MX", "Rosa", "rosa@example.org"),
            ("en", "Tom", "tom@example.org"),
        )
    }
    # Without an address a guardian cannot be written to; nothing fails for it.
    Guardian.objects.create(
        district=district, student=active_match.student, sourced_id="g-none", name="Noemí"
    )
    return made


def _guardian_mail():
    return {m.to[0]: m for m in mail.outbox if m.to[0] in ("rosa@example.org", "tom@example.org")}


@pytest.mark.parametrize("action", ["pause", "close"])
def test_guardians_are_told_of_a_pause_or_close_in_their_language_without_the_reason(
    program, active_match, coordinator, guardians, django_capture_on_commit_callbacks, action
):
    secret = "orange-heron-88 what they wrote"
    message_send(
        sender=active_match.student,
        conversation_id=active_match.conversation.pk,
        client_id="s1",
        body=secret,
    )
    act = match_pause_for_review if action == "pause" else match_close_for_review
    with django_capture_on_commit_callbacks(execute=True):
        act(actor=coordinator, program=program, match=active_match, reason="Worried about Ana")
    sent = _guardian_mail()
    assert sorted(sent) == ["rosa@example.org", "tom@example.org"]
    english, spanish = sent["tom@example.org"], sent["rosa@example.org"]
    expected = {
        "pause": ("paused", "pausado"),
        "close": ("ended", "terminado"),
    }[action]
    assert expected[0] in english.subject.lower() or expected[0] in english.body
    assert "Ana" in english.body
    assert expected[1] in spanish.body
    assert "usted" in spanish.body.lower()
    for message in sent.values():
        assert "Worried about" not in message.body
        assert "orange-heron" not in message.body
        assert "orange-heron" not in message.subject


def test_guardians_are_told_of_a_reassignment_with_the_new_mentors_name(
    program, active_match, coordinator, guardians, new_mentor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        match_reassign(
            actor=coordinator,
            program=program,
            match=active_match,
            mentor_id=new_mentor.pk,
            reason="No contact for weeks",
        )
    sent = _guardian_mail()
    assert sorted(sent) == ["rosa@example.org", "tom@example.org"]
    assert "Nadia" in sent["tom@example.org"].body
    assert "new mentor" in sent["tom@example.org"].body
    assert "nuevo mentor" in sent["rosa@example.org"].body
    assert all("No contact for weeks" not in m.body for m in sent.values())
