"""The password change page: Django's, which keeps this session and ends the others (their
stored password hash no longer matches), and here also revokes the API token."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from rest_framework.authtoken.models import Token


class PasswordChangeView(auth_views.PasswordChangeView):
    def form_valid(self, form):
        response = super().form_valid(form)
        Token.objects.filter(user=form.user).delete()
        return response
