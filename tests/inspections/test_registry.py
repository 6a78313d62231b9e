"""Registering, updating and importing enterprises: validation, duplicates, all-or-nothing imports."""


import pytest
from django.core.exceptions import ValidationError

from casework.errors import Forbidden
from inspections import services
from inspections.choices import RiskLevel
from inspections.creditcode import fictional_code
from inspections.models import Enterprise
from tests.inspections.conftest import enterprise_data, sheet_row, workbook

pytestmark = pytest.mark.django_db


def test_registration_locates_the_cell_and_denormalises_the_territory(world):
    e = services.register_enterprise(actor=world.users.safety, **enterprise_data(1, "a2x", sectors=["school", "catering_piped"]))
    assert (e.grid_cell, e.community, e.zone) == (world.cell_a2x, world.community_a2, world.zone_a)
    assert e.sector_codes == ["catering_piped", "school"]
    assert e.masked_officer_phone == "138****8000"
    assert e.fictional and e.warnings == []


def test_outside_every_cell_needs_a_manual_cell(world):
    data = enterprise_data(1, latitude=10.0, longitude=10.0)
    with pytest.raises(ValidationError) as err:
        services.register_enterprise(actor=world.users.street, **data)
    assert "grid_cell" in err.value.message_dict
    e = services.register_enterprise(actor=world.users.street, **data, grid_cell=world.cell_b1x.pk)
    assert e.zone == world.zone_b


def test_full_width_code_is_normalised_and_unique(world):
    code = fictional_code(7)
    wide = "".join(chr(ord(c) + 0xFEE0) for c in code.lower())
    e = services.register_enterprise(actor=world.users.street, **enterprise_data(7, credit_code=wide))
    assert e.credit_code == code
    with pytest.raises(ValidationError) as err:
        services.register_enterprise(actor=world.users.street, **enterprise_data(8, credit_code=code))
    assert "示例企业7" in str(err.value.message_dict["credit_code"])


def test_same_name_and_address_is_a_duplicate(world):
    services.register_enterprise(actor=world.users.street, **enterprise_data(1))
    with pytest.raises(ValidationError) as err:
        services.register_enterprise(actor=world.users.street, **enterprise_data(2, name=" 示例企业１ ", address="示例路 1 号"))
    assert "示例企业1" in str(err.value.message_dict["name"])


def test_every_bad_field_is_named_at_once(world):
    with pytest.raises(ValidationError) as err:
        services.register_enterprise(actor=world.users.street, credit_code="91350100M0001TGQXM", name="", address="x",
                                     latitude="north", longitude=1, sectors=["bakery"], employees="many", risk_level="purple")
    assert {"credit_code", "name", "latitude", "sectors", "employees", "risk_level"} <= set(err.value.message_dict)


@pytest.mark.parametrize("persona", ["zone_leader", "community", "worker", "urban", "officer", "contractor"])
def test_only_the_street_office_and_the_safety_office_write(world, persona):
    with pytest.raises(Forbidden):
        services.register_enterprise(actor=world.persona(persona), **enterprise_data(1))


def test_update_revalidates_and_moves_the_cell(world, enterprises):
    e = services.update_enterprise(enterprises["a1x"], actor=world.users.safety_a, latitude=36.0025, longitude=120.0425,
                                   risk_level=RiskLevel.RED, sectors=["warehouse"])
    assert (e.grid_cell, e.zone, e.risk_level, e.sector_codes) == (world.cell_b1x, world.zone_b, "red", ["warehouse"])
    assert [d.pk for d in e.responsible_departments.all()] == [world.urban.pk]
    with pytest.raises(ValidationError):
        services.update_enterprise(e, actor=world.users.street, credit_code=enterprises["a1y"].credit_code)
    with pytest.raises(ValidationError):
        services.update_enterprise(e, actor=world.users.street, colour="red")


def test_import_with_any_error_imports_nothing(world):
    rows = [sheet_row(1), sheet_row(2, 风险等级="紫"), sheet_row(3, 统一社会信用代码="91350100M0001TGQXM"), sheet_row(4)]
    report = services.import_enterprises(workbook(rows), actor=world.users.street)
    assert report.created == 0 and Enterprise.objects.count() == 0
    assert [(e.row, e.column) for e in report.errors] == [(3, "风险等级"), (4, "统一社会信用代码")]
    assert "should be 1" in report.errors[1].message


def test_import_the_valid_rows_when_asked(world):
    rows = [sheet_row(1), sheet_row(2, 风险等级="紫"), sheet_row(3, 网格编码="999", 纬度=None, 经度=None)]
    report = services.import_enterprises(workbook(rows), actor=world.users.street, valid_rows_only=True)
    assert report.created == 1 and report.rows_with_errors == 2
    e = Enterprise.objects.get()
    assert e.sector_codes == ["catering_bottled", "commercial"] and e.flag_codes == ["gas_user"]
    assert (e.risk_level, e.target_kind, e.employees) == ("yellow", "key", 12)
    assert [d.name for d in e.responsible_departments.all()] == ["城管中队"]


def test_import_finds_duplicates_in_the_file_and_in_the_registry(world):
    services.register_enterprise(actor=world.users.street, **enterprise_data(9, name="导入企业5", address="导入路5号"))
    rows = [sheet_row(1), sheet_row(2, 统一社会信用代码=fictional_code(1)), sheet_row(3, 名称="导入企业1", 地址="导入路1号"),
            sheet_row(4, 统一社会信用代码=fictional_code(9)), sheet_row(5)]
    report = services.import_enterprises(workbook(rows), actor=world.users.street)
    messages = {e.row: e.message for e in report.errors}
    assert set(messages) == {3, 4, 5, 6}
    assert "row 2" in messages[3] and "row 2" in messages[4]
    assert "Already registered as 导入企业5" in messages[5]
    assert "导入企业5" in messages[6]
    assert report.created == 0


def test_import_refuses_a_non_excel_file_and_a_wrong_header(world):
    import io

    junk = io.BytesIO(b"not a workbook")
    assert services.import_enterprises(junk, actor=world.users.street).errors[0].row == 0
    from openpyxl import Workbook

    book, buffer = Workbook(), io.BytesIO()
    book.active.append(["名字"])
    book.save(buffer)
    buffer.seek(0)
    assert services.import_enterprises(buffer, actor=world.users.street).errors[0].row == 1


def test_a_few_hundred_rows_import_in_queries_that_do_not_grow_with_rows(world):
    """Speed belongs to bench/; here the import's statements must not grow with its rows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cells = ["a1x", "a1y", "a2x", "b1x"]
    counts = []
    for first, size in ((1, 40), (1001, 400)):
        rows = [sheet_row(n, cells[n % 4]) for n in range(first, first + size)]
        with CaptureQueriesContext(connection) as queries:
            report = services.import_enterprises(workbook(rows), actor=world.users.street)
        assert report.created == size, report.errors[:3]
        counts.append(len(queries))
    assert counts[1] <= counts[0] + 2, counts


def test_export_round_trips_through_the_import(world, enterprises):
    import io

    data = services.export_enterprises(Enterprise.objects.all(), user=world.users.street)
    Enterprise.objects.all().delete()
    report = services.import_enterprises(io.BytesIO(data), actor=world.users.street)
    assert report.created == 4, report.errors
    assert set(Enterprise.objects.get(name="示例企业4").responsible_departments.values_list("name", flat=True)) == {"城管中队", "派出所"}
