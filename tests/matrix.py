"""The full (state × action × persona) matrix of a transition table, through the API.

Any workflow on the shared engine (cases today, hazards next) proves its table with this: for
every state under test and every persona, each action either succeeds — moving to the expected
status and appending an event by that persona, inside a transaction rolled back for the next
attempt — or is refused (409, or 404 for a persona that does not see the object) with a JSON
reason and nothing changed; and the detail's `available_actions` equals what succeeded. The
expectations are written by hand in the test module, never derived from the table under test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction


@dataclass(frozen=True)
class Matrix:
    personas: Iterable[str]
    actions: Iterable[str]
    persona: Callable[[str], object]  # name → user
    client_for: Callable[[object], object]  # user → API client
    url: Callable[[object], str]  # object → its detail URL (actions are posted to f"{url}actions/")
    body: Callable[[str], dict]  # action → valid input for it
    snapshot: Callable[[object], tuple]  # everything a refused move must leave as it was
    status_of: Callable[[object], str]  # the object's status, read from the database
    events: Callable[[object], list]  # its timeline, oldest first (objects with .actor)


def check_state(matrix: Matrix, obj, *, allowed: dict[str, set], sees: set, next_status: dict, where: str) -> None:
    """Every action by every persona on `obj` in its current state."""
    url = matrix.url(obj)
    status = matrix.status_of(obj)
    for name in matrix.personas:
        client = matrix.client_for(matrix.persona(name))
        succeeded = set()
        before = matrix.snapshot(obj)
        for action in matrix.actions:
            want = 404 if name not in sees else 200 if name in allowed.get(action, ()) else 409
            label = f"{name} {action} on {where}"
            body = {"action": action, **matrix.body(action)}
            if want != 200:
                response = client.post(f"{url}actions/", body, format="json")
                assert response.status_code == want, (label, response.status_code, response.content[:300])
                assert response.json()["detail"], label
                continue
            with transaction.atomic():
                response = client.post(f"{url}actions/", body, format="json")
                assert response.status_code == want, (label, response.status_code, response.content[:300])
                succeeded.add(action)
                assert matrix.status_of(obj) == next_status.get(action, status), label
                events = matrix.events(obj)
                assert len(events) > before[1] and events[before[1]].actor == matrix.persona(name), label
                transaction.set_rollback(True)  # back to the state under test for the next attempt
        # The refused attempts (and the rolled-back allowed ones) left everything as it was.
        assert matrix.snapshot(obj) == before, f"{name} on {where}: a refused move changed something"
        detail = client.get(url)
        if name in sees:
            assert detail.status_code == 200
            assert set(detail.json()["available_actions"]) == succeeded, f"{name} on {where}: available_actions"
        else:
            assert detail.status_code == 404
