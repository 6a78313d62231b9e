"""The password change page: Django's, which keeps this session and ends the others (their
stored password hash no longer matches), and here also revokes the API token. And the "show full
number" endpoint of personal data (governance.security.personal), and the page listing the
user's devices (API tokens) with a revoke button."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.security.devices import revoke_token, revoke_user_tokens, tokens_of
from governance.security.personal import PERSONAL_FIELDS, reveal


class PasswordChangeView(auth_views.PasswordChangeView):
    def form_valid(self, form):
        response = super().form_valid(form)
        revoke_user_tokens(user=form.user, actor=form.user, reason="password_changed")
        return response


class PersonalDataSerializer(serializers.Serializer):
    value = serializers.CharField()


class PersonalDataView(APIView):
    """POST: the full value of a masked personal field ("show full number"), for the roles that
    need it; every answer with a value is recorded. Pages call it with the session (and CSRF)."""

    @extend_schema(
        request=None,
        responses={200: PersonalDataSerializer, 403: OpenApiResponse(description="Your role sees it masked only."),
                   404: OpenApiResponse(description="No such field, or no such object that you see.")},
        description="Keys: " + ", ".join(sorted(PERSONAL_FIELDS)) + ".",
    )
    def post(self, request, key: str, pk: int):
        return Response({"value": reveal(actor=request.user, key=key, pk=pk)})


# --- the user's devices (API tokens) --------------------------------------------------------------


@login_required
@require_GET
def devices(request):
    """The signed-in person's API tokens, one per device, each with a revoke button."""
    return render(request, "governance/devices.html", {"tokens": list(tokens_of(request.user))})


@login_required
@require_POST
def revoke_device(request, pk: int):
    token = get_object_or_404(tokens_of(request.user), pk=pk)  # someone else's token: 404
    revoke_token(token=token, actor=request.user, reason="revoked")
    messages.success(request, _("The token of %(device)s was revoked.") % {"device": token.device_name or _("an unnamed device")})
    return redirect("account-devices")
