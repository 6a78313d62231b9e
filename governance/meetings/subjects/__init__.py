"""The registry of what a joint meeting can take up: one `Subject` per kind (see base.py).

Cases and hazards (a refusal to rectify, no joint interview yet). A kind is a module here, a
nullable `AgendaItem` key (a check says exactly one subject key is set; each has a unique
(meeting, key) constraint) and a line in SUBJECTS.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Model

from governance.meetings.subjects.base import History, Subject
from governance.meetings.subjects.case import CASE
from governance.meetings.subjects.hazard import HAZARD

SUBJECTS: dict[str, Subject] = {subject.kind: subject for subject in (CASE, HAZARD)}

# (kind, object id): how the agenda code names a subject without loading it.
Key = tuple[str, int]


def subject_of(item) -> Subject:
    """The kind of an agenda item (or of a row of its values): the one whose key is set."""
    for subject in SUBJECTS.values():
        value = item.get(subject.id_field) if isinstance(item, dict) else getattr(item, subject.id_field, None)
        if value is not None:
            return subject
    raise ValueError(f"Agenda item {getattr(item, 'pk', item)!r} names no subject")


def key_of(item) -> Key:
    subject = subject_of(item)
    value = item[subject.id_field] if isinstance(item, dict) else getattr(item, subject.id_field)
    return subject.kind, value


def object_of(item) -> Model:
    return getattr(item, subject_of(item).field)


def id_fields() -> list[str]:
    return [subject.id_field for subject in SUBJECTS.values()]


def item_joins() -> list[str]:
    return [join for subject in SUBJECTS.values() for join in subject.item_joins]


def histories(keys: Iterable[Key]) -> dict[Key, History]:
    """(kind, id) → its history line, one query per kind."""
    by_kind: dict[str, list[int]] = defaultdict(list)
    for kind, pk in keys:
        by_kind[kind].append(pk)
    found: dict[Key, History] = defaultdict(History)
    for kind, ids in by_kind.items():
        for pk, history in SUBJECTS[kind].histories(ids).items():
            found[kind, pk] = history
    return found


__all__ = ["SUBJECTS", "History", "Key", "Subject", "histories", "id_fields", "item_joins", "key_of", "object_of", "subject_of"]
