"""Shared fixtures: a small world with one persona per role, service and browser gates."""

from __future__ import annotations

import os
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from grids.choices import CommunityPost, DepartmentKind, Role, WorkerKind
from tests import factories as f

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# around it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
REQUIRE_BROWSER = os.environ.get("REQUIRE_BROWSER") == "1"


def _missing(what: str, required: bool) -> None:
    if required:
        pytest.fail(f"{what} is required here (REQUIRE_SERVICES/REQUIRE_BROWSER) but not available")
    pytest.skip(f"{what} not available")


@pytest.fixture
def redis_url() -> str:
    """The Redis URL, after checking that the server answers."""
    url = settings.REDIS_URL
    if not url:
        _missing("Redis (REDIS_URL)", REQUIRE_SERVICES)
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        _missing(f"Redis at {url}", REQUIRE_SERVICES)
    return url


@pytest.fixture
def postgres(db) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        _missing("PostgreSQL (DATABASE_URL)", REQUIRE_SERVICES)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not os.path.exists(path):
        _missing(f"Chromium at {path}", REQUIRE_BROWSER)
    try:
        import playwright  # noqa: F401
    except ImportError:
        _missing("Playwright", REQUIRE_BROWSER)
    return path


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """Hashing a dozen persona passwords with PBKDF2 would cost seconds per test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Code run outside a request (services, selectors, tasks) speaks English in tests, so their
    assertions read the source strings; pages pick their language per request as in production."""
    from django.utils import translation

    with translation.override("en"):
        yield


@dataclass
class World:
    """Two zones, three communities, four cells, and one persona per role (and some outsiders)."""

    subdistrict: object
    zone_a: object
    zone_b: object
    community_a1: object
    community_a2: object
    community_b1: object
    cell_a1x: object
    cell_a1y: object
    cell_a2x: object
    cell_b1x: object
    safety: object
    urban: object
    police: object
    users: SimpleNamespace

    def persona(self, name: str):
        return getattr(self.users, name)


@pytest.fixture
def world(db) -> World:
    sd = f.SubDistrictFactory()
    zone_a = f.ZoneFactory(subdistrict=sd, number=1, name="第一管区")
    zone_b = f.ZoneFactory(subdistrict=sd, number=2, name="第二管区")
    a1 = f.CommunityFactory(zone=zone_a, code="001", name="东岭社区")
    a2 = f.CommunityFactory(zone=zone_a, code="002", name="西岭社区")
    b1 = f.CommunityFactory(zone=zone_b, code="003", name="南河社区")
    cell_a1x = f.GridCellFactory(community=a1, code=f"{a1.full_code}001", boundary=f.square(120.00, 36.00))
    cell_a1y = f.GridCellFactory(community=a1, code=f"{a1.full_code}002", boundary=f.square(120.005, 36.00))
    cell_a2x = f.GridCellFactory(community=a2, code=f"{a2.full_code}001", boundary=f.square(120.02, 36.00))
    cell_b1x = f.GridCellFactory(community=b1, code=f"{b1.full_code}001", boundary=f.square(120.04, 36.00))
    safety = f.DepartmentFactory(slug="safety", name="安监办", kind=DepartmentKind.SAFETY)
    urban = f.DepartmentFactory(slug="urban", name="城管中队", kind=DepartmentKind.URBAN_MANAGEMENT)
    police = f.DepartmentFactory(slug="police", name="派出所", kind=DepartmentKind.POLICE)
    users = SimpleNamespace(
        street=f.UserFactory(username="p_street", role=Role.STREET),
        admin=f.UserFactory(username="p_admin", role=Role.ADMIN, is_superuser=True, is_staff=True),
        zone_leader=f.UserFactory(username="p_zone", role=Role.ZONE_LEADER, zone=zone_a),
        zone_leader_b=f.UserFactory(username="p_zone_b", role=Role.ZONE_LEADER, zone=zone_b),
        community=f.UserFactory(username="p_community", role=Role.COMMUNITY, community=a1, community_post=CommunityPost.GRID_HEAD),
        worker=f.GridWorkerFactory(username="p_worker", community=a1, worker_kind=WorkerKind.COMMUNITY_FULL_TIME, cells=[cell_a1x]),
        worker_b=f.GridWorkerFactory(username="p_worker_b", community=b1, worker_kind=WorkerKind.PART_TIME, cells=[cell_b1x]),
        safety=f.UserFactory(username="p_safety", role=Role.DEPARTMENT, department=safety),
        safety_a=f.UserFactory(username="p_safety_a", role=Role.DEPARTMENT, department=safety, zone=zone_a),
        urban=f.UserFactory(username="p_urban", role=Role.DEPARTMENT, department=urban),
        officer=f.UserFactory(username="p_officer", role=Role.DEPARTMENT, department=police, zone=zone_a),
        contractor=f.UserFactory(username="p_contractor", role=Role.CONTRACTOR),
    )
    return World(sd, zone_a, zone_b, a1, a2, b1, cell_a1x, cell_a1y, cell_a2x, cell_b1x, safety, urban, police, users)


# The product speaks Chinese by default; tests read the English source strings unless they ask
# for Chinese themselves (Accept-Language, the language cookie, or translation.override).
ENGLISH = {"Accept-Language": "en"}


@pytest.fixture
def client():
    """pytest-django's test client, asking for English pages."""
    from django.test import Client

    return Client(headers=ENGLISH)


@pytest.fixture
def api_for():
    """api_for(user) → an APIClient authenticated as that user (session-less force_authenticate)."""

    def make(user) -> APIClient:
        client = APIClient(headers=ENGLISH)
        client.force_authenticate(user)
        return client

    return make


@pytest.fixture
def page_for(client):
    """page_for(user) → the Django test client logged in as that user."""

    def make(user):
        from django.test import Client

        c = Client(headers=ENGLISH)
        c.force_login(user)
        return c

    return make
