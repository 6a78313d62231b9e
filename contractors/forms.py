"""Page forms of the street office and the safety office: they render the fields and read their
types; the services (`contractors.services`) hold the rules (credit-code check, uniqueness,
weights adding up to 100, milestones within the amount, one proof per person and month)."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from contractors.choices import DEFAULT_PASS_MARK, DEFAULT_WEIGHTS, DEFAULT_WITHHOLD_PERCENT, Kpi
from contractors.models import FirmStaff, ServiceFirm
from grids.choices import Role
from grids.models import User
from inspections.creditcode import normalise
from inspections.models import ChecklistTemplate, Enterprise

DATE = forms.DateInput(attrs={"type": "date"})
MILESTONE_ROWS = 4
MILESTONE_KEYS = ("title", "amount", "due_on", "condition")
MAX_PASTED_CODES = 5000


class FirmForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=40)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)


class FirmEditForm(FirmForm):
    is_active = forms.BooleanField(label=_("Active"), required=False)


class QualificationForm(forms.Form):
    certificate = forms.CharField(label=_("Certificate"), max_length=200)
    number = forms.CharField(label=_("Certificate number"), max_length=60, required=False)
    level = forms.CharField(label=_("Level"), max_length=40, required=False)
    valid_until = forms.DateField(label=_("Valid until"), required=False, widget=DATE)


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60)
    title = forms.CharField(label=_("Title"), max_length=60, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)


class StaffForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60)
    certificate_no = forms.CharField(label=_("Certificate number"), max_length=40, required=False)
    title = forms.CharField(label=_("Qualification title"), max_length=60, required=False)
    user = forms.ModelChoiceField(label=_("Portal login (optional)"), queryset=User.objects.none(), required=False)

    def __init__(self, *args, firm: ServiceFirm, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(role=Role.CONTRACTOR, is_active=True, firm_staff__isnull=True
                                                           ).order_by("username")
        self.fields["user"].label_from_instance = lambda u: u.display_name


class PensionProofForm(forms.Form):
    staff = forms.ModelChoiceField(label=_("Staff member"), queryset=FirmStaff.objects.none())
    month = forms.DateField(label=_("Month"), input_formats=["%Y-%m", "%Y-%m-%d"],
                            widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"))
    document = forms.FileField(label=_("Proof (PDF, JPEG or PNG, at most 20 MB)"),
                               widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}))

    def __init__(self, *args, firm: ServiceFirm, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = FirmStaff.objects.filter(firm=firm, is_active=True).order_by("name")


FORMS_BY_PART = {"qualification": QualificationForm, "contact": ContactForm, "staff": StaffForm, "pension": PensionProofForm}


class ContractForm(forms.Form):
    firm = forms.ModelChoiceField(label=_("Firm"), queryset=ServiceFirm.objects.none())
    number = forms.CharField(label=_("Contract number"), max_length=40)
    title = forms.CharField(label=_("Title"), max_length=200)
    amount = forms.DecimalField(label=_("Amount (¥)"), max_digits=12, decimal_places=2, min_value=0)
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE)
    deliverables = forms.CharField(label=_("Deliverables"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    enterprises = forms.ModelMultipleChoiceField(
        label=_("Enterprises served"), queryset=Enterprise.objects.none(), required=False,
        widget=forms.SelectMultiple(attrs={"size": 12, "data-filterable": "1"}))
    credit_codes = forms.CharField(label=_("…or paste their credit codes (one a line, or separated by commas)"),
                                   required=False, widget=forms.Textarea(attrs={"rows": 3}))
    visits_per_year = forms.IntegerField(label=_("Visits a year per enterprise"), min_value=1, max_value=52, initial=4)
    pass_mark = forms.DecimalField(label=_("Pay in full from (points)"), min_value=0, max_value=100, decimal_places=2,
                                   initial=DEFAULT_PASS_MARK)
    withhold_percent = forms.DecimalField(label=_("Withheld below it (%)"), min_value=0, max_value=100, decimal_places=2,
                                          initial=DEFAULT_WITHHOLD_PERCENT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["firm"].queryset = ServiceFirm.objects.filter(is_active=True).order_by("name")
        self.fields["enterprises"].queryset = Enterprise.objects.order_by("name").only("pk", "name", "credit_code")
        self.fields["enterprises"].label_from_instance = lambda e: f"{e.name} · {e.credit_code}"
        for key, label in Kpi.choices:
            self.fields[f"weight_{key}"] = forms.DecimalField(label=label, min_value=0, max_value=100, decimal_places=2,
                                                              initial=DEFAULT_WEIGHTS[key])
        self.milestones = []
        for n in range(MILESTONE_ROWS):
            self.milestones.append({"n": n, **{k: (self.data.get(f"milestone_{k}_{n}", "") if self.is_bound else "")
                                                for k in MILESTONE_KEYS}})

    def weight_fields(self):
        return [self[f"weight_{key}"] for key in Kpi.values]

    def plain_fields(self):
        return [f for f in self if not f.name.startswith("weight_")]

    def clean_credit_codes(self) -> list[str]:
        codes = [normalise(c) for c in re.split(r"[\s,，;；]+", self.cleaned_data.get("credit_codes") or "") if c.strip()]
        if len(codes) > MAX_PASTED_CODES:
            raise ValidationError(_("At most %(n)s codes at once.") % {"n": MAX_PASTED_CODES})
        found = dict(Enterprise.objects.filter(credit_code__in=codes).values_list("credit_code", "pk"))
        unknown = [c for c in codes if c not in found]
        if unknown:
            raise ValidationError(_("No enterprise has these credit codes: %(codes)s.") % {"codes": ", ".join(unknown[:10])})
        return [found[c] for c in codes]

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("enterprises") and not data.get("credit_codes"):
            self.add_error("enterprises", _("Choose the enterprises the contract serves."))
        return data

    def milestone_rows(self) -> list[dict]:
        rows = []
        for row in self.milestones:
            if not any(str(row[k]).strip() for k in MILESTONE_KEYS):
                continue
            due = forms.DateField().clean(row["due_on"]) if row["due_on"] else None
            if due is None:
                raise ValidationError({"milestones": _("Each payment milestone needs its due date.")})
            rows.append({"title": row["title"], "amount": row["amount"], "due_on": due, "condition": row["condition"]})
        return rows

    def service_data(self) -> dict:
        data = self.cleaned_data
        ids = {e.pk for e in data["enterprises"]} | set(data["credit_codes"])
        return {
            "firm": data["firm"].pk, "number": data["number"], "title": data["title"], "amount": data["amount"],
            "starts_on": data["starts_on"], "ends_on": data["ends_on"], "deliverables": data["deliverables"],
            "scope": {pk: data["visits_per_year"] for pk in ids},
            "weights": {key: data[f"weight_{key}"] for key in Kpi.values},
            "pass_mark": data["pass_mark"], "withhold_percent": data["withhold_percent"],
            "milestones": self.milestone_rows(),
        }


class PlanForm(forms.Form):
    enterprise = forms.ModelChoiceField(label=_("Enterprise"), queryset=Enterprise.objects.none())
    risks = forms.CharField(label=_("Risks"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    templates = forms.ModelMultipleChoiceField(label=_("Checklists used"), queryset=ChecklistTemplate.objects.none(),
                                               required=False, widget=forms.CheckboxSelectMultiple)
    visit_dates = forms.CharField(label=_("Visit schedule (YYYY-MM-DD, separated by commas; empty: spread evenly)"),
                                  required=False)
    training = forms.CharField(label=_("Training for the enterprise's staff"), required=False,
                               widget=forms.Textarea(attrs={"rows": 2}))
    targets = forms.CharField(label=_("Targets"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, contract=None, revising: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["templates"].queryset = ChecklistTemplate.objects.order_by("code")
        if revising:
            del self.fields["enterprise"]
            self.fields["note"] = forms.CharField(label=_("What changed"), max_length=300)
            self.fields["visit_dates"].label = _("Visit schedule (YYYY-MM-DD, separated by commas)")
        else:
            self.fields["enterprise"].queryset = (Enterprise.objects.filter(contract_rows__contract=contract)
                                                  .exclude(service_plans__contract=contract).order_by("name"))

    def clean_visit_dates(self):
        text = self.cleaned_data.get("visit_dates") or ""
        return [d.strip() for d in re.split(r"[\s,，]+", text) if d.strip()] or None

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["templates"] = [t.pk for t in data["templates"]]
        if "enterprise" in data:
            data["enterprise"] = data["enterprise"].pk
        if data["visit_dates"] is None:
            data.pop("visit_dates")
        return data
