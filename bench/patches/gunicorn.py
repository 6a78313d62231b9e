"""Gunicorn configuration of the benchmark: applies the proposed changes named in BENCH_PATCHES
(comma-separated) in each worker after it has loaded the app. Nothing is patched by default."""

import os


def post_worker_init(worker):
    names = [n for n in os.environ.get("BENCH_PATCHES", "").split(",") if n]
    if "intake" in names:
        import incidents.services
        from bench.patches import intake_short_lock

        incidents.services.report_incident = intake_short_lock.report_incident
    if "lean-lists" in names:
        from bench.patches import lean_lists

        lean_lists.apply()
