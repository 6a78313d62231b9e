"""Forms of the meeting pages. They only parse input; the services validate the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from governance.meetings.choices import DecisionAction, MeetingKind
from grids.choices import Role
from grids.models import Department, User

DATETIME_INPUT = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


def _datetime_field(label, **kwargs) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label, input_formats=DATETIME_INPUT,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"invalid": _("Enter a date and time, e.g. 2026-12-01 17:30.")}, **kwargs,
    )


def _people():
    return User.objects.filter(is_active=True, role__in=[Role.STREET, Role.ADMIN, Role.ZONE_LEADER, Role.DEPARTMENT]).select_related(
        "department", "zone"
    ).order_by("role", "department__sort", "username")


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        unit = obj.department or obj.zone
        return f"{obj.display_name} ({unit})" if unit else obj.display_name


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        unit = obj.department or obj.zone
        return f"{obj.display_name} ({unit})" if unit else obj.display_name


class MeetingForm(forms.Form):
    held_at = _datetime_field(_("Date and time"))
    place = forms.CharField(label=_("Place"), max_length=200)
    chair = PersonChoiceField(
        label=_("Chair"), required=False,
        queryset=User.objects.filter(is_active=True, role__in=[Role.STREET, Role.ADMIN]).order_by("username"),
    )
    attending_departments = forms.ModelMultipleChoiceField(
        label=_("Attending departments"), required=False, queryset=Department.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
    )
    attendees = PeopleChoiceField(
        label=_("Attendees"), required=False, queryset=_people(), widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    guests = forms.CharField(label=_("Other attendees"), max_length=500, required=False,
                             help_text=_("People without a login, e.g. from the procuratorate."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = _people()


class NewMeetingForm(MeetingForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=MeetingKind.choices, initial=MeetingKind.WEEKLY)
    fill = forms.BooleanField(label=_("Put the candidate cases on the agenda"), required=False, initial=True)

    field_order = ["kind", "held_at", "place", "chair", "attending_departments", "attendees", "guests", "fill"]


class EditMeetingForm(MeetingForm):
    summary = forms.CharField(
        label=_("Other matters"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Printed in the minutes after the decisions."),
    )


class AddItemForm(forms.Form):
    incident = forms.CharField(label=_("Case code"), max_length=30, widget=forms.TextInput(attrs={"placeholder": "XH2026000123"}))
    reason_note = forms.CharField(label=_("Why it goes on the agenda"), max_length=300)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Why it is removed"), max_length=300)


class DecisionForm(forms.Form):
    action = forms.ChoiceField(label=_("Decision"), choices=DecisionAction.choices, required=False)
    lead_department = forms.ModelChoiceField(label=_("Lead department"), queryset=Department.objects.filter(is_active=True))
    cooperating = forms.ModelMultipleChoiceField(
        label=_("Cooperating departments"), required=False, queryset=Department.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
    )
    deadline = _datetime_field(_("Deadline"))
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, subject=None, **kwargs):
        super().__init__(*args, **kwargs)
        actions = subject.actions if subject is not None else (DecisionAction.ASSIGN,)
        if len(actions) == 1:
            del self.fields["action"]  # a case is always assigned
        else:
            self.fields["action"].choices = [(a, DecisionAction(a).label) for a in actions]
            self.fields["action"].required = True
            self.fields["lead_department"].label = _("Responsible body (organiser or enforcing department)")
            del self.fields["cooperating"]
