"""Open311 api_keys (required, hashed, revoked refused, rate-limited), privacy of the public read
(PIPL), a public report through the normal loop, and duplicates linked instead of doubled."""

from __future__ import annotations

import pytest

from casework.keys import key_hash
from incidents import services
from incidents.choices import Action, EventKind, Status
from incidents.models import Incident, IncidentEvent, Open311Key, Open311Request
from incidents.open311.keys import authenticate_key, create_client, issue_key, revoke_key
from tests.incidents import factories as cf
from tests.incidents.open311.conftest import read, report

pytestmark = pytest.mark.django_db

BOTH = ["json", "xml"]


def post(http, fmt, data):
    return http.post(f"/open311/v2/requests.{fmt}", data)


# --- keys ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", BOTH)
@pytest.mark.parametrize("api_key", [None, "", "0" * 40])
def test_post_without_a_valid_api_key_is_the_spec_403(http, world, public_cats, hotline, fmt, api_key):
    data = report("gas-smell", cf.centre(world.cell_a1x))
    if api_key is not None:
        data["api_key"] = api_key
    response = post(http, fmt, data)
    assert response.status_code == 403
    assert read(response) == [{"code": 403 if fmt == "json" else "403",
                               "description": "Invalid api_key received: cannot create the request."}]
    assert not Incident.objects.exists()


@pytest.mark.parametrize("fmt", BOTH)
def test_a_revoked_key_or_a_disabled_client_is_refused(http, world, public_cats, hotline, fmt):
    data = report("gas-smell", cf.centre(world.cell_a1x), api_key=hotline.api_key)
    revoke_key(key=hotline.key, actor=world.users.admin)
    assert post(http, fmt, data).status_code == 403
    _key, fresh = issue_key(client=hotline.client, actor=world.users.admin)
    hotline.client.is_active = False
    hotline.client.save()
    assert post(http, fmt, {**data, "api_key": fresh}).status_code == 403
    assert not Incident.objects.exists()


def test_keys_are_stored_hashed_and_shown_once(world, hotline):
    key = Open311Key.objects.get()
    assert key.key_hash == key_hash(hotline.api_key) and hotline.api_key not in (key.key_hash, key.prefix)
    assert key.prefix == hotline.api_key[:8] and len(hotline.api_key) == 40
    assert authenticate_key(hotline.api_key) == key


def test_revoking_twice_keeps_the_first_time(world, hotline):
    first = revoke_key(key=hotline.key).revoked_at
    assert revoke_key(key=hotline.key).revoked_at == first


def test_last_used_is_written_at_most_once_a_minute(world, hotline, django_assert_num_queries):
    authenticate_key(hotline.api_key)
    with django_assert_num_queries(1):  # the look-up only
        authenticate_key(hotline.api_key)


def test_the_client_account_cannot_log_in(world, hotline):
    account = hotline.client.account
    assert not account.is_active and not account.has_usable_password()
    assert account.display_name == "12345 热线"


@pytest.mark.parametrize("fmt", BOTH)
def test_rate_limit_answers_429_in_the_spec_error_format(http, world, public_cats, hotline, fmt):
    hotline.client.rate_limit_per_hour = 2
    hotline.client.save()
    for cell in (world.cell_a1x, world.cell_a1y):
        assert post(http, fmt, report("gas-smell", cf.centre(cell), api_key=hotline.api_key)).status_code == 200
    third = post(http, fmt, report("exposed-rubbish", cf.centre(world.cell_a2x), api_key=hotline.api_key))
    assert third.status_code == 429
    [error] = read(third)
    assert error["code"] == (429 if fmt == "json" else "429")
    assert error["description"].startswith("Too many requests from this client")
    assert 0 < int(third["Retry-After"]) <= 3600
    assert Incident.objects.count() == 2
    # Another client has its own allowance.
    other = create_client(name="city app")
    _key, raw = issue_key(client=other)
    assert post(http, fmt, report("exposed-rubbish", cf.centre(world.cell_a2x), api_key=raw)).status_code == 200


def test_the_default_rate_comes_from_settings(http, world, public_cats, hotline, settings):
    settings.OPEN311_RATE_LIMIT_PER_HOUR = 1
    assert post(http, "json", report("gas-smell", cf.centre(world.cell_a1x), api_key=hotline.api_key)).status_code == 200
    assert post(http, "json", report("gas-smell", cf.centre(world.cell_a1y), api_key=hotline.api_key)).status_code == 429


# --- privacy ---------------------------------------------------------------------------------------


PERSONAL = {"first_name": "小明", "last_name": "王", "phone": "13912345678", "email": "wang.xm@example.cn",
            "device_id": "device-42"}


@pytest.mark.parametrize("fmt", BOTH)
def test_no_personal_data_or_internal_note_in_any_public_answer(http, world, public_cats, hotline, fmt):
    data = report("gas-smell", cf.centre(world.cell_a1x), api_key=hotline.api_key, **PERSONAL,
                  description="Gas smell; call me on 13912345678 or 0532-88776655")
    code = read(post(http, fmt, data))[0]["service_request_id"]
    case = Incident.objects.get()
    leader = world.users.zone_leader
    services.apply_action(case.pk, actor=leader, action=Action.COMMENT, params={"note": "internal: owner is 李四, 13700001111"})
    services.apply_action(case.pk, actor=leader, action=Action.REJECT, params={"reason": "internal reason: duplicate of hotline 88"})
    token = Open311Request.objects.get().token
    bodies = [
        http.get(f"/open311/v2/requests.{fmt}").content,
        http.get(f"/open311/v2/requests.{fmt}?service_request_id={code}").content,
        http.get(f"/open311/v2/requests/{code}.{fmt}").content,
        http.get(f"/open311/v2/tokens/{token}.{fmt}").content,
    ]
    for body in bodies:
        text = body.decode()
        for secret in [*PERSONAL.values(), "0532-88776655", "13700001111", "李四", "internal"]:
            assert secret not in text, (secret, text)
    [request] = read(http.get(f"/open311/v2/requests/{code}.{fmt}"))
    assert request["description"] == "Gas smell; call me on *** or ***"
    assert request["status"] == "closed" and request["status_notes"] == "Not taken up by the zone."


@pytest.mark.parametrize("fmt", BOTH)
def test_a_sensitive_category_shows_a_rounded_point_and_no_address(http, world, public_cats, hotline, fmt):
    lat, lng = cf.centre(world.cell_a1x)
    data = report("neighbour-dispute", (lat + 0.000123, lng + 0.000456), api_key=hotline.api_key,
                  address_string="东岭社区 5 号楼 2 单元", media_url="https://img.example.cn/1.jpg")
    code = read(post(http, fmt, data))[0]["service_request_id"]
    [request] = read(http.get(f"/open311/v2/requests/{code}.{fmt}"))
    assert float(request["lat"]) == round(lat + 0.000123, 2) and float(request["long"]) == round(lng + 0.000456, 2)
    assert request["address"] in (None, "") and request["address_id"] in (None, "") and request["media_url"] in (None, "")
    assert "5 号楼" not in http.get(f"/open311/v2/requests.{fmt}").content.decode()
    # Staff still see the exact point and the address.
    case = Incident.objects.get()
    assert case.latitude == pytest.approx(lat + 0.000123) and case.address == "东岭社区 5 号楼 2 单元"


def test_a_public_category_shows_the_exact_point_and_the_submitted_media_url(http, world, public_cats, hotline):
    data = report("gas-smell", cf.centre(world.cell_a1x), api_key=hotline.api_key, media_url="https://img.example.cn/2.jpg")
    code = read(post(http, "json", data))[0]["service_request_id"]
    [request] = read(http.get(f"/open311/v2/requests/{code}.json"))
    assert request["media_url"] == "https://img.example.cn/2.jpg"
    assert request["lat"] == pytest.approx(cf.centre(world.cell_a1x)[0])


def test_cases_of_categories_closed_to_the_public_are_not_readable(http, world, public_cats):
    case = cf.case_in(Status.REPORTED, world, public_cats.cats, category=public_cats.fire_exit)
    assert http.get(f"/open311/v2/requests/{case.code}.json").status_code == 404
    assert read(http.get("/open311/v2/requests.json")) == []


# --- the normal loop ---------------------------------------------------------------------------------


def test_a_public_report_goes_through_the_normal_loop_and_the_reporter_follows_it(http, world, public_cats, hotline):
    code = read(post(http, "json", report("gas-smell", cf.centre(world.cell_a1x), api_key=hotline.api_key)))[0]["service_request_id"]
    case = Incident.objects.get(code=code)
    assert case.zone == world.zone_a
    # The zone leader is told, as of any report, and finds it in the zone's queue.
    assert world.users.zone_leader.notifications.filter(kind=EventKind.REPORTED).exists()
    assert Incident.objects.visible_to(world.users.zone_leader).filter(pk=case.pk).exists()
    token = Open311Request.objects.get().token

    def follow():
        [request] = read(http.get(f"/open311/v2/requests/{code}.json"))
        [by_token] = read(http.get(f"/open311/v2/tokens/{token}.json"))
        assert by_token["service_request_id"] == code
        return request

    leader, handler = world.users.zone_leader, world.users.safety_a
    services.register_case(case.pk, actor=leader)
    assert follow()["status_notes"] == "Registered by the zone."
    services.dispatch_case(case.pk, actor=leader, department=world.safety.pk)
    request = follow()
    assert (request["status"], request["agency_responsible"]) == ("open", "安监办")
    assert request["expected_datetime"] is not None
    services.accept_case(case.pk, actor=handler)
    services.handle_case(case.pk, actor=handler, result="Valve replaced")
    services.verify_case(case.pk, actor=world.users.worker, passed=True)
    services.close_case(case.pk, actor=leader)
    request = follow()
    case.refresh_from_db()
    assert (request["status"], request["status_notes"]) == ("closed", "Fixed and closed.")
    assert request["updated_datetime"] == case.closed_at.astimezone(request_tz(request)).isoformat(timespec="seconds")
    assert request["expected_datetime"] is None
    assert "Valve replaced" not in http.get(f"/open311/v2/requests/{code}.xml").content.decode()


