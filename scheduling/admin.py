"""Admin for coordinators: approved venues, holidays, meeting series, meetings and attendance.
Writes go through scheduling.services so the venue rules and the one-outcome rule hold here too."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from accounts.admin import DistrictScopedAdmin

from . import services
from .models import Attendance, Holiday, Meeting, MeetingSeries, Venue


@admin.register(Venue)
class VenueAdmin(DistrictScopedAdmin):
    district_path = "school__district"
    list_display = ["name", "school", "approved", "opens", "closes"]
    list_filter = ["approved", "school"]
    search_fields = ["name", "school__name"]


@admin.register(Holiday)
class HolidayAdmin(DistrictScopedAdmin):
    list_display = ["date", "name", "district"]
    list_filter = ["district"]
    search_fields = ["name"]


@admin.register(MeetingSeries)
class MeetingSeriesAdmin(DistrictScopedAdmin):
    district_path = "conversation__district"
    list_display = ["title", "conversation", "venue", "rule", "first_date", "start_time", "active"]
    list_filter = ["active", "venue"]
    search_fields = ["title"]
    readonly_fields = ["timezone", "created_by"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        try:
            created = services.series_create(
                conversation=obj.conversation,
                venue=obj.venue,
                title=obj.title,
                rule=obj.rule,
                first_date=obj.first_date,
                start_time=obj.start_time,
                duration_minutes=obj.duration_minutes,
                actor=request.user,
            )
        except ValidationError as exc:
            self.message_user(request, "; ".join(exc.messages), messages.ERROR)
            return
        obj.pk = created.pk


@admin.register(Meeting)
class MeetingAdmin(DistrictScopedAdmin):
    district_path = "conversation__district"
    list_display = ["pk", "series", "starts_at", "venue", "status", "version"]
    list_filter = ["status", "venue"]
    readonly_fields = ["series", "conversation", "local_date", "version", "status"]
    actions = ["cancel"]

    @admin.action(description="Cancel the selected meetings")
    def cancel(self, request, queryset):
        for meeting in queryset:
            try:
                services.meeting_cancel(
                    meeting_id=meeting.pk, expected_version=meeting.version, actor=request.user
                )
            except ValidationError as exc:
                self.message_user(
                    request, f"Meeting {meeting.pk}: {'; '.join(exc.messages)}", messages.ERROR
                )


@admin.register(Attendance)
class AttendanceAdmin(DistrictScopedAdmin):
    district_path = "meeting__conversation__district"
    list_display = ["meeting", "user", "present", "recorded_by", "recorded_at"]
    list_filter = ["present"]
