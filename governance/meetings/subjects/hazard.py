"""Hazards as the subject of a joint meeting: a refusal to rectify, and no joint interview yet.

The inspections app does not know about meetings: the agenda asks it for the hazards with an
open refusal (`hazards_awaiting_interview`, one query). The meeting decides either to hold a
joint interview (organised by the decision's responsible body, to be held by its deadline) or to
refer the hazard to the department for enforcement; both are the inspections app's own verbs,
run inside the publication's transaction, and either one closes the refusal, so the hazard leaves
the candidates until a new refusal is recorded.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from casework import parsers
from governance.meetings.choices import DecisionAction, ItemReason
from governance.meetings.subjects.base import History, Subject
from inspections.choices import HazardEventKind, HazardStatus, RefusalGround
from inspections.models import Hazard, HazardEvent
from inspections.services.interviews import ENDED_STATUSES, hazards_awaiting_interview, propose_interview, refer_for_enforcement

HISTORY_KINDS = [
    HazardEventKind.REFUSED, HazardEventKind.MEETING_DECISION, HazardEventKind.INTERVIEW_PROPOSED,
    HazardEventKind.INTERVIEW_CLOSED,
]


def _history_part(kind: str, data: dict, note: str, at: datetime) -> str:
    day = timezone.localtime(at).strftime("%m-%d")
    if kind == HazardEventKind.REFUSED:
        ground = data.get("ground")
        reason = RefusalGround(ground).label if ground in RefusalGround.values else "?"
        return _("refusal recorded (%(reason)s) %(day)s") % {"reason": reason, "day": day}
    if kind == HazardEventKind.MEETING_DECISION:
        return _("%(meeting)s referred it to %(department)s %(day)s") % {
            "meeting": data.get("meeting_title") or "?", "department": data.get("department_name") or "?", "day": day}
    if kind == HazardEventKind.INTERVIEW_PROPOSED:
        return _("joint interview %(code)s proposed %(day)s") % {"code": note or "?", "day": day}
    return _("joint interview closed: %(outcome)s %(day)s") % {"outcome": data.get("outcome_label") or "?", "day": day}


def hazard_histories(ids: Iterable[int]) -> dict[int, History]:
    """hazard id → its refusals, meeting decisions and interviews, oldest first (one query)."""
    histories: dict[int, History] = defaultdict(History)
    rows = (HazardEvent.objects.filter(hazard_id__in=list(ids), kind__in=HISTORY_KINDS).order_by("created_at", "pk")
            .values_list("hazard_id", "kind", "data", "note", "created_at"))
    for hazard_id, kind, data, note, created_at in rows:
        data = data or {}
        histories[hazard_id].parts.append(_history_part(kind, data, note, created_at))
        if data.get("department"):
            histories[hazard_id].department_ids.add(int(data["department"]))
    return histories


class HazardSubject(Subject):
    kind = "hazard"
    field = "hazard"
    item_joins = ("hazard__enterprise", "hazard__community", "hazard__zone", "hazard__department")
    sources = ((ItemReason.INTERVIEW, hazards_awaiting_interview),)
    actions = (DecisionAction.INTERVIEW, DecisionAction.REFER)

    def still_open(self, prefix: str = "") -> Q:
        return Q(**{f"{prefix}hazard__isnull": False}) & ~Q(**{f"{prefix}hazard__status__in": list(ENDED_STATUSES)})

    def sort_keys(self, ids: Iterable[int]) -> dict[int, object]:
        return dict(Hazard.objects.filter(pk__in=list(ids)).values_list("pk", "recorded_at"))

    def histories(self, ids: Iterable[int]) -> dict[int, History]:
        return hazard_histories(ids)

    def code(self, obj: Hazard) -> str:
        return obj.code

    def one_line(self, obj: Hazard) -> str:
        return f"{obj.code} · {obj.enterprise.name} · {HazardStatus(obj.status).label}"

    def find(self, actor, ref) -> Hazard:
        ref = str(getattr(ref, "pk", ref) or "").strip()
        query = Q(code__iexact=ref)
        try:
            query |= Q(pk=parsers.pk_of(ref))
        except ValueError:
            pass
        hazard = Hazard.objects.visible_to(actor).filter(query).first() if ref else None
        if hazard is None:
            raise ValidationError({"hazard": _("No hazard with this code.")})
        return hazard

    def refuse_manual(self, obj: Hazard) -> str | None:
        if obj.status in ENDED_STATUSES:
            return _("Hazard %(code)s is %(status)s; only open hazards go to a meeting.") % {
                "code": obj.code, "status": HazardStatus(obj.status).label}
        return None

    def refuse_decision(self, obj: Hazard) -> str | None:
        return self.refuse_manual(obj)

    def apply_decision(self, decision, meeting, *, actor, now: datetime) -> None:
        common = {
            "actor": actor, "note": decision.note, "meeting_id": meeting.pk, "meeting_title": str(meeting.title),
            "decision_id": decision.pk, "now": now,
        }
        if decision.action == DecisionAction.INTERVIEW:
            propose_interview([decision.item.hazard_id], organiser=decision.lead_department_id, hold_by=decision.deadline,
                              **common)
        elif decision.action == DecisionAction.REFER:
            refer_for_enforcement(decision.item.hazard_id, department=decision.lead_department_id, deadline=decision.deadline,
                                  **common)
        else:
            raise ValidationError({"action": _("A hazard gets a joint interview or a referral.")})


HAZARD = HazardSubject()
