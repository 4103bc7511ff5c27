"""Taking a member out of a group and closing a group (programs.group_actions), called directly:
audited like the match actions, the people affected told in their language (the member, and a
student's guardians), the removed member's access gone at once (API, page, socket, live
events), a closed group read-only for its members. And the member checks of a group in words a
coordinator reads: names, not ids, in both languages."""

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import translation

from accounts.models import AuditEntry, GuardianConsent, User
from actions.messages import message_send
from messaging import realtime
from messaging.access import (
    ConversationNotFound,
    access_conversation_as_member,
    conversation_meetings_allowed,
    conversations_ended,
)
from messaging.models import Membership
from messaging.services import MessageRejected, group_conversation_create
from messaging.services import group_members_add as conversation_members_add
from programs.group_actions import GroupActionRefused, group_close, group_member_remove
from programs.models import Guardian, ProgramNotice
from programs.services import group_create
from testkit.sessions import login_verified, session_cookie
from tests.messaging.support import connect

pytestmark = pytest.mark.usefixtures("fresh_limits")


@pytest.fixture
def people(make_user, district):
    return {
        "ada": make_user(User.Role.MENTOR, district, display_name="Ada L", first_name="Ada"),
        "ben": make_user(User.Role.MENTOR, district, display_name="Ben K", first_name="Ben"),
        "cleo": make_user(User.Role.STUDENT, district, display_name="Cleo", first_name="Cleo"),
        "dani": make_user(User.Role.STUDENT, district, display_name="Dani", first_name="Dani"),
    }


@pytest.fixture
def group(program, coordinator, people):
    return group_create(
        actor=coordinator,
        program=program,
        title="Lunch club",
        mentors=[people["ada"], people["ben"]],
        students=[people["cleo"], people["dani"]],
    )


@pytest.fixture
def guardians(district, people):
    made = {}
    for language, name, email in (
        ("es-MX", "Rosa", "rosa@example.org"),
        ("en", "Tom", "tom@example.org"),
    ):
        made[language] = Guardian.objects.create(
            district=district,
            student=people["cleo"],
            sourced_id=f"g-{language}",
            name=name,
            email=email,
            preferred_language=language,
        )
    return made


def _guardian_mail():
    return {m.to[0]: m for m in mail.outbox if m.to[0] in ("rosa@example.org", "tom@example.org")}


def _say(user, group, body, client_id):
    return message_send(sender=user, conversation_id=group.pk, client_id=client_id, body=body)


# -- removing a member -------------------------------------------------------------------------


def test_removing_a_student_audits_tells_them_and_their_guardians_and_ends_their_access(
    program, coordinator, group, people, guardians, django_capture_on_commit_callbacks
):
    _say(people["cleo"], group, "purple-otter-41 is my secret word", "c1")
    with django_capture_on_commit_callbacks(execute=True):
        group_member_remove(actor=coordinator, program=program, group=group, user=people["cleo"])
    assert not Membership.objects.filter(conversation=group, user=people["cleo"]).exists()
    entry = AuditEntry.objects.get(action="group.member_remove")
    assert (entry.target_type, entry.target_id) == ("conversation", str(group.pk))
    assert entry.actor_id == coordinator.pk
    assert entry.detail == {"program": program.pk, "user": people["cleo"].pk, "role": "student"}
    with pytest.raises(ConversationNotFound):
        access_conversation_as_member(user=people["cleo"], conversation_id=group.pk)
    # The others go on.
    assert access_conversation_as_member(user=people["dani"], conversation_id=group.pk) == group
    [notice] = ProgramNotice.objects.filter(user=people["cleo"])
    assert "Lunch club" in notice.body
    assert "You can no longer read or send messages" in notice.body
    assert not ProgramNotice.objects.filter(user=people["dani"]).exists()
    sent = _guardian_mail()
    assert sorted(sent) == ["rosa@example.org", "tom@example.org"]
    assert "Cleo" in sent["tom@example.org"].subject
    assert "left" in sent["tom@example.org"].subject
    assert "ha dejado" in sent["rosa@example.org"].subject
    for message in sent.values():
        assert "purple-otter" not in message.body


