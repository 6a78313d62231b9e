"""Excel files of the assessment: a ranking (any subject type) and the community reward sheet
(one row per committee member with the community's score, grade and pay coefficient), written
through casework.spreadsheets (text never becomes a formula; the first row says who exported it)."""

from __future__ import annotations

import io
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font

from casework.spreadsheets import safe_cell, safe_text, stamp_row
from grids.choices import CommunityPost, Role
from grids.models import User

RANKING_HEADERS = [
    gettext_lazy("Rank"), gettext_lazy("Name"), gettext_lazy("Score"), gettext_lazy("Grade"),
    gettext_lazy("Pay coefficient"), gettext_lazy("Version"), gettext_lazy("Flags"),
]
REWARD_HEADERS = [
    gettext_lazy("Community"), gettext_lazy("Member"), gettext_lazy("Post"), gettext_lazy("Score"),
    gettext_lazy("Grade"), gettext_lazy("Pay coefficient"), gettext_lazy("Rank"),
]


def _book(title: str, headers, exported_by, now):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=safe_text(title)[:31])
    sheet.freeze_panes = "A3"
    stamp_row(sheet, exported_by, now)
    bold = Font(bold=True)
    row = []
    for header in headers:
        cell = safe_cell(sheet, str(header))
        cell.font = bold
        row.append(cell)
    sheet.append(row)
    return workbook, sheet


def _bytes(workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _cells(sheet, values) -> list:
    return [safe_cell(sheet, "" if value is None else value) for value in values]


def export_ranking(sheets, *, title: str, exported_by, now: datetime | None = None) -> bytes:
    workbook, ws = _book(title, RANKING_HEADERS, exported_by, now)
    for s in sheets:
        flags = _("Dismissal review") if "dismissal_review" in (s.flags or []) else ""
        ws.append(_cells(ws, [s.rank, s.subject_name, None if s.total is None else float(s.total), s.grade_label,
                              None if s.coefficient is None else float(s.coefficient), s.version, flags]))
    return _bytes(workbook)


def export_reward_sheet(sheets, *, exported_by, now: datetime | None = None) -> bytes:
    """Community sheets → one row per committee member (community role users of that community)."""
    sheets = list(sheets)
    members: dict[int, list[User]] = {}
    for user in User.objects.filter(role=Role.COMMUNITY, is_active=True, community_id__in=[s.subject_id for s in sheets]):
        members.setdefault(user.community_id, []).append(user)
    workbook, ws = _book(_("Community reward sheet"), REWARD_HEADERS, exported_by, now)
    for s in sheets:
        people = members.get(s.subject_id) or [None]
        for person in people:
            post = str(CommunityPost(person.community_post).label) if person and person.community_post else ""
            ws.append(_cells(ws, [s.subject_name, person.display_name if person else "", post,
                                  None if s.total is None else float(s.total), s.grade_label,
                                  None if s.coefficient is None else float(s.coefficient), s.rank]))
    return _bytes(workbook)


def filename(stem: str, now: datetime | None = None) -> str:
    return f"{stem}-{timezone.localtime(now or timezone.now()):%Y%m%d-%H%M}.xlsx"
