"""Session limits and ending a user's sessions.

`SessionLimitsMiddleware` logs a user out after settings.SESSION_IDLE_MINUTES without a request
and settings.SESSION_COOKIE_AGE seconds after the session began, whatever the activity (Django's
own expiry moves forward each time the session is saved, so it is no absolute limit).
`end_user_sessions` is the administrator's "log this person out everywhere".
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.models import Session
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone

from governance.security.devices import revoke_user_tokens

logger = logging.getLogger("governance.security")

STARTED = "security_started_at"
LAST_ACTIVITY = "security_last_activity"
# The last-activity stamp is written at most this often, not on every request.
STAMP_EVERY_SECONDS = 60


@receiver(user_logged_in, dispatch_uid="governance.security.stamp_session")
def stamp_session(sender, request, user, **kwargs):
    """Start both clocks at login, so that the first requests need not write the session."""
    now = timezone.now().timestamp()
    request.session[STARTED] = now
    request.session[LAST_ACTIVITY] = now


class SessionLimitsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self._check(request, user)
        return self.get_response(request)

    def _check(self, request, user) -> None:
        session = request.session
        now = timezone.now().timestamp()
        started = session.get(STARTED)
        last = session.get(LAST_ACTIVITY)
        if started is None:
            session[STARTED] = started = now
        reason = None
        if last is not None and now - last > settings.SESSION_IDLE_MINUTES * 60:
            reason = "idle"
        elif now - started > settings.SESSION_COOKIE_AGE:
            reason = "lifetime"
        if reason:
            logger.info("session ended (%s): username=%r", reason, user.get_username())
            logout(request)
            return
        if last is None or now - last >= STAMP_EVERY_SECONDS:
            session[LAST_ACTIVITY] = now


@transaction.atomic
def end_user_sessions(*, user) -> tuple[int, int]:
    """Delete every stored session of `user` and revoke their API tokens; returns (sessions, tokens)."""
    key = str(user.pk)
    ended = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") == key
    ]
    Session.objects.filter(session_key__in=ended).delete()
    tokens = revoke_user_tokens(user=user, reason="sessions_ended")
    logger.info("sessions ended by the administrator: username=%r sessions=%d tokens=%d", user.get_username(), len(ended), tokens)
    return len(ended), tokens
