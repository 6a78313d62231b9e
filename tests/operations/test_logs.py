"""The structured logs: one JSON line per request (method, route, status, duration_ms, user_id,
request_id), the request id answered back and carried into the tasks a request enqueues, and one
line per task."""

from __future__ import annotations

import io
import json
import logging

import pytest
import structlog
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from governance.celery import app
from governance.operations import logs
from governance.operations.requests import RequestLogMiddleware, current_request_id


@pytest.fixture
def json_lines():
    """What the grid.* loggers write, as the production (JSON) formatter renders it: a list of dicts."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.json_formatter())
    loggers = [logging.getLogger("grid.request"), logging.getLogger("grid.task")]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


@app.task(name="tests.operations.request_id_seen_by_task")
def request_id_seen_by_task():
    return current_request_id()


def test_one_json_line_per_request_with_the_route_and_the_user(world, page_for, json_lines):
    user = world.users.zone_leader
    response = page_for(user).get(reverse("incidents:detail", args=[987654]), headers={"X-Request-ID": "req-abc.1"})
    assert response.status_code == 404
    assert response["X-Request-ID"] == "req-abc.1"
    (line,) = [entry for entry in json_lines() if entry["event"] == "request"]
    assert line["method"] == "GET"
    assert line["path"] == "/incidents/<int:pk>/"  # the pattern: no ids in the log
    assert line["status"] == 404
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["user_id"] == user.pk
    assert line["request_id"] == "req-abc.1"
    assert line["level"] == "info" and line["logger"] == "grid.request" and "timestamp" in line


def test_an_unusable_request_id_is_replaced_and_anonymous_has_no_user(client, db, json_lines):
    response = client.get("/healthz", headers={"X-Request-ID": "bad id with spaces\n"})
    (line,) = [entry for entry in json_lines() if entry["event"] == "request"]
    assert response["X-Request-ID"] == line["request_id"] and len(line["request_id"]) == 32
    assert line["user_id"] is None and line["path"] == "/healthz"


def test_api_routes_are_logged_without_the_regex_anchor(world, api_for, json_lines):
    assert api_for(world.users.zone_leader).get("/api/v1/incidents/").status_code == 200
    (line,) = [entry for entry in json_lines() if entry["event"] == "request"]
    assert line["path"] == "/api/v1/incidents/"


def test_the_request_id_rides_into_an_enqueued_task_and_its_log_line(json_lines):
    published: list[dict] = []

    def enqueue(request):
        # What a view does after commit: apply_async to the broker (here kombu's in-memory one).
        with app.connection_for_write("memory://") as connection:
            request_id_seen_by_task.apply_async(connection=connection)
        return HttpResponse("ok")

    from celery import signals

    def capture(headers=None, **kwargs):
        published.append(dict(headers or {}))

    signals.before_task_publish.connect(capture, weak=False)
    try:
        RequestLogMiddleware(enqueue)(RequestFactory().get("/", headers={"X-Request-ID": "req-into-task"}))
    finally:
        signals.before_task_publish.disconnect(capture)
    assert [headers.get("request_id") for headers in published] == ["req-into-task"]

    # In the worker the header is bound again: the task and its log line carry the id.
    result = request_id_seen_by_task.apply(headers=published[0])
    assert result.get() == "req-into-task"
    (line,) = [entry for entry in json_lines() if entry["event"] == "task"]
    assert line["name"] == "tests.operations.request_id_seen_by_task"
    assert line["request_id"] == "req-into-task" and line["outcome"] == "success"
    assert isinstance(line["duration_ms"], float)
    assert structlog.contextvars.get_contextvars().get("request_id") is None  # nothing leaks out


def test_no_request_id_without_a_request():
    published: list[dict] = []
    from celery import signals

    def capture(headers=None, **kwargs):
        published.append(dict(headers or {}))

    signals.before_task_publish.connect(capture, weak=False)
    try:
        with app.connection_for_write("memory://") as connection:
            request_id_seen_by_task.apply_async(connection=connection)
    finally:
        signals.before_task_publish.disconnect(capture)
    assert "request_id" not in published[0]


def test_development_logs_are_text_and_production_logs_are_json():
    assert logging_formatter(json=True) == "json" and logging_formatter(json=False) == "console"


def logging_formatter(*, json: bool) -> str:
    return logs.logging_config(json=json, level="INFO")["handlers"]["console"]["formatter"]
