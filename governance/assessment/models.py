"""Assessment tables: schemes (versioned) with their indicators, periods, score sheets (frozen on
publication, versioned by appeals), cases not counted for assessment, appeals and their timeline.

A score sheet is one subject's result for one period: its lines (indicator, inputs, points and the
ids of the cases behind each count) are stored with it, so a published sheet never changes when
cases change later. An appeal's adjustment writes a new version; the old one stays, not current.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from casework.models import PhotoBase, TimelineEventBase
from contractors.models.scoping import firm_ids_of
from governance.assessment.choices import (
    DEFAULT_BONUS_CAP,
    AppealEventKind,
    AppealStatus,
    Direction,
    ExclusionReason,
    PeriodKind,
    PeriodStatus,
    Scoring,
    SubjectType,
)
from grids.choices import Role, WorkerKind
from grids.models.scoping import ScopedQuerySet
from inspections.models.enterprises import is_safety_office


class SchemeQuerySet(ScopedQuerySet):
    """Schemes are the rules everyone is measured by: every member of staff may read them."""

    def visible_to(self, user):
        return self if getattr(user, "is_authenticated", False) else self.none()

    def current(self):
        return self.filter(is_current=True)


class Scheme(models.Model):
    subject_type = models.CharField(_("subject type"), max_length=16, choices=SubjectType.choices)
    # Grid workers may have a scheme per kind; blank: the scheme for every kind without its own.
    worker_kind = models.CharField(_("grid worker kind"), max_length=16, choices=WorkerKind.choices, blank=True)
    name = models.CharField(_("name"), max_length=100)
    version = models.PositiveIntegerField(_("version"), default=1)
    is_current = models.BooleanField(_("current"), default=True)
    # [{"code", "label", "min", "coefficient"}], best first (choices.LETTER_GRADES / PEOPLE_GRADES).
    grades = models.JSONField(_("grades"), default=list)
    bonus_cap = models.DecimalField(_("bonus cap"), max_digits=5, decimal_places=2, default=DEFAULT_BONUS_CAP)
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("edited by"))
    created_at = models.DateTimeField(_("edited at"), auto_now_add=True)

    objects = SchemeQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment scheme")
        verbose_name_plural = _("assessment schemes")
        ordering = ["subject_type", "worker_kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["subject_type", "worker_kind", "version"], name="scheme_version_once"),
            models.UniqueConstraint(fields=["subject_type", "worker_kind"], condition=Q(is_current=True),
                                    name="scheme_one_current"),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class Indicator(models.Model):
    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("scheme"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    key = models.SlugField(_("key"), max_length=40)
    label = models.CharField(_("name"), max_length=100)
    # Metric keys of governance.assessment.sources.METRICS; no denominator: the value is a count.
    numerator = models.CharField(_("numerator"), max_length=40)
    denominator = models.CharField(_("denominator"), max_length=40, blank=True)
    scoring = models.CharField(_("scoring"), max_length=10, choices=Scoring.choices, default=Scoring.RATE)
    direction = models.CharField(_("direction"), max_length=4, choices=Direction.choices, default=Direction.UP)
    # % of the 100 points (RATE/BANDS/LINEAR), or the item's points (DEDUCTION), or unused (BONUS).
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2, default=0)
    # BANDS: [[upper bound (inclusive) or null, points], …] in rising order.
    bands = models.JSONField(_("bands"), default=list, blank=True)
    # LINEAR: the value scoring 0 and the value scoring 100.
    low = models.FloatField(_("scores 0 at"), null=True, blank=True)
    high = models.FloatField(_("scores 100 at"), null=True, blank=True)
    per_item = models.DecimalField(_("points per item"), max_digits=5, decimal_places=2, default=0)
    cap = models.DecimalField(_("cap"), max_digits=5, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["scheme", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["scheme", "key"], name="indicator_key_once")]

    def __str__(self) -> str:
        return self.label


class PeriodQuerySet(ScopedQuerySet):
    """Periods (their dates and state) are no secret to staff; the sheets in them are scoped."""

    def visible_to(self, user):
        return self if getattr(user, "is_authenticated", False) else self.none()


class Period(models.Model):
    kind = models.CharField(_("kind"), max_length=8, choices=PeriodKind.choices)
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    status = models.CharField(_("status"), max_length=12, choices=PeriodStatus.choices, default=PeriodStatus.PROVISIONAL)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("published by"))
    appeal_until = models.DateTimeField(_("appeals until"), null=True, blank=True)

    objects = PeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment period")
        verbose_name_plural = _("assessment periods")
        ordering = ["-start", "kind"]
        constraints = [models.UniqueConstraint(fields=["kind", "start"], name="assessment_period_once")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.start:%Y-%m-%d}–{self.end:%Y-%m-%d}"

    @property
    def is_published(self) -> bool:
        return self.status == PeriodStatus.PUBLISHED


class SheetQuerySet(ScopedQuerySet):
    """A grid worker: their own sheets. A community: its own sheet and its workers'. A zone leader:
    the zone's sheet, its communities' and its workers' (the delegated power). A department: its
    own sheet (the safety office also the service firms'). Contractor staff: their firm's. The
    street office: all."""

    def for_grid_worker(self, user):
        return self.filter(subject_type=SubjectType.GRID_WORKER, subject_id=user.pk)

    def for_community(self, user):
        return self.filter(
            Q(subject_type=SubjectType.COMMUNITY, subject_id=user.community_id)
            | Q(subject_type=SubjectType.GRID_WORKER, community_id=user.community_id)
        )

    def for_zone_leader(self, user):
        return self.filter(zone_id=user.zone_id).exclude(subject_type=SubjectType.DEPARTMENT)

    def for_department(self, user):
        own = Q(subject_type=SubjectType.DEPARTMENT, subject_id=user.department_id)
        if is_safety_office(user):  # the safety office supervises the service firms
            own |= Q(subject_type=SubjectType.CONTRACTOR)
        return self.filter(own)

    def for_contractor(self, user):
        return self.filter(subject_type=SubjectType.CONTRACTOR, subject_id__in=firm_ids_of(user))

    def current(self):
        return self.filter(is_current=True)


class ScoreSheet(models.Model):
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="sheets", verbose_name=_("period"))
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="sheets", verbose_name=_("scheme"))
    subject_type = models.CharField(_("subject type"), max_length=16, choices=SubjectType.choices)
    subject_id = models.PositiveIntegerField(_("subject"))
    subject_name = models.CharField(_("name"), max_length=150)
    # Where the subject belongs, for scoping (a department's sheet has neither).
    zone = models.ForeignKey("grids.Zone", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("zone"))
    community = models.ForeignKey("grids.Community", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("community"))
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    is_current = models.BooleanField(_("current"), default=True)
    total = models.DecimalField(_("score"), max_digits=6, decimal_places=2, null=True, blank=True)
    grade = models.CharField(_("grade"), max_length=12, blank=True)
    grade_label = models.CharField(_("grade"), max_length=20, blank=True)
    coefficient = models.DecimalField(_("pay coefficient"), max_digits=4, decimal_places=2, null=True, blank=True)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    # [{"key", "label", "scoring", "weight", "numerator", "denominator", "value", "points", "weighted",
    #   "applicable", "per_10k", "num_ids", "den_ids"}, …] (governance.assessment.scoring).
    lines = models.JSONField(_("lines"), default=list)
    # A year sheet: {"h1": score, "year_end": score, "h1_weight": 0.4}.
    combined = models.JSONField(_("combination"), default=dict, blank=True)
    flags = models.JSONField(_("flags"), default=list, blank=True)
    computed_at = models.DateTimeField(_("computed at"))
    reason = models.CharField(_("why this version"), max_length=300, blank=True)

    objects = SheetQuerySet.as_manager()

    class Meta:
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")
        ordering = ["period", "subject_type", "rank", "subject_name"]
        constraints = [
            models.UniqueConstraint(fields=["period", "subject_type", "subject_id", "version"], name="sheet_version_once"),
            models.UniqueConstraint(fields=["period", "subject_type", "subject_id"], condition=Q(is_current=True),
                                    name="sheet_one_current"),
        ]
        indexes = [models.Index(fields=["period", "subject_type", "is_current", "rank"], name="sheet_ranking")]

    def __str__(self) -> str:
        return f"{self.subject_name} · {self.period}"

    def line(self, key: str) -> dict | None:
        return next((line for line in self.lines if line["key"] == key), None)


class ExclusionQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        from incidents.models import Incident

        return self.filter(incident__in=Incident.objects.visible_to(user).values("pk"))


class Exclusion(models.Model):
    """A case not counted for assessment (不计入考核), with the reason and who approved it."""

    incident = models.OneToOneField("incidents.Incident", on_delete=models.PROTECT, related_name="assessment_exclusion",
                                    verbose_name=_("case"))
    reason = models.CharField(_("reason"), max_length=16, choices=ExclusionReason.choices)
    note = models.CharField(_("explanation"), max_length=500)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("approved by"))
    created_at = models.DateTimeField(_("approved at"))

    objects = ExclusionQuerySet.as_manager()

    class Meta:
        verbose_name = _("case not counted for assessment")
        verbose_name_plural = _("cases not counted for assessment")
        ordering = ["-created_at"]


class AppealQuerySet(ScopedQuerySet):
    """Those who may see the sheet see its appeals (the zone leader: their zone's, the delegated review)."""

    def visible_to(self, user):
        if getattr(user, "role", None) == "system":
            return self
        return self.filter(sheet__in=ScoreSheet.objects.visible_to(user).values("pk"))

    def open(self):
        from governance.assessment.choices import OPEN_APPEAL_STATUSES

        return self.filter(status__in=OPEN_APPEAL_STATUSES)


class Appeal(models.Model):
    sheet = models.ForeignKey(ScoreSheet, on_delete=models.PROTECT, related_name="appeals", verbose_name=_("score sheet"))
    line_key = models.CharField(_("score line"), max_length=40)
    incident = models.ForeignKey("incidents.Incident", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("contested case"))
    reason = models.TextField(_("reason"))
    evidence = models.TextField(_("evidence"))
    status = models.CharField(_("status"), max_length=16, choices=AppealStatus.choices, default=AppealStatus.ZONE_REVIEW)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted at"))
    due_at = models.DateTimeField(_("review due"), null=True, blank=True)
    overdue_told = models.BooleanField(_("overdue reported"), default=False)
    zone_opinion = models.TextField(_("zone opinion"), blank=True)
    decision_note = models.TextField(_("decision"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    result_sheet = models.ForeignKey(ScoreSheet, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("new version"))

    objects = AppealQuerySet.as_manager()

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["status", "due_at"], name="appeal_due")]

    def __str__(self) -> str:
        return f"{self.sheet.subject_name} · {self.line_key}"


class AppealEvent(TimelineEventBase):
    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="events", verbose_name=_("appeal"))
    kind = models.CharField(_("event"), max_length=20, choices=AppealEventKind.choices)
    from_status = models.CharField(_("status before"), max_length=16, choices=AppealStatus.choices, blank=True)
    to_status = models.CharField(_("status after"), max_length=16, choices=AppealStatus.choices, blank=True)

    class Meta(TimelineEventBase.Meta):
        verbose_name = _("appeal event")
        verbose_name_plural = _("appeal events")


class SheetComment(models.Model):
    """A zone leader's (or the street office's) comment on a sheet: the zone assesses its workers."""

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.PROTECT, related_name="comments", verbose_name=_("score sheet"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("assessment comment")
        verbose_name_plural = _("assessment comments")
        ordering = ["created_at", "pk"]


# Who may comment on a sheet besides the street office: the zone's leader (their workers).
COMMENTERS = frozenset({Role.ZONE_LEADER, Role.STREET, Role.ADMIN})


def appeal_file_path(instance, filename: str) -> str:
    return f"assessment/appeals/{instance.appeal_id}/{filename}"


class AppealFileQuerySet(ScopedQuerySet):
    """Those who may see the appeal see its files."""

    def visible_to(self, user):
        return self.filter(appeal__in=Appeal.objects.visible_to(user).values("pk"))


class AppealFile(PhotoBase):
    """A file of evidence attached to an appeal: a photo (re-encoded as JPEG without EXIF by
    casework.photos, like a case photo) or a PDF (checked to be one, and the size limit)."""

    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="files", verbose_name=_("appeal"))
    image = models.ImageField(_("photo"), upload_to=appeal_file_path, width_field="width", height_field="height",
                              blank=True)
    document = models.FileField(_("PDF"), upload_to=appeal_file_path, blank=True)
    original_name = models.CharField(_("file name"), max_length=200, blank=True)

    objects = AppealFileQuerySet.as_manager()

    class Meta(PhotoBase.Meta):
        verbose_name = _("appeal evidence file")
        verbose_name_plural = _("appeal evidence files")
        constraints = [models.CheckConstraint(condition=~Q(image="") | ~Q(document=""), name="appeal_file_has_a_file")]

    def __str__(self) -> str:
        return self.original_name or (self.image.name if self.image else self.document.name)

    @property
    def is_pdf(self) -> bool:
        return bool(self.document)
