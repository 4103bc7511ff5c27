"""The per-socket delivery order (pure)."""

from messaging.ordering import Arrival, DeliveryOrder


def m(seq, state="delivered", conversation=1):
    return {"conversation": conversation, "seq": seq, "state": state}


def test_in_order_messages_are_next_and_repeats_are_duplicates():
    order = DeliveryOrder()
    order.baseline(1, 0)
    for seq in (1, 2, 3):
        assert order.check(m(seq)) is Arrival.NEXT
        order.delivered(m(seq))
    assert order.through(1) == 3
    assert order.check(m(2)) is Arrival.DUPLICATE


def test_skipping_ahead_is_a_gap_until_covered():
    order = DeliveryOrder()
    order.baseline(1, 4)
    assert order.check(m(6)) is Arrival.GAP
    order.cover(1, 5)  # seq 5 was looked at (someone else's held message)
    assert order.check(m(6)) is Arrival.NEXT


def test_a_new_state_of_a_delivered_message_is_an_update():
    order = DeliveryOrder()
    order.baseline(1, 0)
    order.delivered(m(1, "pending"))
    assert order.check(m(1, "delivered")) is Arrival.UPDATE
    order.delivered(m(1, "delivered"))
    assert order.check(m(1, "delivered")) is Arrival.DUPLICATE
    assert order.through(1) == 1


def test_conversations_are_independent_and_unknown_ones_start_anywhere():
    order = DeliveryOrder()
    order.baseline(1, 10)
    assert order.check(m(7, conversation=2)) is Arrival.NEXT
    order.delivered(m(7, conversation=2))
    assert (order.through(1), order.through(2)) == (10, 7)
