"""The notification inbox pages: the list, opening one, marking all read, and the bell's count.

Thin like every page: reads start from `Notification.objects.visible_to(user)` (a person sees
only their own), the one write goes through `grids.notifications.mark_read`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from grids.access import get_visible_or_404
from grids.models import Notification
from grids.notifications import mark_read

PAGE_SIZE = 50


@login_required
def notifications(request):
    inbox = Notification.objects.visible_to(request.user).order_by("-created_at", "-pk")
    page = Paginator(inbox, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "grids/notifications.html", {"page_obj": page, "items": page.object_list})


@login_required
def notification_open(request, pk: int):
    """Mark one notification read and go to what it is about."""
    item = get_visible_or_404(Notification, request.user, pk=pk)
    mark_read(request.user, [item.pk])
    url = item.url if url_has_allowed_host_and_scheme(item.url, allowed_hosts={request.get_host()}) and item.url else ""
    return redirect(url or "grids:notifications")


@login_required
@require_POST
def notifications_read(request):
    marked = mark_read(request.user)
    messages.success(request, _("%(n)s notifications marked read.") % {"n": marked})
    return redirect("grids:notifications")


@login_required
@require_GET
def unread_count(request):
    """The bell's number (fetched by the page, so rendering a page costs no query for it)."""
    return JsonResponse({"unread": Notification.objects.visible_to(request.user).unread().count()})
