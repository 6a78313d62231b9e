"""A small HTTP client for the benchmark (standard library only): one persistent connection per
client, the session and CSRF cookies of one logged-in user, and timed requests."""

from __future__ import annotations

import http.client
import json
import math
import re
import statistics
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode

CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


class BenchError(RuntimeError):
    pass


@dataclass
class Response:
    status: int
    body: bytes
    seconds: float
    headers: dict = field(default_factory=dict)

    def json(self):
        return json.loads(self.body)


class Client:
    def __init__(self, host: str, port: int, timeout: float = 120) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection(host, port, timeout=timeout)
        self.username = ""

    def close(self) -> None:
        self.conn.close()

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None) -> Response:
        head = {"Host": f"{self.host}:{self.port}", "Accept-Language": "zh-hans"}
        if self.cookies:
            head["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        head.update(headers or {})
        started = time.perf_counter()
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=head)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # A sync gunicorn worker closes the connection after each response; reconnect once.
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
                if attempt == 2:
                    raise
        seconds = time.perf_counter() - started
        if response.will_close:
            self.conn.close()
        for raw in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(raw)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value
        return Response(response.status, data, seconds, dict(response.headers))

    def get(self, path: str, params: dict | None = None) -> Response:
        return self.request("GET", path + (f"?{urlencode(params, doseq=True)}" if params else ""))

    def post_json(self, path: str, payload: dict) -> Response:
        return self.request(
            "POST", path, json.dumps(payload).encode(),
            {"Content-Type": "application/json", "X-CSRFToken": self.cookies.get("csrftoken", ""),
             "Referer": f"http://{self.host}:{self.port}/"},
        )

    def login(self, username: str, password: str) -> None:
        """Through the login form, as a browser would: the session cookie and a CSRF token."""
        page = self.get("/accounts/login/")
        token = CSRF_INPUT.search(page.body)
        if page.status != 200 or token is None:
            raise BenchError(f"login page answered {page.status}")
        body = urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token.group(1).decode()}).encode()
        answer = self.request(
            "POST", "/accounts/login/", body,
            {"Content-Type": "application/x-www-form-urlencoded", "Referer": f"http://{self.host}:{self.port}/accounts/login/"},
        )
        if answer.status != 302 or "sessionid" not in self.cookies:
            raise BenchError(f"login as {username} failed: HTTP {answer.status}")
        self.username = username


def summary(seconds: list[float]) -> dict:
    """Latency figures in milliseconds: median, p95 (nearest rank), mean, min, max."""
    if not seconds:
        return {"n": 0}
    ordered = sorted(seconds)
    p95 = ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]
    return {
        "n": len(ordered), "median_ms": round(statistics.median(ordered) * 1000, 1), "p95_ms": round(p95 * 1000, 1),
        "mean_ms": round(statistics.fmean(ordered) * 1000, 1), "min_ms": round(ordered[0] * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }
