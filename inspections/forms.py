"""Page forms: they render the fields and read their types; the services hold the rules."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from grids.choices import DepartmentKind, Role
from grids.models import User, Zone
from inspections.choices import CampaignTheme, Flag, Sector
from inspections.models import ChecklistVersion

EXPERT_ROWS = 4
EXPERT_KEYS = ("name", "qualification", "organisation", "user")


class CampaignForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    theme = forms.ChoiceField(label=_("Theme"), choices=CampaignTheme.choices)
    lead = forms.ModelChoiceField(label=_("Lead official"), queryset=User.objects.none())
    starts_on = forms.DateField(label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Ends on"), widget=forms.DateInput(attrs={"type": "date"}))
    description = forms.CharField(label=_("Aims and arrangements"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    sectors = forms.MultipleChoiceField(label=_("Sectors in scope"), choices=Sector.choices, required=False,
                                        widget=forms.CheckboxSelectMultiple)
    flags = forms.MultipleChoiceField(label=_("Flags in scope"), choices=Flag.choices, required=False,
                                      widget=forms.CheckboxSelectMultiple)
    zones = forms.ModelMultipleChoiceField(label=_("Zones (none: the whole sub-district)"), queryset=Zone.objects.none(),
                                           required=False, widget=forms.CheckboxSelectMultiple)
    versions = forms.ModelMultipleChoiceField(label=_("Pinned checklist versions"), queryset=ChecklistVersion.objects.none(),
                                              required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, frozen: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = User.objects.filter(
            Q(role=Role.STREET) | Q(role=Role.ZONE_LEADER) | Q(department__kind=DepartmentKind.SAFETY),
            is_active=True).order_by("username")
        self.fields["lead"].label_from_instance = lambda u: u.display_name
        self.fields["zones"].queryset = Zone.objects.order_by("number")
        self.fields["versions"].queryset = ChecklistVersion.objects.select_related("template").order_by(
            "template__code", "-number")
        given = list(self.initial.get("experts", []))
        if self.is_bound:
            sent = [int(k.rsplit("_", 1)[1]) for k in self.data if k.startswith("expert_name_") and k.rsplit("_", 1)[1].isdigit()]
            count = max([EXPERT_ROWS, *[n + 1 for n in sent if n < 50]])
        else:
            count = max(EXPERT_ROWS, len(given) + 1)
        self.experts = []
        for n in range(count):
            if self.is_bound:
                row = {k: self.data.get(f"expert_{k}_{n}", "") for k in EXPERT_KEYS}
            else:
                row = {k: (given[n].get(k) or "") if n < len(given) else "" for k in EXPERT_KEYS}
            self.experts.append({"n": n, **row})
        self.expert_accounts = User.objects.filter(role=Role.DEPARTMENT, is_active=True).order_by("username")
        if frozen:  # started: the scope is frozen
            for name in ("sectors", "flags", "zones", "versions"):
                self.fields[name].disabled = True

    def expert_rows(self) -> list[dict]:
        rows = []
        for row in self.experts:
            if any(str(row[k]).strip() for k in EXPERT_KEYS):
                rows.append({k: row[k] for k in ("name", "qualification", "organisation")} | {"user": row["user"] or None})
        return rows

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["lead"] = data["lead"].pk
        for name in ("zones", "versions"):
            data[name] = [o.pk for o in data[name]]
        data["experts"] = self.expert_rows()
        for name in ("sectors", "flags", "zones", "versions"):
            if self.fields[name].disabled:
                data.pop(name)
        return data
