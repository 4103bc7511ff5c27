"""Pure recurrence: local wall-clock times across DST, holidays, rule validation."""

import datetime
import zoneinfo

import pytest

from scheduling.recurrence import RuleError, expand, place, validate_rule

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
UTC = datetime.UTC


def window(y1, m1, d1, y2, m2, d2):
    return (datetime.datetime(y1, m1, d1, tzinfo=UTC), datetime.datetime(y2, m2, d2, tzinfo=UTC))


def test_weekly_meetings_keep_local_time_across_dst_end():
    start, end = window(2026, 10, 1, 2026, 12, 1)
    occ = expand(
        rule="FREQ=WEEKLY;BYDAY=TH;COUNT=6",
        tz=CHICAGO,
        first_date=datetime.date(2026, 10, 22),
        at=datetime.time(15, 30),
        duration=datetime.timedelta(minutes=45),
        window_start=start,
        window_end=end,
    )
    assert [o.local_date.isoformat() for o in occ] == [
        "2026-10-22",
        "2026-10-29",
        "2026-11-05",
        "2026-11-12",
        "2026-11-19",
        "2026-11-26",
    ]
    assert {o.start.astimezone(CHICAGO).time() for o in occ} == {datetime.time(15, 30)}
    # 15:30 CDT is 20:30 UTC; after 1 November, 15:30 CST is 21:30 UTC.
    assert [o.start.hour for o in occ[:3]] == [20, 20, 21]
    assert all(o.end - o.start == datetime.timedelta(minutes=45) for o in occ)


def test_nonexistent_local_time_moves_forward_by_the_gap():
    # 2027-03-14 02:30 does not exist in Chicago (clocks jump 02:00 -> 03:00).
    at = place(datetime.date(2027, 3, 14), datetime.time(2, 30), CHICAGO)
    assert at.astimezone(CHICAGO).time() == datetime.time(3, 30)
    assert at == datetime.datetime(2027, 3, 14, 8, 30, tzinfo=UTC)


def test_ambiguous_local_time_takes_the_first_occurrence():
    at = place(datetime.date(2026, 11, 1), datetime.time(1, 30), CHICAGO)
    assert at == datetime.datetime(2026, 11, 1, 6, 30, tzinfo=UTC)  # CDT, the first 01:30


def test_holidays_are_skipped():
    start, end = window(2026, 11, 1, 2026, 12, 31)
    occ = expand(
        rule="FREQ=WEEKLY;BYDAY=TH;COUNT=4",
        tz=CHICAGO,
        first_date=datetime.date(2026, 11, 12),
        at=datetime.time(12, 0),
        duration=datetime.timedelta(minutes=30),
        window_start=start,
        window_end=end,
        skip_dates=[datetime.date(2026, 11, 26)],
    )
    assert [o.local_date.day for o in occ] == [12, 19, 3]


def test_window_limits_the_expansion():
    start, end = window(2026, 11, 18, 2026, 11, 25)
    occ = expand(
        rule="FREQ=WEEKLY;BYDAY=TH;COUNT=10",
        tz=CHICAGO,
        first_date=datetime.date(2026, 11, 5),
        at=datetime.time(12, 0),
        duration=datetime.timedelta(minutes=30),
        window_start=start,
        window_end=end,
    )
    assert [o.local_date for o in occ] == [datetime.date(2026, 11, 19)]


@pytest.mark.parametrize(
    ("rule", "reason"),
    [
        ("FREQ=WEEKLY", "COUNT or UNTIL"),
        ("FREQ=HOURLY;COUNT=3", "FREQ must be"),
        ("FREQ=WEEKLY;COUNT=3;BYHOUR=9", "time of day"),
        ("FREQ=WEEKLY;COUNT=x", "Not a valid"),
        ("nonsense", "FREQ must be"),
    ],
)
def test_bad_rules_are_refused_with_a_reason(rule, reason):
    with pytest.raises(RuleError, match=reason):
        validate_rule(rule)


def test_naive_windows_are_refused():
    with pytest.raises(ValueError, match="aware"):
        expand(
            rule="FREQ=WEEKLY;COUNT=1",
            tz=CHICAGO,
            first_date=datetime.date(2026, 1, 1),
            at=datetime.time(12),
            duration=datetime.timedelta(minutes=30),
            window_start=datetime.datetime(2026, 1, 1),
            window_end=datetime.datetime(2026, 2, 1, tzinfo=UTC),
        )
