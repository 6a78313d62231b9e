"""Case pages: intake, lists (pinned query counts), the case page and its actions, bulk dispatch,
duplicates, notifications, scoping."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from grids.models import Notification
from incidents import services
from incidents.choices import EventKind, Stage, Status
from incidents.models import Category, Incident, IncidentEvent, StageLimit
from tests.scoping import assert_page_scoping

pytestmark = pytest.mark.django_db

INSIDE_A1X = (36.002, 120.002)
INSIDE_A2X = (36.002, 120.022)
INSIDE_B1X = (36.002, 120.042)
OUTSIDE = (36.5, 120.5)
GAP = (36.002, 120.015)  # between the world's cells, inside the sub-district, ~900 m from cell_a1x
M_PER_DEG_LAT = 111_320.0


# --- helpers -------------------------------------------------------------------------------------


def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def text(response) -> str:
    return response.content.decode()


def png(name: str = "p.png", colour=(200, 30, 30)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), colour).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def messages_of(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages] if hasattr(response, "wsgi_request") else []


@pytest.fixture
def cats(world):
    safety_domain = Category.objects.create(code="safety", name="大安全", name_en="Safety", sort=1)
    urban_domain = Category.objects.create(code="urban", name="大城管", name_en="Urban management", sort=2)
    gas = Category.objects.create(code="gas-smell", name="燃气异味", parent=safety_domain, default_department=world.safety)
    rubbish = Category.objects.create(
        code="exposed-rubbish", name="暴露垃圾", parent=urban_domain, default_department=world.urban, self_handle_allowed=True
    )
    for category in (gas, rubbish):
        for stage in Stage.values:
            StageLimit.objects.create(category=category, stage=stage, amount=4, kind="natural_days")
    return type("Cats", (), {"gas": gas, "rubbish": rubbish, "safety": safety_domain, "urban": urban_domain})


def report(world, category, *, reporter=None, point=INSIDE_A1X, description="燃气味很重", **kwargs) -> Incident:
    return services.report_incident(
        reporter=reporter or world.users.worker, category=category.pk, description=description,
        latitude=point[0], longitude=point[1], **kwargs,
    )


def act(world, incident, persona: str, action: str, **params) -> Incident:
    return services.apply_action(incident.pk, actor=world.persona(persona), action=action, params=params)


def dispatched(world, cats, **kwargs) -> Incident:
    case = report(world, cats.gas, **kwargs)
    act(world, case, "zone_leader", "register")
    return act(world, case, "zone_leader", "dispatch", department=world.safety.pk)


# --- query counts --------------------------------------------------------------------------------

LIST_PAGES = {
    ("incidents:queue", "zone_leader"): 9,
    ("incidents:queue", "street"): 9,
    ("incidents:department", "safety"): 8,
    ("incidents:mine", "worker"): 4,
    ("grids:notifications", "zone_leader"): 4,
}


def grow(world, cats, n: int) -> list[str]:
    """n more cases everyone of the pinned personas sees, each dispatched to safety in zone A."""
    codes = []
    for _ in range(n):
        case = dispatched(world, cats)
        codes.append(case.code)
    return codes


@pytest.mark.parametrize("page, persona", sorted(LIST_PAGES))
def test_list_page_query_count_does_not_grow_with_rows(world, cats, page_for, django_assert_num_queries, page, persona):
    client = english(page_for(world.persona(persona)))
    url = reverse(page)
    expected = LIST_PAGES[(page, persona)]
    first = grow(world, cats, 2)
    with django_assert_num_queries(expected):
        small = client.get(url)
    more = grow(world, cats, 5)
    with django_assert_num_queries(expected):
        large = client.get(url)
    assert small.status_code == large.status_code == 200
    if page == "grids:notifications":
        # Registering told nobody, dispatching told safety; reporting told the zone leader.
        assert text(large).count('data-kind="reported"') == 7
    else:
        assert all(code in text(small) for code in first)
        assert all(code in text(large) for code in first + more)


# --- scoping ---------------------------------------------------------------------------------------


def test_case_page_scoping(world, cats, page_for):
    a1 = report(world, cats.gas, point=INSIDE_A1X)
    a2 = report(world, cats.gas, point=INSIDE_A2X, reporter=world.users.zone_leader)
    b1 = report(world, cats.gas, point=INSIDE_B1X, reporter=world.users.worker_b)
    act(world, a1, "zone_leader", "register")
    act(world, a1, "zone_leader", "dispatch", department=world.safety.pk)
    everything = {a1.pk, a2.pk, b1.pk}
    assert_page_scoping(
        page_for, world.users.__dict__,
        detail_url=lambda pk: reverse("incidents:detail", args=[pk]),
        expected={
            "street": everything, "admin": everything, "zone_leader": {a1.pk, a2.pk}, "zone_leader_b": {b1.pk},
            "community": {a1.pk}, "worker": {a1.pk}, "worker_b": {b1.pk}, "safety": {a1.pk}, "safety_a": {a1.pk},
            "urban": set(), "officer": set(), "contractor": set(),
        },
        all_ids=everything | {987654},
    )


def test_lists_show_only_what_the_user_may_see(world, cats, page_for):
    mine = report(world, cats.gas, point=INSIDE_A1X)
    other_zone = report(world, cats.gas, point=INSIDE_B1X, reporter=world.users.worker_b)
    queue_a = text(page_for(world.users.zone_leader).get(reverse("incidents:queue")))
    assert mine.code in queue_a and other_zone.code not in queue_a
    queue_b = text(page_for(world.users.zone_leader_b).get(reverse("incidents:queue")))
    assert other_zone.code in queue_b and mine.code not in queue_b
    street = text(page_for(world.users.street).get(reverse("incidents:queue")))
    assert mine.code in street and other_zone.code in street
    assert other_zone.code not in text(page_for(world.users.worker).get(reverse("incidents:mine")))


def test_photo_is_served_only_to_those_who_see_the_case(world, cats, page_for):
    case = report(world, cats.gas, photos=[png()])
    photo = case.photos.get()
    url = reverse("incidents:photo", args=[case.pk, photo.pk])
    response = page_for(world.users.zone_leader).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    assert page_for(world.users.zone_leader_b).get(url).status_code == 404
    other = report(world, cats.gas)
    assert page_for(world.users.zone_leader).get(reverse("incidents:photo", args=[other.pk, photo.pk])).status_code == 404


# --- the case page and its actions -------------------------------------------------------------


def test_case_page_shows_facts_deadlines_timeline_and_actions_now(world, cats, page_for):
    case = report(world, cats.gas, photos=[png()], address="3号楼东门")
    body = text(english(page_for(world.users.zone_leader)).get(reverse("incidents:detail", args=[case.pk])))
    assert case.code in body and "3号楼东门" in body and "燃气异味" in body
    assert 'data-kind="reported"' in body
    assert 'data-stage="register"' in body  # the running stage's deadline row
    assert 'data-testid="action-register"' in body and 'data-testid="action-reject"' in body
    assert 'data-testid="action-close"' not in body  # not possible while reported
    assert reverse("incidents:photo", args=[case.pk, case.photos.get().pk]) in body
    # A grid worker of the cell sees the case but may only comment now.
    worker_body = text(page_for(world.users.worker).get(reverse("incidents:detail", args=[case.pk])))
    assert 'data-testid="action-register"' not in worker_body and 'data-testid="action-comment"' in worker_body


def test_allowed_action_moves_the_case(world, cats, page_for):
    case = report(world, cats.gas)
    client = english(page_for(world.users.zone_leader))
    response = client.post(reverse("incidents:act", args=[case.pk]), {"action": "register", "note": "属实"}, follow=True)
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.status == Status.REGISTERED
    assert case.events.filter(kind=EventKind.REGISTER, note="属实", actor=world.users.zone_leader).exists()
    assert f"{case.code}: Register done" in text(response)


def test_refused_action_changes_nothing_and_says_why(world, cats, page_for):
    case = report(world, cats.gas)
    events = case.events.count()
    client = english(page_for(world.users.worker))
    response = client.post(reverse("incidents:act", args=[case.pk]), {"action": "register"})
    assert response.status_code == 302 and response["Location"] == reverse("incidents:detail", args=[case.pk])
    case.refresh_from_db()
    assert case.status == Status.REPORTED and case.events.count() == events
    page = text(client.get(response["Location"]))
    assert "Your role may not" in page
    # Not possible in this state, for a role that could otherwise.
    response = english(page_for(world.users.zone_leader)).post(reverse("incidents:act", args=[case.pk]), {"action": "close"}, follow=True)
    assert "not possible while the case is Reported" in text(response)
    case.refresh_from_db()
    assert case.status == Status.REPORTED and case.events.count() == events


def test_action_on_a_case_out_of_scope_is_404(world, cats, page_for):
    case = report(world, cats.gas)
    response = page_for(world.users.zone_leader_b).post(reverse("incidents:act", args=[case.pk]), {"action": "register"})
    assert response.status_code == 404
    assert page_for(world.users.zone_leader).post(reverse("incidents:act", args=[987654]), {"action": "register"}).status_code == 404
    case.refresh_from_db()
    assert case.status == Status.REPORTED


def test_bad_action_input_is_shown_on_the_form(world, cats, page_for):
    case = report(world, cats.gas)
    act(world, case, "zone_leader", "register")
    client = english(page_for(world.users.zone_leader))
    response = client.post(reverse("incidents:act", args=[case.pk]), {"action": "dispatch", "department": ""})
    assert response.status_code == 400
    body = text(response)
    assert 'data-testid="error-department"' in body and "Choose a department." in body
    response = client.post(reverse("incidents:act", args=[case.pk]), {"action": "reject", "reason": ""})
    assert response.status_code == 302  # reject is not possible once registered: a refusal, not a form error
    response = client.post(reverse("incidents:act", args=[case.pk]), {"action": "suspend", "reason": "  "})
    assert response.status_code == 400 and 'data-testid="error-reason"' in text(response)
    response = client.post(reverse("incidents:act", args=[case.pk]), {"action": "fly"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.REGISTERED


def test_dispatch_with_a_deadline_from_the_page(world, cats, page_for):
    case = report(world, cats.gas)
    act(world, case, "zone_leader", "register")
    client = english(page_for(world.users.zone_leader))
    url = reverse("incidents:act", args=[case.pk])
    for bad in ("2026-13-45T10:00", "tomorrow", "2020-01-01T10:00"):
        response = client.post(url, {"action": "dispatch", "department": world.safety.pk, "deadline": bad})
        assert response.status_code == 400 and 'data-testid="error-deadline"' in text(response), bad
    case.refresh_from_db()
    assert case.status == Status.REGISTERED
    due = (timezone.localtime() + timedelta(days=3)).replace(hour=17, minute=30, second=0, microsecond=0)
    response = client.post(url, {"action": "dispatch", "department": world.safety.pk, "deadline": due.strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.DISPATCHED and case.due_at == due


def test_handle_with_photos_and_verify_through_the_page(world, cats, page_for):
    case = dispatched(world, cats)
    safety = page_for(world.users.safety)
    assert safety.post(reverse("incidents:act", args=[case.pk]), {"action": "accept"}).status_code == 302
    response = safety.post(
        reverse("incidents:act", args=[case.pk]), {"action": "handle", "result": "已关阀", "photos": [png(), png("b.png")]}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.HANDLED and case.photos.filter(kind="handle").count() == 2
    bad = page_for(world.users.worker).post(reverse("incidents:act", args=[case.pk]), {"action": "verify", "passed": "false", "note": ""})
    assert bad.status_code == 400 and 'data-testid="error-note"' in text(bad)
    ok = page_for(world.users.worker).post(reverse("incidents:act", args=[case.pk]), {"action": "verify", "passed": "true"})
    assert ok.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.VERIFIED


def test_department_returning_a_case_lands_on_its_queue(world, cats, page_for):
    case = dispatched(world, cats)
    client = page_for(world.users.safety)
    response = client.post(reverse("incidents:act", args=[case.pk]), {"action": "return", "reason": "不属于安监"})
    assert response.status_code == 302 and response["Location"] == reverse("incidents:department")
    case.refresh_from_db()
    assert case.status == Status.REGISTERED and case.department is None


# --- queues ----------------------------------------------------------------------------------------


def test_queue_defaults_to_open_cases_and_filters(world, cats, page_for):
    open_case = report(world, cats.gas)
    closed = report(world, cats.rubbish, description="垃圾")
    act(world, closed, "zone_leader", "reject", reason="重复")
    client = english(page_for(world.users.zone_leader))
    body = text(client.get(reverse("incidents:queue")))
    assert open_case.code in body and closed.code not in body
    body = text(client.get(reverse("incidents:queue"), {"status": "rejected"}))
    assert closed.code in body and open_case.code not in body
    body = text(client.get(reverse("incidents:queue"), {"category": cats.urban.pk, "open": ""}))
    assert closed.code in body and open_case.code not in body
    body = text(client.get(reverse("incidents:queue"), {"q": open_case.code}))
    assert open_case.code in body


def test_queue_form_keeps_drill_down_filters_and_offers_no_supervision_by_default(world, cats, page_for):
    case = report(world, cats.gas)
    client = english(page_for(world.users.zone_leader))
    body = text(client.get(reverse("incidents:queue")))
    select = re.search(r'<select name="escalation".*?</select>', body, re.S).group(0)
    assert re.search(r'<option value="" selected>', select)  # not "on time" by accident
    body = text(client.get(reverse("incidents:queue"), {"reporter": world.users.zone_leader.pk}))
    assert case.code not in body  # the drill-down filter applies ...
    assert '<input type="hidden" name="reporter"' in body and "Also filtered by: Reporter" in body  # ... and is kept


def test_queue_deadline_badges(world, cats, page_for):
    case = report(world, cats.gas)
    late = report(world, cats.gas, now=timezone.now() - timedelta(days=10))
    body = text(english(page_for(world.users.zone_leader)).get(reverse("incidents:queue")))
    row = re.search(rf'data-case="{case.pk}".*?</tr>', body, re.S).group(0)
    assert 'data-deadline="ok"' in row and "left" in row
    row = re.search(rf'data-case="{late.pk}".*?</tr>', body, re.S).group(0)
    assert 'data-deadline="bad"' in row and "overdue" in row


def test_bulk_dispatch_reports_each_case(world, cats, page_for):
    ready = [report(world, cats.gas) for _ in range(2)]
    for case in ready:
        act(world, case, "zone_leader", "register")
    not_ready = report(world, cats.gas)  # still reported: dispatch is refused
    other_zone = report(world, cats.gas, point=INSIDE_B1X, reporter=world.users.worker_b)
    client = english(page_for(world.users.zone_leader))
    response = client.post(
        reverse("incidents:bulk-dispatch"),
        {"ids": [c.pk for c in [*ready, not_ready, other_zone]], "department": world.safety.pk, "next": "/incidents/?open=true"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/incidents/?open=true"
    body = text(response)
    for case in ready:
        case.refresh_from_db()
        assert case.status == Status.DISPATCHED and case.department == world.safety
    assert f"Dispatched 2: {ready[0].code}, {ready[1].code}" in body
    assert f"{not_ready.code}: “Dispatch” is not possible while the case is Reported" in body
    assert f"Case #{other_zone.pk} was not found." in body
    not_ready.refresh_from_db()
    other_zone.refresh_from_db()
    assert not_ready.status == Status.REPORTED and other_zone.status == Status.REPORTED


def test_bulk_dispatch_needs_a_department_and_cases(world, cats, page_for):
    case = report(world, cats.gas)
    act(world, case, "zone_leader", "register")
    client = english(page_for(world.users.zone_leader))
    body = text(client.post(reverse("incidents:bulk-dispatch"), {"ids": [case.pk]}, follow=True))
    assert "Choose a department." in body
    body = text(client.post(reverse("incidents:bulk-dispatch"), {"department": world.safety.pk}, follow=True))
    assert "Tick the cases to dispatch." in body
    case.refresh_from_db()
    assert case.status == Status.REGISTERED


def test_department_queue_accepts_inline(world, cats, page_for):
    case = dispatched(world, cats)
    client = english(page_for(world.users.safety))
    body = text(client.get(reverse("incidents:department")))
    assert case.code in body and f'data-testid="accept-{case.pk}"' in body
    response = client.post(reverse("incidents:act", args=[case.pk]), {"action": "accept", "next": reverse("incidents:department")})
    assert response["Location"] == reverse("incidents:department")
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED and case.assignee == world.users.safety
    assert "#act-handle" in text(client.get(reverse("incidents:department")))
    # The urban department sees none of it; a zone leader is sent to the zone queue.
    assert case.code not in text(page_for(world.users.urban).get(reverse("incidents:department")))
    assert page_for(world.users.zone_leader).get(reverse("incidents:department"))["Location"] == reverse("incidents:queue")


def test_mine_shows_reported_and_open_cases_of_my_cells(world, cats, page_for):
    by_me = report(world, cats.gas)
    in_my_cell = report(world, cats.gas, reporter=world.users.zone_leader)
    closed_in_my_cell = report(world, cats.rubbish, reporter=world.users.zone_leader)
    act(world, closed_in_my_cell, "zone_leader", "reject", reason="无")
    elsewhere = report(world, cats.gas, reporter=world.users.zone_leader, point=INSIDE_A2X)
    body = text(page_for(world.users.worker).get(reverse("incidents:mine")))
    assert by_me.code in body and in_my_cell.code in body
    assert closed_in_my_cell.code not in body and elsewhere.code not in body
    body = text(page_for(world.users.worker).get(reverse("incidents:mine"), {"show": "reported"}))
    assert by_me.code in body and in_my_cell.code not in body


# --- intake ----------------------------------------------------------------------------------------


def intake(client, cats, **overrides):
    data = {"category": cats.gas.pk, "description": "楼道有燃气味", "latitude": INSIDE_A1X[0], "longitude": INSIDE_A1X[1]}
    data.update(overrides)
    return client.post(reverse("incidents:new"), {k: v for k, v in data.items() if v is not None})


def test_intake_page_offers_categories_cells_and_camera(world, cats, page_for):
    body = text(english(page_for(world.users.worker)).get(reverse("incidents:new")))
    assert "燃气异味" in body and "暴露垃圾" in body and "<optgroup" in body
    assert 'capture="environment"' in body and 'accept="image/*"' in body and "multiple" in body
    cell_select = re.search(r'<select name="grid_cell".*?</select>', body, re.S).group(0)
    assert f'<option value="{world.cell_a1x.pk}"' in cell_select and f'<option value="{world.cell_b1x.pk}"' not in cell_select
    assert f"[{cats.rubbish.pk}]" in body  # categories that may be fixed on the spot
    assert page_for(world.users.safety).get(reverse("incidents:new")).status_code == 403


def test_case_and_intake_maps_get_translated_leaflet_controls(world, cats, page_for):
    """Both pages load Leaflet through components/map_scripts.html, whose map.js tag carries the
    translated zoom titles; map.js runs before the page's own script makes the map."""
    case = report(world, cats.gas)
    client = page_for(world.users.worker)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    for url, script in (
        (reverse("incidents:new"), "js/incidents-intake.js"),
        (reverse("incidents:detail", args=[case.pk]), "js/incidents-case.js"),
    ):
        body = text(client.get(url))
        assert 'data-zoom-in="放大" data-zoom-out="缩小"' in body, url
        assert body.index("leaflet-1.9.4/leaflet.js") < body.index("js/map.js") < body.index(script), url