def request_tz(request):
    import datetime as dt

    return dt.datetime.fromisoformat(request["updated_datetime"]).tzinfo


def test_the_zone_may_reject_a_public_report(http, world, public_cats, hotline):
    code = read(post(http, "xml", report("exposed-rubbish", cf.centre(world.cell_a1x), api_key=hotline.api_key)))[0]["service_request_id"]
    case = Incident.objects.get(code=code)
    services.reject_case(case.pk, actor=world.users.zone_leader, reason="Private courtyard")
    [request] = read(http.get(f"/open311/v2/requests/{code}.xml"))
    assert request["status"] == "closed"


# --- duplicates --------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", BOTH)
def test_a_duplicate_within_50_m_and_7_days_is_linked_not_doubled(http, world, public_cats, hotline, fmt):
    lat, lng = cf.centre(world.cell_a1x)
    first = cf.case_in(Status.REGISTERED, world, public_cats.cats)  # a grid worker's gas case at the centre
    near = (lat + 0.0002, lng)  # about 22 m north
    response = post(http, fmt, report("gas-smell", near, api_key=hotline.api_key, phone="13912345678"))
    [answer] = read(response)
    assert answer["service_request_id"] == first.code
    assert "Added to an open report of the same problem nearby" in answer["service_notice"]
    assert Incident.objects.count() == 1
    request = Open311Request.objects.get()
    assert request.incident == first and request.linked
    sighting = IncidentEvent.objects.get(incident=first, kind=EventKind.LINKED)
    assert sighting.actor == hotline.client.account and sighting.note == "A strong smell of gas by the stairwell"
    [by_token] = read(http.get(f"/open311/v2/tokens/{request.token}.{fmt}"))
    assert by_token["service_request_id"] == first.code


def test_not_a_duplicate_farther_other_category_closed_or_old(http, world, public_cats, hotline):
    import datetime as dt

    from django.utils import timezone

    lat, lng = cf.centre(world.cell_a1x)
    cats = public_cats.cats
    cf.case_in(Status.REGISTERED, world, cats, category=cats.rubbish)  # other category
    cf.case_in(Status.CLOSED, world, cats)  # closed
    old = cf.case_in(Status.REGISTERED, world, cats)
    Incident.objects.filter(pk=old.pk).update(reported_at=timezone.now() - dt.timedelta(days=8))  # too old
    before = Incident.objects.count()
    answer = read(post(http, "json", report("gas-smell", (lat, lng + 0.0003), api_key=hotline.api_key)))[0]
    assert Incident.objects.count() == before + 1
    far = read(post(http, "json", report("gas-smell", (lat, lng + 0.001), api_key=hotline.api_key)))[0]  # ~90 m from it
    assert far["service_request_id"] != answer["service_request_id"]
    assert Incident.objects.count() == before + 2


def test_retention_blanks_the_reporters_contact_once_the_case_is_long_closed(http, world, public_cats, hotline, settings):
    import datetime as dt

    from django.utils import timezone

    from governance.security import retention

    data = report("gas-smell", cf.centre(world.cell_a1x), api_key=hotline.api_key, **PERSONAL)
    post(http, "json", data)
    case = Incident.objects.get()
    services.reject_case(case.pk, actor=world.users.zone_leader, reason="Not ours")
    assert retention.blank_open311_contacts() == 0  # closed just now: kept
    Incident.objects.filter(pk=case.pk).update(closed_at=timezone.now() - dt.timedelta(days=settings.PERSONAL_DATA_RETENTION_DAYS + 1))
    assert retention.remove_expired_personal_data() == 1
    request = Open311Request.objects.get()
    assert (request.first_name, request.last_name, request.phone, request.email, request.device_id) == ("", "", "", "", "")
    assert retention.remove_expired_personal_data() == 0
