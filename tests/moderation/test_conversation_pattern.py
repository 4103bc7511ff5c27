"""Conversation-level grooming risk in the send path: weak signals stored with each verdict,
the window scored after commit, one `pattern` review item per conversation."""

import datetime
import itertools

import pytest
from django.utils import timezone

from accounts.models import AuditEntry, User
from actions.messages import message_send
from messaging import services as messaging
from messaging.models import Message
from messaging.realtime import staff_group
from moderation.models import ConversationSignal, DistrictModeration, ReviewItem
from moderation.review.actions import review_dismiss
from moderation.services import conversation_risk_check
from testkit.benign_conversations import CONVERSATIONS

_ids = itertools.count(1)
START = datetime.datetime(2026, 3, 2, 16, 0, tzinfo=datetime.UTC)

# Individually mild (each one is delivered by the per-message pipeline), from a mentor. Plain
# isolation ("your parents don't get you like I do") is held by the per-message pipeline itself.
GROOMING_EN = [
    (0.0, "Honestly, age is just a number, don't you think?"),
    (1.0, "is anyone else reading this?"),
    (2.0, "I could buy you that hoodie you liked"),
    (3.0, "when does your mom usually get back on fridays?"),
    (4.0, "you looked really pretty in the science fair photo"),
]
GROOMING_ES = [
    (0.0, "la verdad, la edad es solo un número"),
    (1.0, "¿alguien más lee esto?"),
    (2.5, "te compro algo"),
    (3.0, "mejor háblame por WhatsApp"),
]
STUDENT_REPLIES = ["haha ok", "I finished the lab report", "see you tuesday"]


@pytest.fixture(autouse=True)
def rules_only(moderation_settings):
    """The rule detectors and the real send path, without the toxicity model: it says nothing
    about conversation-level risk and is the slow part of a send (about 100 ms in a test)."""
    moderation_settings(TOXICITY_SCORER="none")


@pytest.fixture
def clock(monkeypatch):
    """timezone.now() under the test's control (auto_now_add reads it too)."""
    state = {"now": START}
    monkeypatch.setattr(timezone, "now", lambda: state["now"])

    def set_days(days: float) -> None:
        state["now"] = START + datetime.timedelta(days=days)

    return set_days


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    def run(user, conversation, body):
        with django_capture_on_commit_callbacks(execute=True):
            return message_send(
                sender=user, conversation_id=conversation.pk, client_id=f"p{next(_ids)}", body=body
            ).message

    return run


def pattern_items(conversation=None):
    items = ReviewItem.objects.filter(source=ReviewItem.Source.PATTERN)
    if conversation is not None:
        items = items.filter(conversation=conversation)
    return list(items)


def play(sequence, sender, reply_from, conversation, send, clock):
    sent = []
    for n, (day, body) in enumerate(sequence):
        clock(day)
        sent.append(send(sender, conversation, body))
        clock(day + 0.1)
        send(reply_from, conversation, STUDENT_REPLIES[n % len(STUDENT_REPLIES)])
    return sent


