"""Models and their constraints: codes, boundaries, roles, phones, uniqueness, rosters, training."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction
from django.utils import timezone

from grids.choices import CommunityPost, Role, WorkerKind
from grids.models import Community, DutyShift, GridCell, TrainingAttendance, TrainingSession, User, Zone
from grids.services import grid_cell_save
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_and_fast_passwords(settings):
    # Messages are asserted in their English source form; PBKDF2 would make each persona ~0.3 s.
    settings.LANGUAGE_CODE = "en"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def new_cell(community, seq: int, boundary: dict, **extra) -> GridCell:
    return GridCell(community=community, code=f"{community.full_code}{seq:03d}", name=f"cell {seq}", boundary=boundary, **extra)


def refused_integrity(make) -> None:
    """`make()` must be refused by the database itself (a constraint, not Python validation).

    PostgreSQL refuses a value longer than its varchar with DataError before any check runs.
    """
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        make()


# --- grid cell codes ---------------------------------------------------------------------------


def test_cell_code_is_district_subdistrict_community_sequence(world):
    cell = world.cell_a1x
    assert cell.code == "370211012" + "001" + "001"
    assert len(cell.code) == 15
    assert world.community_a1.full_code == "370211012001"


@pytest.mark.parametrize("bad_code", ["37021101200100", "3702110120010011", "37021101200100x", "abcdefghijklmno", ""])
def test_database_refuses_cell_code_that_is_not_15_digits(world, bad_code):
    refused_integrity(
        lambda: GridCell.objects.create(community=world.community_a1, code=bad_code, name="bad", boundary=f.square(121.0, 37.0))
    )


def test_full_clean_says_code_needs_15_digits(world):
    cell = new_cell(world.community_a1, 9, f.square(121.0, 37.0))
    cell.code = "12345"
    with pytest.raises(ValidationError) as info:
        cell.full_clean()
    assert "Enter exactly 15 digits." in info.value.message_dict["code"]


def test_cell_code_must_start_with_its_community_code(world):
    # A valid 15-digit code of community a2 filed under community a1.
    cell = GridCell(community=world.community_a1, code=f"{world.community_a2.full_code}009", name="x", boundary=f.square(121.0, 37.0))
    with pytest.raises(ValidationError) as info:
        grid_cell_save(cell)
    assert info.value.message_dict["code"] == ["A cell code in this community must start with 370211012001."]
    assert not GridCell.objects.filter(code=cell.code).exists()


def test_cell_codes_are_unique(world):
    refused_integrity(
        lambda: GridCell.objects.create(
            community=world.community_a1, code=world.cell_a1x.code, name="dup", boundary=f.square(121.0, 37.0)
        )
    )


def test_well_formed_cell_is_saved_with_its_bounding_box_and_centre(world):
    cell = grid_cell_save(new_cell(world.community_a2, 2, f.square(120.025, 36.0)))
    cell.refresh_from_db()
    assert (cell.min_lng, cell.min_lat, cell.max_lng, cell.max_lat) == pytest.approx((120.025, 36.0, 120.03, 36.005))
    assert 120.025 < cell.centroid_lng < 120.03 and 36.0 < cell.centroid_lat < 36.005


# --- boundaries: overlap and validity -----------------------------------------------------------


def test_overlapping_cell_in_same_community_is_refused_naming_the_other_cell(world):
    # Half over cell_a1x (120.000–120.005, 36.000–36.005).
    cell = new_cell(world.community_a1, 3, f.square(120.0025, 36.0025))
    with pytest.raises(ValidationError) as info:
        grid_cell_save(cell)
    assert info.value.message_dict["boundary"] == [f"The boundary overlaps grid cell {world.cell_a1x.code}."]
    assert GridCell.objects.filter(community=world.community_a1).count() == 2


def test_cell_inside_another_is_refused(world):
    cell = new_cell(world.community_a1, 3, f.square(120.001, 36.001, size=0.001))
    with pytest.raises(ValidationError, match=world.cell_a1x.code):
        grid_cell_save(cell)


def test_editing_a_cell_onto_its_neighbour_is_refused(world):
    cell = world.cell_a1y
    cell.boundary = f.square(120.004, 36.0)
    with pytest.raises(ValidationError, match=world.cell_a1x.code):
        grid_cell_save(cell)
    cell.refresh_from_db()
    assert cell.min_lng == pytest.approx(120.005)


def test_editing_a_cell_does_not_count_as_overlapping_itself(world):
    cell = world.cell_a1x
    cell.boundary = f.square(120.0, 36.0, size=0.004)
    cell.population = 1234
    grid_cell_save(cell)
    cell.refresh_from_db()
    assert cell.population == 1234 and cell.max_lng == pytest.approx(120.004)


def test_cells_sharing_an_edge_or_a_corner_are_allowed(world):
    # cell_a1x and cell_a1y already share the edge lng=120.005; add one above and one at a corner.
    above = grid_cell_save(new_cell(world.community_a1, 3, f.square(120.0, 36.005)))
    corner = grid_cell_save(new_cell(world.community_a1, 4, f.square(120.005, 36.005)))
    assert {above.pk, corner.pk} <= set(GridCell.objects.values_list("pk", flat=True))


def test_overlap_is_checked_within_one_community_only(world):
    # The foundation issue requires one community's cells not to overlap; cells of two
    # communities are not compared (see grids.geometry.validate_cell).
    cell = grid_cell_save(new_cell(world.community_a2, 5, f.square(120.0025, 36.0025)))
    assert cell.pk


@pytest.mark.parametrize(
    ("boundary", "message"),
    [
        (None, "The boundary must be a GeoJSON Polygon."),
        ("not json", "The boundary must be a GeoJSON Polygon."),
        ({"type": "Point", "coordinates": [120.0, 36.0]}, "The boundary must be a GeoJSON Polygon."),
        (
            {"type": "MultiPolygon", "coordinates": [f.square(121.0, 37.0)["coordinates"]]},
            "The boundary must be a GeoJSON Polygon.",
        ),
        ({"type": "Polygon"}, "The boundary's coordinates are malformed."),
        ({"type": "Polygon", "coordinates": [[[121.0, 37.0], [121.1, 37.0]]]}, "The boundary's coordinates are malformed."),
        ({"type": "Polygon", "coordinates": [[["a", "b"], [1, 0], [1, 1], [0, 0]]]}, "The boundary's coordinates are malformed."),
        (
            {"type": "Polygon", "coordinates": []},
            "The boundary is not a valid polygon (it crosses itself or is empty).",
        ),
        (
            # A bow-tie: the ring crosses itself.
            {"type": "Polygon", "coordinates": [[[121.0, 37.0], [121.01, 37.01], [121.01, 37.0], [121.0, 37.01], [121.0, 37.0]]]},
            "The boundary is not a valid polygon (it crosses itself or is empty).",
        ),
        (f.square(200.0, 36.0), "Coordinates must be WGS84 longitude, latitude."),
        (f.square(120.0, 95.0), "Coordinates must be WGS84 longitude, latitude."),
        # Latitude and longitude swapped put the latitude 120 out of range.
        ({"type": "Polygon", "coordinates": [[[36.0, 120.0], [36.1, 120.0], [36.1, 120.1], [36.0, 120.0]]]},
         "Coordinates must be WGS84 longitude, latitude."),
    ],
)
def test_invalid_boundary_is_refused_with_a_reason(world, boundary, message):
    cell = new_cell(world.community_b1, 7, boundary)
    with pytest.raises(ValidationError) as info:
        grid_cell_save(cell)
    assert message in info.value.message_dict["boundary"]
    assert not GridCell.objects.filter(code=cell.code).exists()


def test_bad_code_and_bad_boundary_are_reported_together(world):
    cell = GridCell(community=world.community_a1, code="999999999999001", name="x", boundary={"type": "Point"})
    with pytest.raises(ValidationError) as info:
        cell.full_clean()
    assert set(info.value.message_dict) >= {"code", "boundary"}


# --- people ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "fields", "error_field", "message"),
    [
        (Role.ZONE_LEADER, {}, "zone", "A zone leader needs a zone."),
        (Role.COMMUNITY, {}, "community", "This role needs a community."),
        (Role.GRID_WORKER, {"worker_kind": WorkerKind.PART_TIME}, "community", "This role needs a community."),
        (Role.GRID_WORKER, {"community": "a1"}, "worker_kind", "A grid worker needs a kind."),
        (Role.DEPARTMENT, {}, "department", "A department handler needs a department."),
        (Role.STREET, {"worker_kind": WorkerKind.PART_TIME}, "worker_kind", "Only grid workers have a kind."),
    ],
)
def test_user_role_needs_its_org_unit(world, role, fields, error_field, message):
    if fields.get("community") == "a1":
        fields = {**fields, "community": world.community_a1}
    user = User(username="someone", role=role, **fields)
    with pytest.raises(ValidationError) as info:
        user.clean()
    assert info.value.message_dict[error_field] == [message]


@pytest.mark.parametrize(
    ("role", "fields"),
    [
        (Role.ZONE_LEADER, lambda w: {"zone": w.zone_a}),
        (Role.COMMUNITY, lambda w: {"community": w.community_a1, "community_post": CommunityPost.SPECIALIST}),
        (Role.GRID_WORKER, lambda w: {"community": w.community_a1, "worker_kind": WorkerKind.STREET_FULL_TIME}),
        (Role.DEPARTMENT, lambda w: {"department": w.safety}),
        (Role.DEPARTMENT, lambda w: {"department": w.police, "zone": w.zone_b}),
        (Role.CONTRACTOR, lambda w: {}),
        (Role.STREET, lambda w: {}),
        (Role.ADMIN, lambda w: {}),
    ],
)
def test_user_with_its_org_unit_is_clean(world, role, fields):
    User(username="someone", role=role, **fields(world)).clean()


def test_database_refuses_grid_worker_without_kind(world):
    refused_integrity(lambda: User.objects.create(username="nokind", role=Role.GRID_WORKER, community=world.community_a1))


def test_org_unit_follows_the_role(world):
    u = world.users
    assert u.zone_leader.org_unit == world.zone_a
    assert u.community.org_unit == world.community_a1
    assert u.worker.org_unit == world.community_a1
    assert u.safety.org_unit == world.safety
    assert u.street.org_unit is None and u.contractor.org_unit is None


def test_only_street_admin_and_superusers_see_everything(world):
    u = world.users
    assert u.street.sees_everything and u.admin.sees_everything
    assert User(username="root", role=Role.GRID_WORKER, is_superuser=True).sees_everything
    assert not any(p.sees_everything for p in (u.zone_leader, u.community, u.worker, u.safety, u.contractor))


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13812345678", "138****5678"),
        ("138-1234-5678", "138****5678"),
        ("138 1234 5678", "138****5678"),
        ("0532-8888-1234", "053****1234"),
        ("12345", "*****"),
        ("", ""),
    ],
)
def test_masked_phone_hides_the_middle(phone, masked):
    assert User(phone=phone).masked_phone == masked


def test_invalid_phone_is_refused_by_full_clean(world):
    user = f.UserFactory(username="phoney", role=Role.STREET)
    user.phone = "call me"
    with pytest.raises(ValidationError) as info:
        user.full_clean()
    assert info.value.message_dict["phone"] == ["Enter a valid phone number."]


def test_display_name_is_family_name_first_or_username():
    assert User(username="zs", last_name="张", first_name="三").display_name == "张三"
    assert User(username="zs").display_name == "zs"


# --- territory uniqueness ------------------------------------------------------------------------


def test_zone_name_and_number_are_unique_within_the_subdistrict(world):
    sd = world.subdistrict
    refused_integrity(lambda: Zone.objects.create(subdistrict=sd, name=world.zone_a.name, number=9))
    refused_integrity(lambda: Zone.objects.create(subdistrict=sd, name="第九管区", number=world.zone_a.number))
    other_sd = f.SubDistrictFactory(code="370211013", name="other")
    assert Zone.objects.create(subdistrict=other_sd, name=world.zone_a.name, number=world.zone_a.number).pk


def test_community_name_is_unique_within_its_zone(world):
    refused_integrity(lambda: Community.objects.create(zone=world.zone_a, name=world.community_a1.name, code="009", kind="urban"))
    assert Community.objects.create(zone=world.zone_b, name=world.community_a1.name, code="009", kind="urban").pk


@pytest.mark.parametrize("bad_code", ["01", "0001", "abc"])
def test_database_refuses_community_code_that_is_not_3_digits(world, bad_code):
    refused_integrity(lambda: Community.objects.create(zone=world.zone_a, name="bad", code=bad_code, kind="urban"))


def test_database_refuses_subdistrict_code_that_is_not_9_digits():
    from grids.models import SubDistrict

    refused_integrity(lambda: SubDistrict.objects.create(name="x", code="12345678", case_prefix="X"))


def test_one_team_per_department_and_zone(world):
    from grids.models import ZoneTeam

    ZoneTeam.objects.create(department=world.police, zone=world.zone_a, name="第一管区警务室")
    refused_integrity(lambda: ZoneTeam.objects.create(department=world.police, zone=world.zone_a, name="again"))
    team = ZoneTeam.objects.get(name="第一管区警务室")
    assert team.is_police_room
    assert not ZoneTeam.objects.create(department=world.safety, zone=world.zone_a, name="安监").is_police_room


# --- rosters and training ------------------------------------------------------------------------


def test_duty_shift_must_end_after_it_starts(world):
    start = timezone.now()
    officer = world.users.officer
    refused_integrity(lambda: DutyShift.objects.create(community=world.community_a1, officer=officer, starts_at=start, ends_at=start))
    refused_integrity(
        lambda: DutyShift.objects.create(
            community=world.community_a1, officer=officer, starts_at=start, ends_at=start - timedelta(hours=1)
        )
    )
    shift = DutyShift.objects.create(community=world.community_a1, officer=officer, starts_at=start, ends_at=start + timedelta(hours=8))
    assert shift.pk


def test_training_hours_must_be_positive(world):
    session = f.TrainingSessionFactory.build(hours=Decimal("0"))
    refused_integrity(session.save)
    session = f.TrainingSessionFactory.build(hours=Decimal("-1.5"))
    refused_integrity(session.save)
    assert f.TrainingSessionFactory(hours=Decimal("0.5")).pk


def test_attendance_score_is_0_to_100_and_once_per_session(world):
    session = f.TrainingSessionFactory()
    worker = world.users.worker
    refused_integrity(lambda: TrainingAttendance.objects.create(session=session, user=worker, score=101))
    refused_integrity(lambda: TrainingAttendance.objects.create(session=session, user=worker, score=-1))
    TrainingAttendance.objects.create(session=session, user=worker, attended=True, score=100)
    refused_integrity(lambda: TrainingAttendance.objects.create(session=session, user=worker))
    assert TrainingAttendance.objects.get(session=session).score == 100
    assert TrainingSession.objects.filter(attendances__user=worker).count() == 1
