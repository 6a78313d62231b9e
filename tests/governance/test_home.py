"""The to-do homes: every registered source's count equals the rows of the list it links to, on
hand-built rows; counts are scoped; the queries do not grow with the rows."""

from __future__ import annotations

import pytest
from django.db.models import Q
from django.urls import reverse

from governance.home.selectors import todo_items
from grids import todo
from grids.choices import Role
from grids.models import TrainingSession
from grids.todo import TodoSource, all_sources, sources_for
from incidents.choices import Status
from tests.governance import home_data
from tests.incidents.factories import IncidentFactory
from tests.inspections.conftest import checklist, enterprises, make_hazard, make_inspection  # noqa: F401  (fixtures)

CASE_CASES = [(persona, key) for persona, counts in home_data.EXPECTED.items() for key in counts]
HAZARD_CASES = [(persona, key) for persona, counts in home_data.HAZARD_EXPECTED.items() for key in counts]


def counts_of(user) -> dict[str, int]:
    return {item.key: item.count for item in todo_items(user)}


def item_of(user, key):
    return next(item for item in todo_items(user) if item.key == key)


def listed(client, url: str) -> int:
    """How many rows the linked page lists (every page of it)."""
    response = client.get(url, follow=True)
    assert response.status_code == 200, url
    context = response.context
    if "total" in context:
        return context["total"]
    return len(context["items"])  # a meeting's page: the agenda items still on it


@pytest.fixture
def cases(world, cats):
    return home_data.build(world)


def test_every_registered_source_is_tested_here():
    from tests.governance.assessment.test_todo import TESTED as ASSESSMENT_TESTED

    tested = {key for _persona, key in CASE_CASES + HAZARD_CASES} | ASSESSMENT_TESTED
    assert {source.key for source in all_sources()} <= tested


@pytest.mark.parametrize("persona, key", CASE_CASES)
def test_case_and_meeting_source_counts_the_rows_of_its_list(world, cases, page_for, persona, key):
    user = world.persona(persona)
    item = item_of(user, key)
    assert item.count == home_data.EXPECTED[persona][key]
    assert listed(page_for(user), item.url) == item.count


@pytest.mark.parametrize("persona, key", HAZARD_CASES)
def test_inspection_source_counts_the_rows_of_its_list(world, enterprises, make_inspection, make_hazard, page_for, persona, key):  # noqa: F811
    home_data.hazards_and_drafts(world, enterprises, make_inspection, make_hazard)
    user = world.persona(persona)
    item = item_of(user, key)
    assert item.count == home_data.HAZARD_EXPECTED[persona][key]
    assert listed(page_for(user), item.url) == item.count


# A feature's own module, as enterprise safety's notices and rechecks will add theirs.
SOURCES = [
    TodoSource("test_trainings", "Trainings to attend", frozenset({Role.ZONE_LEADER}), TrainingSession,
               condition=lambda user, now: Q(starts_at__gte=now), url_name="grids:training-list"),
]


@pytest.fixture
def registry(settings):
    todo.all_sources.cache_clear()
    yield settings
    todo.all_sources.cache_clear()


def test_a_feature_adds_its_line_by_naming_its_module(world, cases, registry, page_for):
    registry.HOME_SOURCE_MODULES = [*registry.HOME_SOURCE_MODULES, __name__]
    body = page_for(world.users.zone_leader).get(reverse("home")).content.decode()
    assert 'data-todo="test_trainings" data-count="0"' in body
    assert "test_trainings" not in {source.key for source in sources_for(world.users.worker)}


def test_a_key_registered_twice_stops_start_up(registry):
    registry.HOME_SOURCE_MODULES = [*registry.HOME_SOURCE_MODULES, __name__, __name__]
    with pytest.raises(RuntimeError, match="test_trainings"):
        all_sources()


def test_sources_follow_the_role(world):
    keys = lambda name: {source.key for source in sources_for(world.persona(name))}  # noqa: E731
    assert keys("zone_leader") >= set(home_data.EXPECTED["zone_leader"]) and not keys("zone_leader") & {"street_red", "dept_to_accept"}
    assert "hazards_to_confirm" in keys("safety") and "hazards_to_confirm" not in keys("urban")
    assert keys("contractor") == set()
    assert "hazards_to_confirm" in keys("street") and "zone_to_register" not in keys("street")


def test_a_draft_line_shows_only_while_a_draft_waits(world, cases):
    assert "own_draft_inspections" not in counts_of(world.users.zone_leader)


# --- scoping -----------------------------------------------------------------------------------------


def test_zone_b_leader_counts_only_zone_b(world, cases):
    assert {k: v for k, v in counts_of(world.users.zone_leader_b).items()} == {
        "zone_to_register": 1, "zone_due_soon": 2, "zone_overdue": 1, "zone_extensions": 1, "zone_disputed": 1,
    }


def _out_of_scope_rows(world):
    """Rows of every kind outside zone A's cells and the urban and police departments' cases in
    zone A: none of the zone-A personas, the worker or the community may count them."""
    for status in [Status.REPORTED, Status.SELF_HANDLED, Status.DISPUTED, Status.HANDLED]:
        IncidentFactory(grid_cell=world.cell_b1x, reporter=world.users.worker_b, status=status)
    home_data.case(world.cell_b1x, world.users.worker_b, Status.DISPATCHED, department=world.police)
    home_data.case(world.cell_a2x, world.users.worker_b, Status.HANDLED, department=world.safety)  # not the worker's cell


