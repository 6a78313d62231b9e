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
    CONTRACTOR = "contractor", _("Third-party service visit")


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
    # the rectification loop (issue 12)
    NOTIFY = "notify", _("Issue a rectification notice")
    SERVE = "serve", _("Record service of the notice")
    SUBMIT = "submit", _("Submit for closing")
    START_RECHECK = "start_recheck", _("Start the recheck")
    PASS_RECHECK = "pass_recheck", _("Recheck passed: close (销号)")
    FAIL_RECHECK = "fail_recheck", _("Recheck failed")
    CLOSE_ON_SPOT = "close_on_spot", _("Fixed on the spot: close")
    REQUEST_EXTENSION = "request_extension", _("Request an extension")
    DECIDE_EXTENSION = "decide_extension", _("Decide the extension")
    REFER = "refer", _("Refer to a department")
    REFERRAL_FEEDBACK = "referral_feedback", _("Record the department's feedback")
    PLAN = "plan", _("Record the governance plan and evaluation")
    APPLY_RESUME = "apply_resume", _("Apply to resume production")
    DECIDE_RESUME = "decide_resume", _("Decide the resume request")
    REFUSE = "refuse", _("Record a refusal to rectify")
    EDIT = "edit", _("Edit the details")
    REOPEN = "reopen", _("Reopen")


class HazardEventKind(models.TextChoices):
    RECORD = "record", _("Recorded")
    CONFIRM = "confirm", _("Confirmed")
    VOID = "void", _("Voided")
    COMMENT = "comment", _("Comment")
    # The enterprise refused to rectify (two missed deadlines, refusal to halt, false evidence):
    # what proposes a joint interview (issue 12).
    REFUSED = "refused", _("Refusal to rectify recorded")
    # the rectification loop and its ladder (issue 12)
    NOTIFIED = "notified", _("Rectification notice issued")
    SERVED = "served", _("Notice served")
    SUBMITTED = "submitted", _("Submitted for closing")
    RECHECK_STARTED = "recheck_started", _("Recheck started")
    RECHECK_PASSED = "recheck_passed", _("Recheck passed")
    RECHECK_FAILED = "recheck_failed", _("Recheck failed")
    CLOSED_ON_SPOT = "closed_on_spot", _("Closed on the spot")
    EXTENSION_REQUESTED = "extension_requested", _("Extension requested")
    EXTENSION_DECIDED = "extension_decided", _("Extension decided")
    REFERRED = "referred", _("Referred to a department")
    REFERRAL_FEEDBACK = "referral_feedback", _("Department feedback")
    PLAN = "plan", _("Governance plan recorded")
    RESUME_APPLIED = "resume_applied", _("Resume requested")
    RESUME_DECIDED = "resume_decided", _("Resume request decided")
    EDIT = "edit", _("Edited")
    REOPEN = "reopen", _("Reopened")
    REMINDER = "reminder", _("Deadline reminder")
    YELLOW_CARD = "yellow_card", _("Yellow card")
    RED_CARD = "red_card", _("Red card and supervision letter")
    RECHECK_OVERDUE = "recheck_overdue", _("Recheck overdue")
    REFERRAL_OVERDUE = "referral_overdue", _("Department feedback overdue")
    SUPERVISED = "supervised", _("Listed for supervision (挂牌督办)")
    # The joint meeting decided on the refusal; a joint interview was proposed (issue 12).
    MEETING_DECISION = "meeting_decision", _("Joint meeting decision")
    INTERVIEW_PROPOSED = "interview_proposed", _("Joint interview proposed")
    INTERVIEW_CLOSED = "interview_closed", _("Joint interview closed")


class RectificationMode(models.TextChoices):
    IMMEDIATE = "immediate", _("Rectify immediately (立即整改)")
    DEADLINE = "deadline", _("Rectify by a deadline (限期整改)")
    HALT = "halt", _("Halt production and rectify (停产停业治理)")


class Decision(models.TextChoices):
    PENDING = "", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class RecheckResult(models.TextChoices):
    PENDING = "", _("Pending")
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")


class RefusalGround(models.TextChoices):
    MISSED_DEADLINES = "missed_deadlines", _("Two missed deadlines on a major hazard")
    REFUSED_HALT = "refused_halt", _("Refused to halt production")
    FALSE_EVIDENCE = "false_evidence", _("False evidence of rectification")


class EvidencePhase(models.TextChoices):
    SERVICE = "service", _("Proof of service")
    AFTER = "after", _("After rectification")
    ON_SPOT = "on_spot", _("Fixed on the spot")
    REFUSAL = "refusal", _("Evidence of refusal")


# Who confirms or voids: the street office and the safety office (a department; the guard in
# inspections.services.hazards narrows it to 安监). Everyone who sees a hazard may comment.
_DECIDERS = frozenset({Role.STREET, Role.ADMIN, Role.DEPARTMENT})
# Who records what the enterprise does (it has no login): everyone on the ground but contractors.
_RECORDERS = frozenset({Role.GRID_WORKER, Role.COMMUNITY, Role.ZONE_LEADER, Role.DEPARTMENT, Role.STREET, Role.ADMIN})
_S = HazardStatus
# The clock of the notice's deadline runs while the enterprise rectifies (notified, rectifying).
RUNNING = frozenset({_S.NOTIFIED, _S.RECTIFYING})
OPEN = frozenset({_S.CONFIRMED, _S.NOTIFIED, _S.RECTIFYING, _S.SUBMITTED, _S.RECHECKING})
_UNDER_NOTICE = OPEN - {_S.CONFIRMED}


