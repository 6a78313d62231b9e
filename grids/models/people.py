"""People: one custom user model carrying the role and the org unit the role applies to."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from grids.choices import CommunityPost, Role, WorkerKind
from grids.models.scoping import ScopedQuerySet

phone_validator = RegexValidator(r"^\+?[\d\- ]{5,20}$", _("Enter a valid phone number."))


def mask_phone(phone: str) -> str:
    """138****5678: enough to recognise a number without exposing it on every list."""
    digits = phone.replace(" ", "").replace("-", "")
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}****{digits[-4:]}"


class UserQuerySet(ScopedQuerySet):
    """Colleagues a user may look up in the worker directory."""

    def for_zone_leader(self, user) -> UserQuerySet:
        return self.filter(Q(zone_id=user.zone_id) | Q(community__zone_id=user.zone_id))

    def for_community(self, user) -> UserQuerySet:
        return self.filter(community_id=user.community_id)

    def for_department(self, user) -> UserQuerySet:
        return self.filter(department_id=user.department_id)

    def for_grid_worker(self, user) -> UserQuerySet:
        return self.filter(pk=user.pk)

    for_contractor = for_grid_worker

    def grid_workers(self) -> UserQuerySet:
        return self.filter(role=Role.GRID_WORKER)


class ScopedUserManager(UserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    pass


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.GRID_WORKER, db_index=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[phone_validator])
    # The org unit the role applies to; which of these is required depends on the role (clean()).
    zone = models.ForeignKey(
        "grids.Zone", null=True, blank=True, on_delete=models.PROTECT, related_name="members", verbose_name=_("zone")
    )
    community = models.ForeignKey(
        "grids.Community", null=True, blank=True, on_delete=models.PROTECT, related_name="members", verbose_name=_("community")
    )
    department = models.ForeignKey(
        "grids.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="members", verbose_name=_("department")
    )
    worker_kind = models.CharField(_("grid worker kind"), max_length=16, choices=WorkerKind.choices, blank=True)
    community_post = models.CharField(_("community post"), max_length=16, choices=CommunityPost.choices, blank=True)
    grid_cells = models.ManyToManyField("grids.GridCell", blank=True, related_name="workers", verbose_name=_("grid cells"))

    objects = ScopedUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(role=Role.GRID_WORKER) | ~Q(worker_kind=""), name="user_grid_worker_has_kind"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        full = f"{self.last_name}{self.first_name}".strip()
        return full or self.username

    @property
    def sees_everything(self) -> bool:
        return self.is_superuser or self.role in (Role.STREET, Role.ADMIN)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def org_unit(self):
        if self.role == Role.ZONE_LEADER:
            return self.zone
        if self.role in (Role.COMMUNITY, Role.GRID_WORKER):
            return self.community
        if self.role == Role.DEPARTMENT:
            return self.department
        return None

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        errors: dict[str, str] = {}
        if self.role == Role.ZONE_LEADER and not self.zone_id:
            errors["zone"] = _("A zone leader needs a zone.")
        if self.role in (Role.COMMUNITY, Role.GRID_WORKER) and not self.community_id:
            errors["community"] = _("This role needs a community.")
        if self.role == Role.DEPARTMENT and not self.department_id:
            errors["department"] = _("A department handler needs a department.")
        if self.role == Role.GRID_WORKER and not self.worker_kind:
            errors["worker_kind"] = _("A grid worker needs a kind.")
        if self.role != Role.GRID_WORKER and self.worker_kind:
            errors["worker_kind"] = _("Only grid workers have a kind.")
        if errors:
            raise ValidationError(errors)
