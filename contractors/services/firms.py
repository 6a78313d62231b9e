"""Registering service firms, their qualifications, contacts, staff and pension proofs."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils.translation import gettext as _

from casework import parsers
from contractors.models import FirmContact, FirmStaff, PensionProof, Qualification, ServiceFirm
from contractors.services.access import check_manager
from grids.choices import Role
from inspections import creditcode

PENSION_MONTHS_FOR_EMPLOYEE = 3  # SAFETY.md §3: an "employee" has contributions paid for 3+ months


@transaction.atomic
def register_firm(*, actor, name, credit_code, address="", phone="", qualifications=(), contacts=()) -> ServiceFirm:
    check_manager(actor)
    code, _warnings = creditcode.validate(credit_code)
    if ServiceFirm.objects.filter(credit_code=code).exists():
        raise ValidationError({"credit_code": _("A firm with this credit code is already registered.")})
    firm = ServiceFirm.objects.create(
        name=parsers.text(name, field="name", label=_("Name"), required=True, max_length=200), credit_code=code,
        address=parsers.text(address, field="address", label=_("Address"), max_length=200),
        phone=parsers.text(phone, field="phone", label=_("Phone"), max_length=20))
    for row in qualifications:
        _qualification(firm, row, field="qualifications")
    for row in contacts:
        _contact(firm, row, field="contacts")
    return firm


def _qualification(firm, row: dict, *, field: str | None = None) -> Qualification:
    return Qualification.objects.create(
        firm=firm, certificate=parsers.text(row.get("certificate"), field=field or "certificate", label=_("Certificate"),
                                            required=True, max_length=200),
        number=parsers.text(row.get("number", ""), field=field or "number", label=_("Certificate number"), max_length=60),
        level=parsers.text(row.get("level", ""), field=field or "level", label=_("Level"), max_length=40),
        valid_until=row.get("valid_until"))


def _contact(firm, row: dict, *, field: str | None = None) -> FirmContact:
    return FirmContact.objects.create(
        firm=firm, name=parsers.text(row.get("name"), field=field or "name", label=_("Name"), required=True, max_length=60),
        title=parsers.text(row.get("title", ""), field=field or "title", label=_("Title"), max_length=60),
        phone=parsers.text(row.get("phone", ""), field=field or "phone", label=_("Phone"), max_length=20))


def _firm(pk, actor) -> ServiceFirm:
    check_manager(actor)
    try:
        return ServiceFirm.objects.visible_to(actor).select_for_update().get(pk=getattr(pk, "pk", pk))
    except (ServiceFirm.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


@transaction.atomic
def edit_firm(pk, *, actor, name, credit_code, address="", phone="", is_active=True) -> ServiceFirm:
    """Correct a firm's identity; its credit code is checked again as at registration."""
    firm = _firm(pk, actor)
    code, _warnings = creditcode.validate(credit_code)
    if ServiceFirm.objects.filter(credit_code=code).exclude(pk=firm.pk).exists():
        raise ValidationError({"credit_code": _("A firm with this credit code is already registered.")})
    firm.name = parsers.text(name, field="name", label=_("Name"), required=True, max_length=200)
    firm.credit_code = code
    firm.address = parsers.text(address, field="address", label=_("Address"), max_length=200)
    firm.phone = parsers.text(phone, field="phone", label=_("Phone"), max_length=20)
    firm.is_active = bool(is_active)
    firm.save(update_fields=["name", "credit_code", "address", "phone", "is_active"])
    return firm


@transaction.atomic
def add_qualification(firm, *, actor, certificate, number="", level="", valid_until=None) -> Qualification:
    return _qualification(_firm(firm, actor), {"certificate": certificate, "number": number, "level": level,
                                               "valid_until": valid_until})


@transaction.atomic
def add_contact(firm, *, actor, name, title="", phone="") -> FirmContact:
    return _contact(_firm(firm, actor), {"name": name, "title": title, "phone": phone})


@transaction.atomic
def add_staff(*, actor, firm, name, certificate_no="", title="", user=None) -> FirmStaff:
    """A member of the firm's staff; `user` (a contractor-staff login) opens the portal to them."""
    check_manager(actor)
    firm = parsers.one_of(firm, ServiceFirm.objects.all(), field="firm", missing=_("Choose the firm."), unknown=_("Unknown firm."))
    if user is not None and user.role != Role.CONTRACTOR:
        raise ValidationError({"user": _("Only a contractor-staff login can belong to a firm.")})
    if user is not None and FirmStaff.objects.filter(user=user).exists():
        raise ValidationError({"user": _("This login already belongs to a member of staff.")})
    return FirmStaff.objects.create(
        firm=firm, user=user, name=parsers.text(name, field="name", label=_("Name"), required=True, max_length=60),
        certificate_no=parsers.text(certificate_no, field="certificate_no", label=_("Certificate number"), max_length=40),
        title=parsers.text(title, field="title", label=_("Qualification title"), max_length=60))


def record_pension_proof(*, actor, staff, month: dt.date, document=None, firm=None) -> PensionProof:
    """One proof per person and month (a second is refused, not merged); the document a PDF,
    JPEG or PNG of at most 20 MB. `firm`: the person must work there (the firm page's form)."""
    check_manager(actor)
    if document is not None:
        from contractors.services.visits import checked_document

        document = checked_document(document, field="document")
    people = FirmStaff.objects.all() if firm is None else FirmStaff.objects.filter(firm=firm)
    staff = parsers.one_of(staff, people, field="staff", missing=_("Choose the person."), unknown=_("Unknown person."))
    if month is None:
        raise ValidationError({"month": _("Give the month.")})
    month = month.replace(day=1)
    duplicate = ValidationError({"month": _("A proof for this person and month is already recorded.")})
    if PensionProof.objects.filter(staff=staff, month=month).exists():
        raise duplicate
    proof = PensionProof(staff=staff, month=month)
    if document is not None:
        proof.document.save(getattr(document, "name", "proof.pdf") or "proof.pdf", document, save=False)
    try:
        with transaction.atomic():
            proof.save()
    except IntegrityError:  # recorded by someone else meanwhile: the file written goes too
        if proof.document:
            proof.document.delete(save=False)
        raise duplicate from None
    return proof


def counts_as_employee(staff: FirmStaff, *, on: dt.date) -> bool:
    """Pension paid for each of the last three months before `on`."""
    months, year, month = [], on.year, on.month
    for _i in range(PENSION_MONTHS_FOR_EMPLOYEE):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        months.append(dt.date(year, month, 1))
    return staff.pension_proofs.filter(month__in=months).count() == PENSION_MONTHS_FOR_EMPLOYEE
