"""One FilterSet per listed model, used by both the pages and the API."""

import datetime as dt

import django_filters
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from grids.choices import CommunityKind, Role, WorkerKind
from grids.models import Community, Department, GridCell, TrainingSession, User, Zone


def _visible_zones(request):
    return Zone.objects.visible_to(request.user) if request else Zone.objects.none()


def _visible_communities(request):
    return Community.objects.visible_to(request.user) if request else Community.objects.none()


@extend_schema_field(OpenApiTypes.BOOL)  # a boolean in the API schema, whatever field it filters
class StrictBooleanFilter(django_filters.TypedChoiceFilter):
    """true/false; anything else is a form error (HTTP 400) instead of being silently ignored."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", [("true", _("Yes")), ("false", _("No"))])
        kwargs.setdefault("coerce", lambda value: value == "true")
        super().__init__(*args, **kwargs)


# The days a date filter accepts: a record cannot fall outside them, and a day near date.max would
# overflow when a filter turns "until that day" into "before the next day's start".
FIRST_DAY, LAST_DAY = dt.date(2000, 1, 1), dt.date(2100, 12, 31)


class DayFilter(django_filters.DateFilter):
    """A date, between 2000 and 2100; anything else is a form error (HTTP 400), never a 500."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("validators", [
            MinValueValidator(FIRST_DAY, message=_("Enter a date in 2000 or later.")),
            MaxValueValidator(LAST_DAY, message=_("Enter a date in 2100 or earlier.")),
        ])
        super().__init__(*args, **kwargs)


class TextSearchMixin:
    search_fields: tuple[str, ...] = ()

    def search(self, queryset, name, value):
        query = Q()
        for field in self.search_fields:
            query |= Q(**{f"{field}__icontains": value})
        return queryset.filter(query)


class ZoneFilter(TextSearchMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    search_fields = ("name",)

    class Meta:
        model = Zone
        fields = ["q"]


class CommunityFilter(TextSearchMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    zone = django_filters.ModelChoiceFilter(queryset=_visible_zones, label=_("Zone"))
    kind = django_filters.ChoiceFilter(choices=CommunityKind.choices, label=_("Kind"))
    search_fields = ("name", "code")

    class Meta:
        model = Community
        fields = ["q", "zone", "kind"]


class GridCellFilter(TextSearchMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    zone = django_filters.ModelChoiceFilter(field_name="community__zone", queryset=_visible_zones, label=_("Zone"))
    community = django_filters.ModelChoiceFilter(queryset=_visible_communities, label=_("Community"))
    search_fields = ("name", "code")

    class Meta:
        model = GridCell
        fields = ["q", "zone", "community"]


class DepartmentFilter(TextSearchMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    is_active = StrictBooleanFilter(label=_("Active"))
    search_fields = ("name", "slug")

    class Meta:
        model = Department
        fields = ["q", "kind", "is_active"]


class UserFilter(TextSearchMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    role = django_filters.ChoiceFilter(choices=Role.choices, label=_("Role"))
    worker_kind = django_filters.ChoiceFilter(choices=WorkerKind.choices, label=_("Grid worker kind"))
    zone = django_filters.ModelChoiceFilter(method="filter_zone", queryset=_visible_zones, label=_("Zone"))
    community = django_filters.ModelChoiceFilter(queryset=_visible_communities, label=_("Community"))
    search_fields = ("username", "first_name", "last_name")

    class Meta:
        model = User
        fields = ["q", "role", "worker_kind", "zone", "community"]

    def filter_zone(self, queryset, name, value):
        return queryset.filter(Q(zone=value) | Q(community__zone=value))


class TrainingSessionFilter(TextSearchMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    search_fields = ("title", "trainer")

    class Meta:
        model = TrainingSession
        fields = ["q", "kind", "level", "zone"]