def test_mild_messages_over_days_become_one_pattern_item(
    conversation, mentor, student, send, clock, events
):
    sent = []
    for n, (day, body) in enumerate(GROOMING_EN):
        clock(day)
        sent.append(send(mentor, conversation, body))
        clock(day + 0.1)
        send(student, conversation, STUDENT_REPLIES[n % len(STUDENT_REPLIES)])
        if n == 1:
            assert pattern_items() == []  # two mild signals are not a pattern
        if n == 2:
            (first,) = pattern_items(conversation)
            assert [c["message"] for c in first.pattern["contributions"]] == [m.pk for m in sent]
    for message in sent:
        message.refresh_from_db()
        assert message.state == Message.State.DELIVERED
    # No single message was flagged: the only review item is the conversation's pattern.
    (item,) = ReviewItem.objects.all()
    assert (item.source, item.message_id, item.conversation_id) == (
        "pattern",
        None,
        conversation.pk,
    )
    assert (item.priority, item.categories, item.status) == ("high", ["grooming"], "open")
    assert item.district_id == conversation.district_id
    contributions = item.pattern["contributions"]
    assert [(c["message"], c["family"]) for c in contributions] == [
        (sent[0].pk, "age"),
        (sent[1].pk, "monitoring"),
        (sent[2].pk, "gifts_money"),
        (sent[3].pk, "supervision"),
        (sent[4].pk, "appearance"),
    ]
    assert [c["signal"] for c in contributions] == [
        "age_just_number",
        "who_reads",
        "buys_for",
        "adults_away_when",
        "looks_compliment",
    ]
    assert all(c["score"] > 0 for c in contributions)
    assert item.pattern["score"] >= item.pattern["threshold"] == 3.0
    assert item.pattern["sender"] == mentor.pk
    # Ids and codes only in the audit log and the staff events: no message text.
    opened = AuditEntry.objects.get(action="review.open", target_id=str(item.pk))
    assert opened.detail["messages"] == [m.pk for m in sent[:3]]
    assert AuditEntry.objects.filter(action="review.pattern_update").count() == 2
    staff = [e for g, e in events if g == staff_group(conversation.district_id)]
    assert [e["type"] for e in staff] == ["review.item", "review.updated", "review.updated"]
    assert staff[0]["item"]["source"] == "pattern"
    assert staff[0]["action"] == "pattern"
    assert "hoodie" not in str(staff)
    # Only the mentor's signal-bearing messages have rows; the student's replies none.
    assert ConversationSignal.objects.filter(conversation=conversation).count() == 5


def test_a_spanish_sequence_becomes_a_pattern_item_too(conversation, mentor, student, send, clock):
    sent = play(GROOMING_ES, mentor, student, conversation, send, clock)
    for message in sent:
        message.refresh_from_db()
        assert message.state == Message.State.DELIVERED
    (item,) = ReviewItem.objects.all()
    assert item.source == "pattern"
    assert [(c["message"], c["family"]) for c in item.pattern["contributions"]] == [
        (sent[0].pk, "age"),
        (sent[1].pk, "monitoring"),
        (sent[2].pk, "gifts_money"),
        (sent[3].pk, "elsewhere"),
    ]
    languages = ConversationSignal.objects.filter(conversation=conversation).values_list(
        "message__verdict__weak_signals", flat=True
    )
    assert {s["language"] for row in languages for s in row} == {"es"}


def test_ten_long_benign_conversations_produce_no_pattern_item(
    program, make_user, district, send, clock, settings
):
    # Twenty accounts: the real password hasher would be a third of this test's time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    stored = 0
    for n, (_, lines) in enumerate(CONVERSATIONS):
        mentor = make_user(User.Role.MENTOR, district)
        student = make_user(User.Role.STUDENT, district)
        match = messaging.match_activate(
            match=messaging.match_create(program=program, mentor=mentor, student=student)
        )
        for i, (who, body) in enumerate(lines):
            # A conversation over ten days, a few messages a day.
            clock(n * 0.01 + i * 10 / len(lines))
            send(mentor if who == "m" else student, match.conversation, body)
            stored += 1
    assert stored == sum(len(lines) for _, lines in CONVERSATIONS) >= 200
    assert pattern_items() == []
    # The per-message pipeline holds two of the near-misses ("you're really mature ...") on its
    # own; no conversation adds up to a pattern.
    assert set(ReviewItem.objects.values_list("source", flat=True)) <= {"pipeline"}
    # The near-misses were seen and stored, and still did not add up.
    rows = ConversationSignal.objects.filter(counts=True)
    weak = rows.values_list("message__verdict__weak_signals", flat=True)
    assert (rows.count(), sum(len(signals) for signals in weak)) == (6, 7)


def test_the_student_to_mentor_direction_does_not_count(conversation, mentor, student, send, clock):
    play(GROOMING_EN, student, mentor, conversation, send, clock)
    assert pattern_items() == []
    rows = ConversationSignal.objects.filter(conversation=conversation)
    assert rows.count() == 5
    assert set(rows.values_list("counts", "sender_role")) == {(False, "student")}
    assert conversation_risk_check(conversation_id=conversation.pk) is None


