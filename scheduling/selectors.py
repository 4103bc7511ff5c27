"""Scheduling reads, always scoped to the person asking."""

import datetime

from django.utils import timezone

from accounts.models import User

from .models import Meeting


def meetings_for_user(*, user: User, since: datetime.datetime | None = None):
    """The user's meetings (as a member of the meeting's conversation), soonest first."""
    since = since or timezone.now() - datetime.timedelta(days=1)
    return (
        Meeting.objects.filter(conversation__memberships__user=user, ends_at__gte=since)
        .select_related("venue__school", "series")
        .order_by("starts_at")
    )
