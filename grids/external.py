"""The narrow door of outside participants (Role.EXTERNAL: the procuratorate's and the police's
people at a joint interview).

Their scope is closed by default twice over. Every ScopedQuerySet answers none() for a role
without a `for_<role>` rule, so a list shows nothing; and this middleware answers 404 for every
page and endpoint that has not declared itself open to them (`open_to_external`), so they do not
even see empty lists of cases, enterprises or hazards, nor the dashboard, meetings or the API
schema. A view opened to them must still start from `visible_to(user)`, whose `for_external`
rule says which rows (an interview they take part in).

The API authenticates inside DRF (tokens), after the middleware has run, so the same rule is
also the default DRF permission (`ExternalScopePermission`): a viewset not opened to them
answers 404 to an outside participant however they authenticated.

Always open: logging in and out, changing one's password and language, and one's own inbox.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission

from grids.choices import Role

# URL names (namespace:name) an outside participant may always reach.
ALWAYS_OPEN = frozenset({
    "login", "logout", "password_change", "password_change_done", "set_language",
    "grids:notifications", "grids:notifications-read", "grids:notifications-unread", "grids:notification-open",
})


def open_to_external(view):
    """Mark a view (function, class-based view or DRF viewset class) as open to outside participants."""
    view.open_to_external = True
    return view


def is_external(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role == Role.EXTERNAL and not user.is_superuser


def _is_open(view_func) -> bool:
    for candidate in (view_func, getattr(view_func, "view_class", None), getattr(view_func, "cls", None)):
        if candidate is not None and getattr(candidate, "open_to_external", False):
            return True
    return False


class ExternalScopeMiddleware:
    """404 for an outside participant on anything not opened to them; home sends them to their list."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not is_external(getattr(request, "user", None)):
            return None
        match = request.resolver_match
        name = match.view_name if match is not None else ""
        if name in ALWAYS_OPEN or _is_open(view_func):
            return None
        if name == "home":
            return redirect(getattr(settings, "EXTERNAL_HOME", "inspections:interview-list"))
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": "Not found."}, status=404)
        raise Http404


class ExternalScopePermission(BasePermission):
    """The middleware's rule inside DRF (REST_FRAMEWORK's default permissions): 404, like out of scope."""

    def has_permission(self, request, view) -> bool:
        if is_external(request.user) and not getattr(view, "open_to_external", False):
            raise NotFound
        return True
