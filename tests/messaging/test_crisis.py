"""Crisis response over the real sockets: a student whose message is flagged for self-harm or abuse
gets a support card at once, visible to them only; the mentor gets guidance; staff get the urgent
item; history, resume and resends keep each card where it belongs (docs/moderation.md, "Crisis
response").

Real PostgreSQL, the real Redis channel layer, the real config.asgi application.
"""

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async

from actions.messages import message_send
from messaging import realtime
from messaging.models import Message
from moderation.models import DistrictModeration, KeywordRule
from moderation.pipeline import Pipeline
from testkit.sessions import session_cookie

from .support import communicator, connect

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_limits")]

SELF_HARM = "sometimes I think about killing myself"
SPANISH_SELF_HARM = "ya no puedo más, me quiero morir"

SUPPORT_EN = (
    "It sounds like you are going through something really hard. Thank you for sharing it "
    "with us. You deserve support, and you can talk to someone right now, for free, any time:\n"
    "• 988 Suicide & Crisis Lifeline: call or text 988\n"
    "• Crisis Text Line: text HOME to 741741\n"
    "A staff member has been told and will check in with you."
)
SUPPORT_ES = (
    "Parece que estás pasando por algo muy difícil. Gracias por contárnoslo. Mereces apoyo, y "
    "puedes hablar con alguien ahora mismo, gratis, a cualquier hora:\n"
    "• 988 Línea de Prevención del Suicidio y Crisis: llama o envía un mensaje de texto al 988 "
    "(oprime 2 para español)\n"
    "• Crisis Text Line: envía HOME al 741741\n"
    "Un miembro del personal ya fue avisado y se comunicará contigo."
)
GUIDANCE_EN = (
    "The student's message above may mean they are not safe. How to respond:\n"
    "• Stay calm, and thank them for telling you.\n"
    "• Don't promise to keep it a secret.\n"
    "• Don't ask for details or investigate: listen, and leave the follow-up to staff.\n"
    "• Staff have been alerted and will follow up."
)


@pytest.fixture
def cookies(mentor, student, moderator):
    return {
        "mentor": session_cookie(mentor),
        "student": session_cookie(student),
        "moderator": session_cookie(moderator),
    }


@pytest.fixture
def spanish_verdicts(monkeypatch):
    """Verdicts that name Spanish as their language, as the language-detecting pipeline's do.

    Today's pipeline sets no language; this wraps the real pipeline (every detector still runs)
    and fills the field only where the pipeline left it empty.
    """
    run_batch = Pipeline.run_batch

    def with_language(self, texts, contexts, **kwargs):
        verdicts = run_batch(self, texts, contexts, **kwargs)
        for verdict in verdicts:
            if not getattr(verdict, "language", ""):
                verdict.language = "es"
        return verdicts

    monkeypatch.setattr(Pipeline, "run_batch", with_language)


async def drain(sock, quiet: float = 0.6) -> list[dict]:
    """Every frame that arrives until the socket has been quiet for `quiet` seconds."""
    frames = []
    while not await sock.nothing(quiet):
        frames.append(await sock.recv())
    return frames


def messages_of(frames: list[dict]) -> list[dict]:
    return sorted((f["message"] for f in frames if f["type"] == "message"), key=lambda m: m["seq"])


async def staff_socket(cookie: str):
    comm = communicator(cookie, path="/ws/staff/")
    connected, _ = await comm.connect(timeout=5)
    assert connected
    return comm


stored = database_sync_to_async(
    lambda **kw: list(Message.objects.filter(**kw).order_by("seq"))  # scoped by the caller
)


