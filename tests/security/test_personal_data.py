"""Personal data (issue 18, PIPL): phone numbers masked on every page, API answer and export; the
roles that need a number see it in full on request, and each such view is recorded; exports say
who exported them; expired cases lose the personal numbers typed into them."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from governance.security import retention
from governance.security.models import PersonalDataAccess
from governance.tasks import remove_expired_personal_data
from incidents.choices import Status
from incidents.models import Incident
from tests.incidents import factories as cf
from tests.inspections.conftest import enterprises  # noqa: F401  (fixture)

FULL, MASKED = "13800138000", "138****8000"  # the factories' phone
OFFICER_FULL = "13800138000"


def reveal_url(key, pk):
    return reverse("personal-data", kwargs={"key": key, "pk": pk})


# --- masked everywhere ----------------------------------------------------------------------------

def test_no_page_or_api_answer_shows_a_full_phone_number(world, enterprises, page_for, api_for):  # noqa: F811
    worker, enterprise = world.users.worker, enterprises["a1x"]
    assert worker.phone == FULL and enterprise.safety_officer_phone == OFFICER_FULL
    pages = [reverse("grids:worker-detail", args=[worker.pk]), reverse("grids:worker-list"),
             reverse("grids:community-detail", args=[world.community_a1.pk]),
             reverse("inspections:enterprise-detail", args=[enterprise.pk]), reverse("inspections:enterprise-list")]
    apis = [f"/api/v1/users/{worker.pk}/", "/api/v1/users/", f"/api/v1/enterprises/{enterprise.pk}/", "/api/v1/enterprises/"]
    for persona in ("street", "zone_leader", "safety"):
        page, api = page_for(world.persona(persona)), api_for(world.persona(persona))
        if persona == "safety":  # the safety office sees the enterprises, not the worker directory
            pages, apis = pages[3:], apis[2:]
        for url in pages:
            response = page.get(url)
            assert response.status_code == 200, (persona, url)
            assert FULL not in response.content.decode(), (persona, url)
        for url in apis:
            response = api.get(url)
            assert response.status_code == 200, (persona, url)
            assert FULL not in response.content.decode(), (persona, url)
    assert MASKED in page_for(world.users.street).get(reverse("grids:worker-detail", args=[worker.pk])).content.decode()


def test_the_show_full_number_button_only_for_roles_that_may(world, enterprises, page_for):  # noqa: F811
    url = reverse("grids:worker-detail", args=[world.users.worker.pk])
    assert 'data-testid="reveal"' in page_for(world.users.zone_leader).get(url).content.decode()
    assert reveal_url("user_phone", world.users.worker.pk) in page_for(world.users.zone_leader).get(url).content.decode()
    # A grid worker (who sees only their own directory entry) gets no button.
    own = page_for(world.users.worker).get(url)
    assert own.status_code == 200 and MASKED in own.content.decode() and 'data-testid="reveal"' not in own.content.decode()
    enterprise_page = page_for(world.users.safety).get(reverse("inspections:enterprise-detail", args=[enterprises["a1x"].pk]))
    assert reveal_url("enterprise_officer_phone", enterprises["a1x"].pk) in enterprise_page.content.decode()


# --- show full number -----------------------------------------------------------------------------

def test_a_zone_leader_sees_a_workers_number_in_full_and_it_is_recorded(world, api_for):
    leader, worker = world.users.zone_leader, world.users.worker
    before = timezone.now()
    response = api_for(leader).post(reveal_url("user_phone", worker.pk))
    assert response.status_code == 200 and response.json() == {"value": FULL}
    [access] = PersonalDataAccess.objects.all()
    assert (access.user, access.model, access.object_id, access.field) == (leader, "grids.User", str(worker.pk), "phone")
    assert access.at >= before


def test_the_safety_office_sees_the_safety_officers_number(world, enterprises, api_for):  # noqa: F811
    enterprise = enterprises["a1x"]
    response = api_for(world.users.safety).post(reveal_url("enterprise_officer_phone", enterprise.pk))
    assert response.status_code == 200 and response.json()["value"] == OFFICER_FULL
    assert PersonalDataAccess.objects.get().model == "inspections.Enterprise"


@pytest.mark.parametrize("persona, key, expected", [
    ("zone_leader_b", "user_phone", 404),  # out of scope: as if it did not exist
    ("contractor", "user_phone", 404),
    ("zone_leader", "no_such_field", 404),
    ("worker", "enterprise_officer_phone", 403),  # a grid worker sees the enterprise, the number masked only
])
def test_refused_reveals_answer_and_record_nothing(world, enterprises, api_for, persona, key, expected):  # noqa: F811
    target = enterprises["a1x"] if key == "enterprise_officer_phone" else world.users.worker
    response = api_for(world.persona(persona)).post(reveal_url(key, target.pk))
    assert response.status_code == expected, response.content
    assert PersonalDataAccess.objects.count() == 0


def test_a_page_user_reveals_through_the_session_with_csrf(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True, headers={"Accept-Language": "en"})
    client.force_login(world.users.zone_leader)
    assert client.post(reveal_url("user_phone", world.users.worker.pk)).status_code == 403  # no CSRF token
    assert PersonalDataAccess.objects.count() == 0


def test_the_access_log_is_append_only(world, api_for):
    api_for(world.users.street).post(reveal_url("user_phone", world.users.worker.pk))
    access = PersonalDataAccess.objects.get()
    with pytest.raises(TypeError):
        access.save()
    with pytest.raises(TypeError):
        access.delete()
    with pytest.raises(TypeError):
        PersonalDataAccess.objects.all().update(field="x")
    with pytest.raises(TypeError):
        PersonalDataAccess.objects.all().delete()


# --- exports --------------------------------------------------------------------------------------

def first_row(content: bytes) -> tuple:
    return next(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


def test_every_export_says_who_exported_it_and_when(world, enterprises, page_for):  # noqa: F811
    leader = world.users.zone_leader
    page = page_for(leader)
    for url in (reverse("incidents:export"), reverse("inspections:enterprise-export"), reverse("dashboard:subdistrict") + "export.xlsx"):
        response = page.get(url)
        assert response.status_code == 200, url
        stamp = first_row(response.content)[0]
        assert stamp.startswith(f"Exported by {leader.display_name} ({leader.username}) at {timezone.localdate():%Y-%m-%d}"), url
    street = page_for(world.users.street).get(reverse("meetings:decisions-export"))
    assert first_row(street.content)[0].startswith("Exported by ")


def test_an_export_carries_the_phone_only_as_the_role_may_see_it(world, enterprises, page_for):  # noqa: F811
    rows = list(load_workbook(io.BytesIO(page_for(world.users.zone_leader).get(reverse("inspections:enterprise-export")).content))
                .active.iter_rows(min_row=3, values_only=True))
    assert rows and all(FULL not in [str(v) for v in row] for row in rows)


# --- retention ------------------------------------------------------------------------------------

@pytest.fixture
def closed_cases(world, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.PERSONAL_DATA_RETENTION_DAYS = 365
    cats = cf.category_tree(world)
    text = "居民王某（电话 139-1234-5678，身份证 37021119800101123X）反映燃气味，座机 0532-88889999"
    old, recent, running = (cf.case_in(status, world, cats) for status in (Status.CLOSED, Status.CLOSED, Status.DISPATCHED))
    Incident.objects.filter(pk__in=[old.pk, recent.pk, running.pk]).update(description=text, result="已回访 13912345678")
    Incident.objects.filter(pk=old.pk).update(closed_at=timezone.now() - dt.timedelta(days=400))
    return old, recent, running, text


def test_closed_cases_past_retention_lose_personal_numbers_and_stay(closed_cases):
    old, recent, running, text = closed_cases
    assert remove_expired_personal_data() == 1
    old.refresh_from_db()
    assert "13912345678" not in old.description + old.result and "139-1234-5678" not in old.description
    assert "37021119800101123X" not in old.description and "0532-88889999" not in old.description
    assert old.description.startswith("居民王某") and old.status == Status.CLOSED and old.code
    for case in (recent, running):
        case.refresh_from_db()
        assert case.description == text
    assert retention.remove_expired_personal_data() == 0  # idempotent


def test_the_retention_task_runs_nightly_and_defaults_to_three_years():
    from django.conf import settings

    assert settings.CELERY_BEAT_SCHEDULE["remove-expired-personal-data"]["task"] == "governance.tasks.remove_expired_personal_data"
    assert settings.PERSONAL_DATA_RETENTION_DAYS == 3 * 365
