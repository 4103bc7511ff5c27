"""What a coordinator may do in the admin: the one list of model permissions a coordinator holds.

The admin shows a model only to staff holding its permissions; every one of these models has a
district-scoped admin, so the permission grants the right for the coordinator's own district only.
Models are named by app label and model name (permission rows), not imported: this module sits in
the lowest layer and must not import the apps above it.
"""

from django.contrib.auth.models import Permission
from django.db.models import Q, QuerySet

from .models import User

COORDINATOR_ADMIN_MODELS: dict[str, tuple[str, ...]] = {
    "accounts": (
        "district",
        "school",
        "program",
        "user",
        "guardianconsent",
        "screening",
        "credentialchangerequest",
    ),
    "messaging": ("match", "weeklyprompt", "nudge"),
    "moderation": ("districtmoderation", "keywordrule"),
    "scheduling": ("venue", "holiday", "meetingseries", "meeting", "attendance"),
    "programs": ("programrules", "guardiansettings"),
}

# Records a coordinator looks at in the admin but writes elsewhere (the roster import, the
# program's pages, the people who answer check-ins): the view permission only.
COORDINATOR_VIEW_ONLY_MODELS: dict[str, tuple[str, ...]] = {
    # A match's status history, shown on the match's page (messaging.admin.MatchEventInline).
    "messaging": ("matchevent",),
    "programs": (
        "guardian",
        "checkin",
        "followup",
        "agreement",
        "milestone",
        "schoolattendance",
    ),
}


# Districts are created and removed by the platform's superusers; a coordinator edits their own.
_NOT_FOR_COORDINATORS = ("add_district", "delete_district")


def coordinator_admin_permissions() -> QuerySet[Permission]:
    """The add/change/delete/view permissions of COORDINATOR_ADMIN_MODELS (less the above), and
    the view permission of COORDINATOR_VIEW_ONLY_MODELS."""
    wanted = Q(pk__in=[])
    for app_label, models in COORDINATOR_ADMIN_MODELS.items():
        wanted |= Q(content_type__app_label=app_label, content_type__model__in=models)
    for app_label, models in COORDINATOR_VIEW_ONLY_MODELS.items():
        wanted |= Q(
            content_type__app_label=app_label,
            content_type__model__in=models,
            codename__in=[f"view_{model}" for model in models],
        )
    return Permission.objects.filter(wanted).exclude(
        content_type__app_label="accounts", codename__in=_NOT_FOR_COORDINATORS
    )


def coordinator_admin_grant(*, user: User) -> None:
    """Give a coordinator (staff) the coordinator's admin permissions, replacing any others."""
    if user.role != User.Role.COORDINATOR or not user.is_staff:
        raise ValueError("Only a coordinator with staff access gets the coordinator's admin.")
    user.user_permissions.set(coordinator_admin_permissions())
