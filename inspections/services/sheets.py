"""The registry as a spreadsheet: the import template, the import with its row-by-row report, the export.

The template's headers and vocabulary are Chinese (the safety office's own ledgers are), and an
export can be imported back. An import is all-or-nothing unless `valid_rows_only` is asked for:
a file with any error imports nothing, and the report lists every error (row, column, message).
Duplicates are found inside the file and against the registry (same code, or same name+address).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from casework.spreadsheets import formula_at, is_stamp, open_upload, safe_cell, stamp_row
from grids.locator import cell_finder
from grids.models import Department, GridCell
from inspections.choices import EnterpriseStatus, Flag, RiskLevel, RiskMethod, Sector, TargetKind
from inspections.models import Enterprise
from inspections.services.enterprises import check_writer, clean_enterprise, identity_key, may_write, register_many

MAX_ROWS = 5000
EXPORT_LIMIT = 50_000

SECTOR_ZH = {
    Sector.CHEM_PRODUCTION: "危化品生产", Sector.CHEM_TRADE: "危化品经营", Sector.CHEM_USE: "危化品使用",
    Sector.CHEM_STORAGE: "危化品储存", Sector.FIREWORKS_WHOLESALE: "烟花爆竹批发", Sector.FIREWORKS_RETAIL: "烟花爆竹零售",
    Sector.CONSTRUCTION: "建筑施工项目", Sector.COMMERCIAL: "商贸", Sector.WAREHOUSE: "仓储物流", Sector.SCHOOL: "学校",
    Sector.KINDERGARTEN: "幼儿园", Sector.CATERING_PIPED: "餐饮(管道燃气)", Sector.CATERING_BOTTLED: "餐饮(瓶装燃气)",
    Sector.METALLURGY: "工贸-冶金", Sector.NONFERROUS: "工贸-有色", Sector.BUILDING_MATERIALS: "工贸-建材",
    Sector.MACHINERY: "工贸-机械", Sector.LIGHT_INDUSTRY: "工贸-轻工", Sector.TEXTILES: "工贸-纺织",
    Sector.TOBACCO: "工贸-烟草", Sector.TRADE: "工贸-商贸", Sector.NINE_SMALL: "九小场所", Sector.OTHER: "其他",
}
FLAG_ZH = {
    Flag.DUST_EXPLOSION: "粉尘涉爆", Flag.AMMONIA: "涉氨制冷", Flag.CONFINED_SPACE: "有限空间",
    Flag.MAJOR_HAZARD: "重大危险源", Flag.GAS_USER: "燃气使用",
}
RISK_ZH = {RiskLevel.RED: "红", RiskLevel.ORANGE: "橙", RiskLevel.YELLOW: "黄", RiskLevel.BLUE: "蓝"}
TARGET_ZH = {TargetKind.KEY: "重点", TargetKind.ORDINARY: "一般"}
METHOD_ZH = {RiskMethod.LEC: "LEC", RiskMethod.LS: "LS", RiskMethod.OTHER: "其他"}
STATUS_ZH = {EnterpriseStatus.ACTIVE: "在营", EnterpriseStatus.CLOSED: "关闭", EnterpriseStatus.RELOCATED: "搬迁"}
LIST_SEPARATORS = ("、", "，", ",", "；", ";", "/")

# (header, field, vocabulary for coded values or None)
COLUMNS = [
    ("统一社会信用代码", "credit_code", None), ("名称", "name", None), ("法定代表人", "legal_representative", None),
    ("主要负责人", "principal", None), ("安全管理员", "safety_officer", None), ("安全管理员电话", "safety_officer_phone", None),
    ("地址", "address", None), ("纬度", "latitude", None), ("经度", "longitude", None), ("网格编码", "grid_cell", None),
    ("行业类别", "sectors", SECTOR_ZH), ("风险特征", "flags", FLAG_ZH), ("从业人数", "employees", None),
    ("监管类型", "target_kind", TARGET_ZH), ("风险等级", "risk_level", RISK_ZH), ("评估日期", "risk_assessed_on", None),
    ("评估方法", "risk_method", METHOD_ZH), ("责任部门", "responsible_departments", None), ("状态", "status", STATUS_ZH),
]
HEADER_OF = {name: header for header, name, _vocab in COLUMNS}
LIST_FIELDS = {"sectors", "flags", "responsible_departments"}


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    valid_rows_only: bool = False

    @property
    def rows_with_errors(self) -> int:
        return len({e.row for e in self.errors})

    @property
    def ok(self) -> bool:
        return not self.errors


def _split(value) -> list[str]:
    text = "" if value is None else str(value)
    for sep in LIST_SEPARATORS[1:]:
        text = text.replace(sep, LIST_SEPARATORS[0])
    return [part.strip() for part in text.split(LIST_SEPARATORS[0]) if part.strip()]


def _decode(value, vocabulary: dict) -> str:
    """A coded cell: its Chinese name, its English label or the code itself."""
    text = "" if value is None else str(value).strip()
    for code, zh in vocabulary.items():
        if text in (zh, str(code), str(code.label)):
            return str(code)
    return text  # unknown: the cleaner names it


def template_workbook() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "企业"
    sheet.append([header for header, _n, _v in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    notes = book.create_sheet("填写说明")
    notes.append(["列", "可填的值"])
    for header, _name, vocabulary in COLUMNS:
        if vocabulary:
            notes.append([header, "、".join(vocabulary.values())])
    notes.append(["网格编码", "15 位网格编码；有经纬度时可不填，经纬度在所有网格之外时必填"])
    notes.append(["责任部门", "部门名称，多个用“、”分隔"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _header(cells) -> list[str]:
    return [str(c.value).strip() if c.value is not None else "" for c in cells]


def _read_rows(upload, report: ImportReport) -> list[tuple[int, dict]]:
    try:
        book = open_upload(upload)  # refuses macro-enabled files
    except ValidationError as error:
        report.errors.append(RowError(0, "", error.messages[0]))
        return []
    sheet = book.worksheets[0]
    rows = sheet.iter_rows()
    first_number = 2
    header = _header(next(rows, ()))
    if is_stamp(header) and "统一社会信用代码" not in header:  # our own export starts with "exported by …"
        second = _header(next(rows, ()))
        if "统一社会信用代码" in second:
            header, first_number = second, 3
    known = {h: name for h, name, _v in COLUMNS}
    missing = [h for h in ("统一社会信用代码", "名称", "地址") if h not in header]
    if missing:
        report.errors.append(RowError(first_number - 1, "、".join(missing), _("Required columns are missing: use the template.")))
        return []
    positions = {known[h]: i for i, h in enumerate(header) if h in known}
    out = []
    for number, cells in enumerate(rows, start=first_number):
        values = [c.value for c in cells]
        if not any(v not in (None, "") for v in values):
            continue
        column = formula_at(cells, header)
        if column:
            report.errors.append(RowError(number, column, _("Formulas are not accepted: type the value itself.")))
            continue
        if len(out) >= MAX_ROWS:
            report.errors.append(RowError(number, "", _("At most %(n)s rows per file.") % {"n": MAX_ROWS}))
            break
        out.append((number, {name: values[i] if i < len(values) else None for name, i in positions.items()}))
    book.close()
    return out


def _raw(data: dict, cells: dict, departments: dict) -> dict:
    vocab = {name: v for _h, name, v in COLUMNS if v}
    raw = {}
    for name, value in data.items():
        if isinstance(value, str):
            value = value.strip()
        if name in ("sectors", "flags"):
            value = [_decode(part, vocab[name]) for part in _split(value)]
        elif name in vocab:
            value = _decode(value, vocab[name])
        elif name == "grid_cell":
            code = "" if value is None else str(value).strip()
            value = cells.get(code, code or None) if code else None
            if isinstance(value, str):
                value = f"code:{value}"  # not an id: the cleaner says "Unknown grid cell."
        elif name == "responsible_departments":
            value = [departments.get(part, f"name:{part}") for part in _split(value)]
        raw[name] = value
    return raw


@transaction.atomic
def import_enterprises(upload, *, actor, valid_rows_only: bool = False, dry_run: bool = False) -> ImportReport:
    """Import the workbook's first sheet; `dry_run` checks and counts (`created`: would be created) without writing."""
    check_writer(actor)
    report = ImportReport(valid_rows_only=valid_rows_only)
    rows = _read_rows(upload, report)
    report.rows = len(rows)
    if report.errors:
        return report
    cells = {c.code: c for c in GridCell.objects.select_related("community__zone")}
    locate = cell_finder({c.pk: c for c in cells.values()})
    departments = {d.name: d for d in Department.objects.filter(is_active=True)}
    cleaned: list[tuple[int, dict]] = []
    for number, data in rows:
        try:
            cleaned.append((number, clean_enterprise(_raw(data, cells, departments), locate=locate)))
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    report.errors.append(RowError(number, HEADER_OF.get(name, name), message))
    good = _without_duplicates(cleaned, report)
    for number, row in good:
        for message in row["warnings"]:
            report.warnings.append(RowError(number, HEADER_OF["credit_code"], message))
    if report.errors and not valid_rows_only:
        return report
    if dry_run:
        report.created = len(good)
        return report
    report.created = len(register_many([row for _n, row in good]))
    return report