def test_intake_files_a_case_and_lands_on_it(world, cats, page_for):
    client = english(page_for(world.users.worker))
    response = intake(client, cats, photos=[png(), png("b.png")], address="5号楼")
    case = Incident.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("incidents:detail", args=[case.pk])
    assert case.grid_cell == world.cell_a1x and case.reporter == world.users.worker and case.photos.count() == 2
    assert case.source == "grid_worker" and case.address == "5号楼"
    assert f"Case {case.code} filed" in text(client.get(response["Location"]))


def test_intake_refuses_a_file_that_is_not_an_image(world, cats, page_for):
    fake = SimpleUploadedFile("x.jpg", b"this is not a photo at all", content_type="image/jpeg")
    response = intake(english(page_for(world.users.worker)), cats, photos=[fake])
    assert response.status_code == 400
    assert 'data-testid="error-photos"' in text(response) and "x.jpg is not a readable image" in text(response)
    assert not Incident.objects.exists()


def test_intake_refuses_ten_photos(world, cats, page_for):
    response = intake(english(page_for(world.users.worker)), cats, photos=[png(f"{i}.png") for i in range(10)])
    assert response.status_code == 400 and "At most 9 photos." in text(response)
    assert not Incident.objects.exists()


def test_intake_outside_every_cell_asks_for_the_cell_then_takes_it(world, cats, page_for):
    client = english(page_for(world.users.worker))
    response = intake(client, cats, latitude=GAP[0], longitude=GAP[1])
    assert response.status_code == 400 and 'data-testid="error-grid_cell"' in text(response)
    assert not Incident.objects.exists()
    response = intake(client, cats, latitude=GAP[0], longitude=GAP[1], grid_cell=world.cell_a1x.pk)
    assert response.status_code == 302
    assert Incident.objects.get().grid_cell == world.cell_a1x
    # A cell that is not the worker's is not on offer.
    response = intake(client, cats, latitude=None, longitude=None, grid_cell=world.cell_b1x.pk)
    assert response.status_code == 400 and Incident.objects.count() == 1


