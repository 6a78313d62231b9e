"""The list idiom's capped count: a list longer than the cap says so and pages through the cap."""

from __future__ import annotations

import pytest

from grids.listing import CappedPaginator
from grids.models import GridCell

pytestmark = pytest.mark.django_db


def test_a_short_list_is_counted_exactly_and_a_long_one_stops_at_the_cap(world, monkeypatch, django_assert_num_queries):
    cells = GridCell.objects.order_by("pk")
    assert CappedPaginator(cells, 2).count == 4 and not CappedPaginator(cells, 2).capped
    monkeypatch.setattr(CappedPaginator, "cap", 3)
    paginator = CappedPaginator(cells, 2)
    with django_assert_num_queries(1):
        assert (paginator.count, paginator.capped, paginator.num_pages) == (3, True, 2)
    assert CappedPaginator(list(cells), 2).capped  # a list is measured with len()


def test_the_list_page_says_more_than_the_cap(world, page_for, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "cap", 3)
    body = page_for(world.users.street).get("/grids/cells/").content.decode()
    assert "More than 3 results" in body
    monkeypatch.setattr(CappedPaginator, "cap", 4)
    body = page_for(world.users.street).get("/grids/cells/").content.decode()
    assert "4 results" in body and "More than" not in body
