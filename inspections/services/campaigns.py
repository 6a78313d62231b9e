"""Campaigns (专项排查): create and edit, start (the scope is frozen), phase moves, progress and the
report's figures.

The scope (sectors, flags, zones, pinned checklist versions) is editable while the campaign is
mobilised; `start` writes one CampaignTarget per enterprise then in scope and from then on an
edit of the scope is refused (409). The phase moves only through `CAMPAIGN_WORKFLOW` on the
shared engine (table: inspections.choices.CAMPAIGN_TRANSITIONS), each move appended to the
campaign's timeline. Progress is read in campaign_progress.py.
"""

from __future__ import annotations

import datetime as dt
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework import engine, parsers
from casework.engine import Move, Step
from casework.errors import Forbidden, Refused
from grids.choices import Role
from grids.models import User, Zone
from inspections.choices import (
    CAMPAIGN_TRANSITIONS,
    CampaignAction,
    CampaignEventKind,
    CampaignPhase,
    CampaignTheme,
    EnterpriseStatus,
    Flag,
    Sector,
)
from inspections.models import (
    Campaign,
    CampaignEvent,
    CampaignExpert,
    CampaignTarget,
    ChecklistVersion,
    Enterprise,
    EnterpriseFlag,
    EnterpriseSector,
    is_safety_office,
)
from inspections.services.campaign_progress import (
    campaign_hazards,
    campaign_progress,
    inspections_here,
    progress_by_sector,
    progress_by_zone,
    report_data,
    targets_with_state,
    visible_targets,
)
from inspections.services.enterprises import _codes, may_write

MAX_EXPERTS = 20
MAX_DAYS = 366
SCOPE_FIELDS = ("sectors", "flags", "zones", "versions")
TEXT_FIELDS = {"title": (gettext_lazy("Title"), True, 200), "description": (gettext_lazy("Aims and arrangements"), False, 2000)}


def is_campaign_expert(user) -> bool:
    """A hired expert's account (it inspects under its campaigns)."""
    return bool(getattr(user, "is_authenticated", False)) and CampaignExpert.objects.filter(user_id=user.pk).exists()


def is_expert_of(user, hazard) -> bool:
    """Whether `user` is an expert of the campaign the hazard was found under (such an expert
    may confirm or void it, SAFETY.md §8.3)."""
    campaign_id = getattr(hazard.inspection, "campaign_id", None) if hazard.inspection_id else None
    return campaign_id is not None and CampaignExpert.objects.filter(campaign_id=campaign_id, user_id=user.pk).exists()


def may_keep(user) -> bool:
    """The street office and the safety office plan and run campaigns."""
    return may_write(user)


def check_keeper(user) -> None:
    if not may_keep(user):
        raise Forbidden(_("Only the street office and the safety office may plan and run campaigns."))


def record(campaign: Campaign, kind: str, *, actor=None, from_status="", to_status="", note="", data=None,
           at) -> CampaignEvent:
    return CampaignEvent.objects.create(campaign=campaign, kind=kind, actor=actor, from_status=from_status,
                                        to_status=to_status, note=note, data=data or {}, created_at=at)


# --- input --------------------------------------------------------------------------------------

