"""What a locked-out login sees, and the log lines of failures and lockouts.

django-axes counts the failures (its AccessAttempt/AccessFailureLog rows are the record) and
calls `lockout_response` (settings.AXES_LOCKOUT_CALLABLE) once a username or an IP address has
reached the limit: the API answers 429 JSON, the HTML and admin logins a page, also 429.
"""

from __future__ import annotations

import logging

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

logger = logging.getLogger("governance.security")

LOCKED_OUT = 429


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return _(
        "Too many failed logins. Logging in is blocked for %(minutes)d minutes; "
        "ask the administrator if you need to be unlocked sooner."
    ) % {"minutes": minutes}


def lockout_response(request: HttpRequest, original_response=None, credentials: dict | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": lockout_message(), "code": "locked_out"}, status=LOCKED_OUT)
    return render(request, "registration/lockout.html", {"message": lockout_message()}, status=LOCKED_OUT)


def _client_ip(request) -> str:
    return getattr(request, "axes_ip_address", None) or (request.META.get("REMOTE_ADDR", "") if request else "")


@receiver(user_login_failed, dispatch_uid="governance.security.log_login_failure")
def log_login_failure(sender, credentials, request=None, **kwargs):
    logger.warning(
        "login failed: username=%r ip=%s path=%s",
        (credentials or {}).get("username"),
        _client_ip(request),
        getattr(request, "path", ""),
    )


@receiver(user_locked_out, dispatch_uid="governance.security.log_lockout")
def log_lockout(sender, request=None, username=None, ip_address=None, **kwargs):
    logger.warning("login locked out: username=%r ip=%s", username, ip_address)
