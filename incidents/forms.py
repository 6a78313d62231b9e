"""Forms of the case pages: intake, the inputs of each action, bulk dispatch.

They render and carry what the user typed; the rules (photo checks, which cell, who may do what)
are the services'. A ValidationError a service raises is put back on the form field it names, so
the page shows it next to the input.
"""

from __future__ import annotations

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from casework.photos import MAX_PHOTOS
from grids.models import Department, GridCell
from grids.people import handlers_serving_zone
from incidents.choices import Action, Severity


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True
    is_photo_input = True  # rendered by components/photo_picker.html (incidents/_field.html)


class PhotosField(forms.FileField):
    """Several photos in one input. Checking them is the service's job (type, size, pixels, count)."""

    widget = MultiplePhotoInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.update({"accept": "image/*", "multiple": True})

    def clean(self, data, initial=None):
        if not data:
            return []
        return list(data) if isinstance(data, (list, tuple)) else [data]


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the fields it names (others become form-wide errors)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)


def reportable_cells(user):
    """The cells a reporter may choose by hand: their own (or overseen) cells and their community's."""
    cells = GridCell.objects.visible_to(user)
    if getattr(user, "community_id", None):
        cells = cells | GridCell.objects.filter(community_id=user.community_id)
    return cells.select_related("community").distinct().order_by("code")


class IntakeForm(forms.Form):
    category = forms.TypedChoiceField(label=_("Category"), coerce=int, empty_value=None)
    description = forms.CharField(
        label=_("Description"), max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": _("What did you find, and where exactly?")}),
    )
    latitude = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    longitude = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    address = forms.CharField(
        label=_("Address or landmark"), required=False, max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. east gate of No. 3 building")}),
    )
    grid_cell = forms.TypedChoiceField(label=_("Grid cell"), required=False, coerce=int, empty_value=None)
    severity = forms.ChoiceField(
        label=_("Severity"), required=False, choices=[("", _("Category default")), *Severity.choices],
    )
    fixed_on_spot = forms.BooleanField(
        label=_("I fixed it on the spot"), required=False,
        help_text=_("Only for minor matters; add photos that show it fixed. The zone confirms it."),
    )
    photos = PhotosField(label=_("Photos"), help_text=format_lazy(_("Up to {n} photos."), n=MAX_PHOTOS))
    location_accuracy = forms.FloatField(required=False, min_value=0, widget=forms.HiddenInput)
    # One per form shown: sent twice (a double tap, Back and submit), it files one case.
    intake_token = forms.UUIDField(required=False, widget=forms.HiddenInput)
    # Sent by a client that names its report itself (the offline queue); not rendered on the page.
    # The key supersedes the token; the times are the phone's, checked by the intake service.
    idempotency_key = forms.UUIDField(required=False, widget=forms.HiddenInput)
    observed_at = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)
    located_at = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)

    def __init__(self, *args, user, tree, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["intake_token"].initial = uuid.uuid4
        self.tree = tree
        self.fields["category"].choices = [("", _("Choose…"))] + [
            (domain.display_name, [(leaf.pk, leaf.display_name) for leaf in domain.children.all()]) for domain in tree
        ]
        self.cells = list(reportable_cells(user))
        self.fields["grid_cell"].choices = [("", _("Found from the location"))] + [
            (cell.pk, f"{cell.name} · {cell.community.name}") for cell in self.cells
        ]
        self.fields["photos"].widget.attrs["capture"] = "environment"

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "category": data["category"], "description": data["description"], "latitude": data.get("latitude"),
            "longitude": data.get("longitude"), "address": data.get("address", ""), "severity": data.get("severity") or None,
            "grid_cell": data.get("grid_cell"), "fixed_on_spot": bool(data.get("fixed_on_spot")),
            "location_accuracy": data.get("location_accuracy"), "intake_token": data.get("intake_token"),
            "idempotency_key": data.get("idempotency_key"), "observed_at": data.get("observed_at") or None,
            "located_at": data.get("located_at") or None,
        }


# --- the inputs of each action on the case page -------------------------------------------------

def _textarea(label, *, required: bool, rows: int = 2) -> forms.CharField:
    return forms.CharField(label=label, required=required, max_length=2000, widget=forms.Textarea(attrs={"rows": rows}))


class NoteForm(forms.Form):
    note = _textarea(_("Note (optional)"), required=False)


class ReasonForm(forms.Form):
    reason = _textarea(_("Reason"), required=True)


class CommentForm(forms.Form):
    note = _textarea(_("Comment"), required=True)


