"""Admin for coordinators' matches. Status changes go through the services, so the history and the
safety rules (consent, screening) hold here too."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.functional import lazy
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.admin import DistrictScopedAdmin, district_scope

from . import services
from .models import Conversation, Match, MatchEvent, Message, Nudge, WeeklyPrompt

# Not in the admin themselves, but other admins' choices point at them (meeting series, nudges).
district_scope(Conversation, "district")
district_scope(Message, "conversation__district")


class MatchEventInline(admin.TabularInline):
    model = MatchEvent
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "reason", "actor", "at"]

    def has_add_permission(self, request, obj=None):
        return False


class MatchForm(forms.ModelForm):
    """Adding proposes a match (people and program); changing moves its status, through the
    services and their rules (consent, screening, a reason for pausing or closing)."""

    reason = forms.CharField(
        required=False,
        max_length=300,
        label=_("Reason for the status change"),
        help_text=_("Needed to pause or close a match; kept in its history."),
    )

    def clean(self):
        data = super().clean()
        match = self.instance
        if match.pk is None or "status" not in self.changed_data or self.errors:
            return data
        old = Match.objects.get(pk=match.pk).status
        to, reason = data["status"], data.get("reason", "").strip()
        if to == Match.Status.PROPOSED:
            raise forms.ValidationError(_("A match cannot go back to proposed."))
        if old == Match.Status.CLOSED:
            raise forms.ValidationError(_("A closed match cannot be reopened; create a new one."))
        if to == Match.Status.ACTIVE:
            # The current people and records, not the form's copy (people are read-only here).
            problems = services.match_activation_problems(match=Match.objects.get(pk=match.pk))
            if problems:
                raise forms.ValidationError(problems)
        elif not reason:
            self.add_error("reason", _("Pausing or closing a match needs a reason."))
        return data


@admin.register(Match)
class MatchAdmin(DistrictScopedAdmin):
    district_path = "program__school__district"
    form = MatchForm
    list_display = ["id", "mentor", "student", "program", "status", "created_at"]
    ordering = ["-pk"]
    list_filter = ["status", "program"]
    search_fields = [
        "mentor__username",
        "mentor__display_name",
        "student__username",
        "student__display_name",
    ]
    inlines = [MatchEventInline]
    actions = ["activate", "pause", "close"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["program", "mentor", "student"]
        return ["program", "mentor", "student", "status", "reason", "status_reason", "closed_at"]

    def get_readonly_fields(self, request, obj=None):
        # A match's people and program are fixed: its conversation and memberships are theirs.
        if obj is None:
            return []
        return ["program", "mentor", "student", "status_reason", "closed_at"]

    def has_delete_permission(self, request, obj=None):
        return False  # close it instead: the history and the conversation's record stay

    def save_model(self, request, obj, form, change):
        if not change:
            created = services.match_create(
                program=obj.program, mentor=obj.mentor, student=obj.student, actor=request.user
            )
            obj.pk = created.pk
            return
        if "status" not in form.changed_data:
            return
        reason = form.cleaned_data.get("reason", "")
        if obj.status == Match.Status.ACTIVE:
            services.match_activate(match=obj, actor=request.user, reason=reason)
        elif obj.status == Match.Status.PAUSED:
            services.match_pause(match=obj, actor=request.user, reason=reason)
        else:
            services.match_close(match=obj, actor=request.user, reason=reason)

    def _each(self, request, queryset, fn, verb):
        done = 0
        for match in queryset:
            try:
                fn(match)
                done += 1
            except ValidationError as exc:
                self.message_user(
                    request,
                    gettext("Match %(id)s: %(problems)s")
                    % {"id": match.pk, "problems": "; ".join(exc.messages)},
                    messages.ERROR,
                )
        if done:
            self.message_user(request, verb % {"n": done})

    @admin.action(description=_("Activate (checks consent and screening)"))
    def activate(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda m: services.match_activate(match=m, actor=request.user),
            ngettext_lazy("%(n)d match activated.", "%(n)d matches activated.", "n"),
        )

    @admin.action(description=_("Pause"))
    def pause(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda m: services.match_pause(
                match=m, actor=request.user, reason=gettext("Paused by a coordinator")
            ),
            ngettext_lazy("%(n)d match paused.", "%(n)d matches paused.", "n"),
        )

    @admin.action(description=_("Close"))
    def close(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda m: services.match_close(
                match=m, actor=request.user, reason=gettext("Closed by a coordinator")
            ),
            ngettext_lazy("%(n)d match closed.", "%(n)d matches closed.", "n"),
        )


def _prompt_label(code: str) -> str:
    # The language named in the reader's language ("Prompt in Spanish", "Pregunta (Español)"),
    # when the form is shown, not when this module is imported.
    name = translation.get_language_info(code)["name_translated"]
    return gettext("Prompt in %(language)s") % {"language": name}


def _prompt_language_fields() -> dict[str, forms.Field]:
    return {
        f"body_{code}": forms.CharField(
            label=lazy(_prompt_label, str)(code),
            required=False,
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text=_("Blank: readers of this language see the prompt as written."),
        )
        for code, _name in settings.LANGUAGES
    }


class WeeklyPromptForm(forms.ModelForm):
    """The question as written, and a box for each language Trellis speaks (kept in
    `body_translations`, docs/adr/0008-translated-content.md). The boxes are declared from
    settings.LANGUAGES as the model's language choices are."""

    locals().update(_prompt_language_fields())

    class Meta:
        model = WeeklyPrompt
        fields = ["program", "week_start", "body"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, text in (self.instance.body_translations or {}).items():
            if f"body_{code}" in self.fields:
                self.fields[f"body_{code}"].initial = text

    def translations(self) -> dict[str, str]:
        return {
            code: self.cleaned_data.get(f"body_{code}", "").strip()
            for code, _name in settings.LANGUAGES
            if self.cleaned_data.get(f"body_{code}", "").strip()
        }


@admin.register(WeeklyPrompt)
class WeeklyPromptAdmin(DistrictScopedAdmin):
    """Coordinators schedule a program's weekly question; it is posted at the week's start."""

    form = WeeklyPromptForm
    district_path = "program__school__district"
    list_display = ["program", "week_start", "short_body", "posted_at", "created_by"]
    list_filter = ["program", "posted_at"]
    search_fields = ["body"]

    def get_fields(self, request, obj=None):
        languages = [f"body_{code}" for code, _name in settings.LANGUAGES]
        return ["program", "week_start", "body", *languages, "posted_at"]

    def get_readonly_fields(self, request, obj=None):
        # Another week is another prompt: add it rather than moving this one.
        return ["program", "week_start", "posted_at"] if obj is not None else ["posted_at"]

    @admin.display(description=_("Prompt"))
    def short_body(self, obj):
        return obj.body[:80]

    def save_model(self, request, obj, form, change):
        from .cadence import prompt_schedule

        saved = prompt_schedule(
            program=obj.program,
            week_start=obj.week_start,
            body=obj.body,
            actor=request.user,
            translations=form.translations(),
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

    def has_change_permission(self, request, obj=None):
        return False  # a record of what was sent: read-only

    def has_delete_permission(self, request, obj=None):
        return False