def _stay(sources, roles) -> Transition:
    return Transition(frozenset(sources), None, frozenset(roles))


HAZARD_TRANSITIONS = {
    HazardAction.CONFIRM: Transition(frozenset({_S.RECORDED}), _S.CONFIRMED, _DECIDERS),
    HazardAction.VOID: Transition(frozenset({_S.RECORDED}) | OPEN, _S.VOID, _DECIDERS),
    HazardAction.COMMENT: Transition(frozenset(HazardStatus.values), None, frozenset(Role.values)),
    # the rectification loop (SAFETY.md §8.2); guards in inspections.services.rectification
    HazardAction.NOTIFY: Transition(frozenset({_S.CONFIRMED}), _S.NOTIFIED, _DECIDERS),
    HazardAction.SERVE: Transition(frozenset({_S.NOTIFIED}), _S.RECTIFYING, _DECIDERS),
    HazardAction.SUBMIT: Transition(frozenset({_S.RECTIFYING}), _S.SUBMITTED, _RECORDERS),
    HazardAction.START_RECHECK: Transition(frozenset({_S.SUBMITTED}), _S.RECHECKING, _DECIDERS),
    HazardAction.PASS_RECHECK: Transition(frozenset({_S.RECHECKING}), _S.CLOSED, _DECIDERS),
    HazardAction.FAIL_RECHECK: Transition(frozenset({_S.RECHECKING}), _S.RECTIFYING, _DECIDERS),
    HazardAction.CLOSE_ON_SPOT: Transition(frozenset({_S.CONFIRMED}), _S.CLOSED, _DECIDERS),
    HazardAction.REQUEST_EXTENSION: _stay(RUNNING, _RECORDERS),
    HazardAction.DECIDE_EXTENSION: _stay(RUNNING, _DECIDERS),
    HazardAction.REFER: _stay(OPEN, _DECIDERS),
    HazardAction.REFERRAL_FEEDBACK: _stay(OPEN | {_S.CLOSED}, _DECIDERS),
    HazardAction.PLAN: _stay(OPEN, _DECIDERS),
    HazardAction.APPLY_RESUME: _stay(_UNDER_NOTICE, _RECORDERS),
    HazardAction.DECIDE_RESUME: _stay(_UNDER_NOTICE, _DECIDERS),
    HazardAction.REFUSE: _stay(OPEN, _DECIDERS),
    HazardAction.EDIT: _stay(OPEN, _DECIDERS),
    HazardAction.REOPEN: Transition(frozenset({_S.CLOSED}), _S.RECTIFYING, frozenset({Role.STREET, Role.ADMIN})),
}


# --- campaigns (专项排查, SAFETY.md §1.7, §8.1) ---------------------------------------------------

class CampaignTheme(models.TextChoices):
    GAS_FUEL = "gas_fuel", _("Gas and fuel pipelines")
    PUBLIC_SECURITY = "public_security", _("Public-security hazards")
    KEY_PRODUCTION = "key_production", _("Key production hazards")
    SEASONAL = "seasonal", _("Seasonal")
    CUSTOM = "custom", _("Custom")


class CampaignPhase(models.TextChoices):
    """The four phases of the 2023 national campaign: 动员部署 → 自查自改/帮扶 → 精准执法 → 总结提高."""

    MOBILISE = "mobilise", _("Mobilise")
    SELF_CHECK = "self_check", _("Self-check and help")
    INSPECTION = "inspection", _("Inspection and enforcement")
    REVIEW = "review", _("Review")


class CampaignAction(models.TextChoices):
    START = "start", _("Start (freeze the enterprises)")
    INSPECT = "inspect", _("Move to inspection")
    REVIEW = "review", _("Move to review")


class CampaignEventKind(models.TextChoices):
    CREATE = "create", _("Created")
    EDIT = "edit", _("Edited")
    START = "start", _("Started")
    PHASE = "phase", _("Phase changed")


# Inspections may be recorded under a campaign while it runs (self-check and inspection phases).
CAMPAIGN_OPEN_PHASES = frozenset({CampaignPhase.SELF_CHECK, CampaignPhase.INSPECTION})
# Who moves a campaign: the street office and the safety office (the guard in
# inspections.services.campaigns narrows the department role to 安监).
_CAMPAIGN_KEEPERS = frozenset({Role.STREET, Role.ADMIN, Role.DEPARTMENT})
CAMPAIGN_TRANSITIONS = {
    CampaignAction.START: Transition(frozenset({CampaignPhase.MOBILISE}), CampaignPhase.SELF_CHECK, _CAMPAIGN_KEEPERS),
    CampaignAction.INSPECT: Transition(frozenset({CampaignPhase.SELF_CHECK}), CampaignPhase.INSPECTION, _CAMPAIGN_KEEPERS),
    CampaignAction.REVIEW: Transition(frozenset({CampaignPhase.INSPECTION}), CampaignPhase.REVIEW, _CAMPAIGN_KEEPERS),
}
