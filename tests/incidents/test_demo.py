"""The demo's case categories and case history, the seed_demo step, and the case admin."""

from __future__ import annotations

import io
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from shapely.geometry import Point, shape

from casework import calendar as workcalendar
from casework.choices import LimitKind
from governance.management.commands.seed_demo import SEED_STEPS
from grids.choices import Role
from grids.demo import seed_organisation
from grids.models import Department, Notification, User
from incidents.choices import Escalation, EventKind, Stage, Status
from incidents.demo import categories as demo_categories
from incidents.demo import history, seed_categories, seed_history
from incidents.models import Category, Incident, IncidentEvent, IncidentPhoto, StageDeadline, StageLimit
from incidents.services import available_actions

pytestmark = pytest.mark.django_db

# A fixed "now" (a Wednesday afternoon) makes the small history below the same on every run.
NOW = datetime(2026, 6, 17, 15, 20, tzinfo=ZoneInfo("Asia/Shanghai"))
CASES = 140


def _counts() -> dict[str, int]:
    return {
        "incidents": Incident.objects.count(),
        "events": IncidentEvent.objects.count(),
        "deadlines": StageDeadline.objects.count(),
        "notifications": Notification.objects.count(),
        "photos": IncidentPhoto.objects.count(),
    }


# --- the seed_demo step (runs first, on an empty database) --------------------------------------


def test_seed_demo_runs_categories_then_history_after_the_organisation():
    names = [name for name, _ in SEED_STEPS]
    assert names.index("organisation") < names.index("case categories") < names.index("case history")


def test_seed_demo_twice_adds_no_case_the_second_time(monkeypatch, tmp_path):
    monkeypatch.setattr(history, "DEMO_CASES", 30)
    with override_settings(MEDIA_ROOT=tmp_path):
        first = io.StringIO()
        call_command("seed_demo", force=True, stdout=first)
        after_first = _counts()
        second = io.StringIO()
        call_command("seed_demo", force=True, stdout=second)
    log = first.getvalue() + second.getvalue()
    assert after_first["incidents"] >= 30 and after_first["events"] > after_first["incidents"], log
    assert "[case history] cases: " in first.getvalue() and "refused" not in log, log
    assert _counts() == after_first, log
    assert "Demo cases exist already" in second.getvalue(), log


# --- categories ----------------------------------------------------------------------------------


@pytest.fixture(scope="class")
def categories_seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        try:
            seed_organisation()
            yield seed_categories()
        finally:
            transaction.set_rollback(True)


class TestCategories:
    @pytest.fixture(autouse=True)
    def _seeded(self, categories_seeded):
        self.created = categories_seeded

    def test_six_domains_and_thirty_subcategories_with_four_limits_each(self):
        domains = Category.objects.domains()
        assert sorted(domains.values_list("code", flat=True)) == sorted(code for code, *_ in demo_categories.DOMAINS)
        assert set(domains.values_list("name", flat=True)) == {"大城管", "大安全", "大治安", "大稳定", "大调解", "大服务"}
        leaves = Category.objects.leaves().select_related("parent", "default_department")
        assert leaves.count() >= 30
        assert self.created == domains.count() + leaves.count()
        slugs = {row.code: row.department for row in demo_categories.SUBCATEGORIES}
        per_domain = Counter()
        for category in leaves:
            per_domain[category.parent.code] += 1
            assert category.name and category.name_en
            assert set(category.limits.values_list("stage", flat=True)) == set(Stage.values), category.code
            # Every department the table names exists in the demo, so every leaf has its default.
            assert category.default_department is not None and category.default_department.slug == slugs[category.code]
        assert len(per_domain) == 6 and min(per_domain.values()) >= 3

    def test_limits_follow_the_standards(self):
        def limit(code: str, stage: str) -> tuple[Decimal, str]:
            row = StageLimit.objects.get(category__code=code, stage=stage)
            return row.amount, row.kind

        assert limit("gas-smell", Stage.REGISTER) == (Decimal("0.5"), LimitKind.URGENT_HOURS)
        assert limit("gas-smell", Stage.HANDLE) == (Decimal("2"), LimitKind.URGENT_HOURS)
        assert limit("exposed-rubbish", Stage.HANDLE) == (Decimal("4"), LimitKind.WORKING_HOURS)
        assert limit("illegal-construction", Stage.HANDLE) == (Decimal("15"), LimitKind.WORKING_DAYS)
        assert limit("neighbour-dispute", Stage.HANDLE) == (Decimal("10"), LimitKind.WORKING_DAYS)
        assert set(StageLimit.objects.values_list("kind", flat=True)) == set(LimitKind.values)
        assert StageLimit.objects.filter(warn_ratio=Decimal("0.80")).count() > StageLimit.objects.count() * 0.8
        trivial = set(Category.objects.filter(self_handle_allowed=True).values_list("code", flat=True))
        assert {"exposed-rubbish", "flyposting"} <= trivial and "gas-smell" not in trivial

    def test_second_run_creates_nothing_and_restores_edited_limits(self):
        before = (Category.objects.count(), StageLimit.objects.count())
        StageLimit.objects.filter(category__code="exposed-rubbish", stage=Stage.HANDLE).update(amount=99)
        assert seed_categories() == 0
        assert (Category.objects.count(), StageLimit.objects.count()) == before
        assert StageLimit.objects.get(category__code="exposed-rubbish", stage=Stage.HANDLE).amount == 4

    def test_a_department_missing_from_the_demo_leaves_no_default(self, monkeypatch):
        row = demo_categories.Row("services", "demo-test-row", "测试", "no-such-dept", "minor", False, "1wd 1wd 1wd 1wd", 1, "Test")
        monkeypatch.setattr(demo_categories, "SUBCATEGORIES", (*demo_categories.SUBCATEGORIES, row))
        seed_categories()
        assert Category.objects.get(code="demo-test-row").default_department is None
        assert not Department.objects.filter(slug="no-such-dept").exists()