def test_intake_fixed_on_the_spot_needs_an_allowed_category_and_photos(world, cats, page_for):
    client = english(page_for(world.users.worker))
    response = intake(client, cats, category=cats.rubbish.pk, fixed_on_spot="on")
    assert response.status_code == 400 and "Add a photo that shows it fixed." in text(response)
    response = intake(client, cats, fixed_on_spot="on", photos=[png()])
    assert response.status_code == 400 and "cannot be fixed on the spot" in text(response)
    response = intake(client, cats, category=cats.rubbish.pk, fixed_on_spot="on", photos=[png()])
    assert response.status_code == 302
    case = Incident.objects.get()
    assert case.status == Status.SELF_HANDLED and case.photos.get().kind == "handle"


def test_intake_missing_fields_are_form_errors(world, cats, page_for):
    client = english(page_for(world.users.worker))
    response = intake(client, cats, category=cats.safety.pk)  # a domain, not a subcategory
    assert response.status_code == 400 and not Incident.objects.exists()
    response = intake(client, cats, description="   ")
    assert response.status_code == 400 and 'data-testid="error-description"' in text(response)
    response = intake(client, cats, latitude="north")
    assert response.status_code == 400
    assert not Incident.objects.exists()


def north_of(point, metres: float) -> tuple[float, float]:
    return point[0] + metres / M_PER_DEG_LAT, point[1]


