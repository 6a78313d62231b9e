"""The door to the security audit trail for the apps below the site (grids, incidents,
inspections, contractors): they may not import `governance`, so they call `record` here, and the
site registers the function that writes the row (`governance.audit.services.record`) from its
AppConfig.ready(). The signature is the same; with nothing registered (casework used alone) an
event is dropped, which only the shared machinery's own tests ever see.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError

_sink: Callable[..., Any] | None = None


def register(sink: Callable[..., Any]) -> None:
    global _sink
    _sink = sink


def record(kind: str, *, actor=None, request=None, target=None, **detail) -> Any:
    """Record one audit event: `kind` (governance.audit.models.Kind), who (`actor`, else the
    request's user), from where (`request`, else the request being served), about what (`target`,
    a model instance or "app.model:pk"), and `detail` (JSON-able keyword arguments)."""
    if _sink is None:
        return None
    return _sink(kind, actor=actor, request=request, target=target, **detail)


def note_out_of_scope(model, request=None, **lookup) -> None:
    """A scoped lookup found nothing: if the object exists (one indexed query, on the refusal path
    only), record the 404 as a permission refusal; a missing object is not recorded. `request`
    defaults to the one being served."""
    if _sink is None or not lookup:
        return
    try:
        existing = model._base_manager.filter(**lookup).values_list("pk", flat=True).first()
    except (ValueError, TypeError, ValidationError):
        return
    if existing is not None:
        record("permission_denied", request=request, target=f"{model._meta.label_lower}:{existing}", status=404,
               reason="out_of_scope")


def filters_of(request) -> dict:
    """The query string a list was filtered with, as an export's audit entry records it."""
    return {name: values if len(values) > 1 else values[0] for name, values in request.GET.lists() if name != "page"}


def record_export(request, export: str, *, rows: int | None, target=None, **detail) -> None:
    """An export: who (the request's user) exported which list (`export`), with which filters, how many rows."""
    record("export", request=request, target=target, export=export, filters=filters_of(request), rows=rows, **detail)
