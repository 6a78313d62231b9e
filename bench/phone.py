"""Intake as phones do it (issue 19): the honest counterpart of the keep-alive session intake.

Each simulated grid worker obtains an API token once (POST /api/v1/auth/token/, as the app does at
login), then files its cases with `Authorization: Token …`, each on a **new TCP connection**
(`Connection: close`, as a phone on a mobile network reconnects between reports). A share of the
reports (30 % by default) carries one ~200 KB JPEG photo in a multipart body; the rest are JSON.

Two figures are reported side by side: the client's (from the first byte sent to the last byte
read, connection set-up included) and the server's (gunicorn's own request duration, `%(D)s` in
its access log), so that a difference between a bench and an outside client can be told apart
from load.
"""

from __future__ import annotations

import http.client
import io
import json
import random
import resource
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from bench.client import BenchError, summary
from bench.server import children, cpu_seconds, machine_cpu_seconds, processes_named

PHOTO_BYTES = 200_000
ACCESS_LOG_FORMAT = "%(D)s %(s)s %(m)s %(U)s"


def photo_jpeg(target: int = PHOTO_BYTES, seed: int = 1) -> bytes:
    """A JPEG of about `target` bytes: a noisy 1280×960 picture, as a phone's camera gives after the
    app scales it down (noise keeps the encoder from compressing it to nothing)."""
    from PIL import Image

    rng = random.Random(seed)
    width, height = 1280, 960
    noise = bytes(rng.getrandbits(8) for _ in range(width * height // 64 * 3))
    picture = Image.frombytes("RGB", (width // 8, height // 8), noise).resize((width, height), Image.Resampling.BICUBIC)
    best = b""
    for quality in (95, 90, 85, 80, 75, 70, 60, 50):
        buffer = io.BytesIO()
        picture.save(buffer, "JPEG", quality=quality)
        best = buffer.getvalue()
        if len(best) <= target:
            break
    return best


def multipart(fields: dict, files: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, filename, content in files:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: image/jpeg\r\n\r\n".encode() + content + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


@dataclass
class Answer:
    status: int
    body: bytes
    seconds: float


class Phone:
    """One grid worker's phone: a token, and a new connection for every request."""

    def __init__(self, host: str, port: int, timeout: float = 120) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self.token = ""

    def send(self, method: str, path: str, body: bytes, content_type: str) -> Answer:
        head = {"Host": f"{self.host}:{self.port}", "Accept-Language": "zh-hans", "Connection": "close",
                "Content-Type": content_type, "Accept": "application/json"}
        if self.token:
            head["Authorization"] = f"Token {self.token}"
        started = time.perf_counter()
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            conn.request(method, path, body=body, headers=head)
            response = conn.getresponse()
            data = response.read()
        finally:
            conn.close()
        return Answer(response.status, data, time.perf_counter() - started)

    def log_in(self, username: str, password: str) -> None:
        body = json.dumps({"username": username, "password": password, "device_name": f"bench {username}"}).encode()
        answer = self.send("POST", "/api/v1/auth/token/", body, "application/json")
        if answer.status != 200:
            raise BenchError(f"token for {username}: HTTP {answer.status} {answer.body[:200]!r}")
        self.token = json.loads(answer.body)["token"]

    def report(self, payload: dict, photo: bytes | None) -> Answer:
        if photo is None:
            return self.send("POST", "/api/v1/incidents/", json.dumps(payload).encode(), "application/json")
        body, content_type = multipart(payload, [("photos", "photo.jpg", photo)])
        return self.send("POST", "/api/v1/incidents/", body, content_type)


def server_durations(access_log: Path, offset: int) -> list[float]:
    """Seconds of each POST /api/v1/incidents/ that gunicorn logged after byte `offset`."""
    found = []
    with open(access_log, "rb") as handle:
        handle.seek(offset)
        for line in handle:
            fields = line.split()
            if len(fields) == 4 and fields[2] == b"POST" and fields[3] == b"/api/v1/incidents/" and fields[0].isdigit():
                found.append(int(fields[0]) / 1_000_000)
    return found


def _cpu(master: int | None) -> dict[str, float]:
    if master is None:
        return {}
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "client": usage.ru_utime + usage.ru_stime, "web": cpu_seconds([master, *children(master)]),
        "postgresql": cpu_seconds(processes_named("postgres")), "machine": machine_cpu_seconds(),
    }


def phone_intake(port: int, reporters: list[dict], payloads: list[dict], concurrency: int, *, password: str,
                 access_log: Path | None = None, photo_share: float = 0.3, seed: int = 1, master: int | None = None) -> dict:
    """File `payloads` from `concurrency` phones at once (two untimed reports each first); cases/s
    over the timed part, the client-side latency (top level) and the server's own figure from the
    access log (`server`). With the gunicorn `master` pid, `cpu_ms_per_case` says where the CPU of
    the timed part went, per case: this client, the web workers, PostgreSQL's processes, and the
    whole machine (the rest: Redis, a Celery worker, anything else running)."""
    photo = photo_jpeg(seed=seed)
    rng = random.Random(f"photos:{seed}")
    with_photo = [rng.random() < photo_share for _ in payloads]
    phones = []
    for k in range(concurrency):
        person = reporters[k % len(reporters)]
        phone = Phone("127.0.0.1", port)
        phone.log_in(person["username"], password)
        phones.append((phone, person))
    share = [list(zip(payloads[k::concurrency], with_photo[k::concurrency], strict=True)) for k in range(concurrency)]
    ready = threading.Barrier(concurrency + 1)
    seconds: list[float] = []
    photo_seconds: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def work(k: int) -> None:
        phone, person = phones[k]
        point = {"latitude": person["latitude"], "longitude": person["longitude"]}
        for payload, photographed in share[k][:2]:
            phone.report({**payload, **point}, photo if photographed else None)
        ready.wait()
        plain, pictured = [], []
        for payload, photographed in share[k][2:]:
            answer = phone.report({**payload, **point}, photo if photographed else None)
            if answer.status != 201 or b'"code"' not in answer.body:
                with lock:
                    errors.append(f"HTTP {answer.status}: {answer.body[:200]!r}")
            (pictured if photographed else plain).append(answer.seconds)
        with lock:
            seconds.extend(plain + pictured)
            photo_seconds.extend(pictured)

    offset = access_log.stat().st_size if access_log and access_log.exists() else 0
    threads = [threading.Thread(target=work, args=(k,)) for k in range(concurrency)]
    for thread in threads:
        thread.start()
    ready.wait()
    started = time.perf_counter()
    cpu_before = _cpu(master)
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    cpu_used = {part: round((after - cpu_before[part]) * 1000 / max(len(seconds), 1), 1) for part, after in _cpu(master).items()}
    if errors:
        raise BenchError(f"phone intake: {len(errors)} failed, e.g. {errors[0]}")
    result = {
        "cases": len(seconds), "concurrency": concurrency, "seconds": round(wall, 2),
        "cases_per_s": round(len(seconds) / wall, 1), "photo_share": photo_share, "photo_bytes": len(photo),
        "new_connection_per_request": True, **summary(seconds), "with_photo": summary(photo_seconds),
    }
    if master is not None:
        result["cpu_ms_per_case"] = cpu_used
    if access_log is not None:
        time.sleep(0.5)  # gunicorn writes its access line after the response
        server = server_durations(access_log, offset)
        result["server"] = summary(server[-len(seconds):] if len(server) > len(seconds) else server)
    return result
