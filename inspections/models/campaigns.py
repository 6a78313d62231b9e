"""Inspection campaigns (专项排查): a theme, a lead official and hired experts, the sectors, flags
and zones in scope, pinned checklist versions, a date window and a phase.

The enterprise set follows from the scope while the campaign is being mobilised, and is frozen
when it starts: `inspections.services.campaigns.start` writes one `CampaignTarget` per enterprise
in scope, and from then on the scope cannot change and new enterprises do not join. The phase
moves only through `CAMPAIGN_WORKFLOW` (inspections.choices.CAMPAIGN_TRANSITIONS) on the shared
engine, each move a `CampaignEvent` on the append-only timeline.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from casework.models import TimelineEventBase
from grids.choices import Role
from grids.models.scoping import ScopedQuerySet
from inspections.choices import CampaignEventKind, CampaignPhase, CampaignTheme
from inspections.models.enterprises import Enterprise, is_safety_office


class CampaignQuerySet(ScopedQuerySet):
    """Street office and safety office: every campaign. Everyone else: the campaigns with a target
    they see (Enterprise.objects.visible_to: the zone's, the community's, the cells', the
    department's), zone leaders also those whose scope names their zone or no zone at all (the
    whole sub-district, before targets exist), and an expert's account the campaigns it serves."""

    def visible_to(self, user):
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.sees_everything or is_safety_office(user):
            return self
        rule = Q(Exists(CampaignExpert.objects.filter(campaign_id=OuterRef("pk"), user_id=user.pk)))
        rule |= Q(Exists(CampaignTarget.objects.filter(
            campaign_id=OuterRef("pk"), enterprise_id__in=Enterprise.objects.visible_to(user).values("pk"))))
        if user.role == Role.ZONE_LEADER and user.zone_id:
            zones = Campaign.zones.through.objects.filter(campaign_id=OuterRef("pk"))
            rule |= Q(Exists(zones.filter(zone_id=user.zone_id))) | ~Q(Exists(zones))
        return self.filter(rule)

    def for_list(self):
        return self.select_related("lead")


class Campaign(models.Model):
    title = models.CharField(_("title"), max_length=200)
    theme = models.CharField(_("theme"), max_length=16, choices=CampaignTheme.choices)
    description = models.TextField(_("aims and arrangements"), blank=True)
    lead = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="led_campaigns",
                             verbose_name=_("lead official"))
    # Sector and flag codes (inspections.choices) in scope: an enterprise with any of them is in
    # scope; both empty: every enterprise of the zones.
    sectors = models.JSONField(_("sectors"), default=list, blank=True)
    flags = models.JSONField(_("flags"), default=list, blank=True)
    zones = models.ManyToManyField("grids.Zone", blank=True, related_name="campaigns", verbose_name=_("zones (none: all)"))
    versions = models.ManyToManyField("inspections.ChecklistVersion", blank=True, related_name="campaigns",
                                      verbose_name=_("pinned checklist versions"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    phase = models.CharField(_("phase"), max_length=12, choices=CampaignPhase.choices, default=CampaignPhase.MOBILISE)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True, editable=False)
    phase_changed_at = models.DateTimeField(_("phase changed at"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_on", "-pk"]
        indexes = [
            models.Index(fields=["-starts_on", "-id"], name="campaign_time"),
            models.Index(fields=["phase", "-starts_on"], name="campaign_phase"),
        ]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="campaign_window")]

    def __str__(self) -> str:
        return self.title

    @property
    def started(self) -> bool:
        return self.phase != CampaignPhase.MOBILISE


class CampaignExpert(models.Model):
    """A hired safety expert; with a user account they inspect on their own phone (and, being
    hired, do not confirm hazards: inspections.services.hazards)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="experts", verbose_name=_("campaign"))
    name = models.CharField(_("name"), max_length=60)
    qualification = models.CharField(_("qualification"), max_length=100, blank=True)
    organisation = models.CharField(_("organisation"), max_length=100, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="expert_roles", verbose_name=_("user account"))

    class Meta:
        verbose_name = _("campaign expert")
        verbose_name_plural = _("campaign experts")
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["campaign", "user"], condition=Q(user__isnull=False),
                                               name="campaign_expert_account_once")]

    def __str__(self) -> str:
        return self.name


class CampaignTargetQuerySet(ScopedQuerySet):
    """The targets whose enterprise the user sees (street office and safety office: all)."""

    def _of_visible_enterprises(self, user):
        return self.filter(enterprise_id__in=Enterprise.objects.visible_to(user).values("pk"))

    for_zone_leader = for_community = for_grid_worker = for_department = _of_visible_enterprises


class CampaignTarget(models.Model):
    """One enterprise of a started campaign's frozen scope."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets", verbose_name=_("campaign"))
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="campaign_targets",
                                   verbose_name=_("enterprise"))
    added_at = models.DateTimeField(_("frozen at"))

    objects = CampaignTargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign target")
        verbose_name_plural = _("campaign targets")
        ordering = ["campaign_id", "enterprise__name", "pk"]
        constraints = [models.UniqueConstraint(fields=["campaign", "enterprise"], name="campaign_target_once")]
        indexes = [models.Index(fields=["enterprise", "campaign"], name="campaign_target_enterprise")]

    def __str__(self) -> str:
        return f"{self.campaign_id}: {self.enterprise_id}"


class CampaignEvent(TimelineEventBase):
    """One line of a campaign's timeline (created, edited, started, phase changed). Append-only."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="events", verbose_name=_("campaign"))
    kind = models.CharField(_("event"), max_length=20, choices=CampaignEventKind.choices)
    from_status = models.CharField(_("phase before"), max_length=16, choices=CampaignPhase.choices, blank=True)
    to_status = models.CharField(_("phase after"), max_length=16, choices=CampaignPhase.choices, blank=True)

    class Meta(TimelineEventBase.Meta):
        verbose_name = _("campaign event")
        verbose_name_plural = _("campaign events")
        indexes = [models.Index(fields=["campaign", "created_at"], name="campaign_event_time")]


__all__ = ["Campaign", "CampaignEvent", "CampaignExpert", "CampaignQuerySet", "CampaignTarget", "CampaignTargetQuerySet"]
