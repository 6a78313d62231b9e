"""The token endpoint, behind a login that django-axes throttles.

`TokenView` POST exchanges username and password for a token (a fresh one once the old has
expired), DELETE revokes the caller's token.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import NotAuthenticated
from rest_framework.response import Response

from governance.security.authentication import token_expired


class TokenView(ObtainAuthToken):
    def get_serializer_context(self):
        # django-axes reads and marks the Django request (not DRF's wrapper): its middleware turns
        # the mark into the 429 lockout answer.
        return {**super().get_serializer_context(), "request": self.request._request}

    def perform_authentication(self, request):
        # POST is the login itself: an old or expired token in the headers must not stand in its way.
        if request.method != "POST":
            super().perform_authentication(request)

    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        token, _created = Token.objects.get_or_create(user=user)
        if token_expired(token):
            token.delete()
            token = Token.objects.create(user=user)
        return Response({"token": token.key})

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            raise NotAuthenticated()
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


token_view = TokenView.as_view()
