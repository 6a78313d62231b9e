"""Gunicorn configuration of the benchmark: applies the proposed changes named in BENCH_PATCHES
(comma-separated) in each worker after it has loaded the app. Nothing is patched by default.

A proposal is a module `bench/patches/<name>.py` with an `apply()` that swaps the proposed code in.
The earlier proposals (`intake`, `lean-lists`) were adopted into the app in 5d54c0e and 2924738 and
removed from here; their measurements stay in docs/performance.md and bench/results/.
"""

import importlib
import os


def post_worker_init(worker):
    for name in filter(None, os.environ.get("BENCH_PATCHES", "").split(",")):
        if name == "indexes":  # created by bench.run itself, not in the workers
            continue
        importlib.import_module(f"bench.patches.{name.replace('-', '_')}").apply()
