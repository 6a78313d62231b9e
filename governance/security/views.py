"""The password change page: Django's, which keeps this session and ends the others (their
stored password hash no longer matches), and here also revokes the API token. And the "show full
number" endpoint of personal data (governance.security.personal)."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.security.personal import PERSONAL_FIELDS, reveal


class PasswordChangeView(auth_views.PasswordChangeView):
    def form_valid(self, form):
        response = super().form_valid(form)
        Token.objects.filter(user=form.user).delete()
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
