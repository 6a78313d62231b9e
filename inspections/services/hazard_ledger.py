"""The hazard ledger (隐患台账) in Excel: one row per hazard of a scoped, filtered list, with the
columns a safety office keeps (SAFETY.md §1.3, §8.6) — enterprise and credit code, territory,
when and by whom found, level, description and criterion, the notice with its mode, deadlines and
五落实, the state, the closing and every recheck's result. Text cells are formula-safe
(casework.spreadsheets); the first row is the export stamp, as in the campaign ledger.

Two queries whatever the number of rows (the hazards with what they join, and their rechecks,
prefetched per chunk while the rows stream into a write-only workbook).
"""

from __future__ import annotations

import io

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from openpyxl import Workbook

from casework.spreadsheets import safe_cell, stamp_row
from inspections.choices import RecheckResult, RectificationMode
from inspections.models import Recheck
from inspections.services.campaign_sheets import LEVEL_ZH, STATUS_ZH

MODE_ZH = {RectificationMode.IMMEDIATE: "立即整改", RectificationMode.DEADLINE: "限期整改", RectificationMode.HALT: "停产停业治理"}
RESULT_ZH = {RecheckResult.PASSED: "合格", RecheckResult.FAILED: "不合格", RecheckResult.PENDING: "待复查"}
ESCALATION_ZH = {0: "", 1: "临期提醒", 2: "黄牌", 3: "红牌"}
COLUMNS = [
    "序号", "隐患编号", "企业名称", "统一社会信用代码", "管区", "社区", "网格", "发现日期", "发现人", "隐患级别", "隐患描述",
    "判定依据", "整改通知书编号", "整改方式", "整改期限", "原定整改期限", "延期次数", "整改责任人", "整改措施", "整改资金(元)",
    "整改时限", "应急预案", "状态", "督办", "挂牌督办", "销号日期", "是否按期整改", "复查次数", "复查不合格次数", "复查结果",
]
CHUNK = 2000


def ledger_queryset(hazards: QuerySet) -> QuerySet:
    rechecks = Prefetch("rechecks", queryset=Recheck.objects.order_by("submitted_at", "pk"))
    return (hazards.select_related("enterprise", "zone", "community", "grid_cell", "reporter", "clause__standard", "notice")
            .prefetch_related(rechecks).order_by("recorded_at", "pk"))


def _day(value):
    return timezone.localtime(value).date() if value else ""


def _rechecks(rows) -> str:
    parts = []
    for r in rows:
        when = timezone.localtime(r.decided_at or r.submitted_at).strftime("%Y-%m-%d")
        text = f"{when} {RESULT_ZH[r.result]}"
        parts.append(f"{text}（{r.reason}）" if r.reason else text)
    return "；".join(parts)


def ledger_row(n: int, h) -> list:
    notice, rechecks = h.notice, list(h.rechecks.all())
    clause = f"{h.clause.standard.number} {h.clause.number} {h.clause.summary}" if h.clause_id else (h.major_reason or "")
    return [
        n, h.code, h.enterprise.name, h.enterprise.credit_code, h.zone.name, h.community.name, h.grid_cell.name,
        _day(h.recorded_at), h.reporter.display_name, LEVEL_ZH[h.shown_level], h.description, clause,
        notice.number if notice else "", MODE_ZH.get(h.mode, ""), h.due_at or (notice.due_at if notice else ""),
        h.first_due_at or "", h.extensions, notice.responsible_person if notice else "", notice.measures if notice else "",
        float(notice.funds) if notice else "", notice.time_limit if notice else "", notice.emergency_plan if notice else "",
        STATUS_ZH[h.status], ESCALATION_ZH.get(h.escalation, ""), "是" if h.supervised_at else "", _day(h.closed_at),
        "" if h.closed_on_time is None else ("是" if h.closed_on_time else "否"), len(rechecks), h.recheck_failures,
        _rechecks(rechecks),
    ]


def hazard_ledger(hazards: QuerySet, *, user, title: str = "隐患台账") -> bytes:
    """The ledger of `hazards` (already scoped to `user` and filtered) as .xlsx bytes."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    stamp_row(sheet, user)
    sheet.append([safe_cell(sheet, c) for c in COLUMNS])
    for n, h in enumerate(ledger_queryset(hazards).iterator(chunk_size=CHUNK), start=1):
        sheet.append([safe_cell(sheet, v) for v in ledger_row(n, h)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
