"""Pages of the assessment, under /assessment/ (namespace `assessment`): rankings per subject type
(with an ECharts bar chart), a subject's own scores, a sheet with its lines and their drill-down
to the exact cases, appeals, the dismissal review list, schemes, exclusions and the Excel files.

Thin: reads through selectors (scoped by `visible_to`: out of scope is 404), writes through
services/appeals; a refusal becomes a message (403 for a role that may not act at all)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from casework.errors import Forbidden, Refused
from casework.files import private_file_response
from casework.http import forbid, refusal_message
from casework.spreadsheets import CONTENT_TYPE as XLSX
from contractors.selectors.scorecard import Period as CardPeriod
from governance.assessment import appeals, exports, selectors, services
from governance.assessment.choices import AppealStatus, ExclusionReason, SubjectType
from governance.assessment.models import AppealFile, Exclusion, Period
from governance.assessment.sources_contractors import CONTRACTOR_MEASURES
from grids.access import get_visible_or_404
from incidents.models import Incident

PAGE_SIZE = 50


def _attempt(request, service: Callable, /, *args, **kwargs):
    try:
        return service(*args, **kwargs), True
    except Forbidden as error:
        raise forbid(error) from None
    except (Refused, ValidationError) as error:
        messages.error(request, refusal_message(error))
    return None, False


def _period_and_type(request):
    types = selectors.subject_types_for(request.user)
    if not types:
        raise Http404
    raw = request.GET.get("period")
    if raw:
        period = get_visible_or_404(Period, request.user, pk=raw)
    else:
        period = selectors.default_period(request.user)
    subject_type = request.GET.get("type") or types[0][0]
    if subject_type not in dict(types):
        raise Http404
    return period, subject_type, types


@login_required
@require_GET
def ranking(request):
    period, subject_type, types = _period_and_type(request)
    rows = list(selectors.ranking(request.user, period, subject_type)) if period else []
    chart = [{"name": s.subject_name, "total": None if s.total is None else float(s.total), "grade": s.grade,
              "url": reverse("assessment:sheet", args=[s.pk])} for s in rows if s.total is not None]
    return render(request, "governance/assessment/ranking.html", {
        "period": period, "periods": selectors.periods(request.user)[:36], "subject_type": subject_type,
        "subject_label": SubjectType(subject_type).label, "types": types, "rows": rows, "chart": chart,
        "can_run": request.user.sees_everything,
    })


@login_required
@require_GET
def ranking_export(request):
    period, subject_type, _types = _period_and_type(request)
    if period is None:
        raise Http404
    rows = selectors.ranking(request.user, period, subject_type)
    title = f"{SubjectType(subject_type).label} {period.start:%Y-%m}"
    body = exports.export_ranking(rows, title=title, exported_by=request.user)
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{exports.filename("assessment-" + subject_type)}"'
    return response


@login_required
@require_GET
def reward_sheet(request, pk: int):
    period = get_visible_or_404(Period, request.user, pk=pk)
    if not (request.user.sees_everything or request.user.role == "zone_leader"):
        raise Http404
    rows = selectors.ranking(request.user, period, SubjectType.COMMUNITY)
    response = HttpResponse(exports.export_reward_sheet(rows, exported_by=request.user), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{exports.filename("community-rewards")}"'
    return response


@login_required
@require_GET
def mine(request):
    return render(request, "governance/assessment/mine.html", {"sheets": selectors.own_sheets(request.user)})


@login_required
@require_GET
def sheet_detail(request, pk: int):
    sheet = selectors.sheet(request.user, pk)
    period = sheet.period
    now = timezone.now()
    window_open = period.is_published and sheet.is_current and period.appeal_until and now <= period.appeal_until
    return render(request, "governance/assessment/sheet.html", {
        "sheet": sheet, "period": period, "versions": selectors.versions(sheet),
        "comments": sheet.comments.select_related("author"),
        "appeals": sheet.appeals.select_related("submitted_by", "incident"),
        "may_appeal": bool(window_open) and appeals.may_appeal(request.user, sheet),
        "may_comment": sheet.period.is_published and (request.user.sees_everything or request.user.role == "zone_leader"),
    })


@login_required
@require_GET
def line_detail(request, pk: int, key: str):
    sheet = selectors.sheet(request.user, pk)
    line = selectors.line_or_404(sheet, key)
    page = Paginator(selectors.line_rows(request.user, line), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "governance/assessment/line.html", {
        "sheet": sheet, "line": line, "page": page, "rows": page.object_list,
        "num_ids": set(line["num_ids"]), "den_ids": set(line["den_ids"]), "is_hazard": line.get("source") == "hazards",
        **_contractor_line(sheet, line),
    })


def _contractor_line(sheet, line: dict) -> dict:
    """A contractor's line links each row to the contract's scorecard line of the same quarter."""
    if line.get("source") != "contractors":
        return {}
    kpi = CONTRACTOR_MEASURES[line["numerator_metric"]].kpi
    return {"is_contractor": True, "card_kpi": kpi, "card_period": CardPeriod.quarter_of(sheet.period.start).label}


@login_required
@require_POST
def sheet_comment(request, pk: int):
    sheet = selectors.sheet(request.user, pk)
    _result, ok = _attempt(request, services.comment_on_sheet, sheet.pk, actor=request.user, text=request.POST.get("text", ""))
    if ok:
        messages.success(request, _("Comment added."))
    return redirect("assessment:sheet", sheet.pk)


@login_required
@require_POST
def sheet_appeal(request, pk: int):
    sheet = selectors.sheet(request.user, pk)
    appeal, ok = _attempt(
        request, appeals.submit_appeal, sheet.pk, actor=request.user, line_key=request.POST.get("line_key", ""),
        reason=request.POST.get("reason", ""), evidence=request.POST.get("evidence", ""),
        incident_id=request.POST.get("incident") or None, files=request.FILES.getlist("files"),
    )
    if ok:
        messages.success(request, _("Appeal submitted."))
        return redirect("assessment:appeal", appeal.pk)
    return redirect("assessment:sheet", sheet.pk)


@login_required
@require_GET
def appeal_list(request):
    rows = selectors.appeals(request.user)
    status = request.GET.get("status")
    if status in AppealStatus.values:
        rows = rows.filter(status=status)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "governance/assessment/appeals.html", {
        "page": page, "rows": page.object_list, "statuses": AppealStatus.choices, "status": status,
        "total": page.paginator.count})


@login_required
@require_GET
def appeal_detail(request, pk: int):
    appeal = selectors.appeal(request.user, pk)
    return render(request, "governance/assessment/appeal.html", {
        "appeal": appeal, "line": appeal.sheet.line(appeal.line_key), "events": appeal.events.select_related("actor"),
        "files": appeal.files.all(),
        "actions": appeals.available(request.user, appeal), "badge": selectors.badge(appeal.status),
    })


@login_required
@require_GET
def appeal_file(request, pk: int, file_pk: int):
    """An evidence file, to those who may see the appeal (404 to everyone else)."""
    row = get_visible_or_404(AppealFile.objects.filter(appeal_id=pk), request.user, pk=file_pk)
    if row.is_pdf:
        return private_file_response(row.document, content_type="application/pdf", filename=row.original_name or None)
    return private_file_response(row.image, content_type="image/jpeg")


@login_required
@require_POST
def appeal_act(request, pk: int):
    appeal = selectors.appeal(request.user, pk)
    action = request.POST.get("action", "")
    _result, ok = _attempt(request, appeals.act, appeal.pk, actor=request.user, action=action,
                           params={k: request.POST.get(k, "") for k in ("opinion", "note", "points")})
    if ok:
        messages.success(request, _("Done."))
    return redirect("assessment:appeal", appeal.pk)


@login_required
@require_POST
def period_publish(request, pk: int):
    period = get_visible_or_404(Period, request.user, pk=pk)
    if not request.user.sees_everything:
        raise Http404
    _result, ok = _attempt(request, services.publish_period, period.pk, actor=request.user)
    if ok:
        messages.success(request, _("Published: the scores are frozen; appeals are open."))
    return redirect(reverse("assessment:ranking") + f"?period={period.pk}")


@login_required
@require_POST
def period_compute(request, pk: int):
    period = get_visible_or_404(Period, request.user, pk=pk)
    if not request.user.sees_everything:
        raise Http404
    _result, ok = _attempt(request, services.compute_provisional, period.pk)
    if ok:
        messages.success(request, _("Provisional scores recomputed."))
    return redirect(reverse("assessment:ranking") + f"?period={period.pk}")


@login_required
@require_POST
def period_create(request):
    if not request.user.sees_everything:
        raise Http404
    try:
        day = timezone.datetime.fromisoformat(request.POST.get("day", "")).date()
    except ValueError:
        messages.error(request, _("Give a date, e.g. 2026-11-01."))
        return redirect("assessment:ranking")
    kind = request.POST.get("kind", "")
    period, ok = _attempt(request, services.period_for, kind, day)
    return redirect(reverse("assessment:ranking") + (f"?period={period.pk}" if ok else ""))


@login_required
@require_GET
def dismissal_list(request):
    if not (request.user.sees_everything or request.user.role == "zone_leader"):
        raise Http404
    return render(request, "governance/assessment/dismissal.html", {"sheets": selectors.dismissal_review(request.user)})


@login_required
@require_GET
def scheme_list(request):
    return render(request, "governance/assessment/schemes.html", {"schemes": selectors.schemes(request.user)})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def scheme_detail(request, pk: int):
    from governance.assessment.models import Scheme

    scheme = get_visible_or_404(Scheme.objects.prefetch_related("indicators"), request.user, pk=pk)
    if request.method == "POST":
        if not request.user.sees_everything:
            raise Http404
        indicators = {
            ind.key: {name: request.POST.get(f"{ind.key}-{name}", "") for name in services.INDICATOR_FIELDS}
            for ind in scheme.indicators.all()
        }
        grades = [{"min": request.POST.get(f"grade-{i}-min"), "coefficient": request.POST.get(f"grade-{i}-coefficient")}
                  for i in range(len(scheme.grades))]
        new, ok = _attempt(request, services.revise_scheme, scheme.pk, actor=request.user, indicators=indicators,
                           grades=grades, note=request.POST.get("note", ""))
        if ok:
            messages.success(request, _("Saved as version %(v)s.") % {"v": new.version})
            return redirect("assessment:scheme", new.pk)
    return render(request, "governance/assessment/scheme.html", {
        "scheme": scheme, "indicators": scheme.indicators.all(), "editable": request.user.sees_everything and scheme.is_current})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def exclusions(request):
    if not request.user.sees_everything:
        raise Http404
    if request.method == "POST":
        code = (request.POST.get("code") or "").strip()
        incident = Incident.objects.visible_to(request.user).filter(code=code).only("pk").first()
        if incident is None:
            messages.error(request, _("No case with this code."))
        else:
            _result, ok = _attempt(request, services.exclude_case, incident.pk, actor=request.user,
                                   reason=request.POST.get("reason", ""), note=request.POST.get("note", ""))
            if ok:
                messages.success(request, _("The case is not counted for assessment."))
                return redirect("assessment:exclusions")
    rows = Exclusion.objects.visible_to(request.user).select_related("incident", "approved_by")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "governance/assessment/exclusions.html", {
        "page": page, "rows": page.object_list, "reasons": [c for c in ExclusionReason.choices if c[0] != "appeal"]})