async def test_the_student_gets_support_the_mentor_guidance_and_staff_the_urgent_item(
    cookies, conversation, mentor, student
):
    s = await connect(cookies["student"])
    m = await connect(cookies["mentor"])
    staff = await staff_socket(cookies["moderator"])
    try:
        await s.send(
            type="send", conversation=conversation.pk, client_id="c-1", body=SELF_HARM, ref="r1"
        )
        student_frames = await drain(s)
        mentor_frames = await drain(m)

        [own, support, guidance] = await stored(conversation=conversation)
        assert (own.kind, own.sender_id, own.state, own.seq) == ("user", student.pk, "flagged", 1)
        assert (support.kind, support.sender_id, support.visible_to_id, support.seq) == (
            "support",
            None,
            student.pk,
            2,
        )
        assert (guidance.kind, guidance.visible_to_id, guidance.seq) == ("guidance", mentor.pk, 3)
        assert support.body == SUPPORT_EN
        assert guidance.body == GUIDANCE_EN

        # The student: the ack, their own message and the support card, nothing else.
        [ack] = [f for f in student_frames if f["type"] == "ack"]
        assert (ack["client_id"], ack["seq"], ack["state"]) == ("c-1", 1, "flagged")
        assert messages_of(student_frames) == [
            realtime.message_payload(own),
            realtime.message_payload(support),
        ]
        assert len(student_frames) == 3
        assert realtime.message_payload(support)["visible_to"] == student.pk

        # The mentor: the student's message and the guidance; never the resources card.
        assert mentor_frames == [
            {"type": "message", "message": realtime.message_payload(own)},
            {"type": "message", "message": realtime.message_payload(guidance)},
        ]
        assert "741741" not in str(mentor_frames)

        # Staff: the urgent review item, as before.
        item_event = await staff.receive_json_from(timeout=5)
        urgent_event = await staff.receive_json_from(timeout=5)
        assert (item_event["type"], urgent_event["type"]) == ("review.item", "review.urgent")
        assert item_event["item"]["message"] == own.pk
        assert item_event["item"]["priority"] == "urgent"
        assert await staff.receive_nothing(timeout=0.3)
        assert await s.nothing()
        assert await m.nothing()
    finally:
        await s.close()
        await m.close()
        await staff.disconnect()


async def test_a_spanish_message_gets_the_card_in_spanish(
    cookies, conversation, mentor, student, spanish_verdicts
):
    # Today's detectors know no Spanish; the district's own keyword list flags it.
    await database_sync_to_async(KeywordRule.objects.create)(
        district_id=conversation.district_id, phrase="me quiero morir", category="self_harm"
    )
    s = await connect(cookies["student"])
    m = await connect(cookies["mentor"])
    try:
        await s.send(
            type="send", conversation=conversation.pk, client_id="es-1", body=SPANISH_SELF_HARM
        )
        student_frames = await drain(s)
        mentor_frames = await drain(m)
        cards = [msg for msg in messages_of(student_frames) if msg["kind"] == "support"]
        assert [c["body"] for c in cards] == [SUPPORT_ES]
        # The mentor's guidance is in the mentor's language (English: no language is recorded).
        assert [msg["body"] for msg in messages_of(mentor_frames)] == [
            SPANISH_SELF_HARM,
            GUIDANCE_EN,
        ]
    finally:
        await s.close()
        await m.close()


async def test_history_and_resume_keep_each_card_with_its_reader(
    cookies, conversation, mentor, student
):
    await sync_to_async(message_send)(
        sender=student, conversation_id=conversation.pk, client_id="c-1", body=SELF_HARM
    )
    await sync_to_async(message_send)(
        sender=mentor,
        conversation_id=conversation.pk,
        client_id="c-2",
        body="Thank you for telling me.",
    )
    m = await connect(cookies["mentor"])
    s = await connect(cookies["student"])
    try:
        for sock, expected in ((m, ["user", "guidance", "user"]), (s, ["user", "support", "user"])):
            await sock.send(type="history", conversation=conversation.pk, limit=50)
            history = await sock.recv_type("history")
            assert [msg["kind"] for msg in history["messages"]] == expected
            await sock.send(type="resume", conversation=conversation.pk, after_seq=0)
            page = await sock.recv_type("messages")
            assert [msg["kind"] for msg in page["messages"]] == expected
            assert page["through_seq"] == 4
            assert await sock.nothing()
        # Unread counts: each member counts the cards addressed to them only.
        [row] = m.hello["conversations"]
        assert row["unread"] == 2  # the student's message and the guidance
        [row] = s.hello["conversations"]
        assert row["unread"] == 2  # the support card and the mentor's reply
    finally:
        await m.close()
        await s.close()


