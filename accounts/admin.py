"""Admin for coordinators: districts, schools, programs, people, consents and screenings.

A coordinator (is_staff) sees and edits only their own district's rows; superusers see everything.
"""

import contextlib

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import Http404
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import District, GuardianConsent, Program, School, Screening, User
from .services import second_factor_reset

# Authenticator secrets are never shown to anyone, staff included: a coordinator resets a lost
# authenticator with the "Reset second factor" action instead.
for _device_model in (TOTPDevice, StaticDevice):
    with contextlib.suppress(admin.sites.NotRegistered):
        admin.site.unregister(_device_model)

# Foreign keys a coordinator may point only at their own district's rows.
_SCOPED_CHOICES = {
    District: "pk",
    School: "district",
    Program: "school__district",
    User: "district",
}


class DistrictScopedAdmin(admin.ModelAdmin):
    """Restricts the change list, lookups and choices to the signed-in coordinator's district.

    An object outside it answers 404 whether or not it exists elsewhere (ids are not enumerable);
    the attempt is audited (accounts.middleware.AccessDeniedAuditMiddleware).
    """

    district_path = "district"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(**{f"{self.district_path}_id": request.user.district_id})

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            # Audited by accounts.middleware.AccessDeniedAuditMiddleware.
            raise Http404
        return obj

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        path = _SCOPED_CHOICES.get(db_field.related_model)
        if path is not None and not request.user.is_superuser:
            kwargs["queryset"] = db_field.related_model._default_manager.filter(
                **{f"{path}_id" if path != "pk" else "pk": request.user.district_id}
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(District)
class DistrictAdmin(DistrictScopedAdmin):
    district_path = "pk"
    list_display = ["name", "timezone", "retention_days", "urgent_sla_minutes", "unscored_policy"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        qs = admin.ModelAdmin.get_queryset(self, request)
        return qs if request.user.is_superuser else qs.filter(pk=request.user.district_id)

    def get_readonly_fields(self, request, obj=None):
        # Coordinators must not grant themselves the right to read conversations.
        fields = tuple(super().get_readonly_fields(request, obj))
        if request.user.is_superuser:
            return fields
        return (*fields, "coordinators_read_conversations")


@admin.register(School)
class SchoolAdmin(DistrictScopedAdmin):
    list_display = ["name", "district", "timezone"]
    list_filter = ["district"]
    search_fields = ["name"]


@admin.register(Program)
class ProgramAdmin(DistrictScopedAdmin):
    district_path = "school__district"
    list_display = ["name", "school", "cadence", "start_date", "end_date", "reply_expected_hours"]
    list_filter = ["cadence", "school__district", "school"]
    search_fields = ["name", "school__name"]


@admin.register(User)
class UserAdmin(BaseUserAdmin, DistrictScopedAdmin):
    list_display = ["username", "display_name", "role", "district", "is_minor", "is_active"]
    list_filter = ["role", "is_minor", "is_active", "district"]
    search_fields = ["username", "display_name", "first_name", "last_name", "email"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("Trellis", {"fields": ("role", "district", "is_minor", "display_name")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        ("Trellis", {"fields": ("role", "district", "is_minor", "display_name")}),
    )
    actions = ["reset_second_factor"]
    # A coordinator must not be able to raise anyone's privileges, their own included.
    _superuser_only = ("is_superuser", "is_staff", "groups", "user_permissions")

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        return fields if request.user.is_superuser else fields + self._superuser_only

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            from .sessions import sessions_revoke_all

            # A disabled account's sessions and sockets end now, not at their next request.
            sessions_revoke_all(user=obj, actor=request.user, reason="account_disabled")

    @admin.action(description="Reset second factor (lost phone): sign out and enrol again")
    def reset_second_factor(self, request, queryset):
        count = 0
        for user in queryset.exclude(pk=request.user.pk):
            second_factor_reset(user=user, actor=request.user)
            count += 1
        self.message_user(request, f"Second factor reset for {count} user(s).", messages.INFO)


@admin.register(GuardianConsent)
class GuardianConsentAdmin(DistrictScopedAdmin):
    district_path = "student__district"
    list_display = [
        "student",
        "guardian_name",
        "relationship",
        "recorded_by",
        "recorded_at",
        "revoked_at",
    ]
    list_filter = ["revoked_at", "relationship"]
    search_fields = ["student__username", "student__display_name", "guardian_name"]
    readonly_fields = ["recorded_by", "recorded_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            from django.utils import timezone

            obj.recorded_by = request.user
            obj.recorded_at = timezone.now()
        super().save_model(request, obj, form, change)


@admin.register(Screening)
class ScreeningAdmin(DistrictScopedAdmin):
    district_path = "mentor__district"
    list_display = [
        "mentor",
        "background_check_cleared_on",
        "orientation_completed_on",
        "recorded_by",
    ]
    list_filter = ["background_check_cleared_on", "orientation_completed_on"]
    search_fields = ["mentor__username", "mentor__display_name"]
    readonly_fields = ["recorded_by"]

    def save_model(self, request, obj, form, change):
        obj.recorded_by = request.user
        super().save_model(request, obj, form, change)
