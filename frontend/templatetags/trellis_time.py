"""Times as people read them: in the viewer's school zone (activated by
frontend.viewer.ViewerTimezoneMiddleware), always with the zone's name.

`frontend/static/frontend/when.js` formats live rows the same way; keep the two in step.
"""

import datetime

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext

from accounts.clock import WHEN_FORMAT

register = template.Library()

CLOCK_FORMAT = "H:i T"  # 13:00 CST


def _local(value: datetime.datetime, school) -> datetime.datetime:
    return value.astimezone(school.tz) if school is not None else timezone.localtime(value)


@register.filter
def when(value: datetime.datetime | None, school=None) -> str:
    """'Wed 3 Dec, 12:15 CST' ('jue 3 Dic, 12:15 CST' in Spanish) in the active (viewer's)
    zone, or in `school`'s zone when given (`{{ meeting.starts_at|when:meeting.venue.school }}`:
    a meeting happens at its school's clock, whoever reads it); '' for None."""
    if value is None:
        return ""
    return date_format(_local(value, school), WHEN_FORMAT)


@register.filter
def clock(value: datetime.datetime | None, school=None) -> str:
    """The wall-clock time only, with the zone ('13:00 CST'), as `when` chooses the zone."""
    if value is None:
        return ""
    return date_format(_local(value, school), CLOCK_FORMAT)


def ago_text(value: datetime.datetime, now: datetime.datetime) -> str:
    """'just now', '5 minutes ago', '2 hours ago', '3 days ago' (whole units, rounded down)."""
    seconds = max(0, int((now - value).total_seconds()))
    if seconds < 60:
        return gettext("just now")
    minutes = seconds // 60
    if minutes < 60:
        return ngettext("%(n)d minute ago", "%(n)d minutes ago", minutes) % {"n": minutes}
    hours = minutes // 60
    if hours < 48:
        return ngettext("%(n)d hour ago", "%(n)d hours ago", hours) % {"n": hours}
    days = hours // 24
    return ngettext("%(n)d day ago", "%(n)d days ago", days) % {"n": days}


@register.filter
def ago(value: datetime.datetime | None) -> str:
    """Relative to now, for things that wait: '2 hours ago'."""
    if value is None:
        return ""
    return ago_text(value, timezone.now())


@register.simple_tag
def time_tag(value: datetime.datetime | None, style: str = "when") -> str:
    """A <time> element the page's formatter (when.js) can re-render: `style` is 'when'
    (absolute, with the zone) or 'ago' (relative, the absolute time as its title)."""
    if value is None:
        return ""
    iso = value.isoformat()
    if style == "ago":
        markup = '<time datetime="{}" data-style="ago" title="{}">{}</time>'
        return format_html(markup, iso, when(value), ago(value))
    return format_html('<time datetime="{}" data-style="when">{}</time>', iso, when(value))
