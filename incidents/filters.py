"""The case list filters, shared by the zone/department queues, the API and the Excel export."""

from __future__ import annotations

import datetime as dt

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grids.filters import DayFilter, StrictBooleanFilter
from grids.models import Community, Department, GridCell
from incidents.choices import OPEN_STATUSES, Escalation, EventKind, Severity, Stage, Status
from incidents.models import Category, Incident, IncidentEvent, StageDeadline


def _communities(request):
    return Community.objects.visible_to(request.user) if request else Community.objects.none()


def _cells(request):
    return GridCell.objects.visible_to(request.user) if request else GridCell.objects.none()


def _departments(request):
    return Department.objects.filter(is_active=True)


def _categories(request):
    return Category.objects.select_related("parent")


class IncidentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.MultipleChoiceFilter(choices=Status.choices, label=_("Status"))
    open = StrictBooleanFilter(method="filter_open", label=_("Open only"))
    category = django_filters.ModelChoiceFilter(queryset=_categories, method="filter_category", label=_("Category"))
    community = django_filters.ModelChoiceFilter(queryset=_communities, label=_("Community"))
    grid_cell = django_filters.ModelChoiceFilter(queryset=_cells, label=_("Grid cell"))
    department = django_filters.ModelChoiceFilter(queryset=_departments, label=_("Department"))
    severity = django_filters.ChoiceFilter(choices=Severity.choices, label=_("Severity"))
    overdue = StrictBooleanFilter(method="filter_overdue", label=_("Overdue"))
    escalation = django_filters.ChoiceFilter(choices=Escalation.choices, label=_("Supervision"))
    # Local-midnight bounds (not a date cast of the column), so the reported_at index serves them.
    reported_after = DayFilter(method="filter_day_from", field_name="reported_at", label=_("Reported from"))
    reported_before = DayFilter(method="filter_day_until", field_name="reported_at", label=_("Reported until"))
    zone = django_filters.NumberFilter(field_name="zone_id", label=_("Zone"))
    mine = StrictBooleanFilter(method="filter_mine", label=_("Reported by me"))
    # The dashboard's drill-downs (governance.dashboard.selectors): each figure links to the list
    # of exactly the cases it counts, so these say the same things its aggregates say. Dates are
    # whole local days, bounded by local midnights so that the range can use an index.
    registered_after = DayFilter(method="filter_day_from", field_name="registered_at", label=_("Registered from"))
    registered_before = DayFilter(method="filter_day_until", field_name="registered_at", label=_("Registered until"))
    closed_after = DayFilter(method="filter_day_from", field_name="closed_at", label=_("Closed from"))
    closed_before = DayFilter(method="filter_day_until", field_name="closed_at", label=_("Closed until"))
    status_not = django_filters.MultipleChoiceFilter(
        field_name="status", choices=Status.choices, exclude=True, label=_("Status is not")
    )
    dispatched = StrictBooleanFilter(method="filter_dispatched", label=_("Has a department"))
    on_time = StrictBooleanFilter(method="filter_on_time", label=_("No handling run late"))
    reworked = StrictBooleanFilter(field_name="rework_count", method="filter_positive", label=_("Reworked"))
    extended = StrictBooleanFilter(field_name="extension_count", method="filter_positive", label=_("Extended"))
    reporter = django_filters.NumberFilter(field_name="reporter_id", label=_("Reporter"))
    event = django_filters.MultipleChoiceFilter(choices=EventKind.choices, method="filter_event", label=_("Timeline event"))
    event_after = DayFilter(method="qualify_event", label=_("Event from"))
    event_before = DayFilter(method="qualify_event", label=_("Event until"))
    # The homes' to-do links (incidents.todo): each says what its count says.
    due_soon = StrictBooleanFilter(method="filter_due_soon", label=_("Due soon (warning time passed)"))
    due_after = DayFilter(method="filter_day_from", field_name="due_at", label=_("Due from"))
    due_before = DayFilter(method="filter_day_until", field_name="due_at", label=_("Due until"))
    extension_pending = StrictBooleanFilter(field_name="extension_pending", label=_("Extension requested"))
    my_cells = StrictBooleanFilter(method="filter_my_cells", label=_("In my grid cells"))

    class Meta:
        model = Incident
        fields = ["q", "status", "open", "category", "community", "grid_cell", "department", "severity", "overdue", "escalation"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(code__icontains=value) | Q(description__icontains=value) | Q(address__icontains=value))

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(status__in=OPEN_STATUSES) if value else queryset.exclude(status__in=OPEN_STATUSES)

    def filter_category(self, queryset, name, value):
        # A domain selects all its subcategories: an IN over the small category table, so the case
        # query itself needs no join and can use its category index.
        if value.parent_id is not None:
            return queryset.filter(category_id=value.pk)
        return queryset.filter(category_id__in=Category.objects.filter(Q(pk=value.pk) | Q(parent_id=value.pk)).values("pk"))

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        now = timezone.now()
        return queryset.filter(due_at__lte=now) if value else queryset.exclude(due_at__lte=now)

    def filter_mine(self, queryset, name, value):
        if not value or not self.request:
            return queryset
        return queryset.filter(reporter=self.request.user)

    def filter_due_soon(self, queryset, name, value):
        """True: the warning time has passed but the deadline has not; False: any other case."""
        if value is None:
            return queryset
        now = timezone.now()
        soon = Q(warn_at__lte=now, due_at__gt=now)
        return queryset.filter(soon) if value else queryset.exclude(soon)

    def filter_my_cells(self, queryset, name, value):
        if not value or not self.request:
            return queryset
        return queryset.filter(grid_cell__in=self.request.user.grid_cells.all())

    # --- dashboard drill-downs ---------------------------------------------------------------

    def filter_day_from(self, queryset, name, value):
        return queryset.filter(**{f"{name}__gte": local_day_start(value)})

    def filter_day_until(self, queryset, name, value):
        return queryset.filter(**{f"{name}__lt": local_day_start(value + dt.timedelta(days=1))})

    def filter_dispatched(self, queryset, name, value):
        """Cases with a department. A closed case has one exactly when a department handled it:
        returns and disputes clear it, but a case cannot close from there without a new dispatch."""
        if value is None:
            return queryset
        return queryset.filter(department__isnull=not value)

    def filter_on_time(self, queryset, name, value):
        """True: no run of the handle-stage clock finished after its deadline; False: one did."""
        if value is None:
            return queryset
        late = Exists(handle_runs().filter(on_time=False))
        return queryset.exclude(late) if value else queryset.filter(late)

    def filter_positive(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(**{f"{name}__gt": 0}) if value else queryset.filter(**{name: 0})

    def filter_event(self, queryset, name, value):
        """Cases with an event of one of these kinds, within event_after..event_before if given."""
        if not value:
            return queryset
        events = IncidentEvent.objects.filter(incident=OuterRef("pk"), kind__in=value)
        after, before = self.form.cleaned_data.get("event_after"), self.form.cleaned_data.get("event_before")
        if after:
            events = events.filter(created_at__gte=local_day_start(after))
        if before:
            events = events.filter(created_at__lt=local_day_start(before + dt.timedelta(days=1)))
        return queryset.filter(Exists(events))

    def qualify_event(self, queryset, name, value):
        return queryset  # read by filter_event: the dates narrow the event, not the case


def local_day_start(day: dt.date) -> dt.datetime:
    """Midnight at the start of `day` in the active time zone (Asia/Shanghai)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min), timezone.get_current_timezone())


def handle_runs():
    """The runs of a case's handle-stage clock (one per dispatch), correlated to the outer case."""
    return StageDeadline.objects.filter(incident=OuterRef("pk"), stage=Stage.HANDLE)
