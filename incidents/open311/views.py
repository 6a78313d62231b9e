"""The GeoReport v2 endpoints. Each answers in the format of its URL suffix (.json/.xml), else of
a `format` argument, else XML (the spec's required format); every refusal is the spec's list of
{code, description} with that code as the HTTP status, never a page and never a 500.

Only POST requests needs an api_key: the public read is open to anyone (incidents/open311/public.py
says what it shows)."""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from grids.filters import FIRST_DAY, LAST_DAY
from incidents.models import Open311Request
from incidents.open311 import formats, public
from incidents.open311.formats import errors, render
from incidents.open311.keys import authenticate_key, over_rate
from incidents.open311.submission import UnknownService, parse, submit

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-12-02T00:00:00+08:00"  # when this endpoint's behaviour last changed


def _format_of(request, suffix: str | None) -> str | None:
    chosen = (suffix or request.GET.get("format") or request.POST.get("format") or formats.XML).lower()
    return chosen if chosen in formats.FORMATS else None


def endpoint(*methods: str):
    """Resolve the format, check the method and the jurisdiction, then call the view with `fmt`."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, format: str | None = None, **kwargs):
            fmt = _format_of(request, format)
            if fmt is None:
                return errors(formats.XML, 400, _("Unknown format: use json or xml."))
            if request.method not in methods:
                response = errors(fmt, 405, _("Method %(method)s is not allowed here.") % {"method": request.method})
                response["Allow"] = ", ".join(methods)
                return response
            jurisdiction = (request.GET.get("jurisdiction_id") or request.POST.get("jurisdiction_id") or "").strip()
            if jurisdiction and settings.OPEN311_JURISDICTION_ID and jurisdiction != settings.OPEN311_JURISDICTION_ID:
                return errors(fmt, 404, _("jurisdiction_id %(id)s was not found.") % {"id": jurisdiction})
            return view(request, fmt, *args, **kwargs)

        return csrf_exempt(wrapper)

    return decorate


@endpoint("GET")
def discovery(request, fmt: str):
    url = request.build_absolute_uri(reverse("open311:discovery")).rsplit("/discovery", 1)[0]
    return render(fmt, "discovery", {
        "changeset": CHANGESET,
        "contact": settings.OPEN311_CONTACT or _("Ask the sub-district office's system administrator."),
        "key_service": settings.OPEN311_KEY_SERVICE
        or _("api_keys are issued per client by the sub-district's administrator (Admin → Open311 clients)."),
        "endpoints": [{
            "specification": SPECIFICATION, "url": url, "changeset": CHANGESET, "type": "production",
            "formats": formats.MEDIA_TYPES,
        }],
    })


@endpoint("GET")
def services(request, fmt: str):
    return render(fmt, "services", public.services())


@endpoint("GET")
def service_definition(request, fmt: str, code: str):
    category = public.public_service(code)
    if category is None:
        return errors(fmt, 404, _("service_code %(code)s was not found.") % {"code": code})
    return render(fmt, "service_definition", public.service_definition(category))


def _when(request, name: str):
    raw = (request.GET.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = parse_datetime(raw.replace(" ", "+"))  # a "+" left unescaped in a query string reads as a space
    except ValueError:  # well formed but not a date, e.g. month 13
        value = None
    if value is None or timezone.is_naive(value):
        raise ValidationError(_("%(name)s must be a W3C datetime with its offset, e.g. 2026-01-01T00:00:00+08:00.") % {"name": name})
    if not FIRST_DAY <= value.date() <= LAST_DAY:  # the 90-day span around it must stay a datetime
        raise ValidationError(_("%(name)s must fall between 2000 and 2100.") % {"name": name})
    return value


def _list(request, name: str) -> list[str]:
    return [item.strip() for item in (request.GET.get(name) or "").split(",") if item.strip()]


def _list_requests(request, fmt: str):
    try:
        start, end = _when(request, "start_date"), _when(request, "end_date")
    except ValidationError as error:
        return errors(fmt, 400, *error.messages)
    if start and end and (end < start or end - start > public.MAX_SPAN):
        return errors(fmt, 400, _("start_date and end_date may span at most 90 days, start first."))
    statuses = _list(request, "status")
    unknown = set(statuses) - {public.OPEN, public.CLOSED}
    if unknown:
        return errors(fmt, 400, _("status may be open or closed."))
    cases = public.filtered_cases(
        ids=_list(request, "service_request_id"), service_codes=_list(request, "service_code"),
        start=start, end=end, statuses=statuses, now=timezone.now(),
    )
    return render(fmt, "service_requests", [public.request(case) for case in cases])


def _descriptions(error: ValidationError) -> list[str]:
    """Each problem as "field: message" (the spec's description names what was wrong)."""
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    return [f"{field}: {message}" for field, messages in error.message_dict.items() for message in messages]


def _create_request(request, fmt: str):
    key = authenticate_key((request.POST.get("api_key") or request.GET.get("api_key") or "").strip())
    if key is None:
        return errors(fmt, 403, _("Invalid api_key received: cannot create the request."))
    wait = over_rate(key.client)
    if wait:
        response = errors(fmt, 429, _("Too many requests from this client: try again in %(seconds)d seconds.") % {"seconds": wait})
        response["Retry-After"] = str(wait)
        return response
    try:
        report = parse(request.POST)
        media = request.FILES.get("media")
        filed = submit(key=key, report=report, photos=[media] if media else None)
    except UnknownService:
        return errors(fmt, 404, _("service_code %(code)s was not found.") % {"code": request.POST.get("service_code")})
    except ValidationError as error:
        return errors(fmt, 400, *_descriptions(error))
    incident = public.public_cases().get(pk=filed.incident_id)
    if filed.linked:
        notice = _("Added to an open report of the same problem nearby (%(code)s).") % {"code": incident.code}
    else:
        notice = public.service_notice(incident)
    answer = {"token": filed.token} if settings.OPEN311_SERVICE_TYPE == "batch" else {"service_request_id": incident.code}
    answer.update({"service_notice": notice, "account_id": filed.account_id or None})
    return render(fmt, "service_requests", [answer])


@endpoint("GET", "POST")
def requests_(request, fmt: str):
    if request.method == "POST":
        return _create_request(request, fmt)
    return _list_requests(request, fmt)


@endpoint("GET")
def request_detail(request, fmt: str, request_id: str):
    case = public.public_cases().filter(code=request_id).first()
    if case is None:
        return errors(fmt, 404, _("service_request_id %(id)s was not found.") % {"id": request_id})
    return render(fmt, "service_requests", [public.request(case)])


@endpoint("GET")
def token(request, fmt: str, token: str):
    found = (
        Open311Request.objects.filter(Q(token=token), incident__category__in=public.public_categories())
        .values_list("incident__code", flat=True).first()
    )
    if found is None:
        return errors(fmt, 404, _("token %(token)s was not found.") % {"token": token})
    return render(fmt, "service_requests", [{"service_request_id": found, "token": token}])
