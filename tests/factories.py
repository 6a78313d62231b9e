"""factory_boy factories for the organisation; later apps add theirs beside these."""

from __future__ import annotations

import factory

from grids.choices import CommunityKind, DepartmentKind, Role, WorkerKind
from grids.models import Community, Department, DutyShift, GridCell, SubDistrict, TrainingSession, User, Zone

PASSWORD = "pw-for-tests-1"


def square(lng: float, lat: float, size: float = 0.005) -> dict:
    """A GeoJSON square with its south-west corner at (lng, lat)."""
    return {
        "type": "Polygon",
        "coordinates": [[[lng, lat], [lng + size, lat], [lng + size, lat + size], [lng, lat + size], [lng, lat]]],
    }


class SubDistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SubDistrict
        django_get_or_create = ("code",)

    name = "辛河街道"
    code = "370211012"
    district_name = "黄河新区"
    case_prefix = "XH"


class ZoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Zone

    subdistrict = factory.SubFactory(SubDistrictFactory)
    number = factory.Sequence(lambda n: n + 1)
    name = factory.LazyAttribute(lambda o: f"第{o.number}管区")


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community

    zone = factory.SubFactory(ZoneFactory)
    code = factory.Sequence(lambda n: f"{n + 1:03d}")
    name = factory.LazyAttribute(lambda o: f"社区{o.code}")
    kind = CommunityKind.URBAN


class GridCellFactory(factory.django.DjangoModelFactory):
    """Cells are laid out on a diagonal so that factory-made cells never overlap."""

    class Meta:
        model = GridCell

    class Params:
        seq = factory.Sequence(lambda n: n)

    community = factory.SubFactory(CommunityFactory)
    code = factory.LazyAttribute(lambda o: f"{o.community.full_code}{o.seq % 1000:03d}")
    name = factory.LazyAttribute(lambda o: f"网格{o.seq:03d}")
    boundary = factory.LazyAttribute(lambda o: square(120.0 + 0.01 * o.seq, 36.0 + 0.01 * o.seq))
    households = 300
    population = 900


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"dept{n}")
    name = factory.LazyAttribute(lambda o: f"部门{o.slug}")
    kind = DepartmentKind.OTHER


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.STREET
    phone = "13800138000"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def cells(self, create, extracted, **kwargs):
        if create and extracted:
            self.grid_cells.set(extracted)
        if create:
            self.save()


class GridWorkerFactory(UserFactory):
    role = Role.GRID_WORKER
    worker_kind = WorkerKind.COMMUNITY_FULL_TIME
    community = factory.SubFactory(CommunityFactory)


class TrainingSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingSession

    title = factory.Sequence(lambda n: f"培训{n}")
    kind = "layered"
    trainer = "王老师"
    location = "街道会议室"
    starts_at = factory.Faker("date_time_this_year", tzinfo=__import__("datetime").timezone.utc)


class DutyShiftFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DutyShift
