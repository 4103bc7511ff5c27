"""Admin for coordinators' matches. Status changes go through the services, so the history and the
safety rules (consent, screening) hold here too."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from accounts.admin import DistrictScopedAdmin

from . import services
from .models import Match, MatchEvent, Nudge, WeeklyPrompt


class MatchEventInline(admin.TabularInline):
    model = MatchEvent
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "reason", "actor", "at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Match)
class MatchAdmin(DistrictScopedAdmin):
    district_path = "program__school__district"
    list_display = ["pk", "mentor", "student", "program", "status", "created_at"]
    list_filter = ["status", "program"]
    search_fields = [
        "mentor__username",
        "mentor__display_name",
        "student__username",
        "student__display_name",
    ]
    readonly_fields = ["status", "status_reason", "closed_at"]
    inlines = [MatchEventInline]
    actions = ["activate", "pause", "close"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        created = services.match_create(
            program=obj.program, mentor=obj.mentor, student=obj.student, actor=request.user
        )
        obj.pk = created.pk

    def _each(self, request, queryset, fn, verb):
        done = 0
        for match in queryset:
            try:
                fn(match)
                done += 1
            except ValidationError as exc:
                self.message_user(
                    request, f"Match {match.pk}: {'; '.join(exc.messages)}", messages.ERROR
                )
        if done:
            self.message_user(request, f"{done} match(es) {verb}.")

    @admin.action(description="Activate (checks consent and screening)")
    def activate(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda m: services.match_activate(match=m, actor=request.user),
            "activated",
        )

    @admin.action(description="Pause")
    def pause(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda m: services.match_pause(
                match=m, actor=request.user, reason="Paused by a coordinator"
            ),
            "paused",
        )

    @admin.action(description="Close")
    def close(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda m: services.match_close(
                match=m, actor=request.user, reason="Closed by a coordinator"
            ),
            "closed",
        )


@admin.register(WeeklyPrompt)
class WeeklyPromptAdmin(DistrictScopedAdmin):
    """Coordinators schedule a program's weekly question; it is posted at the week's start."""

    district_path = "program__school__district"
    list_display = ["program", "week_start", "short_body", "posted_at", "created_by"]
    list_filter = ["program", "posted_at"]
    search_fields = ["body"]
    fields = ["program", "week_start", "body", "posted_at"]
    readonly_fields = ["posted_at"]

    @admin.display(description="Prompt")
    def short_body(self, obj):
        return obj.body[:80]

    def save_model(self, request, obj, form, change):
        from .cadence import prompt_schedule

        saved = prompt_schedule(
            program=obj.program, week_start=obj.week_start, body=obj.body, actor=request.user
        )
        obj.pk = saved.pk


@admin.register(Nudge)
class NudgeAdmin(DistrictScopedAdmin):
    """Who was nudged for an unanswered student message, and whether the e-mail went out."""

    district_path = "match__program__school__district"
    list_display = ["mentor", "match", "week_start", "sent_at", "emailed"]
    list_filter = ["week_start", "emailed", "match__program"]
    search_fields = ["mentor__username", "mentor__display_name"]
    readonly_fields = ["match", "mentor", "waiting_message", "week_start", "sent_at", "emailed"]

    def has_add_permission(self, request):
        return False
