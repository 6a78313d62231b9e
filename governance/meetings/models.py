"""The joint meetings that assign disputed cases: meetings, their agenda items and decisions.

A meeting goes agenda prepared → in session → minutes published; published minutes are
read-only (the services refuse every edit). An agenda item is one case on one meeting's agenda
with the reason it is there; a decision names the lead department, the cooperating departments
and a deadline, and is applied to the case through the case services when the minutes are
published (governance.meetings.services.publish_minutes).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from governance.meetings.choices import (
    ITEM_REASON_BADGE,
    MEETING_STATUS_BADGE,
    DecisionAction,
    ItemReason,
    MeetingKind,
    MeetingStatus,
)
from grids.models.scoping import ScopedQuerySet


class MeetingQuerySet(ScopedQuerySet):
    def for_department(self, user) -> MeetingQuerySet:
        """Street office and admins: every meeting. A department user: the meetings their
        department or they themselves attend, and meetings with a decision that concerns their
        department (as lead or cooperating). Everybody else: none."""
        if user.department_id is None:
            return self.none()
        concerned = Decision.objects.concerning(user.department_id).values("item__meeting_id")
        return self.filter(
            Q(pk__in=Meeting.attending_departments.through.objects.filter(department_id=user.department_id).values("meeting_id"))
            | Q(pk__in=Meeting.attendees.through.objects.filter(user_id=user.pk).values("meeting_id"))
            | Q(pk__in=concerned)
        )

    def attended_by(self, user) -> MeetingQuerySet:
        return self.filter(
            Q(pk__in=Meeting.attending_departments.through.objects.filter(department_id=user.department_id).values("meeting_id"))
            | Q(pk__in=Meeting.attendees.through.objects.filter(user_id=user.pk).values("meeting_id"))
        )


class Meeting(models.Model):
    kind = models.CharField(_("kind"), max_length=10, choices=MeetingKind.choices, default=MeetingKind.WEEKLY)
    # Numbered per kind within the year: "weekly work meeting no. 12 of 2026".
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    # Monday of the meeting's week (local time); one meeting per kind and week (see Meta).
    week_start = models.DateField(_("week of"))
    held_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=200)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="meetings_chaired", verbose_name=_("chair")
    )
    attending_departments = models.ManyToManyField(
        "grids.Department", blank=True, related_name="meetings_attended", verbose_name=_("attending departments")
    )
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="meetings_attended", verbose_name=_("attendees"))
    guests = models.CharField(
        _("other attendees"), max_length=500, blank=True, help_text=_("People without a login, e.g. from the procuratorate.")
    )
    summary = models.TextField(_("other matters"), blank=True, help_text=_("Printed in the minutes after the decisions."))
    status = models.CharField(_("status"), max_length=12, choices=MeetingStatus.choices, default=MeetingStatus.PREPARED)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("prepared by")
    )
    created_at = models.DateTimeField(_("prepared at"), auto_now_add=True)
    started_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("published by")
    )

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-held_at", "-pk"]
        constraints = [
            # What makes the Monday task idempotent, however often and however concurrently it runs.
            models.UniqueConstraint(fields=["kind", "week_start"], name="meeting_one_per_kind_and_week"),
            models.UniqueConstraint(fields=["kind", "year", "number"], name="meeting_number_unique"),
        ]
        indexes = [models.Index(fields=["status", "-held_at"], name="meeting_status")]

    def __str__(self) -> str:
        return str(self.title)

    @property
    def title(self) -> str:
        return _("%(kind)s no. %(number)s of %(year)s") % {
            "kind": MeetingKind(self.kind).label, "number": self.number, "year": self.year,
        }

    @property
    def status_badge(self) -> str:
        return MEETING_STATUS_BADGE.get(self.status, "")

    @property
    def is_published(self) -> bool:
        return self.status == MeetingStatus.PUBLISHED

    @property
    def in_session(self) -> bool:
        return self.status == MeetingStatus.IN_SESSION


class AgendaItemQuerySet(ScopedQuerySet):
    def for_department(self, user) -> AgendaItemQuerySet:
        """Street office and admins: all. A department user: the items of meetings they attend
        (the agenda is circulated to those at the table) and items whose decision concerns
        their department. Everybody else: none."""
        if user.department_id is None:
            return self.none()
        return self.filter(
            Q(meeting__in=Meeting.objects.attended_by(user).values("pk"))
            | Q(pk__in=Decision.objects.concerning(user.department_id).values("item_id"))
        )

    def active(self) -> AgendaItemQuerySet:
        return self.filter(withdrawn_at__isnull=True)


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items", verbose_name=_("meeting"))
    # The subject: exactly one of these keys is set (subjects.subject_of; agenda_item_one_subject).
    incident = models.ForeignKey(
        "incidents.Incident", null=True, blank=True, on_delete=models.PROTECT, related_name="agenda_items", verbose_name=_("case")
    )
    hazard = models.ForeignKey(
        "inspections.Hazard", null=True, blank=True, on_delete=models.PROTECT, related_name="agenda_items", verbose_name=_("hazard")
    )
    position = models.PositiveIntegerField(_("order"), default=0)
    reason = models.CharField(_("reason"), max_length=12, choices=ItemReason.choices)
    reason_note = models.CharField(_("why it was added"), max_length=300, blank=True)
    # The latest earlier meeting that had this case on its agenda without deciding it.
    carried_from = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("carried over from")
    )
    # Returns and escalations from the case timeline, in one line, as they stood when the item was
    # put on the agenda (refreshed when the session opens).
    history = models.CharField(_("history"), max_length=500, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("added by")
    )
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("removed by")
    )
    withdrawn_reason = models.CharField(_("why it was removed"), max_length=300, blank=True)

    objects = AgendaItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "incident"], name="agenda_item_once_per_meeting"),
            models.UniqueConstraint(fields=["meeting", "hazard"], name="agenda_item_hazard_once_per_meeting"),
            models.CheckConstraint(
                condition=Q(incident__isnull=False, hazard__isnull=True) | Q(incident__isnull=True, hazard__isnull=False),
                name="agenda_item_one_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} #{self.position}"

    @property
    def reason_badge(self) -> str:
        return ITEM_REASON_BADGE.get(self.reason, "")

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class DecisionQuerySet(ScopedQuerySet):
    def for_department(self, user) -> DecisionQuerySet:
        """Street office and admins: all. A department user: decisions where their department
        leads or cooperates. Everybody else: none."""
        if user.department_id is None:
            return self.none()
        return self.concerning(user.department_id)

    def concerning(self, department_id: int) -> DecisionQuerySet:
        cooperating = Decision.cooperating.through.objects.filter(department_id=department_id).values("decision_id")
        return self.filter(Q(lead_department_id=department_id) | Q(pk__in=cooperating))

    def applied(self) -> DecisionQuerySet:
        return self.filter(applied_at__isnull=False)


class Decision(models.Model):
    item = models.OneToOneField(AgendaItem, on_delete=models.CASCADE, related_name="decision", verbose_name=_("agenda item"))
    lead_department = models.ForeignKey(
        "grids.Department", on_delete=models.PROTECT, related_name="meeting_decisions_led", verbose_name=_("lead department")
    )
    cooperating = models.ManyToManyField(
        "grids.Department", blank=True, related_name="meeting_decisions_cooperating", verbose_name=_("cooperating departments")
    )
    deadline = models.DateTimeField(_("deadline"))
    # What the decision does to its subject (a case is assigned; a hazard gets an interview or a referral).
    action = models.CharField(_("decision"), max_length=10, choices=DecisionAction.choices, default=DecisionAction.ASSIGN)
    note = models.TextField(_("note"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Set when the minutes are published and the decision has been applied to the case.
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True, db_index=True)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting decision")
        verbose_name_plural = _("meeting decisions")
        ordering = ["-applied_at", "-pk"]
        indexes = [models.Index(fields=["lead_department", "-applied_at"], name="decision_lead")]

    def __str__(self) -> str:
        return f"{self.item} → {self.lead_department}"
