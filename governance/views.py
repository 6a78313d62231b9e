"""The street office's own pages: the per-role home page."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from grids import selectors


@login_required
def home(request):
    return render(request, "governance/home.html", {"summary": selectors.home_summary(request.user)})
