"""What a joint meeting needs to know of a kind of subject (a case today; a hazard later).

An agenda item names its subject through one foreign key per kind (`AgendaItem.incident` for a
case); the kind of an item is the kind whose key is set ("the non-null key decides"), so adding
a kind adds a nullable key and a registered `Subject`, and no column that could disagree with it.
Everything of the meeting that depends on the kind asks the subject: which open objects should
reach the agenda and why, the one-line history the meeting reads, how the object is shown and
found, whether a decision can be applied, and how.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext as _

HISTORY_MAX_PARTS = 8


@dataclass
class History:
    """One subject's past as the meeting reads it, and the departments it involved."""

    parts: list[str] = field(default_factory=list)
    department_ids: set[int] = field(default_factory=set)

    @property
    def line(self) -> str:
        if not self.parts:
            return _("No returns or escalations.")
        parts = self.parts
        if len(parts) > HISTORY_MAX_PARTS:
            parts = ["…", *parts[-HISTORY_MAX_PARTS:]]
        return " · ".join(parts)


class Subject(ABC):
    """A kind of subject. Subclasses set the class attributes and implement every abstract method
    (a kind that forgets one cannot be instantiated, so it fails at import, not at a meeting)."""

    kind: str = ""
    # The AgendaItem foreign key that names a subject of this kind.
    field: str = ""
    # The joins an agenda list needs to show the subject (select_related on AgendaItem).
    item_joins: tuple[str, ...] = ()
    # (ItemReason, query of the objects that should reach the agenda for it), in priority order:
    # an object matching several is listed under the first.
    sources: tuple[tuple[str, Callable[[datetime], QuerySet]], ...] = ()
    # What a decision on this kind may do (DecisionAction values); the first is the default.
    actions: tuple[str, ...] = ("assign",)

    @property
    def id_field(self) -> str:
        return f"{self.field}_id"

    @abstractmethod
    def still_open(self, prefix: str = "") -> Q:
        """Items (Q on AgendaItem, or on `prefix`+item) whose subject is still open."""

    @abstractmethod
    def sort_keys(self, ids: Iterable[int]) -> dict[int, object]:
        """id → what orders objects of the same reason on the agenda (oldest first)."""

    @abstractmethod
    def histories(self, ids: Iterable[int]) -> dict[int, History]:
        """id → the one-line past the meeting reads beside each object."""

    @abstractmethod
    def code(self, obj: Model) -> str:
        """The object's code as the minutes print it."""

    @abstractmethod
    def one_line(self, obj: Model) -> str:
        """The object in one line (code, kind, state), for lists and notifications."""

    @abstractmethod
    def find(self, actor, ref) -> Model:
        """The object the chair named by code or id, among those `actor` sees (ValidationError)."""

    @abstractmethod
    def refuse_manual(self, obj: Model) -> str | None:
        """Why the chair cannot put this object on an agenda, or None."""

    @abstractmethod
    def refuse_decision(self, obj: Model) -> str | None:
        """Why a meeting cannot decide on this object now, or None."""

    @abstractmethod
    def apply_decision(self, decision, meeting, *, actor, now: datetime) -> None:
        """Carry out a published decision (inside the publication's transaction)."""
