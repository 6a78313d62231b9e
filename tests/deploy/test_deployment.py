"""The deployment, run as the units run it (issue 17's CI job).

The commands are read from deploy/systemd/*.service (ExecStart, with ${VAR} from
deploy/env.example and the /srv, /var/lib paths moved under a temporary directory), so this test
proves those files: on a fresh PostgreSQL database (created, migrated, collectstatic'd as
docs/operations.md says) and a Redis database of its own (flushed), it starts gunicorn with 2
workers, a Celery worker and the one beat; waits for /readyz; files a case through the API with a
device token; lets the case's clock run out and sees beat's sweep give it a yellow card (and the
sweep's heartbeat advance); and stops everything, always.
"""

from __future__ import annotations

import concurrent.futures
import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg2
import pytest
import redis
from django.conf import settings

from governance.operations.models import Heartbeat
from incidents.choices import EventKind
from incidents.models import Incident, IncidentEvent
from tests.deploy import units

pytestmark = pytest.mark.services

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
REDIS_DB = 11  # the deployment's own Redis database, flushed before and after
HOST = "grid.example.cn"  # ALLOWED_HOSTS of the env file
STARTUP_SECONDS = 60
SWEEP_SECONDS = 45


def _missing(what: str) -> None:
    if REQUIRE_SERVICES:
        pytest.fail(f"{what} is required here (REQUIRE_SERVICES=1) but not available")
    pytest.skip(f"{what} not available")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Deployment:
    """A throwaway database, a Redis database, the three processes, and their logs."""

    def __init__(self, tmp_path: Path):
        db = settings.DATABASES["default"]
        if "postgresql" not in db["ENGINE"]:
            _missing("PostgreSQL (DATABASE_URL)")
        if not settings.REDIS_URL:
            _missing("Redis (REDIS_URL)")
        self.server = {"host": db["HOST"] or "127.0.0.1", "port": db["PORT"] or 5432, "user": db["USER"] or "postgres",
                       "password": db["PASSWORD"] or None}
        self.name = f"grid_deploy_{uuid.uuid4().hex[:10]}"
        self.redis_url = urlunsplit(urlsplit(settings.REDIS_URL)._replace(path=f"/{REDIS_DB}"))
        self.tmp = tmp_path
        self.var = tmp_path / "var"
        self.port = _free_port()
        self.processes: dict[str, subprocess.Popen] = {}
        self.created = False
        auth = self.server["user"] + (f":{self.server['password']}" if self.server["password"] else "")
        self.env = units.environment()
        self.env.update(
            SECRET_KEY=secrets.token_urlsafe(50),
            DATABASE_URL=f"postgres://{auth}@{self.server['host']}:{self.server['port']}/{self.name}",
            REDIS_URL=self.redis_url,
            VAR_DIR=str(self.var),
            MEDIA_ROOT=str(self.var / "media"),
            WEB_BIND=f"127.0.0.1:{self.port}",
            WEB_WORKERS="2",
            WORKER_CONCURRENCY="2",
            # Beat's sweeps every 2 s instead of every minute, so that the test sees them run.
            SWEEP_INTERVAL_SECONDS="2",
            PATH=os.environ.get("PATH", "/usr/bin:/bin"),
            PYTHONUNBUFFERED="1",
        )

    # --- services ---------------------------------------------------------------------------------

    def _admin(self):
        connection = psycopg2.connect(dbname="postgres", connect_timeout=5, **self.server)
        connection.autocommit = True
        return connection

    def create(self) -> None:
        try:
            redis.Redis.from_url(self.redis_url, socket_connect_timeout=1).flushdb()
        except redis.RedisError:
            _missing(f"Redis at {self.redis_url}")
        connection = self._admin()
        try:
            with connection.cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{self.name}"')
        finally:
            connection.close()
        self.created = True

    def sql(self, query: str, params=()) -> list[tuple]:
        with psycopg2.connect(dbname=self.name, connect_timeout=5, **self.server) as connection:
            with connection.cursor() as cursor:
                cursor.execute(query, params)
                return cursor.fetchall() if cursor.description else []

    def drop(self) -> None:
        """DROP DATABASE waits for a checkpoint, which takes minutes on a busy server: it runs in a
        process of its own that outlives the test (its output in the test's tmp dir)."""
        if self.created:
            script = ("import sys, psycopg2; c = psycopg2.connect(**eval(sys.argv[1])); c.autocommit = True; "
                      "c.cursor().execute(sys.argv[2])")
            with (self.tmp / "drop.log").open("wb") as out:
                subprocess.Popen([sys.executable, "-c", script, repr({"dbname": "postgres", **self.server}),
                                  f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'],
                                 stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            redis.Redis.from_url(self.redis_url, socket_connect_timeout=1).flushdb()
        except redis.RedisError:
            pass

    # --- commands -----------------------------------------------------------------------------------

    def command(self, unit: str) -> list[str]:
        """The unit's ExecStart, with the install's paths moved to this test's."""
        argv = units.exec_start(unit, self.env, {"%i": "1", "%H": "deploytest"})
        moved = []
        for arg in argv:
            if arg.startswith(units.VENV_BIN):
                arg = str(Path(sys.executable).parent / arg[len(units.VENV_BIN):])
            arg = arg.replace(units.STATE_DIR, str(self.var)).replace(units.APP_DIR, str(units.BASE_DIR))
            moved.append(arg)
        return moved

    def manage(self, *args: str, stdin: str | None = None, timeout: int = 240) -> str:
        result = subprocess.run([sys.executable, "manage.py", *args], cwd=units.BASE_DIR, env=self.env, input=stdin,
                                capture_output=True, text=True, timeout=timeout, check=False)
        assert result.returncode == 0, f"manage.py {' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        return result.stdout

    def start(self, name: str, unit: str) -> None:
        out = (self.tmp / f"{name}.log").open("wb")
        self.processes[name] = subprocess.Popen(self.command(unit), cwd=units.BASE_DIR, env=self.env, stdout=out,
                                                stderr=subprocess.STDOUT, start_new_session=True)
        out.close()

    def log(self, name: str) -> str:
        path = self.tmp / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def logs(self) -> str:
        return "\n".join(f"----- {name} (exit {process.poll()}) -----\n{self.log(name)[-4000:]}"
                         for name, process in self.processes.items())

    def alive(self) -> None:
        for name, process in self.processes.items():
            assert process.poll() is None, f"{name} exited with {process.returncode}:\n{self.logs()}"

    def stop(self) -> dict[str, int | None]:
        """TERM to every process group (gunicorn and Celery shut down warmly on it); KILL what is
        still there after 30 s. Returns each process's exit code."""
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 30
        codes: dict[str, int | None] = {}
        for name, process in self.processes.items():
            try:
                codes[name] = process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
                codes[name] = None
        for process in self.processes.values():  # the group's children too (gunicorn's and Celery's)
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        return codes

    # --- HTTP -----------------------------------------------------------------------------------------

    def http(self, method: str, path: str, *, body: dict | None = None, headers: dict | None = None,
             proxied: bool = True) -> tuple[int, dict[str, str], bytes]:
        """A request as nginx forwards it (Host, X-Forwarded-Proto: https), or plain (a local probe)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15)
        try:
            sent = {"Host": HOST, "X-Forwarded-Proto": "https"} if proxied else {"Host": "127.0.0.1"}
            sent.update(headers or {})
            payload = None
            if body is not None:
                payload = json.dumps(body).encode()
                sent["Content-Type"] = "application/json"
            connection.request(method, path, body=payload, headers=sent)
            response = connection.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            connection.close()


@pytest.fixture
def deployment(tmp_path):
    site = Deployment(tmp_path)
    site.create()
    try:
        yield site
    finally:
        try:
            site.stop()
        finally:
            site.drop()


def test_the_documented_deployment_serves_files_cases_and_runs_the_sweep(deployment):
    site = deployment
    started = time.monotonic()
    phases: dict[str, float] = {}

    def phase(name: str) -> None:  # seconds since the start, printed at the end (pytest -s, or on failure)
        phases[name] = round(time.monotonic() - started, 1)

    # Install (docs/operations.md): migrate and collectstatic, here side by side.
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        migrate = pool.submit(site.manage, "migrate", "--noinput")
        static = pool.submit(site.manage, "collectstatic", "--noinput")
        migrate.result(), static.result()
    out = site.manage("shell", stdin=(Path(__file__).with_name("setup_site.py")).read_text(encoding="utf-8"))
    world = json.loads(next(line for line in out.splitlines() if line.startswith("SITE="))[5:])
    phase("installed")

    # The units' commands.
    web = site.command("grid-governance-web.service")
    assert web[web.index("--workers") + 1] == "2" and web[web.index("--bind") + 1] == f"127.0.0.1:{site.port}"
    site.start("web", "grid-governance-web.service")
    site.start("worker", "grid-governance-worker@.service")
    site.start("beat", "grid-governance-beat.service")

    # Ready: database, Redis, migrations, media, beat's heartbeat.
    deadline, last = time.monotonic() + STARTUP_SECONDS, "no answer"
    while True:
        site.alive()
        try:
            status, _headers, body = site.http("GET", "/readyz", proxied=False)
            if status == 200:
                break
            last = f"{status}: {body.decode(errors='replace')}"
        except OSError as error:
            last = repr(error)
        if time.monotonic() > deadline:
            pytest.fail(f"/readyz not 200 within {STARTUP_SECONDS} s (last: {last})\n{site.logs()}")
        time.sleep(0.5)
    phase("ready")
    checks = json.loads(body)["checks"]
    assert {name: check["status"] for name, check in checks.items()} == {
        "database": "ok", "redis": "ok", "migrations": "ok", "media": "ok", "beat": "ok"}

    # Beat keeps its schedule where the unit says (the state directory, here moved under tmp).
    assert list(site.var.glob("celerybeat-schedule*")), sorted(p.name for p in site.var.iterdir())

    # Two gunicorn workers under the master.
    master = site.processes["web"].pid
    children = Path(f"/proc/{master}/task/{master}/children")
    if children.exists():
        assert len(children.read_text().split()) == 2, site.log("web")

    # nginx's part is TLS: plain HTTP is sent to HTTPS; proxied answers carry HSTS; the login page
    # renders with the collected (hashed) static files.
    status, headers, _ = site.http("GET", "/accounts/login/", headers={"X-Forwarded-Proto": "http"})
    assert status == 301 and headers["location"].startswith(f"https://{HOST}/")
    status, headers, page = site.http("GET", "/accounts/login/")
    assert status == 200, page[:2000]
    assert headers["strict-transport-security"].startswith("max-age=31536000")
    assert b"/static/" in page and b".css" in page

    # A case filed through the API with the worker's device token.
    request_id = f"deploytest-{uuid.uuid4().hex[:8]}"
    status, _headers, body = site.http(
        "POST", "/api/v1/incidents/", headers={"Authorization": f"Token {world['token']}", "X-Request-ID": request_id},
        body={"category": world["category"], "description": "燃气异味, deployment test",
              "latitude": world["latitude"], "longitude": world["longitude"]},
    )
    assert status == 201, f"{status}: {body.decode(errors='replace')}\n{site.logs()}"
    case = json.loads(body)
    assert case["grid_cell"] == world["cell"] and case["code"]
    status, _headers, body = site.http("GET", f"/api/v1/incidents/{case['id']}/",
                                       headers={"Authorization": f"Token {world['token']}"})
    assert status == 200 and json.loads(body)["code"] == case["code"]

    # The case's clock runs out; beat's next sweep (every 2 s here) gives it its yellow card.
    incidents, events = Incident._meta.db_table, IncidentEvent._meta.db_table
    site.sql(f"UPDATE {incidents} SET warn_at = now() - interval '2 minutes', due_at = now() - interval '1 minute' "
             f"WHERE id = %s", [case["id"]])
    runs_before = site.sql(f"SELECT coalesce(max(runs), 0) FROM {Heartbeat._meta.db_table} WHERE name = 'sweep-deadlines'")[0][0]
    deadline = time.monotonic() + SWEEP_SECONDS
    while not site.sql(f"SELECT 1 FROM {events} WHERE incident_id = %s AND kind = %s",
                       [case["id"], EventKind.YELLOW_CARD]):
        site.alive()
        if time.monotonic() > deadline:
            pytest.fail(f"no yellow card within {SWEEP_SECONDS} s of the case falling due\n{site.logs()}")
        time.sleep(0.5)
    phase("swept")
    (runs, outcome), = site.sql(f"SELECT runs, last_outcome FROM {Heartbeat._meta.db_table} WHERE name = 'sweep-deadlines'")
    assert runs > runs_before and outcome in ("success", "running")

    # The logs are JSON lines: the request's line names the route and carries the proxy's request id.
    lines = [json.loads(line) for line in site.log("web").splitlines() if line.startswith("{")]
    filed = [line for line in lines if line.get("event") == "request" and line.get("request_id") == request_id]
    assert filed and filed[0]["path"] == "/api/v1/incidents/" and filed[0]["status"] == 201, site.log("web")[-3000:]
    tasks = [json.loads(line) for line in site.log("worker").splitlines() if line.startswith("{")]
    assert any(t.get("event") == "task" and t.get("name") == "incidents.tasks.sweep_deadlines"
               and t.get("outcome") == "success" for t in tasks), site.log("worker")[-3000:]

    # Stopped cleanly: every process exits by itself on TERM.
    codes = site.stop()
    phase("stopped")
    print(f"deployment test phases (s): {phases}, load average {os.getloadavg()}")
    assert codes == {"web": 0, "worker": 0, "beat": 0}, f"{codes}\n{site.logs()}"
