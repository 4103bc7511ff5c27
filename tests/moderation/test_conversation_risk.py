"""The pure conversation-risk score: direction, diminishing returns, distinct families, decay and
the window, per district threshold, and the re-trigger rule after a dismissal."""

import datetime

import pytest

from moderation.conversation_risk import (
    RiskParams,
    Signal,
    WindowMessage,
    conversation_risk,
    direction_counts,
)

NOW = datetime.datetime(2026, 3, 20, 18, 0, tzinfo=datetime.UTC)
MENTOR, STUDENT = 7, 8


def msg(n, *signals, days_ago=0.0, sender=MENTOR, role="mentor", adult=True, **kw):
    return WindowMessage(
        message_id=n,
        at=NOW - datetime.timedelta(days=days_ago),
        sender_id=sender,
        sender_role=role,
        sender_is_adult=adult,
        to_student=kw.get("to_student", role != "student"),
        to_minor=kw.get("to_minor", role != "student"),
        signals=tuple(Signal(f, s, w) for f, s, w in signals),
    )


SUPERVISION = ("supervision", "adults_away_when", 0.8)
BOND = ("special_bond", "so_mature", 0.7)
MONITOR = ("monitoring", "who_reads", 0.9)
GIFT = ("gifts_money", "buys_for", 0.7)
ELSEWHERE = ("elsewhere", "other_app", 0.8)


def test_distinct_mild_signals_over_several_days_reach_the_default_threshold():
    three = [msg(1, BOND, days_ago=4), msg(2, MONITOR, days_ago=2), msg(3, ELSEWHERE, days_ago=0.5)]
    short = conversation_risk(three, now=NOW)
    # Three mild signals spread over four days fall just short; a fourth family reaches it.
    assert short.reached is False
    assert short.score == pytest.approx(2.76, abs=0.01)
    risk = conversation_risk([*three, msg(4, GIFT, days_ago=1)], now=NOW)
    assert risk.reached is True
    assert risk.sender_id == MENTOR
    assert sorted(risk.families) == ["elsewhere", "gifts_money", "monitoring", "special_bond"]
    assert [(c.message_id, c.family) for c in risk.contributions] == [
        (1, "special_bond"),
        (2, "monitoring"),
        (4, "gifts_money"),
        (3, "elsewhere"),
    ]
    # Decay: the four-day-old signal is worth less than its weight, the newest nearly all of it.
    by_id = {c.message_id: c for c in risk.contributions}
    assert by_id[1].score == pytest.approx(0.7 * 0.5 ** (4 / 7) * 1.6)
    assert by_id[3].score == pytest.approx(0.8 * 0.5 ** (0.5 / 7) * 1.6)
    assert sum(c.score for c in risk.contributions) == pytest.approx(risk.score)
    assert risk.score == pytest.approx(4.17, abs=0.01)
    # The same three signals sent today reach it too.
    fresh = conversation_risk(
        [msg(n, s) for n, s in enumerate([BOND, MONITOR, ELSEWHERE])], now=NOW
    )
    assert fresh.reached is True
    assert fresh.score == pytest.approx((0.7 + 0.9 + 0.8) * 1.4)


def test_one_signal_alone_does_not_reach_the_threshold():
    risk = conversation_risk([msg(1, MONITOR)], now=NOW)
    assert risk.reached is False
    assert risk.score == pytest.approx(0.9)


def test_one_family_repeated_has_diminishing_returns_and_a_cap():
    twenty = [msg(n, SUPERVISION, days_ago=n * 0.01) for n in range(20)]
    risk = conversation_risk(twenty, now=NOW)
    assert risk.reached is False
    assert risk.score == pytest.approx(1.5)  # the family cap
    two = conversation_risk([msg(1, SUPERVISION), msg(2, SUPERVISION)], now=NOW)
    assert two.score == pytest.approx(0.8 + 0.4)  # the repeat is worth half
    assert [round(c.score, 2) for c in two.contributions] == [0.8, 0.4]


def test_distinct_families_weigh_more_than_the_same_total_of_one_family():
    same = conversation_risk([msg(1, BOND), msg(2, BOND), msg(3, BOND)], now=NOW)
    distinct = conversation_risk([msg(1, BOND), msg(2, GIFT), msg(3, MONITOR)], now=NOW)
    assert same.score == pytest.approx(0.7 * 1.75)
    assert distinct.score == pytest.approx((0.7 + 0.7 + 0.9) * 1.4)
    assert distinct.score > 2 * same.score


def test_only_the_adult_or_mentor_to_student_direction_counts():
    from_student = [
        msg(n, sig, role="student", adult=False, sender=STUDENT)
        for n, sig in enumerate([BOND, MONITOR, ELSEWHERE, GIFT, SUPERVISION])
    ]
    risk = conversation_risk(from_student, now=NOW)
    assert risk.score == 0
    assert risk.reached is False
    assert risk.contributions == ()


