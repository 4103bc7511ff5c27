"""Admin for coordinators: approved venues, holidays, meeting series, meetings and attendance.

Scoped to the coordinator's district (accounts.admin.DistrictScopedAdmin: lists, choices, filters).
Series, meetings and attendance are written only through scheduling.services, so the venue rules,
opening hours and the one-outcome rule hold here too; the forms run the same checks first, so a
refusal is a form error and nothing is written.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.admin import DistrictScopedAdmin
from accounts.clock import when_text

from . import services
from .models import Attendance, Holiday, Meeting, MeetingSeries, Venue


class _ActorForm(forms.ModelForm):
    """A model form that knows who is saving it (set by the admin's get_form)."""

    actor = None

    def _service_check(self, check, **kwargs):
        try:
            return check(**kwargs)
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from exc


class _ServiceFormAdmin(DistrictScopedAdmin):
    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.actor = request.user
        return form


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


class SeriesForm(_ActorForm):
    def clean(self):
        data = super().clean()
        if self.instance.pk is None and not self.errors:
            data["rule"] = self._service_check(
                services.series_check,
                conversation=data["conversation"],
                venue=data["venue"],
                rule=data["rule"],
                first_date=data["first_date"],
                start_time=data["start_time"],
                duration_minutes=data["duration_minutes"],
                actor=self.actor,
            )
        return data


@admin.register(MeetingSeries)
class MeetingSeriesAdmin(_ServiceFormAdmin):
    district_path = "conversation__district"
    form = SeriesForm
    list_display = ["title", "conversation", "venue", "rule", "first_date", "school_time", "active"]
    ordering = ["-pk"]
    list_filter = ["active", "venue"]
    search_fields = ["title"]
    fields = [
        "conversation",
        "venue",
        "title",
        "rule",
        "first_date",
        "start_time",
        "duration_minutes",
        "active",
        "timezone",
        "created_by",
    ]
    # Once a series has meetings, only its title and whether it goes on can change.
    _fixed_once_created = (
        "conversation",
        "venue",
        "rule",
        "first_date",
        "start_time",
        "duration_minutes",
    )

    @admin.display(description=gettext_lazy("time (school time)"), ordering="start_time")
    def school_time(self, obj: MeetingSeries) -> str:
        # A series' time is the school's wall clock; its zone is named (not the admin's UTC).
        return f"{obj.start_time:%H:%M} ({obj.timezone})"

    def get_readonly_fields(self, request, obj=None):
        fixed = self._fixed_once_created if obj is not None else ("active",)
        return [*fixed, "timezone", "created_by"]

    def has_delete_permission(self, request, obj=None):
        # Deleting would drop meetings without telling anyone: cancel them, or stop the series.
        return False

    def save_model(self, request, obj, form, change):
        if change:
            services.series_update(
                series_id=obj.pk, title=obj.title, active=obj.active, actor=request.user
            )
            return
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
        obj.pk = created.pk


class MeetingForm(_ActorForm):
    expected_version = forms.IntegerField(
        widget=forms.HiddenInput, label=gettext_lazy("version this form was opened at")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expected_version"].initial = self.instance.version

    def clean(self):
        data = super().clean()
        meeting = self.instance
        if self.errors or meeting.pk is None:
            return data
        if meeting.status == Meeting.Status.CANCELLED:
            raise forms.ValidationError(_("This meeting is cancelled."))
        if data["expected_version"] != meeting.version:
            raise forms.ValidationError(
                _("This meeting was changed by someone else; reload and try again.")
            )
        starts_at = data["starts_at"]
        self._service_check(
            services.venue_check,
            venue=data["venue"],
            conversation=meeting.conversation,
            tz=data["venue"].school.tz,
            start=starts_at,
            end=starts_at + (meeting.ends_at - meeting.starts_at),
        )
        return data


@admin.register(Meeting)
class MeetingAdmin(_ServiceFormAdmin):
    district_path = "conversation__district"
    form = MeetingForm
    list_display = ["id", "series", "starts", "venue", "status", "version"]
    list_filter = ["status", "venue"]
    list_select_related = ["series", "venue__school"]
    fields = [
        "series",
        "conversation",
        "local_date",
        "venue",
        "starts_at",
        "ends",
        "status",
        "version",
        "expected_version",
    ]
    readonly_fields = ["series", "conversation", "local_date", "ends", "version", "status"]
    actions = ["cancel"]

    # A meeting happens at its school's clock: the list shows it there with the zone's name, and
    # the change form reads and writes the time there (the rest of the admin stays in UTC,
    # frontend.viewer).
    @admin.display(description=gettext_lazy("starts (school time)"), ordering="starts_at")
    def starts(self, obj: Meeting) -> str:
        return when_text(obj.starts_at, obj.venue.school.tz)

    @admin.display(description=gettext_lazy("ends (school time)"))
    def ends(self, obj: Meeting) -> str:
        return when_text(obj.ends_at, obj.venue.school.tz) if obj.pk else ""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        meeting = self.get_object(request, object_id) if object_id else None
        if meeting is None:
            return super().changeform_view(request, object_id, form_url, extra_context)
        with timezone.override(meeting.venue.school.tz):
            response = super().changeform_view(request, object_id, form_url, extra_context)
            # A TemplateResponse renders later, outside this zone: render it here.
            return response.render() if hasattr(response, "render") else response

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if obj is not None and "starts_at" in form.base_fields:
            tz = obj.venue.school.tz
            form.base_fields["starts_at"].help_text = _(
                "At the school's clock: %(zone)s (%(abbreviation)s)."
            ) % {"zone": tz.key, "abbreviation": obj.starts_at.astimezone(tz).tzname()}
        return form

    def has_add_permission(self, request):
        return False  # meetings come from a series

    def has_delete_permission(self, request, obj=None):
        return False  # cancel instead: the members are told

    def save_model(self, request, obj, form, change):
        if not ({"starts_at", "venue"} & set(form.changed_data)):
            return
        services.meeting_reschedule(
            meeting_id=obj.pk,
            expected_version=form.cleaned_data["expected_version"],
            starts_at=obj.starts_at,
            venue=obj.venue,
            actor=request.user,
        )

    @admin.action(description=gettext_lazy("Cancel the selected meetings"))
    def cancel(self, request, queryset):
        for meeting in queryset:
            try:
                services.meeting_cancel(
                    meeting_id=meeting.pk, expected_version=meeting.version, actor=request.user
                )
            except ValidationError as exc:
                self.message_user(
                    request,
                    _("Meeting %(id)s: %(problems)s")
                    % {"id": meeting.pk, "problems": "; ".join(exc.messages)},
                    messages.ERROR,
                )


class AttendanceForm(_ActorForm):
    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        # On change the meeting and the person are read-only, so not in the posted data.
        source = self.instance if self.instance.pk else None
        meeting = source.meeting if source else data["meeting"]
        user = source.user if source else data["user"]
        self._service_check(
            services.attendance_check, meeting=meeting, user_id=user.pk, actor=self.actor
        )
        return data


@admin.register(Attendance)
class AttendanceAdmin(_ServiceFormAdmin):
    district_path = "meeting__conversation__district"
    form = AttendanceForm
    list_display = ["meeting", "user", "present", "recorded_by", "recorded_at"]
    list_filter = ["present"]
    fields = ["meeting", "user", "present", "excused", "recorded_by"]

    def get_readonly_fields(self, request, obj=None):
        return ["meeting", "user", "recorded_by"] if obj is not None else ["recorded_by"]

    def has_delete_permission(self, request, obj=None):
        return False  # a wrong record is corrected, not removed

    def save_model(self, request, obj, form, change):
        saved = services.attendance_record(
            meeting_id=obj.meeting_id, user_id=obj.user_id, state=obj.state, actor=request.user
        )
        obj.pk = saved.pk