@pytest.mark.parametrize("persona", ["zone_leader", "officer", "worker", "community"])
def test_rows_out_of_scope_change_no_count(world, cases, persona):
    user = world.persona(persona)
    before = counts_of(user)
    _out_of_scope_rows(world)
    assert counts_of(user) == before == {**before, **home_data.EXPECTED[persona]}


# --- the meeting that will take the disputed cases ----------------------------------------------------


def test_the_disputed_line_names_the_meeting_that_takes_them(world, cases):
    note = item_of(world.users.zone_leader, "zone_disputed").note
    assert cases["meeting"].title in note


def test_without_a_meeting_the_disputed_line_says_when_the_agenda_comes(world, cases):
    cases["meeting"].items.all().delete()
    cases["meeting"].delete()
    assert "prepared on Monday" in item_of(world.users.street, "street_disputed").note


# --- query counts --------------------------------------------------------------------------------------

# One aggregate per model a persona's sources count (+ the note's one look-up when its count is not 0),
# plus what loading the user's department costs (the safety office test).
TODO_QUERIES = {
    "zone_leader": 4, "urban": 3, "officer": 3, "worker": 3, "community": 2, "street": 6, "safety": 4, "contractor": 0,
}


@pytest.mark.parametrize("persona", sorted(TODO_QUERIES))
def test_counting_costs_the_same_queries_whatever_the_rows(world, cats, django_assert_num_queries, persona):
    user = world.persona(persona)
    home_data.build(world)
    user.refresh_from_db()
    with django_assert_num_queries(TODO_QUERIES[persona]):
        todo_items(user)
    for _ in range(3):
        _out_of_scope_rows(world)
        for status in [Status.REPORTED, Status.DISPUTED, Status.HANDLED]:
            IncidentFactory(grid_cell=world.cell_a1x, reporter=world.users.worker, status=status)
    user.refresh_from_db()
    with django_assert_num_queries(TODO_QUERIES[persona]):
        todo_items(user)


HOME_QUERIES = {"urban": 10, "community": 12, "safety": 11}


@pytest.mark.parametrize("persona", sorted(HOME_QUERIES))
def test_the_home_page_query_count_does_not_grow(world, cats, page_for, django_assert_num_queries, persona):
    # The street office, the zone leader and the worker are pinned in tests/grids/test_pages.py.
    client = page_for(world.persona(persona))
    home_data.build(world)
    with django_assert_num_queries(HOME_QUERIES[persona]):
        client.get(reverse("home"))
    for _ in range(3):
        _out_of_scope_rows(world)
    with django_assert_num_queries(HOME_QUERIES[persona]):
        client.get(reverse("home"))


# --- the page --------------------------------------------------------------------------------------------


def test_the_home_links_each_count_to_its_list(world, cases, page_for):
    body = page_for(world.users.zone_leader).get(reverse("home")).content.decode()
    for item in todo_items(world.users.zone_leader):
        assert f'data-todo="{item.key}" data-count="{item.count}"' in body
        assert f'href="{item.url.replace("&", "&amp;")}"' in body
    assert "Reports waiting to be registered" in body and "东岭社区" in body  # the duty panel stays


def test_the_street_home_shows_the_warm_headline(world, cases, page_for, settings, redis_url):
    from django.core.cache import cache

    from governance.dashboard.cache import warm_dashboards

    settings.DASHBOARD_CACHE_SECONDS = 60
    cache.clear()
    client = page_for(world.users.street)
    assert b'data-testid="headline-cold"' in client.get(reverse("home")).content
    warm_dashboards(force=True)
    try:
        body = client.get(reverse("home")).content.decode()
    finally:
        cache.clear()
    assert 'data-testid="headline"' in body and 'data-figure="open_overdue"' in body
    assert f"{reverse('incidents:queue')}?open=true&amp;overdue=true" in body


def test_nothing_waits_for_the_contractor(world, page_for):
    body = page_for(world.users.contractor).get(reverse("home")).content.decode()
    assert "Nothing is waiting for you." in body


# --- the inspection list the drafts line opens --------------------------------------------------------


def test_the_inspection_list_query_count_does_not_grow(world, enterprises, make_inspection, page_for,  # noqa: F811
                                                       django_assert_num_queries):
    import uuid

    client = page_for(world.users.safety)
    url = reverse("inspections:inspection-list")
    make_inspection(enterprises["a1x"], key=uuid.uuid4())
    # session, user, department, count, the campaign and zone filter choices, the page of rows
    with django_assert_num_queries(7):
        small = client.get(url)
    for cell in ["a1y", "a2x", "b1x", "a1x"]:
        make_inspection(enterprises[cell], key=uuid.uuid4())
    with django_assert_num_queries(7):
        large = client.get(url)
    assert small.context["total"] == 1 and large.context["total"] == 5


def test_the_inspection_list_is_scoped(world, enterprises, make_inspection, page_for):  # noqa: F811
    make_inspection(enterprises["a1x"])
    make_inspection(enterprises["b1x"])
    assert page_for(world.users.zone_leader).get(reverse("inspections:inspection-list")).context["total"] == 1
    assert page_for(world.users.zone_leader_b).get(reverse("inspections:inspection-list")).context["total"] == 1
    assert page_for(world.users.street).get(reverse("inspections:inspection-list")).context["total"] == 2
