"""A moment as people read it: in a given zone (a school's), always with the zone's name
("Wed 3 Dec, 12:15 CST"; "jue 3 Dic, 12:15 CST" in Spanish). The lowest layer has it so a model's
own label (the admin's choices and titles) reads like the pages: frontend.templatetags.trellis_time
builds its `when` filter on it, and `frontend/static/frontend/when.js` keeps the same format."""

import datetime
import zoneinfo

from django.utils import timezone
from django.utils.dateformat import format as date_format

WHEN_FORMAT = "D j M, H:i T"  # Wed 3 Dec, 12:15 CST


def when_text(value: datetime.datetime, tz: zoneinfo.ZoneInfo | None = None) -> str:
    """`value` in `tz` (else the active zone), with the zone's abbreviation."""
    local = value.astimezone(tz) if tz is not None else timezone.localtime(value)
    return date_format(local, WHEN_FORMAT)
