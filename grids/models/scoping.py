"""The shape every `visible_to(user)` shares, so each model states only its per-role rule."""

from __future__ import annotations

from django.db import models


class ScopedQuerySet(models.QuerySet):
    """`visible_to(user)`: nothing for anonymous users, everything for the street office and
    administrators, and otherwise the model's `for_<role>(user)` (no such method: nothing)."""

    def visible_to(self, user):
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.sees_everything:
            return self
        rule = getattr(self, f"for_{user.role}", None)
        return rule(user) if rule is not None else self.none()
