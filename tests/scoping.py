"""The role × endpoint matrix every app uses to prove its scoping.

Given the personas and, for each, the exact set of object ids it must see, `assert_api_scoping`
checks the list endpoint (following every page) returns exactly that set, each visible detail
answers 200 and each invisible one 404 — the same answer as a missing object.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable


def api_ids(client, url: str) -> set:
    ids: set = set()
    while url:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        body = response.json()
        ids |= {row["id"] for row in body["results"]}
        url = body["next"]
    return ids


def assert_api_scoping(
    api_for: Callable,
    personas: dict,
    *,
    list_url: str,
    detail_url: Callable[[object], str],
    expected: dict[str, Iterable],
    all_ids: Iterable,
    missing_id: object = 987654321,
) -> None:
    all_ids = set(all_ids)
    for name, ids in expected.items():
        ids = set(ids)
        client = api_for(personas[name])
        assert api_ids(client, list_url) == ids, f"{name} sees the wrong set at {list_url}"
        for obj_id in sorted(all_ids):
            status = client.get(detail_url(obj_id)).status_code
            want = 200 if obj_id in ids else 404
            assert status == want, f"{name} GET {detail_url(obj_id)} answered {status}, expected {want}"
        assert client.get(detail_url(missing_id)).status_code == 404


def assert_page_scoping(
    page_for: Callable,
    personas: dict,
    *,
    detail_url: Callable[[object], str],
    expected: dict[str, Iterable],
    all_ids: Iterable,
) -> None:
    all_ids = set(all_ids)
    for name, ids in expected.items():
        client = page_for(personas[name])
        for obj_id in sorted(all_ids):
            status = client.get(detail_url(obj_id)).status_code
            want = 200 if obj_id in set(ids) else 404
            assert status == want, f"{name} page {detail_url(obj_id)} answered {status}, expected {want}"
