"""One log line per request, and the request id that ties it to everything the request caused.

The id comes from the proxy's `X-Request-ID` when it is a plain token (nginx sets it to
`$request_id`), or is made here; it is sent back in the response's `X-Request-ID`, bound into every
log line of the request, and carried into the Celery tasks the request enqueues
(governance.operations.celery_signals). The line names the route's pattern, not the path: paths
carry ids and search terms, patterns group requests and hold no personal data.
"""

from __future__ import annotations

import re
import time
import uuid

import structlog
from django.utils.functional import SimpleLazyObject, empty

logger = structlog.get_logger("grid.request")

HEADER = "X-Request-ID"
_ACCEPTED = re.compile(r"[A-Za-z0-9._:-]{1,64}")


def request_id_from(request) -> str:
    sent = request.headers.get(HEADER, "")
    return sent if _ACCEPTED.fullmatch(sent) else uuid.uuid4().hex


def current_request_id() -> str | None:
    return structlog.contextvars.get_contextvars().get("request_id")


def _user_id(request) -> int | None:
    """The user's id if the request loaded the user; reading it here must not cost a query."""
    user = getattr(request, "user", None)
    if user is None or (isinstance(user, SimpleLazyObject) and user._wrapped is empty):
        return None
    return user.pk if user.is_authenticated else None


def _route(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None or match.route is None:
        return "<unmatched>"
    # The API router's patterns are regular expressions ("incidents/$"): the anchor is no part of the template.
    return "/" + match.route.removesuffix("$")


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_from(request)
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request.request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[HEADER] = request.request_id
            logger.info(
                "request", method=request.method, path=_route(request), status=response.status_code,
                duration_ms=round((time.perf_counter() - started) * 1000, 1), user_id=_user_id(request),
            )
            return response
        finally:
            structlog.contextvars.clear_contextvars()
