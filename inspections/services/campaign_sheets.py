"""A campaign's Excel ledger (专项排查台账): the summary, one row per target enterprise, and the
hazards found — what the user sees, every text cell formula-safe (casework.spreadsheets)."""

from __future__ import annotations

import io

from openpyxl import Workbook

from casework.spreadsheets import safe_cell, stamp_row
from inspections.choices import HazardLevel, HazardStatus
from inspections.models import Campaign
from inspections.services.campaigns import campaign_hazards, report_data, targets_with_state
from inspections.services.sheets import SECTOR_ZH

STATUS_ZH = {
    HazardStatus.RECORDED: "已登记", HazardStatus.CONFIRMED: "已核实", HazardStatus.NOTIFIED: "已送达通知",
    HazardStatus.RECTIFYING: "整改中", HazardStatus.SUBMITTED: "申请销号", HazardStatus.RECHECKING: "复查中",
    HazardStatus.CLOSED: "已销号", HazardStatus.VOID: "已作废",
}
LEVEL_ZH = {HazardLevel.GENERAL: "一般隐患", HazardLevel.MAJOR: "重大隐患"}
FIGURES = [("应排查企业", "due"), ("已排查企业", "inspected"), ("覆盖率(%)", "coverage"), ("有隐患企业", "with_hazards"),
           ("有重大隐患企业", "with_major"), ("隐患数", "hazards"), ("重大隐患数", "major"), ("每百家企业隐患数", "per_100"),
           ("重大隐患占比(%)", "major_share")]


def _append(sheet, values) -> None:
    sheet.append([safe_cell(sheet, v) for v in values])


def campaign_ledger(campaign: Campaign, *, user) -> bytes:
    book = Workbook(write_only=True)
    data = report_data(campaign, user)
    summary = book.create_sheet("汇总")
    stamp_row(summary, user)
    _append(summary, ["专项排查", campaign.title])
    _append(summary, ["主题", str(campaign.get_theme_display())])
    _append(summary, ["带队领导", campaign.lead.display_name])
    _append(summary, ["时间", f"{campaign.starts_on:%Y-%m-%d} 至 {campaign.ends_on:%Y-%m-%d}"])
    _append(summary, ["阶段", str(campaign.get_phase_display())])
    _append(summary, [])
    _append(summary, ["", *[label for label, _key in FIGURES]])
    _append(summary, ["合计", *[data["progress"][key] for _label, key in FIGURES]])
    for row in data["by_zone"]:
        _append(summary, [row["name"], *[row[key] for _label, key in FIGURES]])
    _append(summary, [])
    for row in data["by_sector"]:
        _append(summary, [SECTOR_ZH.get(row["code"], row["name"]), *[row[key] for _label, key in FIGURES]])

    targets = book.create_sheet("企业台账")
    _append(targets, ["统一社会信用代码", "企业名称", "地址", "管区", "网格", "行业类别", "是否已排查", "检查编号", "隐患数", "重大隐患数"])
    for t in targets_with_state(campaign, user).prefetch_related("enterprise__sector_rows"):
        e = t.enterprise
        _append(targets, [e.credit_code, e.name, e.address, e.zone.name, e.grid_cell.name,
                          "、".join(SECTOR_ZH[c] for c in e.sector_codes), "是" if t.inspection_id else "否",
                          t.inspection_id or "", t.hazards, t.major])

    hazards = book.create_sheet("隐患清单")
    _append(hazards, ["隐患编号", "企业名称", "管区", "隐患描述", "判定依据", "级别", "状态", "整改期限(天)", "登记时间"])
    for h in campaign_hazards(campaign, user):
        clause = f"{h.clause.standard.number} {h.clause.number}" if h.clause_id else ""
        _append(hazards, [h.code, h.enterprise.name, h.zone.name, h.description, clause, LEVEL_ZH[h.shown_level],
                          STATUS_ZH[h.status], h.rectification_days, h.recorded_at])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


__all__ = ["campaign_ledger"]
