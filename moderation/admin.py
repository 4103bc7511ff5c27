from django.contrib import admin

from .models import DistrictModeration, KeywordRule


@admin.register(DistrictModeration)
class DistrictModerationAdmin(admin.ModelAdmin):
    list_display = ["district", "toxicity_threshold"]


@admin.register(KeywordRule)
class KeywordRuleAdmin(admin.ModelAdmin):
    list_display = ["phrase", "district", "category", "action", "is_active"]
    list_filter = ["district", "category", "action", "is_active"]
    search_fields = ["phrase"]
