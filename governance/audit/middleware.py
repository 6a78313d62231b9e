"""Keeps the request being served where `record` finds it, and records every 403 answer.

Placed after the authentication middlewares (and after django-axes) so that `request.user` is
known. A 403 reaches it however it was made: PermissionDenied raised by a page (the reason is
taken in process_exception before Django turns it into the 403 page), DRF's refusal (the body's
code), a service's Forbidden mapped by casework.http, or a refused CSRF token.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from governance.audit.models import Kind
from governance.audit.services import current_request, record

REASON = "audit_reason"  # also set by governance.errors.csrf_failure


class AuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        try:
            response = self.get_response(request)
            if response.status_code == 403:
                record(Kind.PERMISSION_DENIED, request=request, status=403, reason=self._reason(request, response))
            return response
        finally:
            current_request.reset(token)

    def process_exception(self, request, exception):
        if isinstance(exception, PermissionDenied):
            setattr(request, REASON, str(exception)[:200] or "permission_denied")
        return None

    @staticmethod
    def _reason(request, response) -> str:
        reason = getattr(request, REASON, "")
        if reason:
            return reason
        data = getattr(response, "data", None)
        if isinstance(data, dict):
            return str(data.get("code") or data.get("detail") or "")[:200]
        return ""
