"""A campaign's progress: due, inspected, with hazards, with a major one, per zone and per sector,
over the targets the user sees.

At 1M cases a campaign has about 3,000 targets, and aggregating them in SQL with correlated
subqueries per target took 0.9–1.4 s (docs/performance.md, "Enterprise safety at scale"). Here the
figures come from three flat reads — the visible targets with their zone, the enterprises that had
a submitted inspection under the campaign, the campaign's hazards counted per enterprise (each one
index range on `inspection_campaign`) — and a fourth for sectors when they are asked for, added up
in Python. A hazard of an inspection is of the inspection's enterprise, so hazards are grouped by
the inspection's enterprise.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from inspections.choices import HazardLevel, HazardStatus, InspectionStatus, Sector
from inspections.models import Campaign, CampaignTarget, EnterpriseSector, Hazard, Inspection

MAJOR = Q(level=HazardLevel.MAJOR) | Q(level="", proposed_level=HazardLevel.MAJOR)
FIGURES = ("due", "inspected", "with_hazards", "with_major", "hazards", "major")


def visible_targets(campaign: Campaign, user):
    return CampaignTarget.objects.visible_to(user).filter(campaign=campaign)


def inspections_here():
    """The submitted inspections of the outer target's campaign and enterprise."""
    return Inspection.objects.filter(campaign_id=OuterRef("campaign_id"), enterprise_id=OuterRef("enterprise_id"),
                                     status=InspectionStatus.SUBMITTED)


def _hazards_here():
    return Hazard.objects.filter(inspection__campaign_id=OuterRef("campaign_id"), inspection__enterprise_id=OuterRef("enterprise_id")
                                 ).exclude(status=HazardStatus.VOID)


def _count(queryset):
    return Coalesce(Subquery(queryset.order_by().values("enterprise_id").annotate(n=Count("pk")).values("n")[:1],
                             output_field=IntegerField()), Value(0))


@dataclass(frozen=True)
class _Target:
    enterprise_id: int
    zone: tuple  # (number, pk, name); (None, None, None) for an enterprise outside every zone
    inspected: bool
    hazards: int
    major: int


def _targets(campaign: Campaign, user) -> list[_Target]:
    rows = list(visible_targets(campaign, user).order_by().values_list(
        "enterprise_id", "enterprise__zone__number", "enterprise__zone_id", "enterprise__zone__name"))
    inspected = set(Inspection.objects.filter(campaign=campaign, status=InspectionStatus.SUBMITTED)
                    .order_by().values_list("enterprise_id", flat=True).distinct())
    counts = {enterprise: (n, major) for enterprise, n, major in (
        Hazard.objects.filter(inspection__campaign=campaign).exclude(status=HazardStatus.VOID).order_by()
        .values_list("inspection__enterprise_id").annotate(n=Count("pk"), major=Count("pk", filter=MAJOR)))}
    return [_Target(enterprise, (number, zone, name), enterprise in inspected, *counts.get(enterprise, (0, 0)))
            for enterprise, number, zone, name in rows]


def _add_up(targets) -> dict:
    row = dict.fromkeys(FIGURES, 0)
    for target in targets:
        row["due"] += 1
        row["inspected"] += target.inspected
        row["with_hazards"] += target.hazards > 0
        row["with_major"] += target.major > 0
        row["hazards"] += target.hazards
        row["major"] += target.major
    due = row["due"]
    row["coverage"] = round(100 * row["inspected"] / due, 1) if due else 0.0
    row["per_100"] = round(100 * row["hazards"] / due, 1) if due else 0.0
    row["major_share"] = round(100 * row["major"] / row["hazards"], 1) if row["hazards"] else 0.0
    return row


def _by_zone(targets: list[_Target]) -> list[dict]:
    groups = defaultdict(list)
    for target in targets:
        groups[target.zone].append(target)
    ordered = sorted(groups, key=lambda zone: (zone[0] is None, zone[0] or 0))
    return [{**_add_up(groups[zone]), "enterprise__zone_id": zone[1], "name": zone[2]} for zone in ordered]


def _by_sector(campaign: Campaign, user, targets: list[_Target]) -> list[dict]:
    """Per sector; an enterprise of two sectors counts in both, one of none under "No sector"."""
    sectors = defaultdict(list)
    for enterprise, code in EnterpriseSector.objects.filter(
            enterprise_id__in=visible_targets(campaign, user).values("enterprise_id")).order_by().values_list("enterprise_id", "code"):
        sectors[enterprise].append(code)
    groups = defaultdict(list)
    for target in targets:
        for code in sectors.get(target.enterprise_id) or [None]:
            groups[code].append(target)
    ordered = sorted(groups, key=lambda code: (code is None, code or ""))
    return [{**_add_up(groups[code]), "code": code or "", "name": str(Sector(code).label) if code else _("No sector")}
            for code in ordered]


def campaign_progress(campaign: Campaign, user) -> dict:
    """Due / inspected / with hazards / major over the targets `user` sees: three queries."""
    return _add_up(_targets(campaign, user))


def progress_by_zone(campaign: Campaign, user) -> list[dict]:
    return _by_zone(_targets(campaign, user))


def progress_by_sector(campaign: Campaign, user) -> list[dict]:
    return _by_sector(campaign, user, _targets(campaign, user))


def targets_with_state(campaign: Campaign, user):
    """The targets `user` sees, each with its latest submitted inspection under the campaign, its
    own open draft (to continue it), and its hazard counts: one query per page."""
    latest = inspections_here().order_by("-started_at", "-pk").values("pk")[:1]
    draft = Inspection.objects.filter(campaign_id=OuterRef("campaign_id"), enterprise_id=OuterRef("enterprise_id"),
                                      status=InspectionStatus.DRAFT, created_by_id=user.pk).order_by("-pk").values("pk")[:1]
    return (visible_targets(campaign, user).select_related("enterprise__zone", "enterprise__grid_cell")
            .annotate(inspection_id=Subquery(latest), draft_id=Subquery(draft),
                      hazards=_count(_hazards_here()), major=_count(_hazards_here().filter(MAJOR)))
            .order_by("enterprise__zone__number", "enterprise__name", "pk"))


def campaign_hazards(campaign: Campaign, user):
    """The hazards raised under the campaign that `user` sees (void ones included, marked)."""
    return (Hazard.objects.visible_to(user).filter(inspection__campaign=campaign)
            .select_related("enterprise", "zone", "clause__standard").order_by("recorded_at", "pk"))


def report_data(campaign: Campaign, user) -> dict:
    """What the report page and the ledger show: the figures, the breakdowns, hazards by status.
    The targets are read once for all three figures."""
    targets = _targets(campaign, user)
    levels = dict(campaign_hazards(campaign, user).exclude(status=HazardStatus.VOID).order_by()
                  .values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    return {
        "progress": _add_up(targets),
        "by_zone": _by_zone(targets),
        "by_sector": _by_sector(campaign, user, targets),
        "by_status": [(str(HazardStatus(s).label), n) for s, n in sorted(levels.items())],
    }


__all__ = ["campaign_hazards", "campaign_progress", "inspections_here", "progress_by_sector", "progress_by_zone",
           "report_data", "targets_with_state", "visible_targets"]
