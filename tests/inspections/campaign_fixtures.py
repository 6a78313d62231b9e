"""Campaign fixtures over the inspections `world`, `enterprises` and `checklist` (import them into a test module).

Campaigns: `whole` (the whole sub-district, started: all four enterprises), `zone_b` (zone B, started:
b1x only), `planned` (zone A, still mobilising: no targets yet).
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from inspections import services


def campaign_data(world, **extra) -> dict:
    return {"title": "燃气专项排查", "theme": "gas_fuel", "lead": world.users.street.pk, "starts_on": dt.date(2026, 9, 1),
            "ends_on": dt.date(2026, 10, 31), "sectors": ["commercial"], **extra}


@pytest.fixture
def campaigns(world, enterprises, checklist):
    street = world.users.street
    whole = services.create_campaign(actor=street, **campaign_data(world, versions=[checklist.version.pk], experts=[
        {"name": "孙志远", "qualification": "注册安全工程师", "organisation": "安科公司", "user": world.users.safety_a.pk}]))
    zone_b = services.create_campaign(actor=street, **campaign_data(world, title="治安隐患排查", theme="public_security",
                                                                    zones=[world.zone_b.pk]))
    planned = services.create_campaign(actor=street, **campaign_data(world, title="冬季专项", theme="seasonal",
                                                                     zones=[world.zone_a.pk]))
    services.start_campaign(whole.pk, actor=street)
    services.start_campaign(zone_b.pk, actor=world.users.safety)
    for c in (whole, zone_b, planned):
        c.refresh_from_db()
    return SimpleNamespace(whole=whole, zone_b=zone_b, planned=planned)
