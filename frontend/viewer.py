"""Who is looking: the viewer's school time zone, which every time on a page is shown in.

A student or mentor sees times in the zone of the school of their (first readable) conversation's
program; staff, and members without a program, in their district's zone. `ViewerTimezoneMiddleware`
activates it for the request, so Django's `date` filter and the `when` filter
(frontend.templatetags.trellis_time) both render in it, and `base.html` hands it to the page's
scripts (`data-tz`) for rows that arrive live.

The admin too: its lists and forms show, and its date-time inputs read, times in the staff
member's district zone, which its header names (frontend/templates/admin/base_site.html); a
meeting's change form overrides it with the meeting's school zone (scheduling.admin).
"""

import zoneinfo

from django.utils import timezone

from accounts.models import User
from messaging.access import conversations_readable_by

FALLBACK_ZONE = "UTC"


def viewer_zone_name(*, user: User) -> str:
    """The IANA name of the zone the user's pages show times in."""
    if not getattr(user, "is_authenticated", False):
        return FALLBACK_ZONE
    if user.role in (User.Role.STUDENT, User.Role.MENTOR):
        school = (
            conversations_readable_by(user=user)
            .filter(program__isnull=False)
            .order_by("pk")
            .values_list("program__school__timezone", "program__school__district__timezone")
            .first()
        )
        if school is not None:
            return school[0] or school[1]
    if user.district_id is not None:
        return user.district.timezone
    return FALLBACK_ZONE


class ViewerTimezoneMiddleware:
    """Activate the viewer's zone for the request (after authentication)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        name = viewer_zone_name(user=getattr(request, "user", None))
        request.viewer_zone = name
        timezone.activate(zoneinfo.ZoneInfo(name))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