def _without_duplicates(cleaned: list[tuple[int, dict]], report: ImportReport) -> list[tuple[int, dict]]:
    codes = {row["credit_code"] for _n, row in cleaned}
    taken_codes = dict(Enterprise.objects.filter(credit_code__in=codes).values_list("credit_code", "name"))
    keys = {(row["name_key"], row["address_key"]) for _n, row in cleaned}
    names = {k[0] for k in keys}
    taken_keys = {
        (n, a): name for n, a, name in Enterprise.objects.filter(name_key__in=names).values_list("name_key", "address_key", "name")
        if (n, a) in keys
    }
    seen_codes: dict[str, int] = {}
    seen_keys: dict[tuple, int] = {}
    good = []
    for number, row in cleaned:
        code, key = row["credit_code"], (row["name_key"], row["address_key"])
        problem = None
        if code in taken_codes:
            problem = ("credit_code", _("Already registered as %(name)s.") % {"name": taken_codes[code]})
        elif key in taken_keys:
            problem = ("name", _("An enterprise with this name and address is already registered: %(name)s.") % {"name": taken_keys[key]})
        elif code in seen_codes:
            problem = ("credit_code", _("The same code as row %(row)s.") % {"row": seen_codes[code]})
        elif key in seen_keys:
            problem = ("name", _("The same name and address as row %(row)s.") % {"row": seen_keys[key]})
        if problem:
            report.errors.append(RowError(number, HEADER_OF[problem[0]], problem[1]))
            continue
        seen_codes[code], seen_keys[key] = number, number
        good.append((number, row))
    return good


