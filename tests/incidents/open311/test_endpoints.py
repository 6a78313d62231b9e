"""Every Open311 GeoReport v2 endpoint in both formats, against the spec's examples: the field
names and types, the .json/.xml suffixes and `format`, the error lists, the datetimes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from incidents.choices import Source, Status
from incidents.models import Incident, IncidentPhoto, Open311Request
from tests.incidents import factories as cf
from tests.incidents.open311.conftest import W3C, read, report

pytestmark = pytest.mark.django_db

BOTH = ["json", "xml"]
REQUEST_FIELDS = [
    "service_request_id", "status", "status_notes", "service_name", "service_code", "description", "agency_responsible",
    "service_notice", "requested_datetime", "updated_datetime", "expected_datetime", "address", "address_id", "zipcode",
    "lat", "long", "media_url",
]


def post(http, fmt, data, **extra):
    return http.post(f"/open311/v2/requests.{fmt}", data, **extra)


def filed(http, hotline, world, fmt="json", category="gas-smell", cell=None, **extra):
    response = post(http, fmt, report(category, cf.centre(cell or world.cell_a1x), api_key=hotline.api_key, **extra))
    assert response.status_code == 200, response.content
    return read(response)[0]


# --- discovery and services --------------------------------------------------------------------


@pytest.mark.parametrize("fmt", BOTH)
def test_discovery_names_the_endpoint_its_formats_and_where_to_get_a_key(http, fmt, db):
    body = read(http.get(f"/open311/v2/discovery.{fmt}"))
    assert list(body) == ["changeset", "contact", "key_service", "endpoints"]
    assert W3C.match(body["changeset"])
    endpoint = body["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert endpoint["type"] == "production"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    assert "administrator" in body["key_service"]


@pytest.mark.parametrize("fmt", BOTH)
def test_services_list_the_public_categories_with_the_spec_fields(http, public_cats, fmt):
    services = read(http.get(f"/open311/v2/services.{fmt}"))
    codes = [s["service_code"] for s in services]
    assert codes == ["gas-smell", "exposed-rubbish", "neighbour-dispute"]  # fire exits are not open to the public
    gas = services[0]
    assert list(gas) == ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]
    assert gas["service_name"] == "燃气异味"
    assert gas["group"] == "Safety"
    assert gas["type"] == "realtime"
    assert gas["metadata"] is False if fmt == "json" else gas["metadata"] == "false"
    assert "大安全" in gas["keywords"]


@pytest.mark.parametrize("fmt", BOTH)
def test_service_definition_has_no_attributes_and_an_unknown_code_is_the_spec_404(http, public_cats, fmt):
    definition = read(http.get(f"/open311/v2/services/gas-smell.{fmt}"))
    assert definition == {"service_code": "gas-smell", "attributes": []}
    for code in ("no-such-code", "fire-exit-blocked", "safety"):  # unknown, not public, a whole domain
        response = http.get(f"/open311/v2/services/{code}.{fmt}")
        assert response.status_code == 404
        assert read(response) == [{"code": 404 if fmt == "json" else "404", "description": f"service_code {code} was not found."}]


def test_without_a_suffix_the_format_argument_chooses_and_xml_is_the_default(http, public_cats):
    assert http.get("/open311/v2/services").headers["Content-Type"] == "text/xml; charset=utf-8"
    assert http.get("/open311/v2/services?format=json").headers["Content-Type"] == "application/json; charset=utf-8"
    assert http.get("/open311/v2/services.xml?format=json").headers["Content-Type"] == "text/xml; charset=utf-8"
    bad = http.get("/open311/v2/services?format=csv")
    assert bad.status_code == 400
    assert read(bad) == [{"code": "400", "description": "Unknown format: use json or xml."}]


@pytest.mark.parametrize("fmt", BOTH)
def test_a_wrong_jurisdiction_is_the_spec_404_and_ours_or_none_is_accepted(http, public_cats, settings, fmt):
    settings.OPEN311_JURISDICTION_ID = "xinhe.gov.cn"
    assert http.get(f"/open311/v2/services.{fmt}?jurisdiction_id=xinhe.gov.cn").status_code == 200
    assert http.get(f"/open311/v2/services.{fmt}").status_code == 200
    wrong = http.get(f"/open311/v2/services.{fmt}?jurisdiction_id=sfgov.org")
    assert wrong.status_code == 404
    assert read(wrong)[0]["description"] == "jurisdiction_id sfgov.org was not found."


def test_a_method_the_resource_does_not_take_is_an_error_list(http, public_cats):
    response = http.post("/open311/v2/services.json")
    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert read(response)[0]["code"] == 405


# --- POST requests ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", BOTH)
def test_post_files_a_reported_case_and_answers_its_id(http, world, public_cats, hotline, fmt):
    answer = filed(http, hotline, world, fmt, first_name="明", last_name="王", phone="13812345678", email="wang@example.cn",
                   account_id="acct-7")
    assert list(answer) == ["service_request_id", "service_notice", "account_id"]
    case = Incident.objects.get()
    assert answer["service_request_id"] == case.code
    assert answer["account_id"] == "acct-7"
    assert "4 Working hours" in answer["service_notice"]
    assert case.status == Status.REPORTED
    assert case.source == Source.OPEN311
    assert case.reporter == hotline.client.account
    assert case.grid_cell == world.cell_a1x
    request = Open311Request.objects.get()
    assert (request.client, request.incident, request.linked) == (hotline.client, case, False)
    assert (request.first_name, request.last_name, request.phone, request.email) == ("明", "王", "13812345678", "wang@example.cn")


def test_post_by_address_id_files_in_that_grid_cell(http, world, public_cats, hotline):
    response = post(http, "json", {"service_code": "exposed-rubbish", "address_id": world.cell_a2x.code,
                                   "address_string": "西岭社区 3 号楼", "description": "Rubbish by the gate", "api_key": hotline.api_key})
    assert response.status_code == 200, response.content
    case = Incident.objects.get()
    assert case.grid_cell == world.cell_a2x
    assert case.address == "西岭社区 3 号楼"


def test_post_with_an_uploaded_media_file_attaches_the_photo(http, world, public_cats, hotline):
    data = report("gas-smell", cf.centre(world.cell_a1x), api_key=hotline.api_key, media=cf.upload())
    assert post(http, "json", data).status_code == 200
    assert IncidentPhoto.objects.filter(incident=Incident.objects.get()).count() == 1


@pytest.mark.parametrize("fmt", BOTH)
@pytest.mark.parametrize(("change", "status", "description"), [
    ({"service_code": ""}, 400, "service_code: service_code was not provided."),
    ({"service_code": "fire-exit-blocked"}, 404, "service_code fire-exit-blocked was not found."),
    ({"lat": "", "long": ""}, 400, "lat: A location is required: lat and long, or address_id (a grid cell code)."),
    ({"long": ""}, 400, "lat: lat and long must be sent together."),
    ({"lat": "", "long": "", "address_string": "东岭路 8 号"}, 400,
     "address_string: An address_string alone cannot be placed in a grid cell: send lat and long, or address_id (a grid cell code)."),
    ({"lat": "10", "long": "10"}, 400, None),  # outside the sub-district
    ({"description": ""}, 400, "description: description was not provided."),
    ({"email": "not-an-address"}, 400, "email: email is not a valid e-mail address."),
    ({"media_url": "javascript:alert(1)"}, 400, "media_url: media_url must be an http or https URL."),
    ({"description": "bad\x00byte"}, 400, None),
])
def test_bad_posts_are_the_spec_error_list_and_file_nothing(http, world, public_cats, hotline, fmt, change, status, description):
    data = {**report("gas-smell", cf.centre(world.cell_a1x), api_key=hotline.api_key), **change}
    response = post(http, fmt, data)
    assert response.status_code == status
    errors = read(response)
    assert errors[0]["code"] == (status if fmt == "json" else str(status))
    if description:
        assert errors[0]["description"] == description
    assert not Incident.objects.exists() and not Open311Request.objects.exists()


# --- GET requests, requests/{id}, tokens/{token} -----------------------------------------------------


@pytest.mark.parametrize("fmt", BOTH)
def test_a_request_reads_with_every_spec_field_and_w3c_datetimes(http, world, public_cats, hotline, fmt):
    code = filed(http, hotline, world)["service_request_id"]
    [request] = read(http.get(f"/open311/v2/requests/{code}.{fmt}"))
    assert list(request) == REQUEST_FIELDS
    case = Incident.objects.get()
    assert request["service_request_id"] == code
    assert request["status"] == "open"
    assert request["status_notes"] == "Received; the zone will register it."
    assert request["service_name"] == "燃气异味"
    assert request["service_code"] == "gas-smell"
    assert request["description"] == "A strong smell of gas by the stairwell"
    assert request["agency_responsible"] in (None, "")
    for field in ("requested_datetime", "updated_datetime", "expected_datetime"):
        assert W3C.match(request[field]), (field, request[field])
    assert request["requested_datetime"].endswith("+08:00")
    assert dt.datetime.fromisoformat(request["expected_datetime"]) == case.due_at.replace(microsecond=0)
    assert request["address_id"] == world.cell_a1x.code
    lat, lng = cf.centre(world.cell_a1x)
    assert float(request["lat"]) == pytest.approx(lat) and float(request["long"]) == pytest.approx(lng)
    if fmt == "json":
        assert isinstance(request["lat"], float)


@pytest.mark.parametrize("fmt", BOTH)
def test_an_unknown_request_or_token_is_the_spec_404(http, public_cats, fmt):
    response = http.get(f"/open311/v2/requests/XH2026999999.{fmt}")
    assert response.status_code == 404
    assert read(response)[0]["description"] == "service_request_id XH2026999999 was not found."
    response = http.get(f"/open311/v2/tokens/nope.{fmt}")
    assert response.status_code == 404
    assert read(response)[0]["description"] == "token nope was not found."


@pytest.mark.parametrize("fmt", BOTH)
def test_token_gives_the_service_request_id(http, world, public_cats, hotline, fmt):
    code = filed(http, hotline, world)["service_request_id"]
    token = Open311Request.objects.get().token
    assert read(http.get(f"/open311/v2/tokens/{token}.{fmt}")) == [{"service_request_id": code, "token": token}]


@pytest.mark.parametrize("fmt", BOTH)
def test_batch_type_answers_a_token_to_look_up(http, world, public_cats, hotline, settings, fmt):
    settings.OPEN311_SERVICE_TYPE = "batch"
    assert read(http.get(f"/open311/v2/services.{fmt}"))[0]["type"] == "batch"
    answer = filed(http, hotline, world, fmt)
    assert list(answer) == ["token", "service_notice", "account_id"]
    [looked_up] = read(http.get(f"/open311/v2/tokens/{answer['token']}.{fmt}"))
    assert looked_up["service_request_id"] == Incident.objects.get().code


def _case_at(world, cats, category, when):
    case = cf.case_in(Status.REPORTED, world, cats, category=category)
    Incident.objects.filter(pk=case.pk).update(reported_at=when)
    return Incident.objects.get(pk=case.pk)


@pytest.mark.parametrize("fmt", BOTH)
def test_get_requests_filters_as_the_spec_says(http, world, public_cats, fmt):
    now = timezone.now()
    cats = public_cats.cats
    recent_gas = _case_at(world, cats, cats.gas, now - dt.timedelta(days=1))
    recent_rubbish = _case_at(world, cats, cats.rubbish, now - dt.timedelta(days=2))
    old_gas = _case_at(world, cats, cats.gas, now - dt.timedelta(days=120))
    closed = cf.case_in(Status.REJECTED, world, cats, category=cats.rubbish)
    _case_at(world, cats, cats.fire_exit, now)  # not a public category: never listed

    def ids(query=""):
        response = http.get(f"/open311/v2/requests.{fmt}{query}")
        assert response.status_code == 200, response.content
        return [r["service_request_id"] for r in read(response)]

    # Default: the last 90 days, newest first.
    assert ids() == [closed.code, recent_gas.code, recent_rubbish.code]
    assert ids("?service_code=gas-smell") == [recent_gas.code]
    assert ids("?service_code=gas-smell,exposed-rubbish&status=open") == [recent_gas.code, recent_rubbish.code]
    assert ids("?status=closed") == [closed.code]
    assert ids("?status=open,closed") == [closed.code, recent_gas.code, recent_rubbish.code]
    start = (now - dt.timedelta(days=130)).isoformat(timespec="seconds")
    end = (now - dt.timedelta(days=100)).isoformat(timespec="seconds")
    assert ids(f"?start_date={start}&end_date={end}".replace("+", "%2B")) == [old_gas.code]
    # service_request_id overrides every other argument.
    assert ids(f"?service_request_id={old_gas.code},{recent_rubbish.code}&status=closed") == [recent_rubbish.code, old_gas.code]


@pytest.mark.parametrize("fmt", BOTH)
@pytest.mark.parametrize(("query", "description"), [
    ("start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z", "start_date and end_date may span at most 90 days, start first."),
    ("start_date=2026-02-01T00:00:00Z&end_date=2026-01-01T00:00:00Z", "start_date and end_date may span at most 90 days, start first."),
    ("start_date=2026-01-01T00:00:00", "start_date must be a W3C datetime with its offset, e.g. 2026-01-01T00:00:00+08:00."),
    ("end_date=yesterday", "end_date must be a W3C datetime with its offset, e.g. 2026-01-01T00:00:00+08:00."),
    ("status=fixed", "status may be open or closed."),
    ("start_date=2026-13-01T00:00:00%2B08:00", "start_date must be a W3C datetime with its offset, e.g. 2026-01-01T00:00:00+08:00."),
    ("start_date=9999-12-30T00:00:00%2B08:00", "start_date must fall between 2000 and 2100."),
    ("end_date=0001-01-02T00:00:00%2B08:00", "end_date must fall between 2000 and 2100."),
])
def test_bad_filters_are_the_spec_400(http, public_cats, fmt, query, description):
    response = http.get(f"/open311/v2/requests.{fmt}?{query}")
    assert response.status_code == 400
    assert read(response)[0]["description"] == description


def test_at_most_1000_requests_are_returned(http, world, public_cats, monkeypatch):
    from incidents.open311 import public

    monkeypatch.setattr(public, "MAX_ROWS", 2)
    for _ in range(3):
        cf.case_in(Status.REPORTED, world, public_cats.cats)
    assert len(read(http.get("/open311/v2/requests.json"))) == 2
    assert public.MAX_ROWS == 2 and public.MAX_SPAN == dt.timedelta(days=90)


def test_the_request_list_costs_three_queries_whatever_the_rows(http, world, public_cats, django_assert_num_queries):
    for _ in range(4):
        cf.case_in(Status.DISPATCHED, world, public_cats.cats)
    with django_assert_num_queries(3):  # cases with category and department, their limits, their Open311 rows
        response = http.get("/open311/v2/requests.xml")
    assert len(read(response)) == 4
    with django_assert_num_queries(1):
        http.get("/open311/v2/services.json")