def test_a_removed_member_is_told_in_their_own_register(
    program, coordinator, group, people, django_capture_on_commit_callbacks
):
    people["dani"].preferred_language = "es"
    people["dani"].save(update_fields=["preferred_language"])
    people["ben"].preferred_language = "es"
    people["ben"].save(update_fields=["preferred_language"])
    group_member_remove(actor=coordinator, program=program, group=group, user=people["dani"])
    group_member_remove(actor=coordinator, program=program, group=group, user=people["ben"])
    student = ProgramNotice.objects.get(user=people["dani"]).body
    adult = ProgramNotice.objects.get(user=people["ben"]).body
    assert "Ya no puedes" in student
    assert "Ya no puede " in adult


def test_a_removed_member_gets_no_history_nor_page_nor_live_messages(
    program, coordinator, group, people, events, django_capture_on_commit_callbacks
):
    _say(people["ada"], group, "Welcome, everyone", "a1")
    client = Client()
    login_verified(client, people["dani"])
    assert client.get(f"/api/conversations/{group.pk}/messages/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        group_member_remove(actor=coordinator, program=program, group=group, user=people["dani"])
    assert client.get(f"/api/conversations/{group.pk}/messages/").status_code == 404
    assert client.get(f"/conversations/{group.pk}/").status_code == 404
    assert client.get("/api/conversations/").json() == {"conversations": []}
    # The removed member's socket is told that the conversation left them.
    assert ("conversation.left", group.pk) in [
        (e["type"], e.get("conversation"))
        for g, e in events
        if g == realtime.user_group(people["dani"].pk)
    ]
    events.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _say(people["ada"], group, "Dani is not here any more", "a2")
    receivers = sorted(g for g, e in events if e["type"] == "message")
    assert realtime.user_group(people["dani"].pk) not in receivers
    assert realtime.user_group(people["cleo"].pk) in receivers
    with pytest.raises(ConversationNotFound):
        _say(people["dani"], group, "hello?", "d1")


@pytest.mark.django_db(transaction=True)
async def test_a_removed_members_open_socket_is_refused_at_once(program, coordinator, people):
    group = await database_sync_to_async(group_create)(
        actor=coordinator,
        program=program,
        title="Robots",
        mentors=[people["ada"]],
        students=[people["cleo"], people["dani"]],
    )
    sock = await connect(await database_sync_to_async(session_cookie)(people["dani"]))
    assert [c["id"] for c in sock.hello["conversations"]] == [group.pk]
    await database_sync_to_async(group_member_remove)(
        actor=coordinator, program=program, group=group, user=people["dani"]
    )
    left = await sock.recv_type("conversation.left")
    assert left["conversation"] == group.pk
    await sync_to_async(_say)(people["ada"], group, "after", "a1")
    await sock.send(type="resume", conversation=group.pk, after_seq=0, ref="r")
    refused = await sock.recv_type("error")
    assert (refused["code"], refused["ref"]) == ("not_found", "r")
    await sock.send(type="send", conversation=group.pk, client_id="x", body="hi")
    assert (await sock.recv_type("error"))["code"] == "not_found"
    await sock.send(type="conversations")
    assert (await sock.recv_type("conversations"))["conversations"] == []
    assert await sock.nothing()
    await sock.close()


def test_the_last_mentor_or_student_cannot_be_removed(program, coordinator, people):
    group = group_create(
        actor=coordinator,
        program=program,
        title="Pair",
        mentors=[people["ada"]],
        students=[people["cleo"]],
    )
    for person in (people["ada"], people["cleo"]):
        with pytest.raises(GroupActionRefused) as refused:
            group_member_remove(actor=coordinator, program=program, group=group, user=person)
        assert "close the group instead" in refused.value.messages[0]
    assert group.memberships.count() == 2
    assert not AuditEntry.objects.filter(action="group.member_remove").exists()


def test_removing_someone_not_in_the_group_or_from_another_program_is_refused(
    program, coordinator, group, people, make_user, district, make_program
):
    stranger = make_user(User.Role.STUDENT, district)
    with pytest.raises(GroupActionRefused):
        group_member_remove(actor=coordinator, program=program, group=group, user=stranger)
    with pytest.raises(GroupActionRefused):
        group_member_remove(
            actor=coordinator, program=make_program(district), group=group, user=people["cleo"]
        )
    assert group.memberships.count() == 4


def test_only_the_programs_coordinators_remove_or_close(
    program, group, people, make_user, make_district
):
    outsider = make_user(User.Role.COORDINATOR, make_district())
    with pytest.raises(PermissionDenied):
        group_member_remove(actor=outsider, program=program, group=group, user=people["cleo"])
    with pytest.raises(PermissionDenied):
        group_close(actor=people["ada"], program=program, group=group)
    group.refresh_from_db()
    assert group.is_open
    assert group.memberships.count() == 4


# -- closing a group ---------------------------------------------------------------------------


def test_closing_a_group_makes_it_read_only_tells_everyone_and_is_audited(
    program, coordinator, group, people, guardians, events, django_capture_on_commit_callbacks
):
    _say(people["ada"], group, "Last lunch today", "a1")
    with django_capture_on_commit_callbacks(execute=True):
        group_close(actor=coordinator, program=program, group=group)
    group.refresh_from_db()
    assert group.is_open is False
    entry = AuditEntry.objects.get(action="group.close")
    assert entry.detail == {"program": program.pk}
    # Read-only: the members still read it, nobody writes.
    for person in people.values():
        assert access_conversation_as_member(user=person, conversation_id=group.pk) == group
        assert ProgramNotice.objects.filter(user=person, body__contains="Lunch club").count() == 1
    with pytest.raises(MessageRejected):
        _say(people["cleo"], group, "anyone?", "c9")
    # Over for meetings: its meetings ahead are cancelled, no new ones.
    assert conversation_meetings_allowed(conversation=group) is False
    assert conversations_ended().filter(pk=group.pk).exists()
    statuses = [
        (g, e["open"], e.get("group_status"))
        for g, e in events
        if e["type"] == "conversation.status"
    ]
    assert sorted(statuses) == sorted(
        (realtime.user_group(p.pk), False, "closed") for p in people.values()
    )
    sent = _guardian_mail()
    assert sorted(sent) == ["rosa@example.org", "tom@example.org"]
    assert "ended" in sent["tom@example.org"].subject
    assert "terminado" in sent["rosa@example.org"].subject
    # Closing twice is refused and tells nobody again.
    with pytest.raises(GroupActionRefused):
        group_close(actor=coordinator, program=program, group=group)
    assert AuditEntry.objects.filter(action="group.close").count() == 1


def test_nobody_is_removed_from_a_closed_group(program, coordinator, group, people):
    group_close(actor=coordinator, program=program, group=group)
    with pytest.raises(GroupActionRefused):
        group_member_remove(actor=coordinator, program=program, group=group, user=people["cleo"])


# -- the member checks in words ----------------------------------------------------------------


def test_member_checks_name_people_and_read_in_spanish(program, people, make_user, district):
    unscreened = make_user(
        User.Role.MENTOR, district, cleared=False, display_name="Eva M", first_name="Eva"
    )
    unconsented = make_user(
        User.Role.STUDENT, district, cleared=False, display_name="Fer G", first_name="Fer"
    )
    for language, expected in (
        ("en", ["Eva M is not a screened mentor.", "Fer G has no recorded guardian consent."]),
        ("es", ["Eva M no es un mentor con la verificación completa.", "Fer G no tiene"]),
    ):
        with translation.override(language), pytest.raises(ValidationError) as refused:
            group_conversation_create(
                program=program, title="X", mentors=[unscreened], students=[unconsented]
            )
        messages = refused.value.messages
        assert messages[0] == expected[0]
        assert messages[1].startswith(expected[1])
        assert not any(str(p.pk) in m for m in messages for p in (unscreened, unconsented))


def test_member_checks_name_a_minor_mentor_and_another_districts_person(
    program, coordinator, people, group, make_user, make_district, district
):
    minor = make_user(
        User.Role.MENTOR, district, is_minor=True, display_name="Gil", first_name="Gil"
    )
    GuardianConsent.objects.filter(student=minor).delete()
    far = make_user(User.Role.STUDENT, make_district(), display_name="Hana", first_name="Hana")
    # The conversation's own checks (the program's peer rule, which asks for grades, is
    # checked above them by programs.services).
    with pytest.raises(ValidationError) as refused:
        conversation_members_add(conversation=group, mentors=[minor], students=[far])
    assert refused.value.messages == [
        "Gil is a minor without guardian consent.",
        "Hana belongs to another district.",
    ]
