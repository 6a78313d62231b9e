"""The 隐患台账 ledger (`inspections:hazard-ledger`) and the quarterly / yearly hazard statistics
(`dashboard:hazard-stats`, `-export`, `-zone`, `-zone-export`): every role over them (the ledger
holds exactly the hazards the role's hazard list holds; the statistics answer the street office,
admin and a zone leader for their zone, 404 to everyone else and for any other zone), query counts
pinned and not growing with rows, the workbooks' headings and a row's values on a hand-built data
set, and the due dates (15th of the next quarter; 31 January)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from governance.dashboard.hazard_stats import COLUMNS, due_date, stats_period
from inspections.models import Hazard
from inspections.services.hazard_ledger import COLUMNS as LEDGER_COLUMNS
from tests.governance import hazard_data as hd
from tests.inspections.conftest import checklist, enterprises, make_hazard, make_inspection  # noqa: F401
from tests.inspections.rectification_fixtures import NOTICE, drive  # noqa: F401

pytestmark = pytest.mark.django_db

PERSONAS = ["street", "admin", "zone_leader", "zone_leader_b", "community", "worker", "worker_b", "safety", "safety_a",
            "urban", "officer", "contractor"]
OUTSIDERS = ["community", "worker", "worker_b", "safety", "safety_a", "urban", "officer", "contractor"]
LEDGER = reverse("inspections:hazard-ledger")
STATS = reverse("dashboard:hazard-stats")
STATS_XLSX = reverse("dashboard:hazard-stats-export")
Q4 = "?year=2026&quarter=4"


@pytest.fixture(autouse=True)
def _in_english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def data(world, enterprises, checklist):  # noqa: F811
    return hd.build(world, enterprises, checklist.items["G1"])


def stats_urls(zone=None) -> tuple[str, str]:
    if zone is None:
        return STATS, STATS_XLSX
    return (reverse("dashboard:hazard-stats-zone", args=[zone.pk]),
            reverse("dashboard:hazard-stats-zone-export", args=[zone.pk]))


def sheet_rows(content: bytes, sheet=None) -> list[list]:
    book = load_workbook(io.BytesIO(content), read_only=True)
    return [list(row) for row in (book[sheet] if sheet else book.worksheets[0]).iter_rows(values_only=True)]


def ledger_codes(client, query: str = "") -> list[str]:
    response = client.get(LEDGER + query)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = sheet_rows(response.content)
    assert rows[1] == LEDGER_COLUMNS
    return [row[1] for row in rows[2:]]


def api_codes(client, query: str = "") -> set[str] | None:
    """The codes of the hazard list (API) for the same query, every page; None when refused."""
    url, codes = reverse("hazard-list") + query, set()
    while url:
        response = client.get(url)
        if response.status_code in (403, 404):
            return None
        assert response.status_code == 200, (url, response.content[:300])
        body = response.json()
        codes |= {row["code"] for row in body["results"]}
        url = body["next"]
    return codes


# --- the ledger ------------------------------------------------------------------------------------

def test_the_ledger_holds_exactly_the_hazards_each_role_sees(world, data, page_for, api_for):
    every = set(Hazard.objects.values_list("code", flat=True))
    zone_b = set(Hazard.objects.filter(zone=world.zone_b).values_list("code", flat=True))
    seen = {}
    for name in PERSONAS:
        user = world.persona(name)
        codes = ledger_codes(page_for(user))
        assert len(codes) == len(set(codes)), name  # one row per hazard
        expected = {c for c in (api_codes(api_for(user)) or set())}
        assert set(codes) == expected == set(Hazard.objects.visible_to(user).values_list("code", flat=True)), name
        seen[name] = set(codes)
    assert seen["street"] == seen["admin"] == every
    assert seen["zone_leader_b"] == zone_b and seen["zone_leader"] == every - zone_b
    assert not seen["contractor"] & every  # a contractor sees hazards of their plans only: none here


def test_the_ledger_follows_the_lists_filters_and_drill_downs(world, data, page_for, api_for):
    street = world.users.street
    for query in (f"?zone={world.zone_b.pk}", "?overdue=true", "?live=true&status=closed&closed_from=2026-10-01"
                  "&closed_until=2026-10-31", "?level=major"):
        codes = ledger_codes(page_for(street), query)
        assert set(codes) == api_codes(api_for(street), query), query
    # a zone leader may not filter on another zone: the list's choices are theirs (400, as the list)
    response = page_for(world.users.zone_leader).get(LEDGER + f"?zone={world.zone_b.pk}")
    assert response.status_code == 400 and b"zone" in response.content


def test_the_ledger_refuses_a_bad_filter_and_anonymous_users(world, data, page_for, client):
    response = page_for(world.users.street).get(LEDGER + "?closed_from=yesterday")
    assert response.status_code == 400 and b"closed_from" in response.content
    response = client.get(LEDGER)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_ledger_costs_the_same_queries_for_more_rows(world, enterprises, make_hazard, page_for,  # noqa: F811
                                                         django_assert_num_queries):
    client = page_for(world.users.street)
    make_hazard(enterprises["a1x"], "recorded")
    # session, user, the hazards with what they join, their rechecks
    with django_assert_num_queries(4):
        assert len(ledger_codes(client)) == 1
    for cell in ("a1x", "a1y", "a2x", "b1x") * 3:
        make_hazard(enterprises[cell], "recorded")
    with django_assert_num_queries(4):
        assert len(ledger_codes(client)) == 13


def test_the_ledger_row_of_a_major_hazard_closed_through_the_loop(world, drive, page_for):  # noqa: F811
    hazard = drive.to("closed")
    hazard = Hazard.objects.select_related("enterprise", "zone", "community", "notice").get(pk=hazard.pk)
    rows = sheet_rows(page_for(world.users.street).get(LEDGER).content)
    assert rows[0][0]  # the export stamp
    row = dict(zip(LEDGER_COLUMNS, rows[2], strict=True))
    closed = timezone.localtime(hazard.closed_at).date()
    assert row["序号"] == 1 and row["隐患编号"] == hazard.code
    assert (row["企业名称"], row["统一社会信用代码"]) == (hazard.enterprise.name, hazard.enterprise.credit_code)
    assert (row["管区"], row["社区"]) == (hazard.zone.name, hazard.community.name)
    assert row["隐患级别"] == "重大隐患" or "重大" in row["隐患级别"]
    assert row["整改通知书编号"] == hazard.notice.number and row["整改方式"] == "限期整改"
    assert (row["整改责任人"], row["整改措施"], row["整改资金(元)"]) == (NOTICE["responsible_person"], NOTICE["measures"],
                                                                 float(NOTICE["funds"]))
    assert (row["整改时限"], row["应急预案"]) == (NOTICE["time_limit"], NOTICE["emergency_plan"])
    assert row["状态"] == "已销号" and row["是否按期整改"] == "是" and row["延期次数"] == 0
    assert row["销号日期"].date() == closed
    assert (row["复查次数"], row["复查不合格次数"]) == (1, 0)
    assert row["复查结果"] == f"{closed.isoformat()} 合格（合格）"


# --- the statistics: who sees what -----------------------------------------------------------------

def test_the_street_office_and_admin_open_every_table_and_file(world, data, page_for):
    for name in ("street", "admin"):
        client = page_for(world.persona(name))
        for zone in (None, world.zone_a, world.zone_b):
            page, xlsx = stats_urls(zone)
            assert client.get(page + Q4).status_code == 200, (name, zone)
            response = client.get(xlsx + Q4)
            assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert client.get(stats_urls(world.zone_a)[0] + f"{Q4}&enterprise={data.repeat.enterprise_id}"
                          ).status_code == 200


def test_a_zone_leader_opens_only_their_zone(world, data, page_for, enterprises):  # noqa: F811
    client = page_for(world.users.zone_leader)
    page, xlsx = stats_urls(world.zone_a)
    response = client.get(STATS + Q4)
    assert response.status_code == 302 and response["Location"] == f"{page}{Q4}"
    assert client.get(page + Q4).status_code == 200
    # the sub-district's file is their zone's
    own = client.get(STATS_XLSX + Q4)
    assert own.status_code == 200 and sheet_rows(own.content)[1][1] == world.zone_a.name
    other_page, other_xlsx = stats_urls(world.zone_b)
    assert client.get(other_page + Q4).status_code == 404
    assert client.get(other_xlsx + Q4).status_code == 404
    # an enterprise of another zone is out of scope: 404 as a missing one
    assert client.get(f"{page}{Q4}&enterprise={enterprises['b1x'].pk}").status_code == 404
    assert client.get(f"{page}{Q4}&enterprise=987654321").status_code == 404


@pytest.mark.parametrize("name", OUTSIDERS)
def test_everyone_else_gets_404(world, data, page_for, name):
    client = page_for(world.persona(name))
    for zone in (None, world.zone_a, world.zone_b):
        for url in stats_urls(zone):
            assert client.get(url + Q4).status_code == 404, (name, url)


def test_a_missing_zone_a_bad_period_and_anonymous(world, data, page_for, client):
    street = page_for(world.users.street)
    for url in stats_urls(world.zone_a):
        missing = url.replace(f"/{world.zone_a.pk}/", "/987654321/")
        assert street.get(missing).status_code == 404
    for bad in ("?year=x", "?year=2026&quarter=5", "?year=1900", "?enterprise=abc"):
        assert street.get(STATS + bad).status_code == 400, bad
        response = street.get(STATS_XLSX + bad)
        assert response.status_code == 400 and response.content, bad
    for url in (STATS, STATS_XLSX, *stats_urls(world.zone_a)):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- the statistics: queries, workbook, due dates ---------------------------------------------------

def test_statistics_queries_do_not_grow_with_the_number_of_hazards(world, enterprises, make_hazard, page_for,  # noqa: F811
                                                                  django_assert_num_queries):
    client = page_for(world.users.street)
    zone_leader = page_for(world.users.zone_leader)
    zone_page, zone_xlsx = stats_urls(world.zone_a)

    def pins():
        # session, user; the units; by unit and by sector, each over the period's hazards, those with
        # their first deadline in it and the open ones
        with django_assert_num_queries(9):
            assert client.get(STATS_XLSX + Q4).status_code == 200
        with django_assert_num_queries(9):  # the page: the same
            assert client.get(STATS + Q4).status_code == 200
        with django_assert_num_queries(10):  # a zone: + the zone
            assert zone_leader.get(zone_xlsx + Q4).status_code == 200
        with django_assert_num_queries(10):
            assert zone_leader.get(zone_page + Q4).status_code == 200

    make_hazard(enterprises["a1x"], "confirmed")
    pins()
    for cell in ("a1x", "a1y", "a2x", "b1x") * 4:
        make_hazard(enterprises[cell], "confirmed")
    pins()


def test_the_statistics_workbook_headings_and_a_zones_row(world, drive, page_for):  # noqa: F811
    # this quarter: a major closed through the loop, a general rectifying, a general without a notice
    drive.to("closed")
    drive.to("rectifying", general=True)
    drive.to("confirmed", general=True)
    today = timezone.localdate()
    query = f"?year={today.year}&quarter={(today.month - 1) // 3 + 1}"
    response = page_for(world.users.street).get(STATS_XLSX + query)
    assert response.status_code == 200
    assert f"hazard-statistics-subdistrict-{today.year}-q" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    assert book.sheetnames == ["按区域", "按行业"]
    rows = [list(r) for r in book["按区域"].iter_rows(values_only=True)]
    assert rows[0][0]  # the export stamp
    period = stats_period({"year": str(today.year), "quarter": str((today.month - 1) // 3 + 1)})
    assert rows[1][0] == f"隐患统计分析表 {period.start:%Y-%m-%d} 至 {period.end:%Y-%m-%d}"
    assert rows[2][:7] == ["Unit", "General", "General", "General", "General", "General", "Major"]
    assert rows[3] == [None, "General", "Closed", "Awaiting recheck", "Rectifying", "No notice yet",
                       "Major", "Closed", "Awaiting recheck", "Rectifying", "No notice yet",
                       "Rectification rate", "On-time rectification rate", "Open overdue"]
    assert len(rows[3]) == 1 + len(COLUMNS)
    by_name = {row[0]: dict(zip(rows[3][1:], row[1:], strict=True)) for row in rows[4:]}
    assert set(by_name) == {"Total", world.zone_a.name, world.zone_b.name}
    zone_a = rows[[r[0] for r in rows].index(world.zone_a.name)]
    assert zone_a[1:11] == [2, 0, 0, 1, 1, 1, 1, 0, 0, 0]  # general: 2 (rectifying, no notice); major: 1 closed
    # 整改率 = 1 closed ÷ 3 to rectify; 按期整改率 = 1 kept ÷ 2 first deadlines this quarter; none overdue
    assert zone_a[11] == pytest.approx(1 / 3) and zone_a[12] == pytest.approx(0.5) and zone_a[13] == 0
    assert rows[4][0] == "Total" and rows[4][1:] == zone_a[1:]
    assert by_name[world.zone_b.name]["General"] == 0
    sectors = [list(r) for r in book["按行业"].iter_rows(values_only=True)]
    assert sectors[2][0] == "Sector" and sectors[3] == rows[3]


def test_the_statistics_due_dates():
    for quarter, due in ((1, dt.date(2026, 4, 15)), (2, dt.date(2026, 7, 15)), (3, dt.date(2026, 10, 15)),
                         (4, dt.date(2027, 1, 15))):
        assert due_date(stats_period({"year": "2026", "quarter": str(quarter)}, today=dt.date(2026, 12, 2))) == due
    assert due_date(stats_period({"year": "2026"}, today=dt.date(2026, 12, 2))) == dt.date(2027, 1, 31)
    assert due_date(stats_period({"year": "2025"}, today=dt.date(2026, 12, 2))) == dt.date(2026, 1, 31)


def test_the_page_shows_the_period_and_its_due_date(world, data, page_for):
    response = page_for(world.users.street).get(STATS + "?year=2026&quarter=1")
    assert response.status_code == 200
    assert response.context["stats"]["due_on"] == dt.date(2026, 4, 15)
    assert "2026-04-15" in response.content.decode()
    response = page_for(world.users.street).get(STATS + "?year=2025")
    assert response.context["stats"]["due_on"] == dt.date(2026, 1, 31) and "2026-01-31" in response.content.decode()
