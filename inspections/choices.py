"""The enterprise registry's vocabularies (SAFETY.md §1.6, §8.1): sectors, flags, risk, status."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from casework.engine import Transition
from grids.choices import Role


class Sector(models.TextChoices):
    """What an enterprise does; an enterprise has one or more (a school with a gas canteen)."""

    CHEM_PRODUCTION = "chem_production", _("Hazardous chemicals: production")
    CHEM_TRADE = "chem_trade", _("Hazardous chemicals: trade")
    CHEM_USE = "chem_use", _("Hazardous chemicals: use")
    CHEM_STORAGE = "chem_storage", _("Hazardous chemicals: storage")
    FIREWORKS_WHOLESALE = "fireworks_wholesale", _("Fireworks: wholesale")
    FIREWORKS_RETAIL = "fireworks_retail", _("Fireworks: retail")
    CONSTRUCTION = "construction", _("Construction project")
    COMMERCIAL = "commercial", _("Commercial")
    WAREHOUSE = "warehouse", _("Warehousing and logistics")
    SCHOOL = "school", _("School")
    KINDERGARTEN = "kindergarten", _("Kindergarten")
    CATERING_PIPED = "catering_piped", _("Catering with piped gas")
    CATERING_BOTTLED = "catering_bottled", _("Catering with bottled gas")
    METALLURGY = "metallurgy", _("Industry and trade: metallurgy")
    NONFERROUS = "nonferrous", _("Industry and trade: non-ferrous metals")
    BUILDING_MATERIALS = "building_materials", _("Industry and trade: building materials")
    MACHINERY = "machinery", _("Industry and trade: machinery")
    LIGHT_INDUSTRY = "light_industry", _("Industry and trade: light industry")
    TEXTILES = "textiles", _("Industry and trade: textiles")
    TOBACCO = "tobacco", _("Industry and trade: tobacco")
    TRADE = "trade", _("Industry and trade: commerce")
    NINE_SMALL = "nine_small", _("Small premises (九小场所)")
    OTHER = "other", _("Other")


class Flag(models.TextChoices):
    """Special risks that bring their own major-hazard clauses and checklists."""

    DUST_EXPLOSION = "dust", _("Dust explosion risk")
    AMMONIA = "ammonia", _("Liquid-ammonia refrigeration")
    CONFINED_SPACE = "confined_space", _("Confined spaces")
    MAJOR_HAZARD = "major_hazard", _("Major hazard installation")
    GAS_USER = "gas_user", _("Gas user")


class RiskLevel(models.TextChoices):
    """The four colours of 双重预防 (重大/较大/一般/低)."""

    RED = "red", _("Red (major)")
    ORANGE = "orange", _("Orange (considerable)")
    YELLOW = "yellow", _("Yellow (general)")
    BLUE = "blue", _("Blue (low)")


class RiskMethod(models.TextChoices):
    LEC = "lec", _("LEC (D = L × E × C)")
    LS = "ls", _("LS matrix (R = L × S)")
    OTHER = "other", _("Other")


class TargetKind(models.TextChoices):
    """A key target is inspected in full; an ordinary one by random sampling (双随机)."""

    KEY = "key", _("Key target")
    ORDINARY = "ordinary", _("Ordinary target")


class EnterpriseStatus(models.TextChoices):
    ACTIVE = "active", _("In business")
    CLOSED = "closed", _("Closed down")
    RELOCATED = "relocated", _("Relocated")


class AnswerType(models.TextChoices):
    """How a checklist item is answered: yes / no / not applicable, or a number and a threshold."""

    YES_NO = "yes_no", _("Yes / no / not applicable")
    NUMBER = "number", _("Number against a threshold")


class Comparison(models.TextChoices):
    """How a measured number passes its threshold (a hose ≤ 2 m, cylinders ≤ 4)."""

    LTE = "lte", "≤"
    LT = "lt", "<"
    GTE = "gte", "≥"
    GT = "gt", ">"
    EQ = "eq", "="


# --- inspections (SAFETY.md §8.1) --------------------------------------------------------------

class InspectionKind(models.TextChoices):
    GOVERNMENT = "government", _("Government inspection")
    EXPERT = "expert", _("Expert inspection")
    SERVICE = "service", _("Third-party service")
    SELF_CHECK = "self_check", _("Enterprise self-check")
    PATROL = "patrol", _("Grid patrol")


# An enforcement inspection needs at least two inspectors with certificate numbers (行政执法).
ENFORCEMENT_KINDS = frozenset({InspectionKind.GOVERNMENT, InspectionKind.EXPERT})
MIN_ENFORCEMENT_INSPECTORS = 2


class InspectionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class Answer(models.TextChoices):
    """A yes/no item: “yes” means the requirement is met."""

    YES = "yes", _("Yes (met)")
    NO = "no", _("No (not met)")
    NA = "na", _("Not applicable")


class SignatureKind(models.TextChoices):
    DRAWN = "drawn", _("Drawn on screen")
    FORM_PHOTO = "form_photo", _("Photo of the signed form")


# --- hazards (SAFETY.md §8.1, §8.2; the rectification loop is the next issue) -------------------

class HazardLevel(models.TextChoices):
    GENERAL = "general", _("General hazard")
    MAJOR = "major", _("Major hazard")


class MajorBasis(models.TextChoices):
    CRITERION = "criterion", _("Major-hazard criterion")
    EXTERNAL = "external", _("External factors hard to remove")


class FactorKind(models.TextChoices):
    """GB/T 13861 as the sub-district records it."""

    THING = "thing", _("Unsafe state of things (物的危险状态)")
    PERSON = "person", _("Unsafe behaviour of people (人的不安全行为)")
    MANAGEMENT = "management", _("Management defect (管理上的缺陷)")


class HazardSource(models.TextChoices):
    INSPECTION = "inspection", _("Inspection item")
    GRID_REPORT = "grid_report", _("Grid worker's report")
    PUBLIC = "public", _("Public report")
    OFFICE = "office", _("Recorded by the office")


class HazardStatus(models.TextChoices):
    RECORDED = "recorded", _("Recorded")
    CONFIRMED = "confirmed", _("Confirmed")
    NOTIFIED = "notified", _("Notice served")
    RECTIFYING = "rectifying", _("Rectifying")
    SUBMITTED = "submitted", _("Submitted for closing")
    RECHECKING = "rechecking", _("Rechecking")
    CLOSED = "closed", _("Closed (销号)")
    VOID = "void", _("Void")


class HazardAction(models.TextChoices):
    CONFIRM = "confirm", _("Confirm and classify")
    VOID = "void", _("Void")
    COMMENT = "comment", _("Comment")


class HazardEventKind(models.TextChoices):
    RECORD = "record", _("Recorded")
    CONFIRM = "confirm", _("Confirmed")
    VOID = "void", _("Voided")
    COMMENT = "comment", _("Comment")
    # The enterprise refused to rectify (two missed deadlines, refusal to halt, false evidence):
    # what proposes a joint interview (issue 12).
    REFUSED = "refused", _("Refusal to rectify recorded")
    # The joint meeting decided on the refusal; a joint interview was proposed (issue 12).
    MEETING_DECISION = "meeting_decision", _("Joint meeting decision")
    INTERVIEW_PROPOSED = "interview_proposed", _("Joint interview proposed")
    INTERVIEW_CLOSED = "interview_closed", _("Joint interview closed")


# Who confirms or voids: the street office and the safety office (a department; the guard in
# inspections.services.hazards narrows it to 安监). Everyone who sees a hazard may comment.
_DECIDERS = frozenset({Role.STREET, Role.ADMIN, Role.DEPARTMENT})
HAZARD_TRANSITIONS = {
    HazardAction.CONFIRM: Transition(frozenset({HazardStatus.RECORDED}), HazardStatus.CONFIRMED, _DECIDERS),
    HazardAction.VOID: Transition(frozenset({HazardStatus.RECORDED, HazardStatus.CONFIRMED}), HazardStatus.VOID, _DECIDERS),
    HazardAction.COMMENT: Transition(frozenset(HazardStatus.values), None, frozenset(Role.values)),
}