async def test_a_resend_with_the_same_client_id_makes_no_second_card(
    cookies, conversation, mentor, student
):
    s = await connect(cookies["student"])
    m = await connect(cookies["mentor"])
    try:
        await s.send(type="send", conversation=conversation.pk, client_id="c-1", body=SELF_HARM)
        first = await drain(s)
        await drain(m)
        await s.send(type="send", conversation=conversation.pk, client_id="c-1", body=SELF_HARM)
        second = await drain(s)
        assert [f["type"] for f in second] == ["ack"]
        assert second[0]["seq"] == next(f for f in first if f["type"] == "ack")["seq"]
        assert await m.nothing()
        kinds = [msg.kind for msg in await stored(conversation=conversation)]
        assert kinds == ["user", "support", "guidance"]
    finally:
        await s.close()
        await m.close()


async def test_the_districts_resources_replace_the_defaults(cookies, conversation, mentor, student):
    await database_sync_to_async(DistrictModeration.objects.create)(
        district_id=conversation.district_id,
        crisis_resources={
            "en": ["Lakeside counselling line: call 555-0100, day or night"],
            "es": ["Línea de consejería de Lakeside: llama al 555-0100"],
        },
    )
    s = await connect(cookies["student"])
    try:
        await s.send(type="send", conversation=conversation.pk, client_id="c-1", body=SELF_HARM)
        [card] = [msg for msg in messages_of(await drain(s)) if msg["kind"] == "support"]
        assert card["body"] == (
            "It sounds like you are going through something really hard. Thank you for sharing it "
            "with us. You deserve support, and you can talk to someone right now, for free, any "
            "time:\n"
            "• Lakeside counselling line: call 555-0100, day or night\n"
            "A staff member has been told and will check in with you."
        )
        assert "988" not in card["body"]
    finally:
        await s.close()


@pytest.mark.parametrize(
    ("sender", "body", "state"),
    [
        # An adult's message: no crisis card for anyone; delivered and flagged.
        ("mentor", SELF_HARM, "flagged"),
        # A threat of violence at school: staff only, and held (the other member sees nothing).
        ("student", "I will shoot everyone at school tomorrow", "held"),
    ],
)
async def test_no_card_for_a_mentors_message_or_a_threat(
    cookies, conversation, mentor, student, sender, body, state
):
    author = {"mentor": mentor, "student": student}[sender]
    other = {"mentor": student, "student": mentor}[sender]
    a = await connect(cookies[sender])
    o = await connect(await sync_to_async(session_cookie)(other))
    staff = await staff_socket(cookies["moderator"])
    try:
        await a.send(type="send", conversation=conversation.pk, client_id="c-1", body=body)
        author_frames = await drain(a)
        assert [msg["kind"] for msg in messages_of(author_frames)] == ["user"]
        delivered = ["user"] if state == "flagged" else []
        assert [msg["kind"] for msg in messages_of(await drain(o))] == delivered
        [own] = await stored(conversation=conversation)
        assert (own.sender_id, own.state) == (author.pk, state)
        item_event = await staff.receive_json_from(timeout=5)
        assert (item_event["type"], item_event["item"]["message"]) == ("review.item", own.pk)
    finally:
        await a.close()
        await o.close()
        await staff.disconnect()


async def test_a_held_disclosure_still_answers_the_student_but_tells_the_mentor_nothing(
    cookies, conversation, mentor, student
):
    s = await connect(cookies["student"])
    m = await connect(cookies["mentor"])
    try:
        body = "I want to die. text me at 555-201-7788 tonight"
        await s.send(type="send", conversation=conversation.pk, client_id="c-1", body=body)
        student_messages = messages_of(await drain(s))
        assert [(msg["kind"], msg["state"]) for msg in student_messages] == [
            ("user", "held"),
            ("support", "delivered"),
        ]
        assert await m.nothing()
        kinds = [msg.kind for msg in await stored(conversation=conversation)]
        assert kinds == ["user", "support"]
    finally:
        await s.close()
        await m.close()
