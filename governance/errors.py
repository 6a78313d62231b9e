"""The site's error pages (403, 404, 500, CSRF failure): in its layout and language, with a way back.

A 404 says the same for "missing" and "not yours" (the page shows neither the path nor the reason),
so it cannot be used to probe which cases exist. The API answers JSON instead of a page.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _page(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"detail": message}, status=status)
    referer = request.META.get("HTTP_REFERER", "")
    back = referer if url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}) else ""
    context = {"status": status, "title": title, "message": message, "back": back}
    try:
        body = loader.render_to_string("errors/page.html", context, request=request)
    except Exception:  # the layout itself failed (e.g. the database is down): a plain page, never a second 500
        logger.exception("error page %s could not be rendered in the layout", status)
        body = loader.render_to_string("errors/plain.html", context)
    return HttpResponse(body, status=status)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return _page(request, 404, _("Page not found"),
                 _("There is nothing here, or it is not yours to see. Check the link, or go back."))


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return _page(request, 403, _("Not allowed"), _("Your role may not do this. Ask your zone leader if you think it should."))


def server_error(request: HttpRequest) -> HttpResponse:
    return _page(request, 500, _("Something went wrong"), _(
        "The page failed on our side and nothing was changed. Try again in a moment; if it keeps failing, tell the administrator."
    ))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    request.audit_reason = f"csrf: {reason}"[:200]  # the audit trail's record of this 403 (governance.audit.middleware)
    return _page(request, 403, _("The form had expired"), _(
        "The page was open too long or you were logged out meanwhile, so it was not sent. Go back, reload the page and send it again."
    ))
