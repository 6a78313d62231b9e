"""Serving the app the way production would for the benchmark: gunicorn, DEBUG off, PostgreSQL,
Redis, on 127.0.0.1 and a free port. Always stopped again (context manager, signal-safe)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from bench.client import BenchError, Client

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _stat(pid) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command name (None once the process is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return None


def children(pid: int) -> list[int]:
    """Process ids whose parent is `pid` (the gunicorn workers of a master)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (fields := _stat(entry)) is not None and int(fields[1]) == pid:
            found.append(int(entry))
    return sorted(found)


def cpu_seconds(pids) -> float:
    """User + system CPU seconds these processes have used so far (those gone count nothing)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        if (fields := _stat(pid)) is not None:
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / tick


def processes_named(name: str) -> list[int]:
    """Process ids whose command name is `name` (e.g. every PostgreSQL backend: "postgres")."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/comm") as handle:
                    if handle.read().strip() == name:
                        found.append(int(entry))
            except OSError:
                continue
    return found


def machine_cpu_seconds() -> float:
    """CPU seconds the whole machine spent busy (all cores, /proc/stat minus idle and iowait)."""
    with open("/proc/stat") as handle:
        fields = [int(v) for v in handle.readline().split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def memory(pid: int) -> dict[str, int]:
    """VmRSS (now) and VmHWM (peak) of a process, in kB."""
    out = {}
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith(("VmRSS:", "VmHWM:")):
                    name, value = line.split(":", 1)
                    out[name] = int(value.split()[0])
    except OSError:
        pass
    return out


@contextlib.contextmanager
def gunicorn(env: dict[str, str], *, workers: int, threads: int, log: Path, access_log: Path | None = None):
    """Start gunicorn, wait until it answers, yield (port, master pid); always stop it. With
    `access_log`, gunicorn writes each request's own duration there (bench.phone reads it)."""
    port = free_port()
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"), "governance.wsgi:application", "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers), "--timeout", "120", "--graceful-timeout", "5", "--log-level", "warning",
        "--error-logfile", "-", "--config", str(ROOT / "bench" / "patches" / "gunicorn.py"),
    ]
    if threads > 1:
        command += ["--worker-class", "gthread", "--threads", str(threads)]
    if access_log is not None:
        from bench.phone import ACCESS_LOG_FORMAT

        access_log.parent.mkdir(parents=True, exist_ok=True)
        access_log.write_bytes(b"")
        command += ["--access-logfile", str(access_log), "--access-logformat", ACCESS_LOG_FORMAT]
    log.parent.mkdir(parents=True, exist_ok=True)
    handle = open(log, "w")  # noqa: SIM115 (closed in finally)
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True)
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGHUP)}

    def interrupted(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    for sig in previous:
        signal.signal(sig, interrupted)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise BenchError(f"gunicorn exited with {process.returncode}; see {log}")
            try:
                probe = Client("127.0.0.1", port, timeout=5)
                if probe.get("/accounts/login/").status == 200:
                    probe.close()
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise BenchError(f"gunicorn did not answer within 60 s; see {log}")
            time.sleep(0.3)
        yield port, process.pid
    finally:
        stop(process)
        handle.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _is_gunicorn(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return b"gunicorn" in handle.read()
    except OSError:
        return False


def stop(process: subprocess.Popen) -> None:
    """TERM the master (it stops its workers); KILL it and, by their ids, any of its workers left."""
    workers = children(process.pid)
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
    deadline = time.monotonic() + 5
    for pid in workers:
        while _is_gunicorn(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if _is_gunicorn(pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def run_manage(env: dict[str, str], *args: str, quiet: bool = True) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env,
        stdout=subprocess.PIPE if quiet else None, stderr=subprocess.STDOUT if quiet else None, text=True,
    )
    if result.returncode:
        raise BenchError(f"manage.py {' '.join(args)} failed:\n{result.stdout or ''}")
