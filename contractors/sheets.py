"""The scorecard as an Excel workbook (承包服务季度考核表): the lines and the pay consequence;
every text cell formula-safe (casework.spreadsheets)."""

from __future__ import annotations

import io

from openpyxl import Workbook

from casework.spreadsheets import safe_cell, stamp_row
from contractors.selectors.scorecard import Scorecard


def _append(sheet, values) -> None:
    sheet.append([safe_cell(sheet, v) for v in values])


def scorecard_workbook(card: Scorecard, *, user) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("考核")
    stamp_row(sheet, user)
    c = card.contract
    _append(sheet, ["服务机构", c.firm.name])
    _append(sheet, ["合同", f"{c.number} {c.title}"])
    _append(sheet, ["考核期", card.period.label])
    _append(sheet, [])
    _append(sheet, ["考核项", "分值", "分子", "分母", "比率(%)", "扣分", "得分"])
    for line in card.lines:
        _append(sheet, [str(line.label), float(line.weight), line.numerator, line.denominator,
                        float(line.rate) if line.rate is not None else "", float(line.penalty), float(line.score)])
    _append(sheet, ["合计", 100, "", "", "", "", float(card.total)])
    _append(sheet, [])
    _append(sheet, ["漏判重大隐患", card.misses])
    _append(sheet, ["本期费用(元)", float(card.period_cost)])
    _append(sheet, ["每家企业费用(元)", float(card.cost_per_enterprise or 0)])
    _append(sheet, ["每个销号隐患费用(元)", float(card.cost_per_closed or 0)])
    _append(sheet, ["合格线", float(c.pass_mark)])
    _append(sheet, ["扣减(元)", float(card.withheld)])
    _append(sheet, ["应付(元)", float(card.payable)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
