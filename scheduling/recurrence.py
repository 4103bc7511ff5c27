"""Pure recurrence maths for meeting series: rule + IANA zone + wall-clock time -> UTC instants.

Rules are RFC 5545 RRULE strings (expanded with dateutil) over *local* dates; each occurrence's
wall-clock start is then placed in the zone. A wall-clock time that does not exist on a DST
spring-forward day moves forward by the gap (02:30 becomes 03:30), and an ambiguous one on the
fall-back day takes its first occurrence: meetings keep their local time across DST.
No database, no settings, no naive datetimes in or out.
"""

import datetime
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass

from dateutil.rrule import rrulestr

ALLOWED_FREQ = ("WEEKLY", "DAILY", "MONTHLY")
MAX_OCCURRENCES = 520  # ten years of weekly meetings


class RuleError(ValueError):
    """The recurrence rule is malformed or not allowed."""


@dataclass(frozen=True)
class Occurrence:
    local_date: datetime.date
    start: datetime.datetime  # UTC
    end: datetime.datetime  # UTC


def validate_rule(rule: str) -> str:
    """Return the rule, normalised, or raise RuleError with a reason a coordinator can act on."""
    rule = rule.strip().upper()
    if rule.startswith("RRULE:"):
        rule = rule[len("RRULE:") :]
    parts = dict(p.split("=", 1) for p in rule.split(";") if "=" in p)
    if parts.get("FREQ") not in ALLOWED_FREQ:
        raise RuleError(f"FREQ must be one of {', '.join(ALLOWED_FREQ)}.")
    if "COUNT" not in parts and "UNTIL" not in parts:
        raise RuleError("A series needs an end: COUNT or UNTIL.")
    if {"BYHOUR", "BYMINUTE", "BYSECOND"} & parts.keys():
        raise RuleError("The time of day comes from the series, not the rule.")
    try:
        rrulestr(rule, dtstart=datetime.datetime(2000, 1, 1))  # noqa: DTZ001 - local wall clock
    except (ValueError, TypeError) as exc:
        raise RuleError(f"Not a valid recurrence rule: {exc}") from exc
    return rule


def place(local_date: datetime.date, at: datetime.time, tz: zoneinfo.ZoneInfo) -> datetime.datetime:
    """The UTC instant of wall-clock `at` on `local_date` in `tz` (DST gaps move forward)."""
    # PEP 495: fold=0 reads a wall-clock time with the offset in force before a transition. For an
    # ambiguous time that is the first occurrence; for a non-existent one (spring forward) it lands
    # after the gap, i.e. the wall-clock time moved forward by the gap.
    naive = datetime.datetime.combine(local_date, at)
    return naive.replace(tzinfo=tz, fold=0).astimezone(datetime.UTC)


def expand(
    *,
    rule: str,
    tz: zoneinfo.ZoneInfo,
    first_date: datetime.date,
    at: datetime.time,
    duration: datetime.timedelta,
    window_start: datetime.datetime,
    window_end: datetime.datetime,
    skip_dates: Iterable[datetime.date] = (),
) -> list[Occurrence]:
    """Occurrences starting in [window_start, window_end), excluding `skip_dates` (holidays,
    cancelled dates). Window bounds must be aware."""
    if window_start.tzinfo is None or window_end.tzinfo is None:
        raise ValueError("window bounds must be aware datetimes")
    skip = set(skip_dates)
    dtstart = datetime.datetime.combine(first_date, datetime.time.min)
    # Expand over local dates with a day of margin either side of the window.
    local_from = window_start.astimezone(tz).replace(tzinfo=None) - datetime.timedelta(days=1)
    local_to = window_end.astimezone(tz).replace(tzinfo=None) + datetime.timedelta(days=1)
    rr = rrulestr(validate_rule(rule), dtstart=dtstart)
    result = []
    for i, day in enumerate(rr.between(max(local_from, dtstart), local_to, inc=True)):
        if i >= MAX_OCCURRENCES:
            break
        if day.date() in skip:
            continue
        start = place(day.date(), at, tz)
        if window_start <= start < window_end:
            result.append(Occurrence(day.date(), start, start + duration))
    return result


WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
REPEATS = ("weekly", "fortnightly", "monthly", "custom")


def rule_build(
    *,
    repeat: str,
    first_date: datetime.date,
    count: int | None = None,
    until: datetime.date | None = None,
    custom: str = "",
) -> str:
    """The RRULE for a form's choice: "weekly" and "fortnightly" on the first date's weekday,
    "monthly" on its nth weekday (the last one when it is the fifth), "custom" the given rule.
    The end is `count` occurrences or the last date `until` (local, inclusive); a custom rule
    brings its own end unless one is given. Raises RuleError."""
    if count is not None and until is not None:
        raise RuleError("Give a number of meetings or an end date, not both.")
    if repeat == "custom":
        parts = [custom.strip().upper().removeprefix("RRULE:")]
    elif repeat in ("weekly", "fortnightly"):
        day = WEEKDAYS[first_date.weekday()]
        parts = [
            "FREQ=WEEKLY",
            *(["INTERVAL=2"] if repeat == "fortnightly" else []),
            f"BYDAY={day}",
        ]
    elif repeat == "monthly":
        nth = (first_date.day - 1) // 7 + 1
        parts = ["FREQ=MONTHLY", f"BYDAY={-1 if nth == 5 else nth}{WEEKDAYS[first_date.weekday()]}"]
    else:
        raise RuleError(f"Repeat must be one of {', '.join(REPEATS)}.")
    if count is not None:
        parts.append(f"COUNT={count}")
    elif until is not None:
        # A floating local end of day: the series' dates are local wall-clock dates.
        parts.append(f"UNTIL={until:%Y%m%d}T235959")
    return validate_rule(";".join(p for p in parts if p))


def expand_all(
    *,
    rule: str,
    tz: zoneinfo.ZoneInfo,
    first_date: datetime.date,
    at: datetime.time,
    duration: datetime.timedelta,
) -> list[Occurrence]:
    """Every occurrence of the rule from `first_date` (at most MAX_OCCURRENCES), none skipped:
    for a preview of what a new series would keep and skip."""
    dtstart = datetime.datetime.combine(first_date, datetime.time.min)
    result = []
    for i, day in enumerate(rrulestr(validate_rule(rule), dtstart=dtstart)):
        if i >= MAX_OCCURRENCES:
            break
        start = place(day.date(), at, tz)
        result.append(Occurrence(day.date(), start, start + duration))
    return result
