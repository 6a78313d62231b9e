"""Registering and updating enterprises: one cleaning pass, one duplicate rule, one writer rule.

`clean_enterprise(data)` turns what a form, a JSON body or a spreadsheet row sent into model
values, collecting every field's message (an import reports them all at once); `register_many`
writes cleaned rows set-wise (a few statements however many rows), so the import and the demo
use the same path as a single registration.
"""

from __future__ import annotations

import datetime as dt
import unicodedata

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework import parsers
from casework.errors import Forbidden
from grids.models import Department, GridCell
from grids.models.people import phone_validator
from grids.services import locate_cell
from inspections import creditcode
from inspections.choices import EnterpriseStatus, Flag, RiskLevel, RiskMethod, Sector, TargetKind
from inspections.models import Enterprise, EnterpriseFlag, EnterpriseSector, is_safety_office

TEXT_FIELDS = {  # field: (label, required, max length)
    "name": ("Name", True, 200),
    "legal_representative": ("Legal representative", False, 60),
    "principal": ("Principal", False, 60),
    "safety_officer": ("Safety officer", False, 60),
    "address": ("Address", True, 200),
}
CHOICE_FIELDS = {  # field: (choices, default)
    "target_kind": (TargetKind, TargetKind.ORDINARY),
    "risk_level": (RiskLevel, RiskLevel.BLUE),
    "risk_method": (RiskMethod, ""),
    "status": (EnterpriseStatus, EnterpriseStatus.ACTIVE),
}
FIELDS = (
    "credit_code", *TEXT_FIELDS, "safety_officer_phone", "latitude", "longitude", "grid_cell", "sectors", "flags",
    "employees", *CHOICE_FIELDS, "risk_assessed_on", "responsible_departments",
)


def may_write(user) -> bool:
    """Street office, administrators and the safety office keep the registry."""
    return bool(getattr(user, "is_authenticated", False)) and (user.sees_everything or is_safety_office(user))


def check_writer(user) -> None:
    if not may_write(user):
        raise Forbidden(_("Only the street office and the safety office may change the enterprise registry."))


