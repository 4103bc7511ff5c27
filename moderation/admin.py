"""Admin for coordinators: their district's moderation settings and keyword rules.

Scoped to the coordinator's district like every other admin; every write goes through
moderation.district_settings, which audits it with the values before and after.
"""

from django.contrib import admin

from accounts.admin import DistrictScopedAdmin

from . import district_settings
from .models import DistrictModeration, KeywordRule


@admin.register(DistrictModeration)
class DistrictModerationAdmin(DistrictScopedAdmin):
    list_display = ["district", "toxicity_threshold"]
    fields = ["district", *district_settings.SETTINGS_FIELDS]

    def get_readonly_fields(self, request, obj=None):
        return ["district"] if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        # Blank fields mean "the defaults": clearing them is a change, audited like any other.
        return False

    def save_model(self, request, obj, form, change):
        saved = district_settings.district_moderation_save(
            district_id=obj.district_id,
            actor=request.user,
            **{name: getattr(obj, name) for name in district_settings.SETTINGS_FIELDS},
        )
        obj.pk = saved.pk


@admin.register(KeywordRule)
class KeywordRuleAdmin(DistrictScopedAdmin):
    list_display = ["phrase", "district", "category", "action", "is_active"]
    list_filter = ["district", "category", "action", "is_active"]
    search_fields = ["phrase"]
    fields = ["district", "phrase", "category", "action", "label", "is_active"]

    def get_readonly_fields(self, request, obj=None):
        return ["district"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        saved = district_settings.keyword_rule_save(
            district_id=obj.district_id,
            rule_id=obj.pk if change else None,
            phrase=obj.phrase,
            category=obj.category,
            action=obj.action,
            label=obj.label,
            is_active=obj.is_active,
            actor=request.user,
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        district_settings.keyword_rule_delete(
            rule_id=obj.pk, district_id=obj.district_id, actor=request.user
        )

    def delete_queryset(self, request, queryset):
        for rule in queryset:
            self.delete_model(request, rule)