def _date(value, *, field: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if value in (None, ""):
        raise ValidationError({field: _("This field is required.")})
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationError({field: _("Enter a date, e.g. 2026-03-31.")}) from None


def _ids(value, *, field: str) -> list:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = [part for part in value.split(",") if part.strip()]
    if not isinstance(value, list | tuple | set) or len(value) > 500:
        raise ValidationError({field: _("Send a list of ids.")})
    try:
        return sorted({parsers.pk_of(v) for v in value})
    except ValueError:
        raise ValidationError({field: _("Send a list of ids.")}) from None


def _zones(value) -> list[Zone]:
    ids = _ids(value, field="zones")
    zones = list(Zone.objects.filter(pk__in=ids))
    if len(zones) != len(ids):
        raise ValidationError({"zones": _("Unknown zone.")})
    return zones


def _versions(value) -> list[ChecklistVersion]:
    ids = _ids(value, field="versions")
    versions = list(ChecklistVersion.objects.filter(pk__in=ids).select_related("template"))
    if len(versions) != len(ids):
        raise ValidationError({"versions": _("Unknown checklist version.")})
    templates = [v.template_id for v in versions]
    if len(set(templates)) != len(templates):
        raise ValidationError({"versions": _("Pin one version per checklist template.")})
    return versions


def _experts(value) -> list[dict]:
    if value in (None, ""):
        return []
    if not isinstance(value, list) or len(value) > MAX_EXPERTS:
        raise ValidationError({"experts": _("Send a list of at most %(n)s experts.") % {"n": MAX_EXPERTS}})
    rows, accounts = [], set()
    for row in value:
        if not isinstance(row, dict):
            raise ValidationError({"experts": _("Each expert is {name, qualification, organisation, user}.")})
        user = parsers.one_of(row.get("user"), User.objects.filter(is_active=True), field="experts", required=False,
                              missing="", unknown=_("Unknown person."))
        if user is not None and (user.pk in accounts or user.sees_everything):
            raise ValidationError({"experts": _("An expert's account is named once, and is not a street office account.")})
        if user is not None:
            accounts.add(user.pk)
        rows.append({
            "name": parsers.text(row.get("name"), field="experts", label=_("Name"), required=True, max_length=60),
            "qualification": parsers.text(row.get("qualification"), field="experts", label=_("Qualification"), max_length=100),
            "organisation": parsers.text(row.get("organisation"), field="experts", label=_("Organisation"), max_length=100),
            "user": user,
        })
    return rows


def _theme(value) -> str:
    if value not in CampaignTheme.values:
        raise ValidationError({"theme": _("Choose the theme.")})
    return value


def _lead(value) -> User:
    return parsers.one_of(value, User.objects.filter(is_active=True).exclude(role=Role.CONTRACTOR), field="lead",
                          missing=_("Choose the lead official."), unknown=_("Unknown person."))


def _clean(data: dict, *, partial: bool) -> dict:
    """Model values from raw input; every bad field named at once."""
    out, errors = {}, {}

    def take(name, parse):
        if partial and name not in data:
            return
        try:
            out[name] = parse(data.get(name))
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors.setdefault(field, []).extend(messages)

    for name, (label, required, limit) in TEXT_FIELDS.items():
        take(name, lambda v, label=label, required=required, limit=limit, name=name: parsers.text(
            v, field=name, label=label, required=required, max_length=limit))
    take("theme", _theme)
    take("lead", _lead)
    take("starts_on", lambda v: _date(v, field="starts_on"))
    take("ends_on", lambda v: _date(v, field="ends_on"))
    take("sectors", lambda v: _codes(v, Sector, field="sectors"))
    take("flags", lambda v: _codes(v, Flag, field="flags"))
    take("zones", _zones)
    take("versions", _versions)
    take("experts", _experts)
    if errors:
        raise ValidationError(errors)
    return out


def _check_window(starts_on: dt.date, ends_on: dt.date) -> None:
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The end is before the start.")})
    if (ends_on - starts_on).days > MAX_DAYS:
        raise ValidationError({"ends_on": _("A campaign runs at most a year.")})


def _write_experts(campaign: Campaign, rows: list[dict]) -> None:
    campaign.experts.all().delete()
    CampaignExpert.objects.bulk_create(CampaignExpert(campaign=campaign, **row) for row in rows)


# --- writes -------------------------------------------------------------------------------------

def create_campaign(*, actor, now: datetime | None = None, **data) -> Campaign:
    """A new campaign, being mobilised: the scope is still open. Street office and safety office only."""
    check_keeper(actor)
    now = now or timezone.now()
    values = _clean(data, partial=False)
    _check_window(values["starts_on"], values["ends_on"])
    zones, versions, experts = values.pop("zones"), values.pop("versions"), values.pop("experts")
    with transaction.atomic():
        campaign = Campaign.objects.create(created_by=actor, **values)
        campaign.zones.set(zones)
        campaign.versions.set(versions)
        _write_experts(campaign, experts)
        record(campaign, CampaignEventKind.CREATE, actor=actor, to_status=campaign.phase, at=now)
    return campaign


def _scope_of(campaign: Campaign) -> dict:
    return {"sectors": list(campaign.sectors), "flags": list(campaign.flags),
            "zones": sorted(z.pk for z in campaign.zones.all()), "versions": sorted(v.pk for v in campaign.versions.all())}


@transaction.atomic
def edit_campaign(pk, *, actor, now: datetime | None = None, **data) -> Campaign:
    """Change what was sent. The scope (sectors, flags, zones, pinned versions) only before the
    start: afterwards a changed scope is refused (409) and nothing is saved."""
    check_keeper(actor)
    now = now or timezone.now()
    campaign = Campaign.objects.visible_to(actor).select_for_update(of=("self",)).filter(pk=pk).first()
    if campaign is None:
        raise Http404
    if campaign.phase == CampaignPhase.REVIEW:
        raise Refused(_("The campaign is under review: it can no longer be edited."), code="closed")
    values = _clean(data, partial=True)
    before = _scope_of(campaign)
    after = {**before, **{k: (sorted(o.pk for o in v) if k in ("zones", "versions") else v)
                          for k, v in values.items() if k in SCOPE_FIELDS}}
    if campaign.started and after != before:
        raise Refused(_("The campaign has started: its enterprises are frozen and its scope cannot change."),
                      code="scope_frozen")
    _check_window(values.get("starts_on", campaign.starts_on), values.get("ends_on", campaign.ends_on))
    changed = []
    for name, value in values.items():
        if name in ("zones", "versions"):
            if after[name] != before[name]:
                getattr(campaign, name).set(value)
                changed.append(name)
        elif name == "experts":
            _write_experts(campaign, value)
            changed.append(name)
        elif getattr(campaign, name) != value:
            setattr(campaign, name, value)
            changed.append(name)
    plain = [n for n in changed if n not in ("zones", "versions", "experts")]
    if plain:
        campaign.save(update_fields=[*plain, "updated_at"])
    if changed:
        record(campaign, CampaignEventKind.EDIT, actor=actor, data={"fields": sorted(changed)}, at=now)
    return campaign


def scope_queryset(campaign: Campaign):
    """The enterprises the campaign's scope selects now (active ones): what `start` freezes."""
    enterprises = Enterprise.objects.filter(status=EnterpriseStatus.ACTIVE)
    zones = [z.pk for z in campaign.zones.all()]
    if zones:
        enterprises = enterprises.filter(zone_id__in=zones)
    if campaign.sectors or campaign.flags:
        enterprises = enterprises.filter(
            Exists(EnterpriseSector.objects.filter(enterprise_id=OuterRef("pk"), code__in=campaign.sectors))
            | Exists(EnterpriseFlag.objects.filter(enterprise_id=OuterRef("pk"), code__in=campaign.flags)))
    return enterprises


# --- the phase, on the shared engine ------------------------------------------------------------

def _guard(actor, campaign: Campaign, action: str) -> str | None:
    if actor.role == Role.DEPARTMENT and not is_safety_office(actor):
        return _("Only the safety office or the street office may do this.")
    return None


def _start(step: Step) -> Move:
    campaign = step.obj
    ids = list(scope_queryset(campaign).values_list("pk", flat=True))
    if not ids:
        raise Refused(_("No enterprise is in the campaign's scope: widen it before starting."), code="empty_scope")
    CampaignTarget.objects.bulk_create(CampaignTarget(campaign=campaign, enterprise_id=pk, added_at=step.now) for pk in ids)
    campaign.started_at = campaign.phase_changed_at = step.now
    return Move(CampaignEventKind.START, parsers.text(step.params.get("note"), field="note", label=_("Note")),
                {"targets": len(ids)})


def _phase(step: Step) -> Move:
    step.obj.phase_changed_at = step.now
    return Move(CampaignEventKind.PHASE, parsers.text(step.params.get("note"), field="note", label=_("Note")))


CAMPAIGN_WORKFLOW = engine.Workflow(
    model=Campaign,
    transitions=CAMPAIGN_TRANSITIONS,
    handlers={CampaignAction.START: _start, CampaignAction.INSPECT: _phase, CampaignAction.REVIEW: _phase},
    role_of=lambda actor: Role.ADMIN if actor.is_superuser else actor.role,
    action_label=lambda action: CampaignAction(action).label,
    status_label=lambda phase: CampaignPhase(phase).label,
    guard=_guard,
    record=record,
    status_field="phase",
    save_fields=["phase", "started_at", "phase_changed_at", "updated_at"],
    not_now=gettext_lazy("“%(action)s” is not possible while the campaign is in the phase “%(status)s”."),
    wrong_role=gettext_lazy("Your role may not “%(action)s” this campaign."),
)
CAMPAIGN_WORKFLOW.check()


def available_campaign_actions(actor, campaign: Campaign) -> list[str]:
    return engine.available_actions(CAMPAIGN_WORKFLOW, actor, campaign)


def move_campaign(pk, *, actor, action: str, params: dict | None = None, now: datetime | None = None) -> Campaign:
    """Start a campaign (freezing its enterprises) or move it to its next phase: Http404, Refused (409), 400."""
    return engine.apply(CAMPAIGN_WORKFLOW, pk, actor=actor, action=action, params=params, now=now)


def start_campaign(pk, *, actor, now: datetime | None = None) -> Campaign:
    return move_campaign(pk, actor=actor, action=CampaignAction.START, now=now)


def campaign_timeline(campaign: Campaign):
    return CampaignEvent.objects.filter(campaign=campaign).select_related("actor").order_by("created_at", "pk")


__all__ = [
    "CAMPAIGN_WORKFLOW", "available_campaign_actions", "campaign_hazards", "campaign_progress", "campaign_timeline",
    "campaigns_for_list", "check_keeper", "may_keep",
    "create_campaign", "edit_campaign", "is_campaign_expert", "move_campaign", "progress_by_sector", "progress_by_zone",
    "report_data", "scope_queryset", "start_campaign", "targets_with_state", "visible_targets",
]


def campaigns_for_list(user):
    """The campaigns `user` sees, each with its due and inspected counts over the targets `user`
    sees (two subqueries, not a query per row)."""
    targets = CampaignTarget.objects.visible_to(user).filter(campaign_id=OuterRef("pk")).order_by()
    inspected = targets.filter(Exists(inspections_here()))
    return (Campaign.objects.visible_to(user).select_related("lead").prefetch_related("zones")
            .annotate(due=_per_campaign(targets), inspected=_per_campaign(inspected)))


def _per_campaign(targets):
    return Coalesce(Subquery(targets.values("campaign_id").annotate(n=Count("pk")).values("n")[:1],
                             output_field=IntegerField()), Value(0))
