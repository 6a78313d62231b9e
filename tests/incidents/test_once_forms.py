"""Issue 15: every create form carries a one-time token (casework.once); the same token sent
twice creates one object and the repeat answers the first. Here: linking a sighting to a case,
and the mechanism itself."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse

from casework.models import OnceToken
from casework.once import create_once
from incidents.choices import EventKind
from tests.incidents.test_pages import english, report

pytestmark = pytest.mark.django_db


def test_the_intake_page_carries_a_fresh_once_token(world, page_for):
    client = page_for(world.users.worker)
    first = client.get(reverse("incidents:new")).content.decode()
    second = client.get(reverse("incidents:new")).content.decode()
    mark = 'name="once_token" value="'
    assert mark in first and first.split(mark)[1][:36] != second.split(mark)[1][:36]


def test_a_sighting_linked_twice_with_one_token_is_added_once(world, cats, page_for):
    case = report(world, cats.gas, reporter=world.users.zone_leader)
    client = english(page_for(world.users.worker))
    form = {"description": "我也闻到了", "once_token": str(uuid.uuid4())}
    first = client.post(reverse("incidents:link", args=[case.pk]), form)
    second = client.post(reverse("incidents:link", args=[case.pk]), form, follow=True)
    assert first["Location"] == reverse("incidents:detail", args=[case.pk])
    assert second.redirect_chain[-1][0] == first["Location"]
    assert "already added to case" in second.content.decode()
    assert case.events.filter(kind=EventKind.LINKED).count() == 1
    client.post(reverse("incidents:link", args=[case.pk]), {**form, "once_token": str(uuid.uuid4())})
    assert case.events.filter(kind=EventKind.LINKED).count() == 2


def test_a_malformed_token_is_refused_and_changes_nothing(world, cats, page_for):
    case = report(world, cats.gas, reporter=world.users.zone_leader)
    client = english(page_for(world.users.worker))
    response = client.post(reverse("incidents:link", args=[case.pk]), {"description": "x", "once_token": "nope"}, follow=True)
    assert "token is malformed" in response.content.decode()
    assert not case.events.filter(kind=EventKind.LINKED).exists()


def _post(user, token):
    request = RequestFactory().post("/", {"once_token": token})
    request.user = user
    return request


def test_a_token_is_the_users_own(world):
    token = str(uuid.uuid4())
    made = []
    first, created = create_once(_post(world.users.worker, token), lambda: made.append(1) or world.safety)
    again, created_again = create_once(_post(world.users.worker, token), lambda: made.append(2) or world.urban)
    other, created_other = create_once(_post(world.users.worker_b, token), lambda: made.append(3) or world.urban)
    assert (first, created, again, created_again) == (world.safety, True, world.safety, False)
    assert (other, created_other) == (world.urban, True) and made == [1, 3]


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_submits_create_one(world, postgres):
    token = str(uuid.uuid4())
    barrier = threading.Barrier(2)
    results = []

    def submit():
        try:
            def create():
                barrier.wait(timeout=10)
                return world.safety
            results.append(create_once(_post(world.users.worker, token), create))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(created for _obj, created in results) == [False, True]
    assert OnceToken.objects.filter(token=token).count() == 1