def test_duplicates_finds_a_case_30_m_away_but_not_80_m(world, cats, page_for):
    case = report(world, cats.gas, point=INSIDE_A1X)
    client = english(page_for(world.users.worker))
    near = north_of(INSIDE_A1X, 30)
    body = client.get(reverse("incidents:duplicates"), {"category": cats.gas.pk, "lat": near[0], "lng": near[1]}).json()
    assert [r["id"] for r in body["results"]] == [case.pk]
    assert body["results"][0]["distance_m"] == 30 and "30 m away" in body["results"][0]["text"]
    assert body["results"][0]["link_url"] == reverse("incidents:link", args=[case.pk])
    far = north_of(INSIDE_A1X, 80)
    body = client.get(reverse("incidents:duplicates"), {"category": cats.gas.pk, "lat": far[0], "lng": far[1]}).json()
    assert body["results"] == []
    body = client.get(reverse("incidents:duplicates"), {"category": cats.rubbish.pk, "lat": near[0], "lng": near[1]}).json()
    assert body["results"] == []  # another category
    assert client.get(reverse("incidents:duplicates"), {"category": "x", "lat": 1, "lng": 2}).status_code == 400
    assert client.get(reverse("incidents:duplicates"), {"category": cats.gas.pk, "lat": 91, "lng": 2}).status_code == 400


