"""The intake page as an installable app that works with no signal: its web manifest and its
service worker (static/js/offline-sw.js, served from /incidents/ so that its scope covers the
intake page and the case pages).

The worker caches, under one version, the intake page's offline copy (`incidents:new-offline`:
the same form without the one-time token, see views.incident_new), the page's scripts and styles,
Leaflet and the worker's cell boundaries. The version is a digest of the worker's own code and of
every file it caches, so a deploy that changes any of them installs a new worker, which drops the
old cache. Reports written offline wait in the page's IndexedDB (static/js/offline-intake.js) and
are sent through the API's intake with their idempotency key, exactly once.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from django.contrib.staticfiles import finders
from django.http import HttpResponse, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

SERVICE_WORKER = "js/offline-sw.js"
# What the intake page needs to open and work with no signal (base.html's and new.html's files).
ASSETS = (
    "css/app.css",
    "css/incidents.css",
    "js/app.js",
    "js/photo-picker.js",
    "js/bell.js",
    "js/reveal.js",
    "js/map.js",
    "js/incidents-intake.js",
    "js/offline-intake.js",
    "vendor/leaflet-1.9.4/leaflet.css",
    "vendor/leaflet-1.9.4/leaflet.js",
    "vendor/leaflet-1.9.4/images/marker-icon.png",
    "vendor/leaflet-1.9.4/images/marker-icon-2x.png",
    "vendor/leaflet-1.9.4/images/marker-shadow.png",
    "vendor/leaflet-1.9.4/images/layers.png",
    "vendor/leaflet-1.9.4/images/layers-2x.png",
    "img/pwa/icon-192.png",
)
ICONS = (
    ("img/pwa/icon-192.png", "192x192", "any"),
    ("img/pwa/icon-512.png", "512x512", "any"),
    ("img/pwa/icon-maskable-512.png", "512x512", "maskable"),
)


def _source(name: str) -> Path:
    found = finders.find(name)
    if not found:
        raise FileNotFoundError(name)
    return Path(found)


@lru_cache(maxsize=4)
def _digest(stamps: tuple[tuple[str, float, int], ...]) -> str:
    digest = hashlib.sha256()
    for name, _mtime, _size in stamps:
        digest.update(name.encode())
        digest.update(_source(name).read_bytes())
    return digest.hexdigest()[:16]


def cache_version() -> str:
    """A digest of the worker and every file it caches: one stat per file, read again only when one changed."""
    stamps = []
    for name in (SERVICE_WORKER, *ASSETS):
        stat = _source(name).stat()
        stamps.append((name, stat.st_mtime, stat.st_size))
    return _digest(tuple(stamps))


def worker_config() -> dict:
    return {
        "version": cache_version(),
        "page": reverse("incidents:new"),
        "shell": reverse("incidents:new-offline"),
        "login": reverse("login"),
        "assets": [static(name) for name in ASSETS],
        # Read network-first, kept for offline use: the worker's cell boundaries.
        "data": [reverse("gridcell-geojson")],
    }


@require_GET
def service_worker(request):
    """The service worker: its configuration (the version and what to cache) ahead of the static code."""
    body = f"self.OFFLINE = {json.dumps(worker_config())};\n" + _source(SERVICE_WORKER).read_text(encoding="utf-8")
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/incidents/"
    response["Cache-Control"] = "no-cache"
    return response


@never_cache
@require_GET
def manifest(request):
    """The web manifest: installs the intake page on a phone's home screen."""
    body = {
        "name": _("Grid governance: report a case"),
        "short_name": _("Report"),
        "description": _("Report a case in your grid cell, with or without a signal."),
        "start_url": reverse("incidents:new"),
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": "#c0392b",
        "lang": request.LANGUAGE_CODE,
        "icons": [{"src": static(path), "sizes": sizes, "type": "image/png", "purpose": purpose} for path, sizes, purpose in ICONS],
    }
    return JsonResponse(body, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})
