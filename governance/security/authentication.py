"""API tokens, one per device (governance.security.devices): `ExpiringTokenAuthentication` (in
REST_FRAMEWORK's authentication classes) reads `Authorization: Token <key>`, finds the device's
token by the key's hash and refuses an expired one with 401. Kept apart from the views: DRF
imports this module while it is still loading its own views."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        from governance.security.devices import authenticate_token, is_expired

        token = authenticate_token(key)
        if token is None:
            raise AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise AuthenticationFailed(_("User inactive or deleted."))
        if is_expired(token):
            raise AuthenticationFailed(_("The token has expired; log in again for a new one."), code="token_expired")
        return token.user, token
