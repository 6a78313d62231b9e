"""The shape every `visible_to(user)` shares, so each model states only its per-role rule."""

from __future__ import annotations

from collections.abc import Callable

from django.db import models

# Rules a higher app contributes to a lower app's model, by (model label, role): the contractors
# app says which enterprises and hazards contractor staff see without inspections importing it
# (ARCHITECTURE.md, "Arrows between apps"). Filled from AppConfig.ready(); a model's own
# `for_<role>` method wins over a contributed rule.
CONTRIBUTED_RULES: dict[tuple[str, str], Callable] = {}


def contribute_rule(model_label: str, role: str, rule: Callable) -> None:
    """Register `rule(queryset, user) -> queryset` as `model_label`'s rule for `role` (once)."""
    key = (model_label, role)
    if CONTRIBUTED_RULES.get(key, rule) is not rule:
        raise RuntimeError(f"a scoping rule for {model_label} / {role} is contributed twice")
    CONTRIBUTED_RULES[key] = rule


class ScopedQuerySet(models.QuerySet):
    """`visible_to(user)`: nothing for anonymous users, everything for the street office and
    administrators, and otherwise the model's `for_<role>(user)` or a contributed rule (neither:
    nothing)."""

    def visible_to(self, user):
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.sees_everything:
            return self
        rule = getattr(self, f"for_{user.role}", None)
        if rule is not None:
            return rule(user)
        contributed = CONTRIBUTED_RULES.get((self.model._meta.label, user.role))
        return contributed(self, user) if contributed is not None else self.none()
