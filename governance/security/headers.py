"""Permissions-Policy: which browser features a page may use.

Every page is denied the camera, microphone, geolocation and the rest; only the field pages (a
worker reporting a case, an inspector filling a checklist on site) may use geolocation and the
camera, and only from our own origin. The pages are named by URL name in
settings.PERMISSIONS_POLICY_FIELDWORK_URLS so that a new field page is one line there.
The Content-Security-Policy itself is django-csp's (settings.CONTENT_SECURITY_POLICY).
"""

from __future__ import annotations

from django.conf import settings

HEADER = "Permissions-Policy"
DENIED = ("accelerometer", "autoplay", "camera", "display-capture", "geolocation", "gyroscope",
          "magnetometer", "microphone", "payment", "usb", "interest-cohort")
FIELDWORK = ("camera", "geolocation")


def policy_for(url_name: str | None) -> str:
    allowed = FIELDWORK if url_name in settings.PERMISSIONS_POLICY_FIELDWORK_URLS else ()
    return ", ".join(f"{feature}=(self)" if feature in allowed else f"{feature}=()" for feature in DENIED)


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if HEADER not in response:
            match = getattr(request, "resolver_match", None)
            response[HEADER] = policy_for(match.view_name if match else None)
        return response
