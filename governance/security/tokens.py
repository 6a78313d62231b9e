"""The token endpoints, behind a login that django-axes throttles.

POST auth/token/ exchanges username and password (and an optional device name) for a token of that
device, replacing the device's old one; DELETE auth/token/ revokes the token the call is made with.
GET auth/tokens/ lists the caller's devices (never a key), DELETE auth/tokens/{id}/ revokes one of
them (someone else's: 404).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import NotAuthenticated
from rest_framework.response import Response

from governance.security.devices import clean_device_name, issue_token, revoke_token, tokens_of
from governance.security.models import ApiToken


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    device_name = serializers.CharField(required=False, allow_blank=True, max_length=80,
                                        help_text="The device this token is for; a new token for the same device replaces its old one.")


class TokenView(ObtainAuthToken):
    def get_serializer_context(self):
        # django-axes reads and marks the Django request (not DRF's wrapper): its middleware turns
        # the mark into the 429 lockout answer.
        return {**super().get_serializer_context(), "request": self.request._request}

    def perform_authentication(self, request):
        # POST is the login itself: an old or expired token in the headers must not stand in its way.
        if request.method != "POST":
            super().perform_authentication(request)

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: inline_serializer("TokenIssued", {
            "token": serializers.CharField(), "id": serializers.IntegerField(), "device_name": serializers.CharField(),
            "expires_at": serializers.DateTimeField(),
        })},
    )
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        device_name = clean_device_name(request.data.get("device_name"))  # a ValidationError answers 400
        token, raw = issue_token(user=serializer.validated_data["user"], device_name=device_name)
        return Response({"token": raw, "id": token.pk, "device_name": token.device_name, "expires_at": token.expires_at})

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            raise NotAuthenticated()
        if isinstance(request.auth, ApiToken):
            revoke_token(token=request.auth, actor=request.user, reason="logout")
        return Response(status=status.HTTP_204_NO_CONTENT)


token_view = TokenView.as_view()


class ApiTokenSerializer(serializers.ModelSerializer):
    current = serializers.SerializerMethodField(help_text="Whether this call is made with this token.")

    class Meta:
        model = ApiToken
        fields = ["id", "device_name", "created_at", "last_used_at", "expires_at", "current"]

    def get_current(self, obj) -> bool:
        auth = self.context["request"].auth
        return isinstance(auth, ApiToken) and auth.pk == obj.pk


class ApiTokenViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """The caller's API tokens, one per device; DELETE revokes one."""

    serializer_class = ApiTokenSerializer
    queryset = ApiToken.objects.none()
    pagination_class = None  # a person has a handful of devices

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ApiToken.objects.none()
        return tokens_of(self.request.user)  # someone else's token: 404

    def perform_destroy(self, instance):
        revoke_token(token=instance, actor=self.request.user, reason="revoked")


def register(router) -> None:
    router.register("auth/tokens", ApiTokenViewSet, basename="api-token-device")
