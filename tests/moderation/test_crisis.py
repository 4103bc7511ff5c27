"""Crisis response in the moderation services: exactly once per flagged message, on the send path
and on the worker's later verdict; only for students; only to the people each card is for."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from actions.messages import message_send
from messaging import selectors
from messaging import services as messaging
from messaging.cadence import match_week_status
from messaging.models import Message
from messaging.realtime import staff_group, user_group
from moderation import crisis
from moderation.models import DistrictModeration, KeywordRule, ModerationRecord, ReviewItem
from moderation.policy import Verdict
from moderation.review.actions import review_release
from moderation.services import messages_screen_pending, verdict_store

SELF_HARM = "sometimes I think about killing myself"


def send(user, conversation, body, client_id="c-1"):
    return message_send(
        sender=user, conversation_id=conversation.pk, client_id=client_id, body=body
    ).message


def cards(conversation):
    return list(
        Message.objects.filter(conversation=conversation)
        .exclude(kind=Message.Kind.USER)
        .order_by("seq")
        .values_list("kind", "visible_to_id")
    )


def message_events(events, group):
    return [(e["message"]["kind"], e["message"]["seq"]) for g, e in events if g == group]


def test_the_workers_later_verdict_answers_once(
    use_detoxify, conversation, mentor, student, events, django_capture_on_commit_callbacks
):
    DistrictModeration.objects.create(district_id=conversation.district_id, toxicity_threshold=0.99)
    with django_capture_on_commit_callbacks(execute=True):
        message = send(student, conversation, "can we talk later, it is about home")
    message.refresh_from_db()
    assert message.state == "pending"
    assert cards(conversation) == []
    # While it waited, the district listed the phrase: the worker's verdict is the one that names
    # the disclosure.
    KeywordRule.objects.create(
        district_id=conversation.district_id, phrase="about home", category="abuse_disclosure"
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert messages_screen_pending().scored == 1
    message.refresh_from_db()
    assert message.state == "flagged"
    assert cards(conversation) == [("support", student.pk), ("guidance", mentor.pk)]
    assert message_events(events, user_group(student.pk)) == [
        ("user", 1),  # pending, to its sender
        ("support", 2),
        ("user", 1),  # flagged
    ]
    assert message_events(events, user_group(mentor.pk)) == [("guidance", 3), ("user", 1)]

    # A second sweep, and a second verdict for the same message, change nothing.
    events.clear()
    with django_capture_on_commit_callbacks(execute=True):
        messages_screen_pending()
        with transaction.atomic():
            verdict_store(
                message=message,
                verdict=Verdict(action="flag", categories=["self_harm"], priority="urgent"),
            )
    assert cards(conversation) == [("support", student.pk), ("guidance", mentor.pk)]
    assert events == []


def test_crisis_respond_twice_posts_each_card_once(
    conversation, mentor, student, events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = send(student, conversation, SELF_HARM)
    assert cards(conversation) == [("support", student.pk), ("guidance", mentor.pk)]
    assert message_events(events, user_group(student.pk)) == [("support", 2), ("user", 1)]
    events.clear()
    verdict = Verdict(action="flag", categories=["self_harm"], priority="urgent")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        again = crisis.crisis_respond(message=message, verdict=verdict)
    assert again == []
    assert cards(conversation) == [("support", student.pk), ("guidance", mentor.pk)]
    assert events == []


def test_a_group_guides_its_mentors_and_tells_the_other_students_nothing(
    program, make_user, district, events, django_capture_on_commit_callbacks
):
    mentors = [make_user("mentor", district) for _ in range(2)]
    students = [make_user("student", district) for _ in range(2)]
    group = messaging.group_conversation_create(
        program=program, title="Robotics club", mentors=mentors, students=students
    )
    with django_capture_on_commit_callbacks(execute=True):
        message = send(students[0], group, SELF_HARM)
    assert cards(group) == [
        ("support", students[0].pk),
        ("guidance", mentors[0].pk),
        ("guidance", mentors[1].pk),
    ]
    assert message_events(events, user_group(students[1].pk)) == [("user", message.seq)]
    assert message_events(events, user_group(mentors[1].pk)) == [("guidance", 4), ("user", 1)]
    for user, kinds in (
        (students[0], ["user", "support"]),
        (students[1], ["user"]),
        (mentors[0], ["user", "guidance"]),
    ):
        rows, _ = selectors.messages_before(
            user=user, conversation=group, before_seq=None, limit=50
        )
        assert [m.kind for m in rows] == kinds


def test_a_rolled_back_send_leaves_no_card_and_sends_nothing(
    conversation, student, events, django_capture_on_commit_callbacks
):
    def send_then_fail():
        with transaction.atomic():
            send(student, conversation, SELF_HARM)
            raise RuntimeError("after the insert")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        send_then_fail()
    assert Message.objects.filter(conversation=conversation).count() == 0
    assert events == []


def test_the_card_never_counts_as_the_students_message(conversation, mentor, student):
    send(student, conversation, SELF_HARM)
    status = match_week_status(match=conversation.match)
    assert status.student_wrote is True
    # Only the student's own message is waiting for the mentor: not the cards after it.
    assert status.waiting_since == Message.objects.get(kind="user").created_at
    send(mentor, conversation, "Thank you for telling me.", client_id="m-1")
    assert match_week_status(match=conversation.match).waiting_since is None


def test_the_review_item_is_urgent_and_opened_once(conversation, student):
    message = send(student, conversation, SELF_HARM)
    [item] = ReviewItem.objects.filter(message=message)
    assert (item.priority, item.categories) == ("urgent", ["self_harm"])
    assert ModerationRecord.objects.filter(message=message).count() == 1


@pytest.mark.parametrize(
    ("language", "user_language", "expected"),
    [
        ("es", None, "es"),
        ("", "es", "es"),
        ("", None, "en"),
        ("fr", None, "en"),
        ("es-MX", "", "es"),
    ],
)
def test_the_language_comes_from_the_verdict_then_the_person_then_english(
    student, language, user_language, expected
):
    verdict = Verdict()
    if language:
        verdict.language = language
    if user_language is not None:
        student.preferred_language = user_language
    assert crisis.crisis_language(verdict=verdict, user=student) == expected


@pytest.mark.parametrize(
    "value",
    [
        ["988"],
        {"en": "988"},
        {"en": [""]},
        {"en": [5]},
        {"xx": ["988"]},
    ],
)
def test_the_resources_setting_refuses_malformed_values(district, value):
    settings_row = DistrictModeration(district=district, crisis_resources=value)
    with pytest.raises(ValidationError):
        settings_row.full_clean()


def test_a_language_the_district_did_not_configure_falls_back_to_the_defaults(district):
    DistrictModeration.objects.create(
        district=district, crisis_resources={"en": ["Lakeside line: 555-0100"]}
    )
    assert crisis.crisis_resources(district_id=district.pk, language="en") == [
        "Lakeside line: 555-0100"
    ]
    assert crisis.crisis_resources(district_id=district.pk, language="es") == [
        "988 Línea de Prevención del Suicidio y Crisis: llama o envía un mensaje de texto al 988 "
        "(oprime 2 para español)",
        "Crisis Text Line: envía HOME al 741741",
    ]


def test_the_http_api_shows_each_card_to_its_reader_only(
    client, verified_login, conversation, mentor, student
):
    send(student, conversation, SELF_HARM)
    url = f"/api/conversations/{conversation.pk}/messages/"
    for user, kinds in ((mentor, ["user", "guidance"]), (student, ["user", "support"])):
        verified_login(client, user)
        for query in ("", "?after_seq=0&after_change=0"):
            body = client.get(url + query).json()
            assert [m["kind"] for m in body["messages"]] == kinds
            assert [m["visible_to"] for m in body["messages"][1:]] == [user.pk]
        client.logout()


def test_a_held_disclosure_released_later_brings_the_mentor_guidance_then(
    conversation, mentor, student, moderator, events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = send(student, conversation, "I want to die. text me at 555-201-7788 tonight")
    assert message.state == "held"
    assert cards(conversation) == [("support", student.pk)]
    assert message_events(events, user_group(mentor.pk)) == []
    item = ReviewItem.objects.get(message=message)
    events.clear()
    with django_capture_on_commit_callbacks(execute=True):
        review_release(item=item, actor=moderator, reason="The school counsellor's line.")
    assert cards(conversation) == [("support", student.pk), ("guidance", mentor.pk)]
    # The released message first, then the guidance after it; the student gets no second card.
    assert message_events(events, user_group(mentor.pk)) == [("user", 1), ("guidance", 3)]
    assert message_events(events, user_group(student.pk)) == [("user", 1)]


def test_a_threat_the_verdict_calls_urgent_reaches_staff_urgently_and_answers_nobody(
    use_detoxify, conversation, mentor, student, events, django_capture_on_commit_callbacks
):
    DistrictModeration.objects.create(district_id=conversation.district_id, toxicity_threshold=0.99)
    message = send(student, conversation, "everyone at school is going to find out tomorrow")
    message.refresh_from_db()
    assert message.state == "pending"
    # The worker's verdict, as a pipeline that knows threats of violence gives it.
    threat = Verdict(action="flag", categories=["toxicity"], priority="urgent")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        verdict_store(message=message, verdict=threat)
    item = ReviewItem.objects.get(message=message)
    assert (item.priority, item.categories) == ("urgent", ["toxicity"])
    staff_events = [e["type"] for g, e in events if g == staff_group(conversation.district_id)]
    assert staff_events == ["review.item", "review.urgent"]
    assert cards(conversation) == []
    assert message_events(events, user_group(student.pk)) == []
