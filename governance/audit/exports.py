"""The audit trail as Excel (casework.spreadsheets: formula-safe cells, the exporter's stamp row)."""

from __future__ import annotations

import io
import json

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from casework.spreadsheets import safe_cell, safe_text, stamp_row
from governance.audit.models import Kind

EXPORT_LIMIT = 50_000


def headers() -> list[str]:
    return [_("When"), _("Event"), _("Username"), _("IP address"), _("Method"), _("Path"), _("Object type"),
            _("Object"), _("Object name"), _("Details")]


def export_entries(queryset: QuerySet, *, exported_by) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=safe_text(_("Audit trail"))[:31])
    stamp_row(sheet, exported_by)
    sheet.append([safe_cell(sheet, title) for title in headers()])
    labels = dict(Kind.choices)
    rows = queryset.values_list("at", "kind", "username", "ip", "method", "path", "target_type", "target_id",
                                "target_repr", "detail")
    for at, kind, *middle, detail in rows[:EXPORT_LIMIT].iterator(chunk_size=2000):
        values = [at, str(labels.get(kind, kind)), *(value or "" for value in middle),
                  json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str)]
        sheet.append([safe_cell(sheet, value) for value in values])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def export_filename() -> str:
    return f"audit-{timezone.localtime():%Y%m%d-%H%M}.xlsx"
