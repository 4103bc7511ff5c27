"""What every page's layout needs: the viewer's zone and the role's navigation (base.html)."""

from django.http import HttpRequest

from accounts.models import User
from moderation.models import Priority, ReviewItem
from moderation.review.alerts import safeguarding_recipients


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    context = {"viewer_zone": getattr(request, "viewer_zone", "UTC")}
    if user is None or not user.is_authenticated or user.district_id is None:
        return context
    if user.is_staff_role:
        # Only those whom safeguarding alerts reach are offered the alerts page.
        context["receives_alerts"] = any(
            r.pk == user.pk for r in safeguarding_recipients(user.district)
        )
    if user.role == User.Role.MODERATOR:
        context["nav_urgent"] = (
            ReviewItem.objects.filter(district_id=user.district_id, priority=Priority.URGENT)
            .exclude(status=ReviewItem.Status.RESOLVED)
            .count()
        )
    return context