def export_enterprises(queryset, *, user) -> bytes:
    """The (filtered, scoped) list in the template's columns; phones in full only for the registry's keepers."""
    full_phone = may_write(user)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("企业")
    stamp_row(sheet, user)
    sheet.append([safe_cell(sheet, header) for header, _n, _v in COLUMNS])
    rows = queryset.select_related("grid_cell").prefetch_related("sector_rows", "flag_rows", "responsible_departments")
    for e in rows[:EXPORT_LIMIT]:
        values = [
            e.credit_code, e.name, e.legal_representative, e.principal, e.safety_officer,
            e.safety_officer_phone if full_phone else e.masked_officer_phone, e.address, e.latitude, e.longitude,
            e.grid_cell.code, "、".join(SECTOR_ZH[c] for c in e.sector_codes), "、".join(FLAG_ZH[c] for c in e.flag_codes),
            e.employees, TARGET_ZH[e.target_kind], RISK_ZH[e.risk_level],
            e.risk_assessed_on.isoformat() if e.risk_assessed_on else "", METHOD_ZH.get(e.risk_method, ""),
            "、".join(d.name for d in e.responsible_departments.all()), STATUS_ZH[e.status],
        ]
        sheet.append([safe_cell(sheet, v) for v in values])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


__all__ = ["COLUMNS", "ImportReport", "RowError", "export_enterprises", "identity_key", "import_enterprises", "template_workbook"]