def test_locate_answers_the_cell_of_a_point(world, page_for):
    client = page_for(world.users.worker)
    body = client.get(reverse("incidents:locate"), {"lat": INSIDE_A1X[0], "lng": INSIDE_A1X[1]}).json()
    assert body["cell"]["id"] == world.cell_a1x.pk and body["cell"]["mine"] is True
    body = client.get(reverse("incidents:locate"), {"lat": INSIDE_B1X[0], "lng": INSIDE_B1X[1]}).json()
    assert body["cell"]["id"] == world.cell_b1x.pk and body["cell"]["mine"] is False
    assert client.get(reverse("incidents:locate"), {"lat": OUTSIDE[0], "lng": OUTSIDE[1]}).json() == {"cell": None}
    assert client.get(reverse("incidents:locate"), {"lat": "a", "lng": 1}).status_code == 400
    assert client.get(reverse("incidents:locate")).status_code == 400


def test_link_adds_the_report_to_the_existing_case(world, cats, page_for):
    case = report(world, cats.gas, reporter=world.users.zone_leader)
    client = english(page_for(world.users.worker))
    response = client.post(reverse("incidents:link", args=[case.pk]), {"description": "我也闻到了", "photos": [png()]})
    assert response.status_code == 302 and response["Location"] == reverse("incidents:detail", args=[case.pk])
    event = case.events.get(kind=EventKind.LINKED)
    assert event.actor == world.users.worker and event.note == "我也闻到了" and case.photos.count() == 1
    assert Incident.objects.count() == 1
    other = report(world, cats.gas, point=INSIDE_B1X, reporter=world.users.worker_b)
    assert client.post(reverse("incidents:link", args=[other.pk]), {"description": "x"}).status_code == 404


