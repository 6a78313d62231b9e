"""The site's URLs plus one view that fails, to see the 500 page (handlers are the site's)."""

from django.urls import path

from governance.urls import handler403, handler404, handler500  # noqa: F401
from governance.urls import urlpatterns as site_patterns


def boom(request):
    raise RuntimeError("a bug")


urlpatterns = [path("boom/", boom), *site_patterns]
