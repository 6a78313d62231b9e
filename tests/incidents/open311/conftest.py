"""Fixtures of the Open311 tests: public categories (one with a sensitive location), a client with
a live api_key, and helpers that read both formats."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace
from xml.etree import ElementTree

import pytest
from django.core.cache import cache
from django.test import Client

from casework.choices import LimitKind
from incidents.choices import Stage
from incidents.models import Open311Client, Open311Key
from incidents.open311.keys import create_client, issue_key
from tests.incidents import factories as cf

W3C = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")


@pytest.fixture(autouse=True)
def _fresh_rate_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def public_cats(world, cats):
    """Gas smell and rubbish open to public reports; a stability dispute too, its location sensitive."""
    cats.gas.open311_public = True
    cats.gas.save()
    cats.rubbish.open311_public = True
    cats.rubbish.save()
    stability = cf.CategoryFactory(code="stability", name="大稳定", name_en="Stability", sort=3)
    dispute = cf.CategoryFactory(
        code="neighbour-dispute", name="邻里纠纷", name_en="Neighbour dispute", parent=stability,
        default_department=world.police, open311_public=True, sensitive_location=True,
    )
    for stage in Stage.values:
        cf.StageLimitFactory(category=dispute, stage=stage, amount=Decimal(2), kind=LimitKind.WORKING_DAYS)
    return SimpleNamespace(gas=cats.gas, rubbish=cats.rubbish, fire_exit=cats.fire_exit, dispute=dispute, cats=cats)


@dataclass
class Open311Setup:
    client: Open311Client
    key: Open311Key
    api_key: str


@pytest.fixture
def hotline(world) -> Open311Setup:
    client = create_client(name="12345 热线", contact="hotline@example.cn", actor=world.users.admin)
    key, raw = issue_key(client=client, actor=world.users.admin)
    return Open311Setup(client, key, raw)


@pytest.fixture
def http():
    return Client(headers={"Accept-Language": "en"})


def read(response) -> object:
    """The body as plain values: JSON as is; XML in the Spark convention's shape (root dropped,
    list elements as lists, leaves as strings or None)."""
    if response["Content-Type"].startswith("application/json"):
        return json.loads(response.content)
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    return xml_values(ElementTree.fromstring(response.content))


LISTS = {"services", "service_requests", "errors", "endpoints", "formats", "attributes", "values"}


def xml_values(element):
    if element.tag in LISTS:
        return [xml_values(child) for child in element]
    if len(element):
        return {child.tag: xml_values(child) for child in element}
    return element.text


def report(service_code: str, point: tuple[float, float], **extra) -> dict:
    return {"service_code": service_code, "lat": str(point[0]), "long": str(point[1]),
            "description": "A strong smell of gas by the stairwell", **extra}