# --- notifications ---------------------------------------------------------------------------------


def test_notifications_page_bell_count_and_marking_read(world, cats, page_for):
    first = report(world, cats.gas)
    report(world, cats.gas)
    leader = english(page_for(world.users.zone_leader))
    assert leader.get(reverse("grids:notifications-unread")).json() == {"unread": 2}
    body = text(leader.get(reverse("grids:notifications")))
    assert body.count('data-unread="1"') == 2 and first.code in body
    item = Notification.objects.get(recipient=world.users.zone_leader, url=reverse("incidents:detail", args=[first.pk]))
    response = leader.get(reverse("grids:notification-open", args=[item.pk]))
    assert response["Location"] == reverse("incidents:detail", args=[first.pk])
    assert leader.get(reverse("grids:notifications-unread")).json() == {"unread": 1}
    leader.post(reverse("grids:notifications-read"))
    assert leader.get(reverse("grids:notifications-unread")).json() == {"unread": 0}
    # Someone else's notification is not there.
    assert page_for(world.users.zone_leader_b).get(reverse("grids:notification-open", args=[item.pk])).status_code == 404
    assert 'data-bell' in body and reverse("grids:notifications-unread") in body


def test_timeline_is_append_only_through_the_pages(world, cats, page_for):
    case = report(world, cats.gas)
    before = list(IncidentEvent.objects.filter(incident=case).values_list("pk", "kind", "note"))
    page_for(world.users.worker).post(reverse("incidents:act", args=[case.pk]), {"action": "comment", "note": "补充"})
    after = list(IncidentEvent.objects.filter(incident=case).values_list("pk", "kind", "note"))
    assert after[: len(before)] == before and after[-1][1:] == ("comment", "补充")


def test_case_page_warns_when_the_deadline_reaches_a_year_without_holidays(world, cats, client):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from casework.models import CalendarYear

    CalendarYear.objects.filter(year=2027).delete()
    late_2026 = datetime(2026, 12, 30, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    case = services.report_incident(reporter=world.users.worker, category=cats.gas.pk, description="x",
                                    latitude=INSIDE_A1X[0], longitude=INSIDE_A1X[1], now=late_2026)
    client.force_login(world.users.zone_leader)
    page = client.get(reverse("incidents:detail", args=[case.pk])).content.decode()
    assert case.due_at.year == 2027  # 4 natural days from 30 December
    assert 'data-testid="calendar-warning"' in page and "2027" in page
    CalendarYear.objects.create(year=2027)
    page = client.get(reverse("incidents:detail", args=[case.pk])).content.decode()
    assert 'data-testid="calendar-warning"' not in page
