"""The read replica: the views of REPLICA_READ_VIEWS read from the "replica" alias, everything else
and every write from "default"; sessions, tokens and login throttling never from the replica.

The replica here is a second alias on the same test database (the way settings wire it for tests:
TEST MIRROR), so that the pages still find their rows."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connections, router
from django.urls import reverse
from rest_framework.test import APIClient

from governance.operations import replica
from governance.operations.replica import ReplicaRouter, replica_reads
from governance.security.devices import issue_token
from governance.security.models import ApiToken
from incidents.models import Incident

pytestmark = pytest.mark.django_db


@pytest.fixture
def replica_alias(settings):
    """A "replica" alias that is the default connection (a mirror), for the length of a test."""
    connections.settings[replica.REPLICA] = {**connections.settings["default"], "TEST": {"MIRROR": "default"}}
    connections[replica.REPLICA] = connections["default"]
    try:
        yield replica.REPLICA
    finally:
        del connections[replica.REPLICA]
        del connections.settings[replica.REPLICA]


@pytest.fixture
def reads(monkeypatch):
    """Every routing decision for a read: (app_label.Model, alias or None)."""
    seen: list[tuple[str, str | None]] = []
    decide = ReplicaRouter.db_for_read

    def spy(self, model, **hints):
        alias = decide(self, model, **hints)
        seen.append((model._meta.label, alias))
        return alias

    monkeypatch.setattr(ReplicaRouter, "db_for_read", spy)
    return seen


def test_without_a_replica_everything_reads_and_writes_the_primary():
    assert not replica.replica_configured()
    with replica_reads():
        assert router.db_for_read(Incident) == "default"
    assert router.db_for_write(Incident) == "default"


def test_inside_replica_reads_the_data_goes_to_the_replica_and_writes_to_the_primary(replica_alias):
    assert router.db_for_read(Incident) == "default"
    with replica_reads():
        assert router.db_for_read(Incident) == replica_alias
        assert Incident.objects.all().db == replica_alias
        assert router.db_for_write(Incident) == "default"
        # Sessions and tokens: a login a moment ago must work even if the replica lags.
        assert router.db_for_read(Session) == "default"
        assert router.db_for_read(ApiToken) == "default"
    assert router.db_for_read(Incident) == "default"  # the context ends with the block


def test_migrate_never_runs_against_the_replica():
    assert ReplicaRouter().allow_migrate(replica.REPLICA, "incidents") is False
    assert ReplicaRouter().allow_migrate("default", "incidents") is True


def test_a_dashboard_reads_from_the_replica(world, page_for, replica_alias, reads, settings):
    assert "dashboard:subdistrict" in settings.REPLICA_READ_VIEWS
    response = page_for(world.users.street).get(reverse("dashboard:subdistrict"))
    assert response.status_code == 200
    on_replica = {label for label, alias in reads if alias == replica_alias}
    assert "incidents.Incident" in on_replica
    # Who is asking was read from the primary before the view took over.
    assert not {label for label in on_replica if label.startswith(("sessions.", "auth."))}
    assert ("grids.User", None) in reads


def test_the_dashboard_api_authenticates_a_fresh_device_token_on_the_primary(world, replica_alias, reads):
    cache.clear()  # the figures are computed, not read from an earlier test's cache
    _token, key = issue_token(user=world.users.street, device_name="tablet")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.get(reverse("api-dashboard"))
    assert response.status_code == 200
    assert ("governance.ApiToken", None) in reads
    assert ("incidents.Incident", replica_alias) in reads


def test_other_pages_read_from_the_primary(world, page_for, replica_alias, reads):
    response = page_for(world.users.street).get(reverse("home"))
    assert response.status_code == 200
    assert reads and all(alias is None for _label, alias in reads)
