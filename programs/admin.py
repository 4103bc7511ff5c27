"""Admin for coordinators: a program's matching and guardian settings, and what its records say.

Scoped to the coordinator's district like every other admin (accounts.admin.DistrictScopedAdmin).
Only the two settings rows are edited here. The rest is read-only: rosters come from the district's
roster import, check-ins from the people who answer them, follow-ups are closed, agreements
published and milestones marked on the program's own pages (through their services, audited).
Check-in comments are not shown: the week page shows a coordinator only the worries that
moderation did not flag, and flagged ones belong to the review console.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.admin import DistrictScopedAdmin

from .models import (
    Agreement,
    CheckIn,
    FollowUp,
    Guardian,
    GuardianSettings,
    Milestone,
    ProgramRules,
    SchoolAttendance,
)


class _ReadOnlyAdmin(DistrictScopedAdmin):
    """A record a coordinator looks at, never writes here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class _ProgramSettingsAdmin(DistrictScopedAdmin):
    """One settings row per program: the program is chosen when it is added, then fixed."""

    district_path = "program__school__district"
    list_filter = ["program__school"]
    search_fields = ["program__name"]

    def get_readonly_fields(self, request, obj=None):
        return ["program"] if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        return False  # blank settings are the defaults: change them instead


@admin.register(ProgramRules)
class ProgramRulesAdmin(_ProgramSettingsAdmin):
    list_display = ["program", "group_size", "checkin_every_weeks"]
    fields = ["program", "group_size", "checkin_every_weeks"]


@admin.register(GuardianSettings)
class GuardianSettingsAdmin(_ProgramSettingsAdmin):
    list_display = ["program", "link_max_age_days", "digest_every_days"]
    fields = ["program", "link_max_age_days", "digest_every_days"]


@admin.register(Guardian)
class GuardianAdmin(_ReadOnlyAdmin):
    """The roster's guardians. Corrected in the district's roster: an edit here would be undone by
    the next import, and a changed address would send a guardian's notices elsewhere unseen."""

    list_display = ["name", "student", "email", "phone", "preferred_language", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "student__username", "student__display_name"]
    fields = ["student", "name", "email", "phone", "preferred_language", "is_active", "sourced_id"]


@admin.register(CheckIn)
class CheckInAdmin(_ReadOnlyAdmin):
    district_path = "program__school__district"
    list_display = ["user", "program", "period_start", "answered_at", "score", "flagged"]
    list_filter = ["program", "flagged", "period_start"]
    search_fields = ["user__username", "user__display_name"]
    fields = [
        "program",
        "conversation",
        "match",
        "user",
        "period_start",
        "opened_at",
        "answered_at",
        "score",
        "flagged",
    ]


@admin.register(FollowUp)
class FollowUpAdmin(_ReadOnlyAdmin):
    district_path = "program__school__district"
    list_display = ["id", "program", "conversation", "opened_at", "closed_at", "closed_by"]
    list_filter = ["program", "closed_at"]
    fields = [
        "program",
        "conversation",
        "match",
        "checkin",
        "reasons",
        "opened_at",
        "closed_at",
        "closed_by",
        "note",
    ]


@admin.register(Agreement)
class AgreementAdmin(_ReadOnlyAdmin):
    district_path = "program__school__district"
    list_display = ["program", "audience", "version", "published_by", "published_at"]
    list_filter = ["program", "audience"]
    fields = ["program", "audience", "version", "text_en", "text_es", "published_by"]


@admin.register(Milestone)
class MilestoneAdmin(_ReadOnlyAdmin):
    district_path = "program__school__district"
    list_display = ["name", "kind", "program", "conversation", "achieved_on", "marked_by"]
    list_filter = ["program", "kind"]
    fields = ["program", "conversation", "kind", "title", "achieved_on", "marked_by", "marked_at"]

    @admin.display(description=_("Milestone"))
    def name(self, obj: Milestone) -> str:
        return obj.label


@admin.register(SchoolAttendance)
class SchoolAttendanceAdmin(_ReadOnlyAdmin):
    """What the district's attendance import stored; never shown to mentors."""

    list_display = ["student", "period_start", "period_days", "days_present", "days_absent"]
    list_filter = ["period_days", "period_start"]
    search_fields = ["student__username", "student__display_name"]
    fields = [
        "student",
        "period_start",
        "period_days",
        "days_present",
        "days_absent",
        "imported_at",
    ]
