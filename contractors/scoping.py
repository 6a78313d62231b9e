"""The contractor-staff rules contributed to inspections' enterprises and hazards (registered in
ContractorsConfig.ready, so inspections never imports contractors).

Staff see the enterprises of their firm's service plans, and the hazards their firm found or
guides: those at the enterprises it serves (the rectification it guides) and those it found.
"""

from __future__ import annotations

from django.db.models import Q

from grids.choices import Role
from grids.models.scoping import contribute_rule


def served_enterprise_ids(user):
    from contractors.models import ServicePlan
    from contractors.models.scoping import firm_ids_of

    return ServicePlan.objects.filter(contract__firm__in=firm_ids_of(user)).values("enterprise_id")


def enterprises_for_contractor(queryset, user):
    return queryset.filter(pk__in=served_enterprise_ids(user))


def hazards_for_contractor(queryset, user):
    from contractors.models import Finding
    from contractors.models.scoping import firm_ids_of

    found = Finding.objects.filter(firm__in=firm_ids_of(user)).values("hazard_id")
    return queryset.filter(Q(enterprise_id__in=served_enterprise_ids(user)) | Q(pk__in=found))


def register() -> None:
    contribute_rule("inspections.Enterprise", Role.CONTRACTOR, enterprises_for_contractor)
    contribute_rule("inspections.Hazard", Role.CONTRACTOR, hazards_for_contractor)
