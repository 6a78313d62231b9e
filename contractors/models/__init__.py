"""Third-party safety service firms, their contracts and plans, visits, spot checks."""

from contractors.models.contracts import Contract, ContractEnterprise, Milestone
from contractors.models.firms import FirmContact, FirmStaff, PensionProof, Qualification, ServiceFirm
from contractors.models.plans import PlanVersion, ServicePlan
from contractors.models.spotchecks import SpotCheck
from contractors.models.visits import Finding, Visit, VisitEvent, VisitPhoto

__all__ = [
    "Contract", "ContractEnterprise", "Milestone", "FirmContact", "FirmStaff", "PensionProof", "Qualification",
    "ServiceFirm", "PlanVersion", "ServicePlan", "SpotCheck", "Finding", "Visit", "VisitEvent", "VisitPhoto",
]
