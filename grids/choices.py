from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    GRID_WORKER = "grid_worker", _("Grid worker")
    COMMUNITY = "community", _("Community")
    ZONE_LEADER = "zone_leader", _("Zone leader")
    DEPARTMENT = "department", _("Department handler")
    CONTRACTOR = "contractor", _("Contractor staff")
    STREET = "street", _("Street office")
    ADMIN = "admin", _("Administrator")
    # A joint interview's outside participant (procuratorate, police): sees the dossiers of the
    # interviews they take part in and nothing else (grids.external).
    EXTERNAL = "external", _("Interview participant (external)")


class WorkerKind(models.TextChoices):
    STREET_FULL_TIME = "street_ft", _("Sub-district full-time")
    COMMUNITY_FULL_TIME = "community_ft", _("Community full-time")
    PART_TIME = "part_time", _("Part-time")


class CommunityPost(models.TextChoices):
    """The post a community-role user holds in the community's committee."""

    GRID_HEAD = "grid_head", _("Grid head (party secretary)")
    SPECIALIST = "specialist", _("Social governance specialist")
    MEMBER = "member", _("Committee member")


class CommunityKind(models.TextChoices):
    URBAN = "urban", _("Urban community")
    VILLAGE = "village", _("Village community")
    RELOCATION = "relocation", _("Relocation community")


class DepartmentKind(models.TextChoices):
    SAFETY = "safety", _("Safety supervision")
    URBAN_MANAGEMENT = "urban", _("Urban management")
    TRADE_UNION = "union", _("Trade union")
    PETITIONS = "petitions", _("Petitions")
    ENFORCEMENT = "enforcement", _("Administrative enforcement squad")
    COMPREHENSIVE = "comprehensive", _("Comprehensive governance office")
    JOINT_DEFENCE = "joint_defence", _("Public-security joint defence")
    POLICE = "police", _("Police station")
    OTHER = "other", _("Other")


class TrainingKind(models.TextChoices):
    LAYERED = "layered", _("Layered training")
    EXPERT = "expert", _("Expert training")


class TrainingLevel(models.TextChoices):
    """Layered training is given at one of the three tiers of the organisation."""

    SUB_DISTRICT = "sub_district", _("Sub-district")
    ZONE = "zone", _("Zone")
    COMMUNITY = "community", _("Community")


class DeliveryStatus(models.TextChoices):
    """Where a notification stands on one channel (e-mail, a webhook): see grids.notifications."""

    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    GAVE_UP = "gave_up", _("Gave up")