@pytest.mark.parametrize(
    ("role", "adult", "to_student", "to_minor", "counts"),
    [
        ("mentor", True, True, True, True),  # adult mentor to a student
        ("mentor", False, True, True, True),  # peer mentor (the older side) to a student
        ("student", False, False, False, False),  # a student to the mentor
        ("student", True, True, True, False),  # an adult student (18) to peers: not a mentor
        ("mentor", True, False, False, False),  # adult to adults only
        ("mentor", True, False, True, True),  # adult to a minor peer mentor
    ],
)
def test_direction_rule(role, adult, to_student, to_minor, counts):
    message = msg(1, BOND, role=role, adult=adult, to_student=to_student, to_minor=to_minor)
    assert direction_counts(message) is counts


def test_signals_older_than_the_window_drop_out():
    old = [msg(1, BOND, days_ago=15), msg(2, MONITOR, days_ago=14.5), msg(3, GIFT, days_ago=20)]
    risk = conversation_risk([*old, msg(4, ELSEWHERE)], now=NOW)
    assert [c.message_id for c in risk.contributions] == [4]
    assert risk.reached is False
    # The same messages inside a longer district window do count.
    longer = conversation_risk(
        [*old, msg(4, ELSEWHERE)],
        now=NOW,
        params=RiskParams(window=datetime.timedelta(days=30)),
    )
    assert [c.message_id for c in longer.contributions] == [3, 1, 2, 4]  # by time


def test_decay_halves_a_signal_every_half_window():
    risk = conversation_risk([msg(1, MONITOR, days_ago=7)], now=NOW)
    assert risk.score == pytest.approx(0.45)


def test_the_threshold_is_a_parameter():
    window = [msg(1, BOND), msg(2, MONITOR)]
    assert conversation_risk(window, now=NOW).reached is False
    assert conversation_risk(window, now=NOW, params=RiskParams(threshold=1.5)).reached is True


def test_after_a_dismissal_only_a_new_signal_triggers_again():
    window = [
        msg(1, BOND, days_ago=3),
        msg(2, MONITOR, days_ago=2),
        msg(3, GIFT, days_ago=1),
        msg(5, ELSEWHERE, days_ago=1),
    ]
    dismissed_at = NOW - datetime.timedelta(hours=12)
    same = conversation_risk(window, now=NOW, new_after=dismissed_at)
    assert same.score >= same.threshold
    assert same.reached is False
    renewed = conversation_risk(
        [*window, msg(4, SUPERVISION, days_ago=0.1)], now=NOW, new_after=dismissed_at
    )
    assert renewed.reached is True
    assert [c.message_id for c in renewed.contributions] == [1, 2, 3, 5, 4]


def test_two_senders_do_not_add_up():
    first = [msg(1, BOND, sender=1), msg(2, MONITOR, sender=1)]
    second = [msg(3, GIFT, sender=2), msg(4, ELSEWHERE, sender=2)]
    risk = conversation_risk([*first, *second], now=NOW)
    assert risk.reached is False
    assert risk.sender_id == 1
    assert {c.message_id for c in risk.contributions} == {1, 2}


def test_the_result_does_not_depend_on_input_order():
    window = [msg(n, sig, days_ago=n) for n, sig in enumerate([BOND, BOND, GIFT, MONITOR])]
    forward = conversation_risk(window, now=NOW)
    backward = conversation_risk(list(reversed(window)), now=NOW)
    assert forward == backward


def test_the_ten_benign_conversations_score_far_below_the_threshold():
    """Their near-misses ("how old are you turning?", "my treat") are found, scored, and stay
    under half the default threshold, spread over ten days or all sent at once."""
    from moderation.conversation_signals import extract
    from testkit.benign_conversations import CONVERSATIONS

    scores = []
    for _, lines in CONVERSATIONS:
        window = [
            msg(
                i,
                *[(h.family, h.signal, h.weight) for h in extract(body)],
                days_ago=10 - i * 10 / len(lines),
                sender=MENTOR if who == "m" else STUDENT,
                role="mentor" if who == "m" else "student",
                adult=who == "m",
            )
            for i, (who, body) in enumerate(lines)
        ]
        spread = conversation_risk(window, now=NOW).score
        at_once = conversation_risk(
            [WindowMessage(**{**m.__dict__, "at": NOW}) for m in window], now=NOW
        ).score
        scores.append(max(spread, at_once))
    assert max(scores) == pytest.approx((0.4 + 0.7) * 1.2)  # two families at once
    assert max(scores) < 1.5
    assert sum(1 for s in scores if s > 0) == 6  # the near-misses do register
