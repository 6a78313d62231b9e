"""API tokens expire: `ExpiringTokenAuthentication` (in REST_FRAMEWORK's authentication classes)
refuses a token older than settings.API_TOKEN_DAYS with 401. Kept apart from the views: DRF
imports this module while it is still loading its own views."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed


def token_expired(token: Token) -> bool:
    return token.created < timezone.now() - timedelta(days=settings.API_TOKEN_DAYS)


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_expired(token):
            raise AuthenticationFailed(_("The token has expired; log in again for a new one."), code="token_expired")
        return user, token
