"""Joint interviews (联合约谈) of an enterprise that refused to rectify a major hazard.

The joint meeting proposes one (governance.meetings.subjects.hazard); the organiser sends the
notice, holds it with the procuratorate and police at the table, records the 约谈记录 and 纪要,
takes the signed 整改承诺书, waits for the follow-up report (a deadline as data, on the work
calendar), rechecks and closes with an outcome. The state moves only through
`inspections.services.interviews.INTERVIEW_WORKFLOW`; the timeline is append-only.

Who sees an interview: the street office and the safety office all; a department those it
organises or takes part in; a zone leader or community those of its enterprises; an outside
participant (Role.EXTERNAL) exactly those they are a participant of.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from casework.models import ClockedBase, SequenceBase, StageRunBase, TimelineEventBase
from grids.models.scoping import ScopedQuerySet
from inspections.interview_choices import INTERVIEW_STATUS_BADGE, Body, InterviewEventKind, InterviewStatus, Outcome
from inspections.models.enterprises import Enterprise, is_safety_office


def _participates(user) -> Exists:
    return Exists(InterviewParticipant.objects.filter(interview_id=OuterRef("pk"), user_id=user.pk))


class JointInterviewQuerySet(ScopedQuerySet):
    def for_department(self, user) -> JointInterviewQuerySet:
        if is_safety_office(user):
            return self
        department = Exists(InterviewParticipant.objects.filter(interview_id=OuterRef("pk"), department_id=user.department_id))
        return self.filter(Q(organiser_id=user.department_id) | department | _participates(user))

    def for_zone_leader(self, user) -> JointInterviewQuerySet:
        return self.filter(Q(enterprise__zone_id=user.zone_id) | _participates(user))

    def for_community(self, user) -> JointInterviewQuerySet:
        return self.filter(Q(enterprise__community_id=user.community_id) | _participates(user))

    def for_external(self, user) -> JointInterviewQuerySet:
        return self.filter(_participates(user))

    def for_contractor(self, user) -> JointInterviewQuerySet:
        return self.filter(_participates(user))

    def for_list(self) -> JointInterviewQuerySet:
        return self.select_related("enterprise__zone", "enterprise__community", "organiser")


def scan_path(instance, filename: str) -> str:
    return f"interviews/{instance.proposed_at:%Y/%m}/{instance.code}/{filename}"


class JointInterview(ClockedBase):
    code = models.CharField(_("code"), max_length=20, unique=True, editable=False)
    status = models.CharField(_("status"), max_length=12, choices=InterviewStatus.choices, default=InterviewStatus.PROPOSED)
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="interviews", verbose_name=_("enterprise"))
    organiser = models.ForeignKey("grids.Department", on_delete=models.PROTECT, related_name="interviews_organised",
                                  verbose_name=_("organiser"))
    hazards = models.ManyToManyField("inspections.Hazard", related_name="interviews", verbose_name=_("trigger hazards"))
    # The meeting that proposed it (ids, not keys: inspections does not import governance).
    meeting_id = models.PositiveIntegerField(_("meeting"), null=True, blank=True)
    decision_id = models.PositiveIntegerField(_("meeting decision"), null=True, blank=True, unique=True)
    meeting_title = models.CharField(_("proposed by"), max_length=100, blank=True)
    hold_by = models.DateTimeField(_("to be held by"), null=True, blank=True)
    proposal_note = models.TextField(_("meeting's note"), blank=True)
    proposed_at = models.DateTimeField(_("proposed at"))
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("proposed by"))
    # The notice (约谈通知书).
    scheduled_at = models.DateTimeField(_("time"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    materials = models.TextField(_("materials to bring"), blank=True)
    notice_sent_at = models.DateTimeField(_("notice sent at"), null=True, blank=True)
    # The principal (主要负责人) must attend in person: no delegation.
    principal_name = models.CharField(_("principal (主要负责人)"), max_length=60, blank=True)
    attendee_name = models.CharField(_("attended for the enterprise"), max_length=60, blank=True)
    principal_in_person = models.BooleanField(_("principal in person"), null=True)
    # The interview (约谈记录, 纪要).
    held_at = models.DateTimeField(_("held at"), null=True, blank=True)
    record = models.TextField(_("record (约谈记录)"), blank=True)
    minutes = models.TextField(_("minutes (纪要)"), blank=True)
    minutes_sent_at = models.DateTimeField(_("minutes sent at"), null=True, blank=True)
    # The signed commitment (整改承诺书).
    commitment_signed_by = models.CharField(_("commitment signed by"), max_length=60, blank=True)
    commitment_signed_at = models.DateTimeField(_("commitment signed at"), null=True, blank=True)
    commitment_scan = models.FileField(_("signed commitment (scan)"), upload_to=scan_path, blank=True, max_length=300)
    # The follow-up report and its recheck.
    report = models.TextField(_("follow-up report"), blank=True)
    report_received_at = models.DateTimeField(_("follow-up report received"), null=True, blank=True)
    report_on_time = models.BooleanField(_("report on time"), null=True)
    rechecked_at = models.DateTimeField(_("rechecked at"), null=True, blank=True)
    recheck_passed = models.BooleanField(_("recheck passed"), null=True)
    recheck_note = models.TextField(_("recheck findings"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("outcome note"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = JointInterviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("joint interview")
        verbose_name_plural = _("joint interviews")
        ordering = ["-proposed_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "-proposed_at"], name="interview_status"),
            models.Index(fields=["enterprise", "-proposed_at"], name="interview_enterprise"),
            models.Index(fields=["due_at"], name="interview_due", condition=Q(due_at__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def status_badge(self) -> str:
        return INTERVIEW_STATUS_BADGE.get(self.status, "")

    @property
    def stand_in(self) -> bool:
        """Someone other than the principal attended for the enterprise (flagged: no delegation)."""
        return self.principal_in_person is False


class InterviewParticipant(models.Model):
    interview = models.ForeignKey(JointInterview, on_delete=models.CASCADE, related_name="participants",
                                  verbose_name=_("interview"))
    body = models.CharField(_("body"), max_length=16, choices=Body.choices)
    name = models.CharField(_("name"), max_length=60)
    organisation = models.CharField(_("organisation"), max_length=100, blank=True)
    department = models.ForeignKey("grids.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("department"))
    # With a login the participant is notified and sees the dossier (procuratorate, police: Role.EXTERNAL).
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="interview_seats", verbose_name=_("login"))
    attended = models.BooleanField(_("attended"), null=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("interview participant")
        verbose_name_plural = _("interview participants")
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["interview", "user"], name="interview_participant_once",
                                               condition=Q(user__isnull=False))]

    def __str__(self) -> str:
        return f"{self.get_body_display()} {self.name}"


class CommitmentItem(models.Model):
    """One line of the 整改承诺书: what the enterprise promises, by when."""

    interview = models.ForeignKey(JointInterview, on_delete=models.CASCADE, related_name="commitments",
                                  verbose_name=_("interview"))
    text = models.CharField(_("commitment"), max_length=500)
    deadline = models.DateField(_("deadline"))
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("commitment item")
        verbose_name_plural = _("commitment items")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


class InterviewDeadline(StageRunBase):
    """One run of the interview's clock (the follow-up report's 5 working days)."""

    interview = models.ForeignKey(JointInterview, on_delete=models.CASCADE, related_name="deadlines",
                                  verbose_name=_("interview"))

    class Meta(StageRunBase.Meta):
        verbose_name = _("interview deadline")
        verbose_name_plural = _("interview deadlines")


class InterviewEvent(TimelineEventBase):
    """One line of an interview's timeline. Append-only."""

    interview = models.ForeignKey(JointInterview, on_delete=models.PROTECT, related_name="events", verbose_name=_("interview"))
    kind = models.CharField(_("event"), max_length=20, choices=InterviewEventKind.choices)
    from_status = models.CharField(_("status before"), max_length=16, choices=InterviewStatus.choices, blank=True)
    to_status = models.CharField(_("status after"), max_length=16, choices=InterviewStatus.choices, blank=True)

    class Meta(TimelineEventBase.Meta):
        verbose_name = _("interview event")
        verbose_name_plural = _("interview events")
        indexes = [models.Index(fields=["interview", "created_at"], name="interview_event_time")]


class InterviewSequence(SequenceBase):
    """The last interview number handed out per year (YT-2026-0001)."""

    class Meta(SequenceBase.Meta):
        verbose_name = _("interview number sequence")
        verbose_name_plural = _("interview number sequences")



def evidence_path(instance, filename: str) -> str:
    """Kept for migration 0004 (the refusal evidence model it created is gone since 0008; refusal
    evidence is a RectificationPhoto of phase `refusal`)."""
    return f"hazards/refusals/{instance.event.hazard_id}/{filename}"
