"""Case pages (being built)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from grids.access import get_visible_or_404
from incidents.models import Incident


@login_required
def incident_detail(request, pk: int):
    incident = get_visible_or_404(Incident, request.user, pk=pk)
    return render(request, "incidents/detail.html", {"incident": incident})
