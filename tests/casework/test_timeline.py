"""The append-only timeline base (casework.models.TimelineEventBase) as its client sees it."""

from __future__ import annotations

from casework.models import AppendOnlyQuerySet, TimelineEventBase
from incidents.choices import EventKind, Status
from incidents.models import IncidentEvent


def test_the_case_timeline_keeps_its_columns_choices_indexes_and_guards():
    assert issubclass(IncidentEvent, TimelineEventBase) and isinstance(IncidentEvent.objects.all(), AppendOnlyQuerySet)
    fields = {field.name: field for field in IncidentEvent._meta.get_fields() if field.concrete}
    assert set(fields) == {"id", "incident", "kind", "actor", "from_status", "to_status", "note", "data", "created_at"}
    assert fields["kind"].choices == EventKind.choices and fields["to_status"].choices == Status.choices
    assert fields["actor"].remote_field.related_name == "+" and fields["created_at"].db_index
    assert [index.name for index in IncidentEvent._meta.indexes] == ["event_incident_time", "event_kind_time"]
    assert IncidentEvent._meta.ordering == ["created_at", "pk"]