def test_signals_older_than_the_window_drop_out(
    conversation, mentor, student, send, clock, program, make_user, district
):
    early, late = GROOMING_EN[:2], GROOMING_EN[2:4]
    for day, body in early:
        clock(day)
        send(mentor, conversation, body)
    for day, body in late:
        clock(day + 16)
        send(mentor, conversation, body)
    assert pattern_items() == []
    # The same four messages inside one window do add up (the control).
    other_mentor = make_user(User.Role.MENTOR, district)
    other_student = make_user(User.Role.STUDENT, district)
    match = messaging.match_activate(
        match=messaging.match_create(program=program, mentor=other_mentor, student=other_student)
    )
    for day, body in [*early, *late]:
        clock(day + 20)
        send(other_mentor, match.conversation, body)
    assert [i.conversation_id for i in pattern_items()] == [match.conversation.pk]


def test_the_district_sets_the_threshold(conversation, mentor, student, send, clock, district):
    DistrictModeration.objects.create(district=district, pattern_threshold=6.0)
    play(GROOMING_EN, mentor, student, conversation, send, clock)
    assert pattern_items() == []


def test_a_dismissed_pattern_does_not_return_until_a_new_signal(
    conversation, mentor, student, moderator, send, clock
):
    play(GROOMING_EN[:3], mentor, student, conversation, send, clock)
    (item,) = pattern_items()
    clock(2.5)
    review_dismiss(
        item=item, actor=moderator, reason="Talked to the mentor; the hoodie was a prize"
    )
    # The same signals, checked again, and a message without signals: nothing new.
    assert conversation_risk_check(conversation_id=conversation.pk) is None
    clock(2.6)
    send(mentor, conversation, "see you at the library on tuesday")
    assert [i.pk for i in pattern_items()] == [item.pk]
    # A new signal raises a new item, with the whole window as its evidence.
    clock(3.0)
    new_message = send(mentor, conversation, GROOMING_EN[3][1])
    items = pattern_items()
    assert len(items) == 2
    fresh = next(i for i in items if i.pk != item.pk)
    assert fresh.status == "open"
    assert [c["message"] for c in fresh.pattern["contributions"]][-1] == new_message.pk
    assert len(fresh.pattern["contributions"]) == 4


def test_the_check_is_idempotent(conversation, mentor, student, send, clock):
    play(GROOMING_EN, mentor, student, conversation, send, clock)
    (item,) = pattern_items()
    before = (item.pattern, AuditEntry.objects.count())
    again = conversation_risk_check(conversation_id=conversation.pk)
    again.refresh_from_db()
    assert again.pk == item.pk
    assert (again.pattern, AuditEntry.objects.count()) == before


def test_the_item_page_lists_each_contributing_message_with_its_signal_score_and_link(
    conversation, mentor, student, moderator, send, clock, client, verified_login
):
    sent = play(GROOMING_EN, mentor, student, conversation, send, clock)
    (item,) = pattern_items()
    verified_login(client, moderator)
    page = client.get(f"/staff/items/{item.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Conversation pattern" in html
    table = html.split('id="pattern-contributions"')[1].split("</table>")[0]
    assert table.count("<tr>") == 1 + len(sent)  # the head and one row per contribution
    for message, contribution in zip(sent, item.pattern["contributions"], strict=True):
        link = f"/staff/conversations/{conversation.pk}/?before={message.seq + 1}#m{message.seq}"
        assert f'href="{link}"' in table
        assert f"{contribution['family']}: {contribution['signal']}" in table
        assert f"{contribution['score']:.2f}" in table
    # Message text is escaped like everywhere in the console.
    assert "don&#x27;t you think" in table
    assert "Sender: " + mentor.public_name in html
    # The link lands on the page that holds the message, anchored on it.
    first = sent[0]
    landing = client.get(f"/staff/conversations/{conversation.pk}/?before={first.seq + 1}")
    assert f'id="m{first.seq}"' in landing.content.decode()
    assert f'id="m{first.seq + 1}"' not in landing.content.decode()


def test_a_student_cannot_open_a_pattern_item(
    conversation, mentor, student, send, clock, client, verified_login
):
    play(GROOMING_EN, mentor, student, conversation, send, clock)
    (item,) = pattern_items()
    verified_login(client, student)
    page = client.get(f"/staff/items/{item.pk}/")
    assert page.status_code in (403, 404)
    assert "hoodie" not in page.content.decode()


def test_a_held_message_still_contributes_its_signals(conversation, mentor, student, send, clock):
    held = send(mentor, conversation, "do you have whatsapp?")
    held.refresh_from_db()
    assert held.state == Message.State.HELD  # the per-message pipeline's own judgement
    clock(1)
    send(mentor, conversation, GROOMING_EN[0][1])
    clock(2)
    send(mentor, conversation, GROOMING_EN[1][1])
    (item,) = pattern_items()
    first = item.pattern["contributions"][0]
    assert (first["message"], first["family"]) == (held.pk, "elsewhere")


def test_a_peer_mentor_who_is_a_minor_counts_toward_the_student(
    program, make_user, district, send, clock
):
    peer = make_user(User.Role.MENTOR, district, is_minor=True)
    student = make_user(User.Role.STUDENT, district)
    match = messaging.match_activate(
        match=messaging.match_create(program=program, mentor=peer, student=student)
    )
    play(GROOMING_EN[:3], peer, student, match.conversation, send, clock)
    (item,) = pattern_items()
    assert item.pattern["sender"] == peer.pk
    assert set(
        ConversationSignal.objects.filter(sender=peer).values_list("sender_is_adult", "counts")
    ) == {(False, True)}


def test_a_rolled_back_send_stores_no_signal_and_runs_no_check(
    conversation, mentor, django_capture_on_commit_callbacks
):
    from django.db import transaction

    class Abort(Exception):
        pass

    def send_all_then_fail():
        with transaction.atomic():
            for _, body in GROOMING_EN:
                message_send(
                    sender=mentor, conversation_id=conversation.pk, client_id=f"r{next(_ids)}",
                    body=body,
                )  # fmt: skip
            raise Abort

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Abort):
        send_all_then_fail()
    assert callbacks == []
    assert ConversationSignal.objects.count() == 0
    assert pattern_items() == []


