"""Admin for coordinators: districts, schools, programs, people, consents and screenings.

A coordinator (is_staff) sees and edits only their own district's rows; superusers see everything.
"""

import contextlib

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import get_fields_from_path, unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from actions.consents import consent_revoke

from .audit import audit_record
from .credentials import (
    CredentialChange,
    CredentialChangeRefused,
    credential_change_approve,
    credential_change_decline,
    email_change_record,
    password_set_by_staff,
    second_factor_reset,
)
from .models import (
    CredentialChangeRequest,
    District,
    GuardianConsent,
    Program,
    School,
    Screening,
    User,
)
from .notices import local_time
from .services import consent_record, screening_record

# The admin's own titles, in the reader's language like every page.
admin.site.site_header = gettext_lazy("Trellis administration")
admin.site.site_title = gettext_lazy("Trellis administration")
admin.site.index_title = gettext_lazy("District records")

# Authenticator secrets are never shown to anyone, staff included: a coordinator resets a lost
# authenticator with the "Reset second factor" action instead.
for _device_model in (TOTPDevice, StaticDevice):
    with contextlib.suppress(admin.sites.NotRegistered):
        admin.site.unregister(_device_model)

# Where each model's district is, for the choices of models that have no scoped admin of their own
# (higher layers add theirs with `district_scope`). A model found neither here nor as a registered
# DistrictScopedAdmin offers a coordinator nothing: a new relation is closed until it is scoped.
_SCOPED_CHOICES = {
    District: "pk",
    School: "district",
    Program: "school__district",
    User: "district",
}


def district_scope(model, path: str) -> None:
    """Declare where `model`'s district is (`"district"`, `"program__school__district"`, ...) so
    admin choice lists pointing at it offer a coordinator only their own district's rows."""
    _SCOPED_CHOICES[model] = path


def _district_filter(model, site, district_id) -> dict | None:
    registered = site._registry.get(model)
    path = (
        registered.district_path
        if isinstance(registered, DistrictScopedAdmin)
        else _SCOPED_CHOICES.get(model)
    )
    if path is None:
        return None
    return {"pk" if path == "pk" else f"{path}_id": district_id}


