"""Registering service firms, their qualifications, contacts, staff and pension proofs."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
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
        Qualification.objects.create(firm=firm, certificate=parsers.text(row.get("certificate"), field="qualifications",
                                                                        label=_("Certificate"), required=True, max_length=200),
                                     number=str(row.get("number", ""))[:60], level=str(row.get("level", ""))[:40],
                                     valid_until=row.get("valid_until"))
    for row in contacts:
        FirmContact.objects.create(firm=firm, name=parsers.text(row.get("name"), field="contacts", label=_("Name"),
                                                                required=True, max_length=60),
                                   title=str(row.get("title", ""))[:60], phone=str(row.get("phone", ""))[:20])
    return firm


@transaction.atomic
def add_staff(*, actor, firm, name, certificate_no="", title="", user=None) -> FirmStaff:
    """A member of the firm's staff; `user` (a contractor-staff login) opens the portal to them."""
    check_manager(actor)
    firm = parsers.one_of(firm, ServiceFirm.objects.all(), field="firm", missing=_("Choose the firm."), unknown=_("Unknown firm."))
    if user is not None and user.role != Role.CONTRACTOR:
        raise ValidationError({"user": _("Only a contractor-staff login can belong to a firm.")})
    return FirmStaff.objects.create(
        firm=firm, user=user, name=parsers.text(name, field="name", label=_("Name"), required=True, max_length=60),
        certificate_no=parsers.text(certificate_no, field="certificate_no", label=_("Certificate number"), max_length=40),
        title=parsers.text(title, field="title", label=_("Qualification title"), max_length=60))


def record_pension_proof(*, actor, staff, month: dt.date, document=None) -> PensionProof:
    check_manager(actor)
    if document is not None:
        from contractors.services.visits import checked_document

        document = checked_document(document, field="document")
    staff = parsers.one_of(staff, FirmStaff.objects.all(), field="staff", missing=_("Choose the person."),
                           unknown=_("Unknown person."))
    proof, _created = PensionProof.objects.get_or_create(staff=staff, month=month.replace(day=1))
    if document is not None:
        proof.document.save(getattr(document, "name", "proof.pdf") or "proof.pdf", document, save=True)
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
