"""`/healthz` (the process answers: no database, no Redis), `/readyz` (it can serve: database, Redis,
migrations, media, beat's heartbeat) and the street office's heartbeat page."""

from __future__ import annotations

import asyncio

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from health_check.views import HealthCheckView

from governance.operations.checks import readiness_checks
from governance.operations.heartbeat import beat_status


@never_cache
@require_GET
def healthz(request):
    """Liveness: answered by the process alone, so a database outage does not get it restarted."""
    return JsonResponse({"status": "ok"})


class ReadyView(HealthCheckView):
    """Readiness as JSON, one entry per check: 200 when every check passes, 503 otherwise (the
    library's dispatch adds the never-cache headers)."""

    http_method_names = ["get", "head"]

    def get_checks(self):
        return readiness_checks()

    async def get(self, request, *args, **kwargs):
        with self.get_executor() as executor:
            self.results = await asyncio.gather(*(check.get_result(executor) for check in self.get_checks()))
        checks = {}
        for result in self.results:
            entry = {"status": "fail" if result.error else "ok", "ms": round(result.time_taken * 1000, 1)}
            if result.error:
                entry["error"] = result.error.message
            checks[repr(result.check)] = entry
        if "redis" not in checks:
            checks["redis"] = {"status": "skipped", "note": "no REDIS_URL: embedded mode (in-process cache, file-system broker)"}
        failed = any(result.error for result in self.results)
        return JsonResponse({"status": "fail" if failed else "ok", "checks": checks}, status=503 if failed else 200)


readyz = ReadyView.as_view()


@login_required
@require_GET
def heartbeats(request):
    """When each of beat's tasks last ran, and which are late (street office and administrators)."""
    if not request.user.sees_everything:
        raise Http404
    statuses = beat_status()
    return render(request, "governance/operations/heartbeats.html", {
        "statuses": statuses, "late": [status for status in statuses if status.late],
        "stale": settings.HEARTBEAT_STALE_MINUTES,
    })
