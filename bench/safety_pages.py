"""The enterprise-safety pages of `bench.run` (issue 11): which hazards list, enterprise pages
(一企一档) and campaign progress pages are opened, and their SQL query counts, counted in-process
with Django's test client for a small and a large object (the count must not grow with rows)."""

from __future__ import annotations

import random

from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext

MARKERS = {
    "hazard_list": b'class="code"',
    "enterprise_page": b'data-testid="hazards"',
    "campaign_progress": b'data-testid="campaign-progress"',
}


def samples(zone_id: int, n: int, seed: int) -> dict[str, list[int]]:
    """Enterprises of the zone (the ten with most hazards, the rest at random) and campaigns
    (the largest by targets first, then at random)."""
    from inspections.models import Campaign, Enterprise

    rng = random.Random(f"safety-sample:{seed}")
    zone = Enterprise.objects.filter(zone_id=zone_id)
    biggest = list(zone.annotate(n=Count("hazards")).order_by("-n", "pk").values_list("pk", flat=True)[:10])
    others = [pk for pk in zone.order_by("pk").values_list("pk", flat=True) if pk not in set(biggest)]
    enterprises = biggest + rng.sample(others, min(max(n - len(biggest), 0), len(others)))
    campaigns = list(Campaign.objects.annotate(n=Count("targets")).order_by("-n", "pk").values_list("pk", flat=True))
    campaigns = campaigns[:5] + rng.sample(campaigns[5:], min(max(n - 5, 0), len(campaigns[5:])))
    return {"enterprises": enterprises, "campaigns": campaigns}


def paths(sample: dict[str, list[int]]) -> dict[str, list[str]]:
    return {
        "hazard_list": ["/inspections/hazards/"],
        "enterprise_page": [f"/inspections/enterprises/{pk}/" for pk in sample["enterprises"]],
        "campaign_progress": [f"/inspections/campaigns/{pk}/" for pk in sample["campaigns"]],
    }


def query_counts(usernames: dict[str, str], sample: dict[str, list[int]]) -> dict[str, dict[str, list[int]]]:
    """{page: {persona: [queries for the first (largest) object, for the last one]}}: a constant
    query count shows as two equal numbers. Raises if a page does not answer 200 with its marker."""
    from grids.models import User

    out: dict[str, dict[str, list[int]]] = {}
    for persona, username in usernames.items():
        client = Client(SERVER_NAME="127.0.0.1")
        client.force_login(User.objects.get(username=username))
        for page, urls in paths(sample).items():
            counted = []
            for url in (urls[0], urls[-1]):
                with CaptureQueriesContext(connection) as queries:
                    response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
                if response.status_code != 200 or MARKERS[page] not in response.content:
                    raise RuntimeError(f"{username} GET {url}: HTTP {response.status_code}, marker {MARKERS[page]!r} missing")
                counted.append(len(queries))
            out.setdefault(page, {})[persona] = counted
    return out


def data_size() -> dict:
    from inspections.models import Campaign, CampaignTarget, Enterprise, Hazard, Inspection

    tables = {}
    with connection.cursor() as cursor:
        for model in (Enterprise, Campaign, CampaignTarget, Inspection, Hazard):
            table = model._meta.db_table
            cursor.execute(f'SELECT COUNT(*), pg_total_relation_size(%s) FROM "{table}"', [table])
            rows, size = cursor.fetchone()
            tables[table] = {"rows": rows, "mb": round(size / 2**20, 1)}
    states = dict(Hazard.objects.order_by().values_list("status").annotate(n=Count("pk")))
    return {"tables": tables, "hazard_states": states}
