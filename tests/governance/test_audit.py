"""The security audit trail (issue 17): one test per kind of event, the append-only rule (in the
ORM everywhere, in the database on PostgreSQL), the retention that keeps 180 days at the least, and
the list and export pages that only the street office and administrators see."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from casework import audit as door
from governance.audit import services as audit
from governance.audit.models import AuditEntry, Kind
from grids.choices import Role
from incidents.choices import Status
from tests import factories as f

pytestmark = pytest.mark.django_db


def entries(kind: str, **filters):
    return list(AuditEntry.objects.filter(kind=kind, **filters).order_by("pk"))


def last(kind: str, **filters) -> AuditEntry:
    found = entries(kind, **filters)
    assert found, f"no {kind} entry in {list(AuditEntry.objects.values_list('kind', 'username'))}"
    return found[-1]


# --- logins -----------------------------------------------------------------------------------------


def test_a_login_is_recorded_with_the_user_and_address(world):
    client = Client(REMOTE_ADDR="10.1.2.3")
    assert client.post("/accounts/login/", {"username": "p_worker", "password": f.PASSWORD}).status_code == 302
    entry = last(Kind.LOGIN)
    assert (entry.actor_id, entry.username, entry.ip, entry.path) == (world.users.worker.pk, "p_worker", "10.1.2.3", "/accounts/login/")


def test_a_failed_login_is_recorded_with_the_name_tried_even_if_nobody_has_it(world):
    client = Client(REMOTE_ADDR="10.1.2.4")
    client.post("/accounts/login/", {"username": "p_worker", "password": "wrong"})
    client.post("/accounts/login/", {"username": "nobody-here", "password": "wrong"})
    failed = entries(Kind.LOGIN_FAILED)
    assert [(e.username, e.actor_id, e.ip) for e in failed] == [("p_worker", None, "10.1.2.4"), ("nobody-here", None, "10.1.2.4")]
    assert not entries(Kind.LOGIN)


def test_a_lockout_is_recorded(world, settings):
    settings.AXES_FAILURE_LIMIT = 2
    client = Client(REMOTE_ADDR="10.1.2.5")
    for _ in range(3):
        client.post("/accounts/login/", {"username": "p_worker", "password": "wrong"})
    entry = last(Kind.LOCKOUT)
    assert (entry.username, entry.ip) == ("p_worker", "10.1.2.5")


def test_a_logout_is_recorded(world, page_for):
    client = page_for(world.users.zone_leader)
    client.post("/accounts/logout/")
    assert last(Kind.LOGOUT).actor_id == world.users.zone_leader.pk


# --- refusals ---------------------------------------------------------------------------------------


def test_a_refused_page_403_is_recorded_with_its_reason(world, page_for):
    response = page_for(world.users.worker).get(reverse("audit:list"))
    assert response.status_code == 403
    entry = last(Kind.PERMISSION_DENIED)
    assert (entry.actor_id, entry.path, entry.detail["status"]) == (world.users.worker.pk, "/audit/", 403)
    assert "audit trail" in entry.detail["reason"]


def test_a_refused_api_403_is_recorded(world, api_for):
    # Only the street office registers meetings (a service's Forbidden, mapped to 403 by casework.http).
    response = api_for(world.users.worker).post("/api/v1/meetings/", {"kind": "weekly"}, format="json")
    assert response.status_code == 403, response.content
    entry = last(Kind.PERMISSION_DENIED)
    assert entry.actor_id == world.users.worker.pk and entry.detail["status"] == 403 and entry.method == "POST"


def test_a_refused_csrf_token_is_recorded(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users.street)
    assert client.post("/accounts/logout/").status_code == 403
    assert last(Kind.PERMISSION_DENIED).detail["reason"].startswith("csrf")


def test_an_existing_case_out_of_scope_answers_404_and_is_recorded_a_missing_one_is_not(world, make_case, page_for, api_for):
    case = make_case(Status.REPORTED)
    outsider = world.users.worker_b
    assert page_for(outsider).get(reverse("incidents:detail", args=[case.pk])).status_code == 404
    assert api_for(outsider).get(f"/api/v1/incidents/{case.pk}/").status_code == 404
    refused = entries(Kind.PERMISSION_DENIED)
    assert [(e.actor_id, e.target_type, e.target_id, e.detail["status"], e.detail["reason"]) for e in refused] == [
        (outsider.pk, "incidents.incident", str(case.pk), 404, "out_of_scope")] * 2
    assert page_for(outsider).get(reverse("incidents:detail", args=[case.pk + 1000])).status_code == 404
    assert api_for(outsider).get(f"/api/v1/incidents/{case.pk + 1000}/").status_code == 404
    assert len(entries(Kind.PERMISSION_DENIED)) == 2


def test_a_scoped_lookup_through_get_visible_or_404_records_an_existing_object_out_of_scope(world, make_case):
    from django.http import Http404

    from grids.access import get_visible_or_404
    from incidents.models import Incident

    case = make_case(Status.REPORTED)
    with pytest.raises(Http404):
        get_visible_or_404(Incident, world.users.worker_b, pk=case.pk)
    assert last(Kind.PERMISSION_DENIED).target_id == str(case.pk)


# --- exports ----------------------------------------------------------------------------------------


def test_an_export_records_who_which_list_which_filters_and_how_many_rows(world, make_case, page_for):
    make_case(Status.REPORTED)
    make_case(Status.REGISTERED)
    response = page_for(world.users.street).get(reverse("incidents:export") + "?status=registered&status=reported&q=gas")
    assert response.status_code == 200
    entry = last(Kind.EXPORT)
    assert entry.actor_id == world.users.street.pk
    assert entry.detail["export"] == "incidents"
    assert entry.detail["filters"] == {"status": ["registered", "reported"], "q": "gas"}
    rows = load_workbook(__import__("io").BytesIO(response.content)).active.max_row - 2  # stamp and header rows
    assert entry.detail["rows"] == rows


def test_the_meeting_ledger_and_dashboard_exports_are_recorded(world, make_case, page_for):
    street = page_for(world.users.street)
    assert street.get(reverse("meetings:decisions-export")).status_code == 200
    assert street.get(reverse("dashboard:export")).status_code == 200
    assert [e.detail["export"] for e in entries(Kind.EXPORT)] == ["meeting_decisions", "dashboard"]
    assert entries(Kind.EXPORT)[0].detail["rows"] == 0


def test_the_enterprise_export_is_recorded(world, page_for):
    from inspections import services
    from tests.inspections.conftest import enterprise_data

    services.register_enterprise(actor=world.users.street, **enterprise_data(1, "a1x", responsible_departments=[]))
    assert page_for(world.users.street).get(reverse("inspections:enterprise-export")).status_code == 200
    entry = last(Kind.EXPORT)
    assert entry.detail["export"] == "enterprises" and entry.detail["rows"] == 1


# --- admin changes, users and roles -------------------------------------------------------------------


def test_an_admin_change_is_recorded_from_its_log_entry(world, page_for):
    from casework.models import CalendarYear

    admin = page_for(world.users.admin)
    response = admin.post(reverse("admin:casework_calendaryear_add"), {"year": 2031, "source": "manual"})
    assert response.status_code == 302, response.content.decode()[:3000]
    year = CalendarYear.objects.get(year=2031)
    entry = last(Kind.ADMIN_CHANGE)
    assert (entry.actor_id, entry.target_type, entry.target_id, entry.detail["action"]) == (
        world.users.admin.pk, "casework.calendaryear", str(year.pk), "added")
    assert entry.detail["object_repr"]


def test_a_new_user_and_a_changed_name_are_user_changes_without_the_values_of_personal_fields(world):
    user = f.UserFactory(username="p_new", role=Role.STREET)
    created = entries(Kind.USER_CHANGE, target_id=str(user.pk))[0]
    assert created.detail["action"] == "created" and created.detail["role"] == Role.STREET
    user.first_name = "新"
    user.phone = "13912345678"
    user.set_password("another-password-2026")
    user.save()
    changed = last(Kind.USER_CHANGE, target_id=str(user.pk))
    assert changed.detail == {"action": "changed", "fields": ["first_name", "phone", "password"]}
    assert "13912345678" not in str(changed.detail)
    assert not entries(Kind.ROLE_CHANGE, target_id=str(user.pk))


def test_a_login_does_not_count_as_a_user_change(world):
    before = len(entries(Kind.USER_CHANGE, target_id=str(world.users.worker.pk)))
    assert Client().post("/accounts/login/", {"username": "p_worker", "password": f.PASSWORD}).status_code == 302
    assert len(entries(Kind.USER_CHANGE, target_id=str(world.users.worker.pk))) == before


def test_a_role_change_records_the_values_before_and_after_and_who_made_it(world, page_for):
    user = world.users.community
    user.role = Role.ZONE_LEADER
    user.community = None
    user.community_post = ""
    user.zone = world.zone_a
    user.save()
    entry = last(Kind.ROLE_CHANGE, target_id=str(user.pk))
    assert entry.detail["changes"]["role"] == [Role.COMMUNITY, Role.ZONE_LEADER]
    assert entry.detail["changes"]["zone_id"] == [None, world.zone_a.pk]
    world.users.worker.grid_cells.add(world.cell_a1y)
    cells = last(Kind.ROLE_CHANGE, target_id=str(world.users.worker.pk))
    assert cells.detail["changes"] == {"grid_cells": ["add", [world.cell_a1y.pk]]}


def test_a_deleted_user_is_recorded_and_keeps_their_trail(world):
    user = f.UserFactory(username="p_gone", role=Role.STREET)
    audit.record(Kind.LOGIN, actor=user)
    pk = user.pk
    user.delete()
    assert last(Kind.USER_CHANGE, target_id=str(pk)).detail["deleted_username"] == "p_gone"
    assert last(Kind.LOGIN, username="p_gone").actor_id == pk


# --- API tokens --------------------------------------------------------------------------------------


def test_a_token_issued_by_the_token_endpoint_is_recorded_without_its_key(world):
    response = APIClient().post("/api/v1/auth/token/", {"username": "p_worker", "password": f.PASSWORD}, format="json")
    assert response.status_code == 200
    entry = last(Kind.TOKEN_ISSUED)
    assert (entry.actor_id, entry.target_type, entry.target_id) == (world.users.worker.pk, "grids.user", str(world.users.worker.pk))
    assert response.json()["token"] not in str(entry.detail) + entry.target_repr


def test_a_revoked_token_is_recorded(world):
    key = APIClient().post("/api/v1/auth/token/", {"username": "p_worker", "password": f.PASSWORD}, format="json").json()["token"]
    client = APIClient(headers={"Authorization": f"Token {key}"})
    assert client.delete("/api/v1/auth/token/").status_code == 204
    entry = last(Kind.TOKEN_REVOKED)
    assert entry.actor_id == world.users.worker.pk and entry.method == "DELETE"


def test_record_is_the_door_for_open311_keys_and_other_callers(world):
    entry = door.record(Kind.API_KEY_ISSUED, actor=world.users.admin, target=world.users.street, key_name="311 client")
    assert entry.kind == Kind.API_KEY_ISSUED and entry.target_repr == str(world.users.street)
    assert entry.detail == {"key_name": "311 client"}
    with pytest.raises(ValueError):
        audit.record("made_up_kind")


# --- append-only ---------------------------------------------------------------------------------------


def test_the_orm_refuses_to_update_or_delete_entries(world):
    entry = audit.record(Kind.LOGIN, actor=world.users.street)
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        AuditEntry.objects.filter(pk=entry.pk).update(username="x")
    with pytest.raises(TypeError):
        AuditEntry.objects.filter(pk=entry.pk).delete()


def test_postgresql_refuses_an_update_and_the_delete_of_a_young_entry(postgres, world):
    entry = audit.record(Kind.LOGIN, actor=world.users.street)
    table = AuditEntry._meta.db_table
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET username = 'someone else' WHERE id = %s", [entry.pk])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [entry.pk])
    old = AuditEntry.objects.create(kind=Kind.LOGIN, at=timezone.now() - dt.timedelta(days=181))
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET username = 'x' WHERE id = %s", [old.pk])
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [old.pk])
    assert list(AuditEntry.objects.filter(pk__in=[entry.pk, old.pk]).values_list("pk", "username")) == [(entry.pk, "p_street")]


# --- retention ---------------------------------------------------------------------------------------------


def _aged(days: float) -> AuditEntry:
    return AuditEntry.objects.create(kind=Kind.LOGIN, username=f"{days}d", at=timezone.now() - dt.timedelta(days=days))


def test_retention_deletes_only_entries_older_than_the_setting(world, settings):
    settings.AUDIT_RETENTION_DAYS = 200
    for days in (1, 179, 181, 199, 201, 400):
        _aged(days)
    assert audit.purge_expired() == 2
    assert sorted(AuditEntry.objects.filter(username__endswith="d").values_list("username", flat=True)) == [
        "179d", "181d", "199d", "1d"]


def test_retention_keeps_180_days_even_if_the_setting_says_fewer(world, settings):
    settings.AUDIT_RETENTION_DAYS = 30
    for days in (31, 100, 179.9, 180.5):
        _aged(days)
    from governance.audit.tasks import purge_audit_trail

    assert purge_audit_trail() == 1
    assert sorted(AuditEntry.objects.filter(username__endswith="d").values_list("username", flat=True)) == [
        "100d", "179.9d", "31d"]


def test_the_retention_runs_on_beat_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["purge-audit-trail"]
    assert entry["task"] == "governance.audit.tasks.purge_audit_trail"
    from celery import current_app

    assert "governance.audit.tasks.purge_audit_trail" in current_app.tasks


# --- the pages ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["street", "admin"])
def test_the_office_sees_the_trail_filtered(world, page_for, persona):
    audit.record(Kind.LOGIN, actor=world.users.worker)
    audit.record(Kind.LOGIN_FAILED, username="mallory")
    response = page_for(world.persona(persona)).get(reverse("audit:list") + "?kind=login_failed")
    assert response.status_code == 200
    shown = [e.username for e in response.context["entries"]]
    assert shown == ["mallory"]


@pytest.mark.parametrize("persona", ["zone_leader", "community", "worker", "safety", "contractor"])
def test_no_other_role_sees_the_trail_or_its_export(world, page_for, persona):
    client = page_for(world.persona(persona))
    assert client.get(reverse("audit:list")).status_code == 403
    assert client.get(reverse("audit:export")).status_code == 403
    assert AuditEntry.objects.visible_to(world.persona(persona)).count() == 0


def test_the_list_pins_its_query_count(world, page_for, django_assert_num_queries):
    client = page_for(world.users.street)
    for n in range(3):
        audit.record(Kind.LOGIN_FAILED, username=f"u{n}")
    with django_assert_num_queries(4):  # session, user, count, page
        small = client.get(reverse("audit:list"))
    for n in range(60):
        audit.record(Kind.LOGIN_FAILED, username=f"v{n}")
    with django_assert_num_queries(4):
        big = client.get(reverse("audit:list"))
    assert small.status_code == big.status_code == 200
    assert len(big.context["entries"]) > len(small.context["entries"])


def test_the_trail_exports_to_excel_and_the_export_is_itself_recorded(world, page_for):
    audit.record(Kind.LOGIN_FAILED, username="=HYPERLINK(\"x\")")
    audit.record(Kind.LOGIN, actor=world.users.worker)
    response = page_for(world.users.admin).get(reverse("audit:export") + "?kind=login_failed")
    assert response.status_code == 200
    sheet = load_workbook(__import__("io").BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3 and rows[2][2] == "'=HYPERLINK(\"x\")"
    entry = last(Kind.EXPORT)
    assert entry.detail == {"export": "audit", "filters": {"kind": "login_failed"}, "rows": 1}


def test_a_bad_filter_is_a_form_message_not_a_500(world, page_for):
    client = page_for(world.users.street)
    assert client.get(reverse("audit:list") + "?ip=not-an-ip&since=yesterday").status_code == 200
    assert client.get(reverse("audit:export") + "?ip=not-an-ip").status_code == 302


def test_the_settings_refuse_a_retention_below_180_days(tmp_path):
    from tests.grids.test_settings import refused, run_settings

    assert "AUDIT_RETENTION_DAYS" in refused(tmp_path, AUDIT_RETENTION_DAYS="179")
    assert run_settings(tmp_path, AUDIT_RETENTION_DAYS="180").returncode == 0


def test_open311_keys_issued_and_revoked_are_recorded_without_the_key(world):
    from governance.audit.models import AuditEntry
    from incidents.open311.keys import create_client, issue_key, revoke_key

    client = create_client(name="12345 热线")
    key, raw = issue_key(client=client, actor=world.users.admin)
    revoke_key(key=key, actor=world.users.admin)
    revoke_key(key=key, actor=world.users.admin)  # already revoked: nothing more
    rows = list(AuditEntry.objects.filter(kind__in=["api_key_issued", "api_key_revoked"]).order_by("pk"))
    assert [row.kind for row in rows] == ["api_key_issued", "api_key_revoked"]
    assert all(raw not in repr(row.detail) for row in rows)


def test_device_tokens_issued_and_revoked_are_recorded(world):
    from governance.audit.models import AuditEntry
    from governance.security.devices import issue_token, revoke_token

    token, raw = issue_token(user=world.users.worker, device_name="phone")
    revoke_token(token=token, actor=world.users.worker, reason="revoked")
    rows = list(AuditEntry.objects.filter(kind__in=["token_issued", "token_revoked"]).order_by("pk"))
    assert [(row.kind, row.detail.get("device")) for row in rows] == [("token_issued", "phone"), ("token_revoked", "phone")]
    assert all(raw not in repr(row.detail) for row in rows)
