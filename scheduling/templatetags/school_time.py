"""Times as a person at the school reads them: in the school's zone, with its abbreviation."""

import datetime

from django import template
from django.utils import dateformat

register = template.Library()


@register.filter
def school_time(value: datetime.datetime | None, school) -> str:
    """`{{ meeting.starts_at|school_time:meeting.venue.school }}`: "Thursday 4 December, 12:15 CST".
    The template's own time zone (UTC) never applies: the datetime is formatted as converted."""
    if value is None:
        return ""
    return dateformat.format(value.astimezone(school.tz), "l j F, H:i T")


@register.filter
def school_clock(value: datetime.datetime | None, school) -> str:
    """The wall-clock time only, with the zone: "13:00 CST"."""
    if value is None:
        return ""
    return dateformat.format(value.astimezone(school.tz), "H:i T")
