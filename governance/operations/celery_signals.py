"""Celery's side of the logs and the heartbeat: the request id rides in a message header into the
worker, each task run is one log line (name, duration, outcome), and each run of a beat task
advances its heartbeat row. Connected from GovernanceConfig.ready()."""

from __future__ import annotations

import time

import structlog
from celery import signals, states

from governance.operations import heartbeat

logger = structlog.get_logger("grid.task")

# task id → (start, the log context before the task): an eager run inside a request gets the
# request's context back afterwards.
_started: dict[str, tuple[float, dict]] = {}
OUTCOMES = {states.SUCCESS: "success", states.FAILURE: "failure", states.RETRY: "retry"}


@signals.before_task_publish.connect(dispatch_uid="grid-request-id")
def carry_request_id(headers=None, **kwargs) -> None:
    request_id = structlog.contextvars.get_contextvars().get("request_id")
    if request_id and headers is not None:
        headers.setdefault("request_id", request_id)


@signals.task_prerun.connect(dispatch_uid="grid-task-start")
def task_started(task_id=None, task=None, **kwargs) -> None:
    before = structlog.contextvars.get_contextvars()
    request_id = (getattr(task.request, "request_id", None) or (task.request.headers or {}).get("request_id")
                  or before.get("request_id"))
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(task_id=task_id, **({"request_id": request_id} if request_id else {}))
    _started[task_id] = (time.perf_counter(), before)
    if not task.request.is_eager:  # an eager run (tests, CELERY_TASK_ALWAYS_EAGER) is no worker's heartbeat
        heartbeat.safely(heartbeat.record_started, task.name)


@signals.task_postrun.connect(dispatch_uid="grid-task-end")
def task_finished(task_id=None, task=None, state=None, retval=None, **kwargs) -> None:
    started, before = _started.pop(task_id, (None, {}))
    duration_ms = round((time.perf_counter() - started) * 1000, 1) if started is not None else None
    outcome = OUTCOMES.get(state, str(state).lower())
    error = f"{type(retval).__name__}: {retval}" if state == states.FAILURE else ""
    try:
        log = logger.error if state == states.FAILURE else logger.info
        log("task", name=task.name, duration_ms=duration_ms, outcome=outcome)
        if not task.request.is_eager:
            heartbeat.safely(heartbeat.record_finished, task.name, outcome=outcome, duration_ms=int(duration_ms or 0),
                             error=error)
    finally:
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(**before)


@signals.beat_init.connect(dispatch_uid="grid-beat-start")
def beat_started(**kwargs) -> None:
    heartbeat.safely(heartbeat.record_beat_started)
