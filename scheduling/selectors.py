"""Scheduling reads, always scoped to the person asking."""

import datetime

from django.utils import timezone

from accounts.models import User
from messaging.access import conversations_readable_by

from .models import Meeting


def meetings_for_user(*, user: User, since: datetime.datetime | None = None):
    """The user's meetings, soonest first: those of the conversations the user may read
    (messaging.access), so none of a closed match's and none at all for a disabled account."""
    since = since or timezone.now() - datetime.timedelta(days=1)
    return (
        Meeting.objects.filter(
            conversation__in=conversations_readable_by(user=user), ends_at__gte=since
        )
        .select_related("venue__school", "series")
        .order_by("starts_at")
    )
