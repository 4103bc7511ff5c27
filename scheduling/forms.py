"""Forms for planning meetings: they parse and show errors; the rules are the services'."""

from django import forms
from django.utils.translation import gettext_lazy as _

from . import recurrence
from .models import Attendance, Venue

REPEAT_CHOICES = [
    ("weekly", _("Every week")),
    ("fortnightly", _("Every two weeks")),
    ("monthly", _("Monthly, on the same weekday (e.g. the second Tuesday)")),
    ("custom", _("Custom (an RRULE)")),
]


class VenueChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Venue) -> str:
        return f"{obj.name} ({obj.school.name}, {obj.opens:%H:%M}-{obj.closes:%H:%M})"


class SeriesForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    venue = VenueChoiceField(label=_("Venue"), queryset=Venue.objects.none())
    first_date = forms.DateField(
        label=_("First date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    start_time = forms.TimeField(
        label=_("Time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    duration_minutes = forms.IntegerField(
        label=_("Length in minutes"), min_value=10, max_value=240, initial=45
    )
    repeat = forms.ChoiceField(label=_("Repeats"), choices=REPEAT_CHOICES, initial="weekly")
    custom_rule = forms.CharField(
        label=_("Custom rule (advanced)"),
        required=False,
        max_length=300,
        help_text=_("An RFC 5545 RRULE, e.g. FREQ=WEEKLY;BYDAY=TU,TH;COUNT=8"),
    )
    count = forms.IntegerField(
        label=_("Number of meetings"), required=False, min_value=1, max_value=100
    )
    until = forms.DateField(
        label=_("Or the last date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, venues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["venue"].queryset = venues

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        count, until = data.get("count"), data.get("until")
        repeat = data["repeat"]
        if count is not None and until is not None:
            raise forms.ValidationError(_("Give a number of meetings or a last date, not both."))
        if repeat == "custom" and not data.get("custom_rule"):
            self.add_error("custom_rule", _("Write the rule, or choose another repeat."))
            return data
        if repeat != "custom" and count is None and until is None:
            raise forms.ValidationError(_("Give a number of meetings or a last date."))
        if until is not None and until < data["first_date"]:
            self.add_error("until", _("The last date comes after the first."))
            return data
        try:
            data["rule"] = recurrence.rule_build(
                repeat=repeat,
                first_date=data["first_date"],
                count=count,
                until=until,
                custom=data.get("custom_rule", ""),
            )
        except recurrence.RuleError as exc:
            self.add_error("custom_rule" if repeat == "custom" else None, str(exc))
        return data


class RescheduleForm(forms.Form):
    SCOPES = [("one", _("Only this meeting")), ("following", _("This and the following meetings"))]

    version = forms.IntegerField(widget=forms.HiddenInput)
    scope = forms.ChoiceField(label=_("Which meetings"), choices=SCOPES, initial="one")
    date = forms.DateField(
        label=_("New date (this meeting only)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    start_time = forms.TimeField(
        label=_("New time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    venue = VenueChoiceField(label=_("Venue"), queryset=Venue.objects.none())

    def __init__(self, *args, venues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["venue"].queryset = venues

    def clean(self):
        data = super().clean()
        if not self.errors and data["scope"] == "one" and data.get("date") is None:
            self.add_error("date", _("Give the new date."))
        return data


class CancelForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    scope = forms.ChoiceField(
        label=_("Which meetings"), choices=RescheduleForm.SCOPES, initial="one"
    )


class ProposalForm(forms.Form):
    conversation = forms.ChoiceField(label=_("Match"))
    venue = VenueChoiceField(label=_("Venue"), queryset=Venue.objects.none())
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(
        label=_("Time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    duration_minutes = forms.IntegerField(
        label=_("Length in minutes"), min_value=10, max_value=240, initial=45
    )
    note = forms.CharField(
        label=_("Note for the coordinator"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, conversations, venues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["conversation"].choices = [
            (
                c.pk,
                _("With %(student)s (%(program)s)")
                % {"student": c.match.student.public_name, "program": c.program.name},
            )
            for c in conversations
        ]
        self.fields["venue"].queryset = venues


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Reason (the mentor sees it)"), max_length=500)


class AttendanceForm(forms.Form):
    user = forms.IntegerField()
    state = forms.ChoiceField(choices=Attendance.State.choices)
