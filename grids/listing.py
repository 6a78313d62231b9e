"""The one page idiom for filtered lists: a declarative, scoped, filtered, paginated ListView.

A list page declares its `queryset` (with the select_related/annotations its rows need), the
app's FilterSet (the same one its API uses), `paginate_by` and a template; the view builds the
FilterSet from the query string over `visible_to(user)` and puts `filter`, `page_obj`, the rows
(`object_list`, and `context_object_name` when set) and `total` in the context. Lives in grids,
the lowest app every page may import.

Hooks, for pages with more to say (the case queue):
- `scoped_queryset()`: the rows before filtering; by default `queryset` narrowed by
  `visible_to(user)`; override to start from a selector that is already scoped.
- `filter_data()`: the data the FilterSet is bound to (default rules such as "open cases unless
  a status is asked for" go here).
- `get_filterset(queryset)`: build (and adjust the form widgets of) the FilterSet.
- `get_extra_context(context)`: more context from what the list computed (shown/carried filters).
- `lenient_pages`: a page number out of range gives the nearest page instead of 404.

Counts stop at COUNT_CAP (`CappedPaginator`): counting every one of the street office's 600,000
hazards or 1M cases for "Page 1 of N" walked the whole table on every request
(docs/performance.md); a list longer than the cap says "more than 10,000" and pages through the
first 10,000 rows, which is as far as anyone pages before narrowing the filters or exporting.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.functional import cached_property
from django.views.generic import ListView

from grids.access import ScopedPageMixin

PAGE_SIZE = 50
COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """A paginator whose count reads at most COUNT_CAP + 1 rows (one `COUNT(*)` over a `LIMIT`
    subquery, the same single query as an exact count); `capped` says the list is longer."""

    cap = COUNT_CAP

    @cached_property
    def _capped_count(self) -> tuple[int, bool]:
        rows = self.object_list
        n = rows[: self.cap + 1].count() if isinstance(rows, QuerySet) else len(rows)
        return (self.cap, True) if n > self.cap else (n, False)

    @cached_property
    def count(self) -> int:
        return self._capped_count[0]

    @property
    def capped(self) -> bool:
        return self._capped_count[1]


def narrow_choices(filterset):
    """Offer only visible objects in a FilterSet's drop-downs (e.g. the zones of a training filter
    generated from the model), so a filter form never lists names outside the user's scope."""
    user = filterset.request.user
    for flt in filterset.filters.values():
        queryset = getattr(flt, "queryset", None)
        if isinstance(queryset, QuerySet) and hasattr(queryset, "visible_to"):
            flt.queryset = queryset.visible_to(user)
    return filterset


class FilteredListView(ScopedPageMixin, ListView):
    """A scoped, filtered, paginated list: the FilterSet is the API's."""

    filterset_class: type | None = None
    paginate_by = PAGE_SIZE
    paginator_class = CappedPaginator
    lenient_pages = False

    def scoped_queryset(self) -> QuerySet:
        return ScopedPageMixin.get_queryset(self)

    def filter_data(self) -> QueryDict:
        return self.request.GET

    def get_filterset(self, queryset: QuerySet):
        return narrow_choices(self.filterset_class(self.filter_data(), queryset=queryset, request=self.request))

    def get_queryset(self) -> QuerySet:
        queryset = self.scoped_queryset()
        self.filterset = self.get_filterset(queryset) if self.filterset_class is not None else None
        return self.filterset.qs if self.filterset is not None else queryset

    def paginate_queryset(self, queryset, page_size):
        if not self.lenient_pages:
            return super().paginate_queryset(queryset, page_size)
        paginator = self.get_paginator(
            queryset, page_size, orphans=self.get_paginate_orphans(), allow_empty_first_page=self.get_allow_empty(),
        )
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_extra_context(self, context: dict) -> dict:
        return {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter"] = self.filterset
        paginator = context.get("paginator")
        context["total"] = paginator.count if paginator else len(context["object_list"])
        context["capped"] = getattr(paginator, "capped", False)
        context.update(self.get_extra_context(context))
        return context
