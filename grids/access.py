"""The two doors through which every read passes: one for pages, one for the API.

Both start from the model's `visible_to(user)` so that scoping is written once per model. An
object that exists but lies outside the user's scope answers 404 exactly like a missing one, so
the answer does not reveal what exists elsewhere. The audit trail still learns of it: when the
scoped lookup finds nothing, one more indexed query (on that refusal path only) tells whether the
object exists, and if it does the 404 is recorded as a permission refusal (casework.audit).
"""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Model, QuerySet
from django.http import Http404

from casework.audit import note_out_of_scope


def visible(model_or_queryset, user) -> QuerySet:
    queryset = model_or_queryset if isinstance(model_or_queryset, QuerySet) else model_or_queryset.objects.all()
    return queryset.visible_to(user)


def get_visible_or_404(model_or_queryset, user, **lookup) -> Model:
    try:
        return visible(model_or_queryset, user).get(**lookup)
    except (ValueError, TypeError):
        raise Http404 from None
    except visible(model_or_queryset, user).model.DoesNotExist:
        note_out_of_scope(visible(model_or_queryset, user).model, **lookup)
        raise Http404 from None


class ScopedPageMixin(LoginRequiredMixin):
    """For ListView/DetailView: `queryset` (or `model`) narrowed to what the user may see."""

    queryset: QuerySet | None = None
    model = None

    def get_queryset(self) -> QuerySet:
        base = self.queryset.all() if self.queryset is not None else self.model.objects.all()
        return base.visible_to(self.request.user)


class ScopedAPIMixin:
    """For DRF generic views and viewsets: the same narrowing; DRF's get_object() then 404s."""

    queryset: QuerySet

    def get_queryset(self) -> QuerySet:
        return self.queryset.all().visible_to(self.request.user)

    def get_object(self):
        try:
            return super().get_object()
        except Http404:
            kwarg = getattr(self, "lookup_url_kwarg", None) or self.lookup_field
            if kwarg in self.kwargs:
                note_out_of_scope(self.queryset.model, self.request, **{self.lookup_field: self.kwargs[kwarg]})
            raise