def test_the_database_allows_one_unresolved_pattern_item_per_conversation(
    conversation, mentor, student, send, clock
):
    from django.db import IntegrityError, transaction

    play(GROOMING_EN[:3], mentor, student, conversation, send, clock)
    (item,) = pattern_items()
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewItem.objects.create(
            district_id=item.district_id,
            conversation=conversation,
            source=ReviewItem.Source.PATTERN,
            priority="high",
            priority_rank=2,
        )
    assert len(pattern_items()) == 1


def test_staff_can_warn_the_sender_named_by_the_pattern(
    conversation, mentor, student, moderator, send, clock
):
    from moderation.review.actions import review_warn_sender

    play(GROOMING_EN[:3], mentor, student, conversation, send, clock)
    (item,) = pattern_items()
    warning = review_warn_sender(item=item, actor=moderator, reason="Pattern of boundary testing")
    assert warning.kind == Message.Kind.SYSTEM
    assert mentor.public_name in warning.body
    assert item.actions.get().target_user == mentor


def test_the_window_reads_the_signals_stored_on_the_verdicts_not_the_text(
    conversation, mentor, student, send, clock
):
    """The pipeline finds a message's weak signals once; the verdict keeps them, and the
    conversation's window reads them there: the stored text is never analysed again."""
    from moderation.services import conversation_window

    sent = send(mentor, conversation, "is anyone else reading this?")
    assert sent.verdict.weak_signals == [
        {"family": "monitoring", "signal": "who_reads", "weight": 0.9, "language": "en"}
    ]
    # The stored text changed to something harmless: the window still has what was sent.
    Message.objects.filter(pk=sent.pk).update(body="see you tuesday")
    window = conversation_window(
        conversation_id=conversation.pk, now=timezone.now(), window=datetime.timedelta(days=14)
    )
    assert [(m.message_id, [s.signal for s in m.signals]) for m in window] == [
        (sent.pk, ["who_reads"])
    ]
    # And the verdict without them: the window has the message and no signal to add up.
    type(sent.verdict).objects.filter(pk=sent.verdict.pk).update(weak_signals=[])
    window = conversation_window(
        conversation_id=conversation.pk, now=timezone.now(), window=datetime.timedelta(days=14)
    )
    assert [m.signals for m in window] == [()]


def test_a_message_without_weak_signals_gets_no_window_row(conversation, mentor, send, clock):
    sent = send(mentor, conversation, "I finished reading the lab report, nice work")
    assert sent.verdict.weak_signals == []
    assert not ConversationSignal.objects.filter(message=sent).exists()