class HandlerSelect(forms.Select):
    """The assignee list: each person's option names their department (`data-department`), so the
    case page's script offers only the chosen department's people (zone teams of the case's zone)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.department_of: dict[int, int] = {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)
        department = self.department_of.get(value) if value not in ("", None) else None
        if department is not None:
            option["attrs"]["data-department"] = str(department)
        return option


class DispatchForm(forms.Form):
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none())
    assignee = forms.TypedChoiceField(label=_("Person (optional)"), required=False, coerce=int, empty_value=None,
                                      widget=HandlerSelect)
    deadline = forms.DateTimeField(
        label=_("Deadline (optional)"), required=False, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Leave empty to use the category's time limit."),
    )
    note = _textarea(_("Note (optional)"), required=False)

    def __init__(self, *args, incident, departments, handlers, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("department", incident.category.default_department_id)
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(is_active=True)
        # The list was read once for the page; reuse it instead of querying again.
        self.fields["department"].choices = [("", _("Choose…"))] + [(d.pk, d.name) for d in departments]
        groups: dict[str, list] = {}
        widget = self.fields["assignee"].widget
        for user in handlers:
            groups.setdefault(user.department.name, []).append((user.pk, user.display_name))
            widget.department_of[user.pk] = user.department_id
        self.fields["assignee"].choices = [("", _("The department decides"))] + list(groups.items())
        widget.attrs["data-handlers-of"] = self["department"].auto_id


class HandleForm(forms.Form):
    result = _textarea(_("What was done"), required=True, rows=3)
    photos = PhotosField(label=_("Photos after handling"))


class VerifyForm(forms.Form):
    passed = forms.ChoiceField(
        label=_("Is it fixed?"), widget=forms.RadioSelect,
        choices=[("true", _("Yes, fixed")), ("false", _("No, send it back for rework"))],
    )
    note = _textarea(_("Note (required when not fixed)"), required=False)
    photos = PhotosField(label=_("Photos on site"))


class ExtensionForm(forms.Form):
    days = forms.IntegerField(label=_("Extra working days"), min_value=1, max_value=30, initial=2)
    reason = _textarea(_("Reason"), required=True)


ACTION_FORMS: dict[str, type[forms.Form]] = {
    Action.REGISTER: NoteForm,
    Action.REJECT: ReasonForm,
    Action.CONFIRM: NoteForm,
    Action.DISPATCH: DispatchForm,
    Action.ACCEPT: NoteForm,
    Action.RETURN: ReasonForm,
    Action.HANDLE: HandleForm,
    Action.VERIFY: VerifyForm,
    Action.CLOSE: NoteForm,
    Action.DISPUTE: ReasonForm,
    Action.REQUEST_EXTENSION: ExtensionForm,
    Action.APPROVE_EXTENSION: NoteForm,
    Action.REFUSE_EXTENSION: ReasonForm,
    Action.SUSPEND: ReasonForm,
    Action.RESUME: NoteForm,
    Action.VOID: ReasonForm,
    Action.COMMENT: CommentForm,
    Action.WITHDRAW: ReasonForm,
}

# Actions that change nothing but the status: one button, the note folded away.
QUICK_ACTIONS = frozenset({Action.REGISTER, Action.CONFIRM, Action.ACCEPT, Action.CLOSE, Action.APPROVE_EXTENSION, Action.RESUME})
# Actions that end or push back a case: shown apart, after the main ones.
SIDE_ACTIONS = frozenset({Action.REJECT, Action.RETURN, Action.DISPUTE, Action.SUSPEND, Action.VOID, Action.REFUSE_EXTENSION,
                          Action.WITHDRAW})


def dispatch_handlers(zone_id: int) -> list:
    """Department handlers who serve a zone (its zone teams and central staff), for the assignee list."""
    return list(handlers_serving_zone(zone_id))


def action_form(action: str, incident, *, data=None, files=None, departments=(), handlers=()) -> forms.Form:
    form_class = ACTION_FORMS[action]
    kwargs = {"data": data, "files": files, "auto_id": f"id_{action}_%s"}
    if form_class is DispatchForm:
        return DispatchForm(incident=incident, departments=departments, handlers=handlers, **kwargs)
    return form_class(**kwargs)


# What the queue's bulk bar may do to the ticked cases (each case still goes through apply_action).
BULK_ACTIONS = (Action.REGISTER, Action.DISPATCH)


class BulkDispatchForm(forms.Form):
    ids = forms.TypedMultipleChoiceField(coerce=int, label=_("Cases"), error_messages={"required": _("Tick the cases to dispatch.")})
    action = forms.ChoiceField(label=_("Action"), required=False, choices=[(a, a) for a in BULK_ACTIONS])
    department = forms.TypedChoiceField(label=_("Dispatch to"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", _("Choose…"))] + [(d.pk, d.name) for d in departments]

    def clean(self):
        data = super().clean()
        data["action"] = data.get("action") or Action.DISPATCH
        if data["action"] == Action.DISPATCH and not data.get("department") and "department" not in self.errors:
            self.add_error("department", _("Choose a department."))
        return data

    def full_clean(self):
        # Any submitted id is acceptable here: apply_action answers 404 for cases out of scope.
        if self.data is not None and hasattr(self.data, "getlist"):
            self.fields["ids"].choices = [(v, v) for v in self.data.getlist("ids")]
        super().full_clean()
