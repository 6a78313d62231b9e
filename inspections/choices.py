"""The enterprise registry's vocabularies (SAFETY.md §1.6, §8.1): sectors, flags, risk, status."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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
