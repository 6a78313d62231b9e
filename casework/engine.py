"""The transition engine: one table of moves, applied by one function, for any kind of case.

A client (cases today; hazards, interviews and appeals next) describes its loop as a `Workflow`:
the model (whose manager has `visible_to(user)`), the table `action → Transition(sources, target,
roles, branches)`, one handler per action, an extra guard, and how to record and notify. Then:

- `refusal(workflow, actor, obj, action)` says why a move is not possible now (or None);
- `available_actions(...)` lists the moves that would pass;
- `apply(workflow, pk, actor=…, action=…)` locks the row through `visible_to(actor)` (404 when it is
  not visible or missing), refuses (`Refused`, 409) what the table or the guard does not allow,
  **sets the status to the table's target** before the handler runs, lets the handler take one of
  the transition's declared `branches` (and nothing else), saves, stores photos, appends the
  timeline event and notifies — in one transaction; on any error nothing is changed (photo files
  written meanwhile are deleted too).

The table is therefore authoritative: a handler never assigns the status; it changes the other
fields, runs the clock and says what to record (`Move`). A handler that leaves the object in a
status the table does not declare is a programming error and fails loudly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework.errors import Refused
from casework.photos import clean_photos, files_discarded_on_error


@dataclass(frozen=True)
class Transition:
    """From any of `sources`, to `target` (None: the status stays), for `roles`.

    `branches` are the other statuses the handler may choose instead of `target` (a failed
    verification goes back to the department; a second return makes a case disputed).
    """

    sources: frozenset
    target: str | None
    roles: frozenset
    branches: frozenset = frozenset()

    def outcomes(self, from_status: str) -> frozenset:
        return frozenset({self.target if self.target is not None else from_status}) | self.branches


@dataclass
class Move:
    """What a handler decided: the event to record and who to tell."""

    kind: str
    note: str = ""
    data: dict | None = None
    tell: tuple = ()


@dataclass
class Step:
    """One move in progress, as a handler sees it."""

    obj: Any
    actor: Any
    action: str
    params: dict
    now: datetime
    transition: Transition
    from_status: str
    status_field: str = "status"

    def branch(self, status: str) -> None:
        """Take one of the transition's declared branches instead of its target (or stay on the target)."""
        if status != self.transition.target and status not in self.transition.branches:
            raise ImproperlyConfigured(f"{self.action}: {status!r} is not a declared branch of the transition")
        setattr(self.obj, self.status_field, status)


def _no_guard(actor, obj, action: str) -> str | None:
    return None


@dataclass(frozen=True)
class Workflow:
    """Everything the engine needs to know about one kind of case."""

    model: type[models.Model]
    transitions: Mapping[str, Transition]
    handlers: Mapping[str, Callable[[Step], Move]]
    # role of the acting person (e.g. the superuser acts as administrator)
    role_of: Callable[[Any], str]
    action_label: Callable[[str], str]
    status_label: Callable[[str], str]
    # append the timeline event: (obj, kind, actor=, from_status=, to_status=, note=, data=, at=) → event
    record: Callable[..., Any]
    # the fields a move may change (saved with update_fields)
    save_fields: Sequence[str]
    guard: Callable[[Any, Any, str], str | None] = _no_guard
    # tell recipients (user ids) about an event: (recipients, obj, event) → None
    notify: Callable[[Iterable[int], Any, Any], None] | None = None
    # store cleaned photos: (obj, photos, action=, actor=) → None
    attach_photos: Callable[..., Any] | None = None
    # after the event is recorded, in the same transaction: (obj, move, event, step) → None
    after: Callable[[Any, Move, Any, Step], None] | None = None
    select_related: tuple[str, ...] = ()
    status_field: str = "status"
    not_now: str = gettext_lazy("“%(action)s” is not possible while it is %(status)s.")
    wrong_role: str = gettext_lazy("Your role may not “%(action)s” this.")
    extra_fields: Mapping[str, Any] = field(default_factory=dict)

    def check(self) -> None:
        """Every action has a handler and every handler an action (run once, at import)."""
        if set(self.transitions) != set(self.handlers):
            missing = set(self.transitions) ^ set(self.handlers)
            raise ImproperlyConfigured(f"{self.model.__name__}: transitions and handlers differ on {sorted(missing)}")


def refusal(workflow: Workflow, actor, obj, action: str) -> str | None:
    """Why `actor` may not take `action` on `obj` now, or None when they may."""
    transition = workflow.transitions.get(action)
    if transition is None:
        return _("Unknown action.")
    status = getattr(obj, workflow.status_field)
    if status not in transition.sources:
        return str(workflow.not_now) % {"action": workflow.action_label(action), "status": workflow.status_label(status)}
    if workflow.role_of(actor) not in transition.roles:
        return str(workflow.wrong_role) % {"action": workflow.action_label(action)}
    return workflow.guard(actor, obj, action)


def available_actions(workflow: Workflow, actor, obj) -> list[str]:
    return [action for action in workflow.transitions if refusal(workflow, actor, obj, action) is None]


def lock(workflow: Workflow, pk, actor):
    """The row, locked, if `actor` may see it; Http404 otherwise (missing and out of scope alike)."""
    queryset = workflow.model.objects.visible_to(actor).select_for_update(of=("self",))
    if workflow.select_related:
        queryset = queryset.select_related(*workflow.select_related)
    try:
        return queryset.get(pk=pk)
    except (workflow.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def apply(
    workflow: Workflow,
    pk,
    *,
    actor,
    action: str,
    params: dict | None = None,
    photos: list | None = None,
    now: datetime | None = None,
    event_kind: str | None = None,
    event_data: dict | None = None,
):
    """Take `action` on the object `pk` as `actor`. Raises Http404, Refused (409) or
    ValidationError (400); on any error nothing is changed.

    `event_kind`/`event_data` let a caller acting for a body (the joint meeting) record the move
    under its own event kind while the move itself follows the table like any other.
    """
    params = dict(params or {})
    now = now or timezone.now()
    if action not in workflow.transitions:
        raise ValidationError({"action": _("Unknown action “%(action)s”.") % {"action": action}})
    photos = clean_photos(photos)
    with files_discarded_on_error(), transaction.atomic():
        obj = lock(workflow, pk, actor)
        reason = refusal(workflow, actor, obj, action)
        if reason is not None:
            raise Refused(reason)
        transition = workflow.transitions[action]
        from_status = getattr(obj, workflow.status_field)
        if transition.target is not None:
            setattr(obj, workflow.status_field, transition.target)
        step = Step(obj, actor, action, params, now, transition, from_status, workflow.status_field)
        move = workflow.handlers[action](step)
        to_status = getattr(obj, workflow.status_field)
        if to_status not in transition.outcomes(from_status):
            raise ImproperlyConfigured(f"{action}: the handler left the status at {to_status!r}, which the table does not declare")
        obj.save(update_fields=list(workflow.save_fields))
        if photos:
            if workflow.attach_photos is None:
                raise ValidationError({"photos": _("Photos cannot be added here.")})
            workflow.attach_photos(obj, photos, action=action, actor=actor)
        data = {**(move.data or {}), **(event_data or {})}
        if photos:
            data["photos"] = len(photos)
        event = workflow.record(
            obj, event_kind or move.kind, actor=actor, from_status=from_status,
            to_status=to_status if to_status != from_status else "", note=move.note, data=data, at=now,
        )
        if workflow.after is not None:
            workflow.after(obj, move, event, step)
        if move.tell and workflow.notify is not None:
            workflow.notify(move.tell, obj, event)
    return obj