class DistrictScopedAdmin(admin.ModelAdmin):
    """Restricts the change list, lookups, choices and filters to the coordinator's district.

    An object outside it answers 404 whether or not it exists elsewhere (ids are not enumerable);
    the attempt is audited (accounts.middleware.AccessDeniedAuditMiddleware). Every foreign key and
    many-to-many choice list (and so every posted id) is limited to the district; relation filters
    list only what the coordinator's own rows point at. Writes a service refuses after the form
    validated (a race) roll back and come back as an error message.
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

    def _scope_choices(self, db_field, request, kwargs):
        if request.user.is_superuser:
            return
        model = db_field.related_model
        queryset = kwargs.get("queryset", model._default_manager.all())
        where = _district_filter(model, self.admin_site, request.user.district_id)
        kwargs["queryset"] = queryset.none() if where is None else queryset.filter(**where)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        self._scope_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        self._scope_choices(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_list_filter(self, request):
        # A plain relation filter lists every row of the related table (other districts' schools,
        # programs, venues); RelatedOnlyFieldListFilter lists those the scoped rows point at.
        scoped = []
        for entry in super().get_list_filter(request):
            if isinstance(entry, str):
                field = get_fields_from_path(self.model, entry)[-1]
                if field.is_relation:
                    entry = (entry, admin.RelatedOnlyFieldListFilter)
            scoped.append(entry)
        return scoped

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            # Raised by a service in save_model: the view's transaction has rolled back.
            self.message_user(request, "; ".join(exc.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


@admin.register(District)
class DistrictAdmin(DistrictScopedAdmin):
    district_path = "pk"
    list_display = [
        "name",
        "timezone",
        "default_language",
        "retention_days",
        "urgent_sla_minutes",
        "unscored_policy",
    ]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        qs = admin.ModelAdmin.get_queryset(self, request)
        return qs if request.user.is_superuser else qs.filter(pk=request.user.district_id)

    # A coordinator who could switch these on would need no second coordinator
    # (accounts.credentials), or would grant themselves the right to read conversations.
    _superuser_only = (
        "allow_single_coordinator_credential_reset",
        "coordinators_read_conversations",
    )

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        return fields if request.user.is_superuser else fields + self._superuser_only

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "allow_single_coordinator_credential_reset" in form.changed_data:
            audit_record(
                action="district.credential_rule_changed",
                actor=request.user,
                district_id=obj.pk,
                target_type="district",
                target_id=obj.pk,
                detail={"allow_single_coordinator": obj.allow_single_coordinator_credential_reset},
            )
        if "coordinators_read_conversations" in form.changed_data:
            audit_record(
                action="district.conversation_reading_changed",
                actor=request.user,
                district_id=obj.pk,
                target_type="district",
                target_id=obj.pk,
                detail={"coordinators_read": obj.coordinators_read_conversations},
            )


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
    list_display = [
        "username",
        "display_name",
        "role",
        "district",
        "is_minor",
        "preferred_language",
        "is_active",
    ]
    list_filter = ["role", "is_minor", "is_active", "district"]
    search_fields = ["username", "display_name", "first_name", "last_name", "email"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (
            gettext_lazy("Role and district"),
            {"fields": ("role", "district", "is_minor", "display_name", "preferred_language")},
        ),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (
            gettext_lazy("Role and district"),
            {"fields": ("role", "district", "is_minor", "display_name", "preferred_language")},
        ),
    )
    actions = ["reset_second_factor"]
    # A coordinator must not be able to raise anyone's privileges, their own included.
    _superuser_only = ("is_superuser", "is_staff", "groups", "user_permissions")

    # Once an account exists its role is a superuser's to change: a coordinator who turned a
    # mentor into a student could set the password alone (the student rule in
    # accounts.credentials) and sign in without a second factor.
    _superuser_only_after_add = ("role",)

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        if request.user.is_superuser:
            return fields
        return fields + self._superuser_only + (self._superuser_only_after_add if obj else ())

    def save_model(self, request, obj, form, change):
        old_email = ""
        if change and "email" in form.changed_data:
            old_email = User.objects.filter(pk=obj.pk).values_list("email", flat=True).first()
        super().save_model(request, obj, form, change)
        if change and "email" in form.changed_data:
            email_change_record(user=obj, old_email=old_email or "", actor=request.user)
        if change and "is_active" in form.changed_data and not obj.is_active:
            from .sessions import sessions_revoke_all

            # A disabled account's sessions and sockets end now, not at their next request.
            sessions_revoke_all(user=obj, actor=request.user, reason="account_disabled")

    def _outcome_message(self, request, user: User, outcome: CredentialChange, what: str) -> None:
        if outcome.applied:
            self.message_user(
                request,
                _(
                    "%(what)s for %(user)s: done; they were signed out everywhere and told by "
                    "e-mail where an address is recorded."
                )
                % {"what": what, "user": user},
                messages.SUCCESS,
            )
            return
        self.message_user(
            request,
            _(
                "%(what)s for %(user)s: nothing has changed yet. A second coordinator of the "
                "district must approve it under Credential change requests before %(expires)s."
            )
            % {"what": what, "user": user, "expires": local_time(outcome.request.expires_at, user)},
            messages.WARNING,
        )

    def user_change_password(self, request, id, form_url=""):
        """The admin's password form, applied through accounts.credentials (audited, the owner
        told, another adult's only with a second coordinator); the form itself never saves."""
        if request.method != "POST":
            return super().user_change_password(request, id, form_url)
        user = self.get_object(request, unquote(id))
        if not self.has_change_permission(request, user):
            raise PermissionDenied
        form = self.change_password_form(user, request.POST)
        if not form.is_valid() or not (
            form.cleaned_data["set_usable_password"] or "unset-password" in request.POST
        ):
            # Django's own view re-shows the errors; it saves only a form that passes.
            return super().user_change_password(request, id, form_url)
        usable = form.cleaned_data["set_usable_password"]
        change_page = redirect(reverse("admin:accounts_user_change", args=(user.pk,)))
        try:
            outcome = password_set_by_staff(
                user=user,
                actor=request.user,
                raw_password=form.cleaned_data["password1"] if usable else None,
            )
        except CredentialChangeRefused as refused:
            self.message_user(request, str(refused), messages.ERROR)
            return change_page
        if outcome.applied:
            self.log_change(request, user, [{"changed": {"fields": ["password"]}}])
        self._outcome_message(request, user, outcome, _("Password change"))
        return change_page

    @admin.action(
        description=gettext_lazy("Reset second factor (lost phone): sign out and enrol again")
    )
    def reset_second_factor(self, request, queryset):
        for user in queryset:
            try:
                outcome = second_factor_reset(user=user, actor=request.user)
            except CredentialChangeRefused as refused:
                self.message_user(request, f"{user}: {refused}", messages.ERROR)
                continue
            self._outcome_message(request, user, outcome, _("Second factor reset"))


