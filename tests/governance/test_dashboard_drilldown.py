"""Every figure drills down to the case list of exactly the cases it counts.

Each drill-down link is followed through the cases API (/api/v1/incidents/?<the same query>, which
uses the same IncidentFilter as the queue page) and its count compared with the figure; the
headline figures are also opened on the queue page itself.
"""

from __future__ import annotations

import pytest
from django.utils import translation

from governance.dashboard.numbers import dashboard_numbers
from governance.dashboard.report import dashboard_report
from governance.dashboard.selectors import RATES, Scope
from tests.governance import dashboard_data as dd

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english(settings):
    # The assertions read English labels; the site's default language is Chinese.
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def cases(world, cats, settings):
    settings.DASHBOARD_CACHE_SECONDS = 0
    month = dd.build(world, cats)
    dd.random_cases(world, cats, 150, seed=11)
    return month


def api_count(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, (url, response.content[:300])
    return response.json()["count"]


def as_api(page_url: str) -> str:
    assert page_url.startswith("/incidents/?"), page_url
    return "/api/v1/incidents/?" + page_url.split("?", 1)[1]


def drills(report: dict, totals: dict) -> list[tuple[str, str, int]]:
    """(what, API url, the count the dashboard shows) for every link on a dashboard."""
    out = []
    for fig in report["figures"]:
        out.append((fig["key"], fig["drill"]["api"], fig["denominator"]["value"] if fig["key"] in RATES else fig["value"]))
        if fig["key"] in RATES:
            rate = RATES[fig["key"]]
            out += [(f"{fig['key']} {part}", fig[part]["drill"]["api"], fig[part]["value"]) for part in ("numerator", "denominator")]
            out.append((f"{fig['key']} before", fig["previous_drill"]["api"], totals[f"{rate.denominator}_prev"]))
        elif fig["when"] == "period":
            out.append((f"{fig['key']} before", fig["previous_drill"]["api"], fig["previous"]))
        if fig.get("extra"):
            out.append((fig["extra"]["key"], fig["extra"]["drill"]["api"], fig["extra"]["value"]))
    for ranking in (report["units"], report["departments"], report["workers"] or {"rows": []}):
        for row in ranking["rows"]:
            for c in row["cells"]:
                value = c["denominator"]["value"] if "denominator" in c else c["value"]
                out.append((f"{row['name']} {c['key']}", c["drill"]["api"], value))
                if "numerator" in c:
                    out.append((f"{row['name']} {c['key']} numerator", c["numerator"]["drill"]["api"], c["numerator"]["value"]))
    for week in report["weeks"]:
        out += [(f"week {week['start']} {key}", as_api(week["drill"][key]), week[key]) for key in ("reported", "registered", "closed")]
    for domain in report["categories"]:
        out += [(f"category {c['name']}", as_api(c["drill"]), c["reported"]) for c in [domain, *domain["children"]]]
    for cell in report["cells"]:
        out += [(f"cell {cell['name']} {key}", as_api(cell["drill"][key]), cell[key]) for key in ("reported", "open", "open_overdue")]
    out.append(("overdue list", report["overdue_all"]["api"], totals["open_overdue"]))
    return out


@pytest.mark.parametrize("who,zone", [("street", None), ("zone_leader", "zone_a"), ("street", "zone_b")])
def test_every_drill_down_lists_exactly_the_counted_cases(world, cases, api_for, who, zone):
    user = world.persona(who)
    scope = Scope(getattr(world, zone)) if zone else Scope()
    numbers = dashboard_numbers(user, scope, dd.OCTOBER)
    report = dashboard_report(user, scope, dd.OCTOBER, numbers=numbers)
    client = api_for(user)
    links = drills(report, numbers["totals"])
    assert len(links) > 60
    shown_by_url: dict[str, set] = {}
    for _what, url, shown in links:
        shown_by_url.setdefault(url, set()).add(shown)
    assert all(len(values) == 1 for values in shown_by_url.values())  # one list, one number wherever it shows
    wrong = [(url, shown, api_count(client, url)) for url, (shown,) in shown_by_url.items()]
    assert [w for w in wrong if w[1] != w[2]] == []
    assert sum(shown for _what, _url, shown in links) > 100  # the links count something, not only zeros


def test_the_queue_page_shows_the_same_counts(world, cases, page_for):
    report = dashboard_report(world.users.street, Scope(), dd.OCTOBER)
    client = page_for(world.users.street)
    for fig in report["figures"]:
        response = client.get(fig["drill"]["page"])
        assert response.status_code == 200
        shown = fig["denominator"]["value"] if fig["key"] in RATES else fig["value"]
        assert response.context["total"] == shown, (fig["key"], fig["drill"]["page"])


def test_a_zone_dashboard_drills_into_its_zone_only(world, cases, api_for):
    report = dashboard_report(world.users.street, Scope(world.zone_b), dd.OCTOBER)
    reported = next(f for f in report["figures"] if f["key"] == "reported")
    assert f"zone={world.zone_b.pk}" in reported["drill"]["api"]
    rows = api_for(world.users.street).get(reported["drill"]["api"]).json()["results"]
    assert rows and {row["community"] for row in rows} == {world.community_b1.pk}
