"""Pages of campaigns: the list, the report page (progress, breakdowns, targets to inspect), the
create/edit form, the phase actions and the Excel ledger. Thin, scoped, calling services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from casework.audit import record_export
from casework.errors import Forbidden, Refused
from casework.http import forbid, refusal_message
from casework.once import create_once
from casework.spreadsheets import CONTENT_TYPE
from grids.access import get_visible_or_404
from grids.listing import FilteredListView
from inspections.choices import CampaignAction
from inspections.fieldwork_filters import CampaignFilter
from inspections.forms import CampaignForm
from inspections.models import Campaign, ChecklistVersion
from inspections.services import campaigns as service
from inspections.services.campaign_sheets import campaign_ledger
from inspections.services.inspections import may_inspect

TARGET_PAGE = 50


class CampaignListView(FilteredListView):
    template_name = "inspections/campaign_list.html"
    filterset_class = CampaignFilter
    queryset = Campaign.objects.all()
    context_object_name = "campaigns"

    def scoped_queryset(self):
        return service.campaigns_for_list(self.request.user)

    def get_extra_context(self, context):
        return {"can_keep": service.may_keep(self.request.user)}


def _campaign(request, pk):
    return get_visible_or_404(Campaign.objects.select_related("lead").prefetch_related(
        "zones", "experts", Prefetch("versions", queryset=ChecklistVersion.objects.select_related("template"))),
        request.user, pk=pk)


@login_required
@require_GET
def campaign_detail(request, pk: int):
    """The campaign's report page: its figures, per zone and per sector, the targets (each with a
    link to inspect it on the phone), the timeline and, for its keepers, the phase actions."""
    campaign = _campaign(request, pk)
    page = Paginator(service.targets_with_state(campaign, request.user), TARGET_PAGE).get_page(request.GET.get("page"))
    actions = service.available_campaign_actions(request.user, campaign)
    return render(request, "inspections/campaign_detail.html", {
        "campaign": campaign, **service.report_data(campaign, request.user), "page_obj": page, "targets": page.object_list,
        "is_paginated": page.has_other_pages(),
        "events": service.campaign_timeline(campaign), "actions": [(a, CampaignAction(a).label) for a in actions],
        "can_keep": service.may_keep(request.user), "may_inspect": may_inspect(request.user) and campaign.phase in (
            "self_check", "inspection"),
    })


@login_required
@require_POST
def campaign_act(request, pk: int):
    action = request.POST.get("action", "")
    try:
        service.move_campaign(pk, actor=request.user, action=action, params={"note": request.POST.get("note", "")})
    except (Refused, ValidationError) as error:
        if not Campaign.objects.visible_to(request.user).filter(pk=pk).exists():
            raise Http404 from None
        messages.error(request, refusal_message(error))
    else:
        messages.success(request, CampaignAction(action).label)
    return redirect("inspections:campaign-detail", pk)


@login_required
@require_GET
def campaign_ledger_export(request, pk: int):
    campaign = _campaign(request, pk)
    response = HttpResponse(campaign_ledger(campaign, user=request.user), content_type=CONTENT_TYPE)
    record_export(request, "campaign_ledger", rows=None, target=campaign)
    response["Content-Disposition"] = f'attachment; filename="campaign-{campaign.pk}.xlsx"'
    return response


def _keeper(request) -> None:
    try:
        service.check_keeper(request.user)
    except Forbidden as error:
        raise forbid(error) from None


def _initial(campaign: Campaign) -> dict:
    return {
        "title": campaign.title, "theme": campaign.theme, "lead": campaign.lead_id, "starts_on": campaign.starts_on,
        "ends_on": campaign.ends_on, "description": campaign.description, "sectors": campaign.sectors,
        "flags": campaign.flags, "zones": list(campaign.zones.all()), "versions": list(campaign.versions.all()),
        "experts": [{"name": e.name, "qualification": e.qualification, "organisation": e.organisation,
                     "user": e.user_id or ""} for e in campaign.experts.all()],
    }


@login_required
@require_http_methods(["GET", "POST"])
def campaign_form(request, pk: int | None = None):
    """Create a campaign, or edit one (its scope only until it starts)."""
    campaign = _campaign(request, pk) if pk is not None else None
    _keeper(request)
    frozen = bool(campaign and campaign.started)
    form = CampaignForm(request.POST or None, initial=_initial(campaign) if campaign else None, frozen=frozen)
    if request.method == "POST" and form.is_valid():
        try:
            if campaign is None:
                campaign, _created = create_once(
                    request, lambda: service.create_campaign(actor=request.user, **form.service_data()))
            else:
                service.edit_campaign(campaign.pk, actor=request.user, **form.service_data())
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except Refused as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Campaign saved."))
            return redirect("inspections:campaign-detail", campaign.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "inspections/campaign_form.html", {"form": form, "campaign": campaign, "frozen": frozen},
                  status=status)