@admin.register(CredentialChangeRequest)
class CredentialChangeRequestAdmin(DistrictScopedAdmin):
    """Coordinators' credential changes to other adults, waiting for a second coordinator.

    Created only by the user admin's password form and "Reset second factor" action; read-only
    here except for the approve and decline actions; never deleted (they are the record). The
    pending password hash is never shown."""

    list_display = [
        "target",
        "kind",
        "requested_by",
        "created_at",
        "expires_at",
        "expired",
        "status",
        "decided_by",
    ]
    list_filter = ["status", "kind"]
    fields = [*list_display, "decided_at"]
    readonly_fields = fields
    actions = ["approve", "decline"]

    @admin.display(boolean=True, description=gettext_lazy("Expired"))
    def expired(self, obj: CredentialChangeRequest) -> bool:
        return obj.status == CredentialChangeRequest.Status.PENDING and obj.expires_at <= (
            timezone.now()
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # The list's actions need "change"; a single request is only ever viewed.
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(
        description=gettext_lazy("Approve and apply (as the second coordinator)"),
        permissions=["change"],
    )
    def approve(self, request, queryset):
        for change in queryset.select_related("target"):
            try:
                credential_change_approve(change_request=change, approver=request.user)
            except CredentialChangeRefused as refused:
                self.message_user(request, f"{change}: {refused}", messages.ERROR)
                continue
            self.message_user(
                request,
                _(
                    "%(change)s: applied; the person was signed out everywhere and told by "
                    "e-mail where an address is recorded."
                )
                % {"change": change.get_kind_display()},
                messages.SUCCESS,
            )

    @admin.action(description=gettext_lazy("Decline (nothing changes)"), permissions=["change"])
    def decline(self, request, queryset):
        for change in queryset:
            try:
                credential_change_decline(change_request=change, actor=request.user)
            except CredentialChangeRefused as refused:
                self.message_user(request, f"{change}: {refused}", messages.ERROR)


@admin.register(GuardianConsent)
class GuardianConsentAdmin(DistrictScopedAdmin):
    """Consents are recorded and revoked through `accounts.services` (audited; a revocation pauses
    the student's matches). A recorded consent is never rewritten in place: a new guardian or
    address is a new consent, so nobody can redirect a guardian's notices unseen."""

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
    fields = ["student", "guardian_name", "guardian_email", "relationship", "recorded_by"]
    readonly_fields = ["recorded_by", "recorded_at", "revoked_at"]
    actions = ["revoke_consents"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["student", "guardian_name", "guardian_email", "relationship"]
        return [*self.fields, "recorded_at", "revoked_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return super().get_readonly_fields(request, obj)
        return self.get_fields(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            return  # every field is read-only once recorded
        consent = consent_record(
            student=form.cleaned_data["student"],
            guardian_name=form.cleaned_data["guardian_name"],
            guardian_email=form.cleaned_data.get("guardian_email", ""),
            relationship=form.cleaned_data.get("relationship") or "parent",
            recorded_by=request.user,
        )
        obj.pk, obj.recorded_by, obj.recorded_at = (
            consent.pk,
            consent.recorded_by,
            consent.recorded_at,
        )
        obj._state.adding = False

    @admin.action(description=gettext_lazy("Revoke the selected consents (pauses the matches)"))
    def revoke_consents(self, request, queryset):
        revoked = 0
        for consent in queryset.filter(revoked_at__isnull=True).select_related("student"):
            consent_revoke(consent=consent, revoked_by=request.user)
            revoked += 1
        self.message_user(request, _("%(n)d consent(s) revoked.") % {"n": revoked})


class ScreeningForm(forms.ModelForm):
    """The service's date rules as form errors; a recorded date is never cleared here (a failed
    re-check is a suspension, not an edit)."""

    class Meta:
        model = Screening
        fields = ["mentor", "background_check_cleared_on", "orientation_completed_on"]

    def clean(self):
        cleaned = super().clean()
        today = timezone.localdate()
        for name in ("background_check_cleared_on", "orientation_completed_on"):
            value = cleaned.get(name)
            if value is not None and value > today:
                self.add_error(name, _("This date cannot be in the future."))
            recorded = getattr(self.instance, name) if self.instance.pk else None
            if recorded is not None and value is None:
                self.add_error(
                    name,
                    _("A recorded screening date cannot be cleared; suspend the mentor instead."),
                )
        return cleaned


@admin.register(Screening)
class ScreeningAdmin(DistrictScopedAdmin):
    """Screenings are written by `accounts.services.screening_record` (audited)."""

    form = ScreeningForm
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

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "mentor"] if obj is not None else fields

    def save_model(self, request, obj, form, change):
        screening = screening_record(
            mentor=obj.mentor,
            recorded_by=request.user,
            background_check_cleared_on=form.cleaned_data.get("background_check_cleared_on"),
            orientation_completed_on=form.cleaned_data.get("orientation_completed_on"),
        )
        obj.pk, obj.recorded_by = screening.pk, screening.recorded_by
        obj._state.adding = False
