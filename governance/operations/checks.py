"""The readiness checks: django-health-check's Database, Storage and Redis, and ours for what it
does not know (migrations applied, beat's heartbeat).

django-health-check runs a synchronous check in a thread of its executor; the checks that read our
tables run in the request's own thread instead (`sync_to_async`, thread-sensitive), on the
request's database connection, so that they see what the request sees and open no connection per
executor thread.
"""

from __future__ import annotations

import dataclasses

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from health_check import checks as library
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable

from governance.operations.heartbeat import beat_status


@dataclasses.dataclass
class Database(library.Database):
    def __repr__(self) -> str:
        return "database"

    async def run(self) -> None:
        await sync_to_async(super().run)()


@dataclasses.dataclass
class MediaWritable(library.Storage):
    """Writes, reads and deletes a small file in MEDIA_ROOT (the photos' storage)."""

    def __repr__(self) -> str:
        return "media"


def redis_check() -> HealthCheck:
    from health_check.contrib.redis import Redis
    from redis.asyncio import Redis as RedisClient

    class RedisPing(Redis):
        def __repr__(self) -> str:
            return "redis"

    # Short timeouts: readiness must answer quickly when Redis is down, not hang the probe.
    return RedisPing(client_factory=lambda: RedisClient.from_url(
        settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1, retry_on_timeout=False))


def pending_migrations(alias: str = DEFAULT_DB_ALIAS) -> list[str]:
    connection = connections[alias]
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


@dataclasses.dataclass
class Migrations(HealthCheck):
    def __repr__(self) -> str:
        return "migrations"

    async def run(self) -> None:
        try:
            pending = await sync_to_async(pending_migrations)()
        except DatabaseError as error:
            raise ServiceUnavailable("cannot read the applied migrations") from error
        if pending:
            shown = ", ".join(pending[:5]) + (" …" if len(pending) > 5 else "")
            raise ServiceUnavailable(f"{len(pending)} not applied: {shown}")


@dataclasses.dataclass
class BeatHeartbeat(HealthCheck):
    def __repr__(self) -> str:
        return "beat"

    async def run(self) -> None:
        try:
            statuses = await sync_to_async(beat_status)()
        except DatabaseError as error:
            raise ServiceUnavailable("cannot read the heartbeat") from error
        late = [status for status in statuses if status.late]
        if late and all(status.late_after is None for status in late):
            raise ServiceUnavailable("beat has never run here")
        if late:
            raise ServiceUnavailable("; ".join(f"{status.name} {status.problem}" for status in late))


def readiness_checks() -> list[HealthCheck]:
    """What /readyz runs. Without REDIS_URL (embedded mode) there is no Redis to check."""
    found: list[HealthCheck] = [Database(), Migrations(), MediaWritable(), BeatHeartbeat()]
    if settings.REDIS_URL:
        found.insert(1, redis_check())
    return found