# --- history -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """Seed the organisation, categories and a month of history once, inside a transaction rolled
    back after the module's last test (each test runs in a savepoint within it). Requested only
    from here on, so the tests above run on an empty database."""
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        with transaction.atomic():
            try:
                seed_organisation()
                seed_categories()
                out = io.StringIO()
                result = seed_history(months=1, cases=CASES, now=NOW, stdout=out)
                yield result, out.getvalue()
            finally:
                transaction.set_rollback(True)


@pytest.mark.usefixtures("seeded")
class TestHistory:
    def test_every_case_is_created_and_no_step_was_refused(self, seeded):
        result, output = seeded
        assert result["cases"] >= CASES
        assert "refused steps" not in result, output
        assert Incident.objects.count() == result["cases"]
        assert IncidentEvent.objects.count() == result["timeline events"] > 5 * result["cases"]

    def test_cases_in_many_states_some_overdue_with_yellow_and_red_cards(self):
        statuses = Counter(Incident.objects.values_list("status", flat=True))
        assert {Status.CLOSED, Status.DISPUTED, Status.HANDLED, Status.REPORTED, Status.ACCEPTED} <= set(statuses), statuses
        assert len(statuses) >= 8, statuses
        assert statuses[Status.CLOSED] > sum(statuses.values()) / 2
        yellow = Incident.objects.filter(escalation=Escalation.YELLOW)
        red = Incident.objects.filter(escalation=Escalation.RED)
        assert yellow.exists() and red.exists()
        assert all(c.due_at <= NOW and c.is_open for c in yellow)
        assert all(c.due_at <= NOW - timedelta(hours=24) and c.is_open for c in red)
        # Earlier sweeps left cards on cases that were late and closed since.
        late_closed = Incident.objects.filter(status=Status.CLOSED, events__kind=EventKind.YELLOW_CARD).distinct()
        assert late_closed.exists()
        assert StageDeadline.objects.filter(on_time=False).exists() and StageDeadline.objects.filter(on_time=True).exists()

    def test_side_paths_appear(self):
        kinds = set(IncidentEvent.objects.values_list("kind", flat=True))
        expected = {
            EventKind.REPORTED, EventKind.REGISTER, EventKind.DISPATCH, EventKind.ACCEPT, EventKind.HANDLE,
            EventKind.VERIFY_PASSED, EventKind.CLOSE, EventKind.RETURN, EventKind.AUTO_DISPUTE, EventKind.WARNING,
            EventKind.YELLOW_CARD, EventKind.RED_CARD,
        }
        assert expected <= kinds, expected - kinds

    def test_every_timeline_starts_with_reported_and_replays_to_the_status(self):
        events = defaultdict(list)
        for event in IncidentEvent.objects.order_by("incident_id", "created_at", "pk"):
            events[event.incident_id].append(event)
        for case in Incident.objects.all():
            timeline = events[case.pk]
            assert timeline[0].kind == EventKind.REPORTED and timeline[0].created_at == case.reported_at, case.code
            assert timeline[-1].created_at <= NOW
            moves = [e.to_status for e in timeline if e.to_status]
            assert moves[-1] == case.status, (case.code, moves)

    def test_points_lie_in_their_cell_and_reporters_work_there(self):
        for case in Incident.objects.select_related("grid_cell", "reporter"):
            assert shape(case.grid_cell.boundary).contains(Point(case.longitude, case.latitude)), case.code
            if case.reporter.role == Role.GRID_WORKER:
                assert case.reporter.grid_cells.filter(pk=case.grid_cell_id).exists()
            else:
                assert case.reporter.role == Role.COMMUNITY and case.reporter.community_id == case.community_id

    def test_zone_leaders_register_and_departments_handle(self):
        registrars = set(IncidentEvent.objects.filter(kind=EventKind.REGISTER).values_list("actor__role", flat=True))
        assert registrars == {Role.ZONE_LEADER}
        handlers = IncidentEvent.objects.filter(kind=EventKind.HANDLE).select_related("actor", "incident")
        assert all(e.actor.role == Role.DEPARTMENT and e.actor.department_id for e in handlers)

    def test_worker1_has_open_cases_and_one_to_verify(self):
        worker = User.objects.get(username="worker1")
        mine = Incident.objects.visible_to(worker).open()
        assert mine.count() >= 4
        waiting = mine.filter(status=Status.HANDLED)
        assert waiting.exists()
        assert "verify" in available_actions(worker, waiting.first())

    def test_old_notifications_are_read_and_dated_in_the_past(self):
        old = Notification.objects.filter(created_at__lt=NOW - history.READ_AFTER)
        assert old.exists() and not old.filter(read_at__isnull=True).exists()
        unread = Notification.objects.filter(read_at__isnull=True)
        assert unread.exists() and not unread.filter(created_at__lt=NOW - history.READ_AFTER).exists()
        assert not Notification.objects.filter(created_at__gt=NOW).exists()

    def test_fixed_on_the_spot_cases_carry_their_photo(self):
        for case in Incident.objects.filter(events__kind=EventKind.CONFIRM):
            assert case.photos.filter(kind="handle").exists()

    def test_second_run_adds_nothing(self):
        before = _counts()
        assert seed_history(months=1, cases=CASES, now=NOW) == {}
        assert _counts() == before

    def test_plans_are_deterministic(self):
        cells, cast = history._load_world()
        categories = history._load_categories()

        def draw():
            rng = history.random.Random(7)
            planner = history.Planner(rng=rng, cal=workcalendar.load_calendar(), cast=cast, now=NOW)
            plans = history._draw_plans(planner, rng, cells, categories, months=1, cases=20, now=NOW)
            return [(p.category.code, p.cell.cell.code, [(s.at, s.action, s.actor.username) for s in p.steps]) for p in plans]

        assert draw() == draw()


# --- admin ---------------------------------------------------------------------------------------


@pytest.mark.usefixtures("seeded")
class TestCaseAdmin:
    @pytest.fixture
    def admin_client(self, client):
        client.force_login(User.objects.get(username="admin"))
        return client

    def test_case_list_queries_do_not_grow_with_rows(self, admin_client, django_assert_num_queries):
        # session, user, zone filter, count, page, date hierarchy (2): the same for 10 or 10,000 cases
        with django_assert_num_queries(7):
            page = admin_client.get("/admin/incidents/incident/")
        assert page.status_code == 200
        assert Incident.objects.order_by("-reported_at").first().code in page.content.decode()

    def test_case_page_shows_the_timeline_read_only(self, admin_client):
        case = Incident.objects.filter(status=Status.CLOSED).first()
        page = admin_client.get(f"/admin/incidents/incident/{case.pk}/change/")
        html = page.content.decode()
        assert page.status_code == 200
        assert 'name="status"' not in html and 'name="description"' in html
        assert 'name="events-0-note"' not in html and 'name="events-0-DELETE"' not in html
        assert case.events.first().get_kind_display() in html
        assert "/admin/incidents/incident/add/" not in html

    def test_status_cannot_be_changed_through_admin(self, admin_client):
        case = Incident.objects.filter(status=Status.HANDLED).first()
        page = admin_client.get(f"/admin/incidents/incident/{case.pk}/change/")
        form = page.context["adminform"].form
        data = {name: form.initial.get(name) or "" for name in form.fields}
        data.update(status=Status.CLOSED, description="corrected description")
        for inline in page.context["inline_admin_formsets"]:
            formset = inline.formset
            data.update({f"{formset.prefix}-{k}": v for k, v in formset.management_form.initial.items()})
        admin_client.post(f"/admin/incidents/incident/{case.pk}/change/", data)
        case.refresh_from_db()
        assert case.status == Status.HANDLED and case.description == "corrected description"
        assert admin_client.get("/admin/incidents/incident/add/").status_code == 403

    def test_category_admin_filters_by_domain_and_lists_stage_limits(self, admin_client):
        safety = Category.objects.get(code="safety")
        page = admin_client.get(f"/admin/incidents/category/?domain={safety.pk}")
        html = page.content.decode()
        assert page.status_code == 200 and "消防通道堵塞" in html and "暴露垃圾" not in html
        gas = Category.objects.get(code="gas-smell")
        page = admin_client.get(f"/admin/incidents/category/{gas.pk}/change/")
        assert page.status_code == 200 and 'name="limits-TOTAL_FORMS" value="4"' in page.content.decode()
