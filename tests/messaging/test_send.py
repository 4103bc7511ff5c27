"""message_send: storage, sequence numbers, idempotency, validation and after-commit events."""

import threading

import pytest
from django.db import connection

from actions.messages import message_send
from messaging import services as messaging
from messaging.access import ConversationNotFound
from messaging.models import Message
from messaging.realtime import user_group


def send(user, conversation, client_id="c1", body="Hello there"):
    return message_send(
        sender=user, conversation_id=conversation.pk, client_id=client_id, body=body
    )


def test_send_stores_with_dense_sequence_numbers(conversation, mentor, student):
    a = send(mentor, conversation, "a", "first")
    b = send(student, conversation, "b", "second")
    assert (a.created, b.created) == (True, True)
    assert [(m.seq, m.body) for m in conversation.messages.order_by("seq")] == [
        (1, "first"),
        (2, "second"),
    ]
    conversation.refresh_from_db()
    assert conversation.last_seq == 2


def test_resent_client_id_does_not_create_a_second_message(conversation, mentor):
    first = send(mentor, conversation, "same-id", "Hi!")
    again = send(mentor, conversation, "same-id", "Hi!")
    assert (first.created, again.created) == (True, False)
    assert again.message.pk == first.message.pk
    assert Message.objects.filter(sender=mentor, client_id="same-id").count() == 1
    conversation.refresh_from_db()
    assert conversation.last_seq == 1


def test_same_client_id_with_different_content_is_refused(conversation, mentor):
    send(mentor, conversation, "same-id", "Hi!")
    with pytest.raises(messaging.MessageRejected) as exc:
        send(mentor, conversation, "same-id", "Something else")
    assert exc.value.code == "conflict"
    assert conversation.messages.count() == 1


def test_two_senders_may_use_the_same_client_id(conversation, mentor, student):
    send(mentor, conversation, "x", "one")
    assert send(student, conversation, "x", "two").created is True


def test_events_leave_after_commit_to_every_member(
    conversation, mentor, student, events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = send(mentor, conversation)
        assert events == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert sorted(g for g, _ in events) == sorted([user_group(mentor.pk), user_group(student.pk)])
    assert {e["message"]["id"] for _, e in events} == {result.message.pk}


def test_resend_sends_no_event(conversation, mentor, events, django_capture_on_commit_callbacks):
    send(mentor, conversation, "a")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        send(mentor, conversation, "a")
    assert callbacks == []


def test_non_member_cannot_send(conversation, make_user, district):
    outsider = make_user("mentor", district)
    with pytest.raises(ConversationNotFound):
        send(outsider, conversation)
    assert conversation.messages.count() == 0


def test_a_sender_suspended_since_the_socket_opened_cannot_send(conversation, mentor, events):
    """The socket holds the user it found at the handshake; the send's own read of the members
    decides: an adult suspended in the meantime stores and sends nothing."""
    type(mentor).objects.filter(pk=mentor.pk).update(is_active=False)
    assert mentor.is_active  # the socket's copy, not reloaded
    with pytest.raises(ConversationNotFound):
        send(mentor, conversation)
    assert conversation.messages.count() == 0
    assert events == []


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("", "empty"),
        ("   \n\t", "empty"),
        ("\u200b\u200b", "empty"),
        ("a\x00b", "invalid"),
        ("x" * 4001, "too_long"),
        (42, "invalid"),
        ("\ud800", "invalid"),
    ],
    ids=["empty", "blank", "zero-width", "nul", "too-long", "not-text", "lone-surrogate"],
)
def test_bad_bodies_are_refused(conversation, mentor, body, code):
    with pytest.raises(messaging.MessageRejected) as exc:
        send(mentor, conversation, body=body)
    assert exc.value.code == code
    assert conversation.messages.count() == 0


def test_length_counts_code_points_not_bytes(conversation, mentor):
    body = "é" * 4000  # 8000 bytes in UTF-8, 4000 code points
    assert send(mentor, conversation, body=body).message.body == body


@pytest.mark.parametrize("client_id", ["", "x" * 65, None, 7, "tab\there", "ünï"])
def test_bad_client_ids_are_refused(conversation, mentor, client_id):
    with pytest.raises(messaging.MessageRejected):
        send(mentor, conversation, client_id=client_id)


def test_markup_is_stored_as_text(conversation, mentor):
    body = '<img src=x onerror="alert(1)">'
    assert send(mentor, conversation, body=body).message.body == body


@pytest.mark.django_db(transaction=True)
def test_racing_resends_store_exactly_one_message(conversation, mentor):
    """Two threads (two server workers) send the same client id at once: one row, same ack."""
    barrier = threading.Barrier(2)
    results, errors = [], []

    def worker():
        try:
            barrier.wait()
            results.append(send(mentor, conversation, "race", "hello"))
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert Message.objects.filter(sender=mentor, client_id="race").count() == 1
    assert {r.message.pk for r in results} == {Message.objects.get(client_id="race").pk}
    assert sorted(r.created for r in results) == [False, True]


@pytest.mark.django_db(transaction=True)
def test_concurrent_senders_get_distinct_gapless_sequences(conversation, mentor, student):
    def worker(user, prefix):
        try:
            for i in range(10):
                send(user, conversation, f"{prefix}-{i}", f"message {i}")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=worker, args=(u, p)) for u, p in ((mentor, "m"), (student, "s"))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seqs = list(conversation.messages.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, 21))


def test_rolled_back_transaction_sends_no_event(
    conversation, mentor, events, django_capture_on_commit_callbacks
):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                send(mentor, conversation, "rb")
                raise RuntimeError("boom")
        except RuntimeError:
            pass
    assert callbacks == []
    assert events == []
    assert conversation.messages.count() == 0