def identity_key(text: str) -> str:
    """Name or address as compared for duplicates: half-width, casefolded, letters and digits only."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return "".join(ch for ch in text if ch.isalnum())[:200]


def _codes(value, choices, *, field: str) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = [part for part in value.replace("，", ",").split(",") if part.strip()]
    if not isinstance(value, list | tuple | set):
        raise ValidationError({field: _("Send a list of codes.")})
    codes = []
    for item in value:
        code = str(item).strip()
        if code not in choices.values:
            raise ValidationError({field: _("Unknown code: %(code)s.") % {"code": code[:40]}})
        if code not in codes:
            codes.append(code)
    return sorted(codes)


def _date(value, *, field: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        parsed = value.date()
    elif isinstance(value, dt.date):
        parsed = value
    else:
        try:
            parsed = dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise ValidationError({field: _("Enter a date, e.g. 2026-03-31.")}) from None
    if parsed > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})
    return parsed


def _departments(value, *, field: str) -> list[Department]:
    if value in (None, ""):
        return []
    if not isinstance(value, list | tuple | set):
        value = [value]
    found = []
    for item in value:
        if isinstance(item, Department):
            found.append(item)
            continue
        department = parsers.one_of(
            item, Department.objects.filter(is_active=True), field=field,
            missing=_("Choose a department."), unknown=_("Unknown department."),
        )
        found.append(department)
    return list({d.pk: d for d in found}.values())


def _clean_one(field: str, data: dict, out: dict) -> None:
    value = data.get(field)
    if field == "credit_code":
        out["credit_code"], out["warnings"] = creditcode.validate(value, field=field)
    elif field in TEXT_FIELDS:
        label, required, limit = TEXT_FIELDS[field]
        out[field] = parsers.text(value, field=field, label=_(label), required=required, max_length=limit)
    elif field == "safety_officer_phone":
        phone = parsers.text(value, field=field, label=_("Phone"), max_length=20)
        if phone:
            try:
                phone_validator(phone)
            except ValidationError as error:
                raise ValidationError({field: error.messages}) from None
        out[field] = phone
    elif field == "latitude":
        out[field] = parsers.decimal_number(value, field=field, low=-90, high=90)
    elif field == "longitude":
        out[field] = parsers.decimal_number(value, field=field, low=-180, high=180)
    elif field == "grid_cell":
        out[field] = value if isinstance(value, GridCell) else parsers.one_of(
            value, GridCell.objects.select_related("community"), field=field, required=False,
            missing="", unknown=_("Unknown grid cell."),
        )
    elif field == "sectors":
        out[field] = _codes(value, Sector, field=field)
    elif field == "flags":
        out[field] = _codes(value, Flag, field=field)
    elif field == "employees":
        out[field] = None if value in (None, "") else parsers.whole_number(
            value, field=field, low=0, high=1_000_000,
            not_a_number=_("Enter a whole number."), out_of_range=_("Between 0 and 1,000,000."),
        )
    elif field in CHOICE_FIELDS:
        choices, default = CHOICE_FIELDS[field]
        value = default if value in (None, "") else str(value)
        if value and value not in choices.values:
            raise ValidationError({field: _("Unknown choice: %(value)s.") % {"value": value[:40]}})
        out[field] = value
    elif field == "risk_assessed_on":
        out[field] = _date(value, field=field)
    elif field == "responsible_departments":
        out[field] = _departments(value, field=field)


def clean_enterprise(data: dict, *, locate=None) -> dict:
    """Model values from raw input, or ValidationError naming every bad field. `locate(lat, lng)`
    finds the cell of a point (a batch passes grids.locator.cell_finder; default: one query)."""
    out: dict = {}
    errors: dict[str, list[str]] = {}
    for field in FIELDS:
        try:
            _clean_one(field, data, out)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                errors.setdefault(name, []).extend(messages)
    if not errors:
        _place(out, errors, locate)
    if errors:
        raise ValidationError(errors)
    out["name_key"], out["address_key"] = identity_key(out["name"]), identity_key(out["address"])
    return out


def _locate_one(latitude: float, longitude: float):
    return locate_cell(latitude=latitude, longitude=longitude)


def _place(out: dict, errors: dict, locate=None) -> None:
    """The point decides the cell; a manual cell only where the point is outside every cell (or missing)."""
    lat, lng, manual = out["latitude"], out["longitude"], out["grid_cell"]
    if (lat is None) != (lng is None):
        errors["latitude"] = [_("Give both latitude and longitude, or neither.")]
        return
    located = (locate or _locate_one)(lat, lng) if lat is not None else None
    cell = located or manual
    if cell is None:
        message = _("The point lies outside every grid cell: choose the cell.") if lat is not None else _(
            "Give the enterprise's point or choose its grid cell.")
        errors["grid_cell"] = [message]
        return
    out["grid_cell"] = cell


def duplicate_error(*, credit_code: str, name_key: str, address_key: str, exclude_pk=None) -> ValidationError | None:
    """The rule: the same code, or the same name and address (normalised), is the same enterprise."""
    others = Enterprise.objects.exclude(pk=exclude_pk) if exclude_pk else Enterprise.objects.all()
    same = others.filter(credit_code=credit_code).only("name").first()
    if same is not None:
        return ValidationError({"credit_code": _("Already registered as %(name)s.") % {"name": same.name}})
    same = others.filter(name_key=name_key, address_key=address_key).only("name", "credit_code").first()
    if same is not None:
        return ValidationError({"name": _("An enterprise with this name and address is already registered: %(name)s (%(code)s).") % {
            "name": same.name, "code": same.credit_code}})
    return None


def _model_values(row: dict) -> dict:
    cell = row["grid_cell"]
    values = {k: v for k, v in row.items() if k not in ("sectors", "flags", "responsible_departments", "warnings")}
    values.update(grid_cell=cell, community_id=cell.community_id, zone_id=cell.community.zone_id)
    return values


def _write_classes(enterprises: list[Enterprise], rows: list[dict]) -> None:
    EnterpriseSector.objects.bulk_create(
        [EnterpriseSector(enterprise=e, code=c) for e, r in zip(enterprises, rows, strict=True) for c in r["sectors"]])
    EnterpriseFlag.objects.bulk_create(
        [EnterpriseFlag(enterprise=e, code=c) for e, r in zip(enterprises, rows, strict=True) for c in r["flags"]])
    through = Enterprise.responsible_departments.through
    through.objects.bulk_create([
        through(enterprise_id=e.pk, department_id=d.pk)
        for e, r in zip(enterprises, rows, strict=True) for d in r["responsible_departments"]
    ])


def register_many(rows: list[dict]) -> list[Enterprise]:
    """Write cleaned, duplicate-checked rows set-wise (the caller holds the transaction)."""
    enterprises = Enterprise.objects.bulk_create([Enterprise(**_model_values(row)) for row in rows])
    _write_classes(enterprises, rows)
    return enterprises


@transaction.atomic
def register_enterprise(*, actor, **data) -> Enterprise:
    """Register one enterprise; `enterprise.warnings` holds the credit code's warnings."""
    check_writer(actor)
    row = clean_enterprise(data)
    error = duplicate_error(credit_code=row["credit_code"], name_key=row["name_key"], address_key=row["address_key"])
    if error is not None:
        raise error
    (enterprise,) = register_many([row])
    enterprise.warnings = row["warnings"]
    return enterprise


@transaction.atomic
def update_enterprise(enterprise: Enterprise, *, actor, **changes) -> Enterprise:
    """Change some fields; the whole record is re-validated and re-checked for duplicates."""
    check_writer(actor)
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    current = {f: getattr(enterprise, f) for f in FIELDS if f not in ("sectors", "flags", "responsible_departments")}
    current.update(
        sectors=enterprise.sector_codes, flags=enterprise.flag_codes,
        responsible_departments=list(enterprise.responsible_departments.all()),
    )
    if "latitude" in changes or "longitude" in changes:
        current["grid_cell"] = None  # a moved point is located again
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in sorted(unknown)})
    current.update(changes)
    row = clean_enterprise(current)
    error = duplicate_error(
        credit_code=row["credit_code"], name_key=row["name_key"], address_key=row["address_key"], exclude_pk=enterprise.pk,
    )
    if error is not None:
        raise error
    for name, value in _model_values(row).items():
        setattr(enterprise, name, value)
    enterprise.save()
    enterprise.sector_rows.all().delete()
    enterprise.flag_rows.all().delete()
    enterprise.responsible_departments.clear()
    _write_classes([enterprise], [row])
    enterprise.warnings = row["warnings"]
    return enterprise
