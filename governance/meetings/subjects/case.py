"""Cases as the subject of a joint meeting.

The case app does not know about meetings (ARCHITECTURE.md, arrows): the agenda asks the cases.
A case is a candidate while its state calls for a meeting — disputed ownership, returned twice
or more since the last meeting decision, a red card still overdue. Each source is one query; the
history lines of all candidates come from one query over their timelines. A decision is carried
out by the case loop's own verb, `incidents.services.decisions.assign_by_decision`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from casework import parsers
from governance.meetings.choices import ItemReason
from governance.meetings.subjects.base import History, Subject
from grids.notifications import notify
from incidents.choices import OPEN_STATUSES, Escalation, EventKind, Status
from incidents.models import Incident, IncidentEvent
from incidents.services.decisions import assign_by_decision, assignable, not_assignable
from incidents.services.timeline import department_handlers

HISTORY_KINDS = [
    EventKind.RETURN, EventKind.DISPUTE, EventKind.AUTO_DISPUTE, EventKind.YELLOW_CARD, EventKind.RED_CARD,
    EventKind.MEETING_DECISION,
]


def _last_event(kind: str) -> Subquery:
    return Subquery(
        IncidentEvent.objects.filter(incident=OuterRef("pk"), kind=kind).order_by("-created_at", "-pk").values("created_at")[:1]
    )


def disputed_cases(now: datetime) -> QuerySet:
    """Disputed ownership, including disputed cases that were suspended (parked) meanwhile."""
    return Incident.objects.filter(Q(status=Status.DISPUTED) | Q(status=Status.SUSPENDED, resume_status=Status.DISPUTED))


def returned_cases(now: datetime) -> QuerySet:
    """Returned twice or more, still open, and returned again since the last meeting decided it."""
    return (
        Incident.objects.filter(assignable(), return_count__gte=2)
        .exclude(status=Status.DISPUTED)
        .exclude(status=Status.SUSPENDED, resume_status=Status.DISPUTED)
        .annotate(last_return=_last_event(EventKind.RETURN), last_decided=_last_event(EventKind.MEETING_DECISION))
        .filter(Q(last_decided__isnull=True) | Q(last_return__gt=F("last_decided")))
    )


def red_card_cases(now: datetime) -> QuerySet:
    """A red card and still overdue, in a state where a department can be assigned."""
    return Incident.objects.filter(assignable(), escalation=Escalation.RED, due_at__lte=now)


def _day(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%m-%d")


def _history_part(kind: str, data: dict, at: datetime) -> str:
    day = _day(at)
    if kind == EventKind.RETURN:
        return _("returned by %(department)s %(day)s") % {"department": data.get("department_name") or "?", "day": day}
    if kind == EventKind.DISPUTE:
        return _("disputed %(day)s") % {"day": day}
    if kind == EventKind.AUTO_DISPUTE:
        return _("disputed automatically %(day)s") % {"day": day}
    if kind == EventKind.YELLOW_CARD:
        return _("yellow card %(day)s") % {"day": day}
    if kind == EventKind.RED_CARD:
        return _("red card %(day)s") % {"day": day}
    return _("meeting no. %(number)s assigned %(department)s %(day)s") % {
        "number": data.get("meeting_number", "?"), "department": data.get("department_name") or "?", "day": day,
    }


def case_histories(incident_ids: Iterable[int]) -> dict[int, History]:
    """incident id → its returns, disputes, cards and meeting decisions, oldest first (one query)."""
    histories: dict[int, History] = defaultdict(History)
    rows = (
        IncidentEvent.objects.filter(incident_id__in=list(incident_ids), kind__in=HISTORY_KINDS)
        .order_by("created_at", "pk")
        .values_list("incident_id", "kind", "data", "created_at")
    )
    for incident_id, kind, data, created_at in rows:
        data = data or {}
        history = histories[incident_id]
        history.parts.append(_history_part(kind, data, created_at))
        if kind in (EventKind.RETURN, EventKind.DISPUTE, EventKind.MEETING_DECISION) and data.get("department"):
            history.department_ids.add(int(data["department"]))
    return histories


class CaseSubject(Subject):
    kind = "case"
    field = "incident"
    item_joins = ("incident__category__parent", "incident__community", "incident__zone", "incident__department")
    sources = (
        (ItemReason.DISPUTED, disputed_cases),
        (ItemReason.RETURNED, returned_cases),
        (ItemReason.RED_CARD, red_card_cases),
    )

    def still_open(self, prefix: str = "") -> Q:
        return Q(**{f"{prefix}incident__status__in": OPEN_STATUSES})

    def sort_keys(self, ids: Iterable[int]) -> dict[int, object]:
        return dict(Incident.objects.filter(pk__in=list(ids)).values_list("pk", "reported_at"))

    def histories(self, ids: Iterable[int]) -> dict[int, History]:
        return case_histories(ids)

    def code(self, obj: Incident) -> str:
        return obj.code

    def one_line(self, obj: Incident) -> str:
        return f"{obj.code} · {obj.category} · {Status(obj.status).label}"

    def find(self, actor, ref) -> Incident:
        ref = str(getattr(ref, "pk", ref) or "").strip()
        query = Q(code__iexact=ref)
        try:
            query |= Q(pk=parsers.pk_of(ref))  # an id as well as a code
        except ValueError:
            pass
        incident = Incident.objects.visible_to(actor).filter(query).first() if ref else None
        if incident is None:
            raise ValidationError({"incident": _("No case with this code.")})
        return incident

    def refuse_manual(self, obj: Incident) -> str | None:
        if obj.status in OPEN_STATUSES:
            return None
        return _("Case %(code)s is %(status)s; only open cases go to a meeting.") % {
            "code": obj.code, "status": Status(obj.status).label}

    def refuse_decision(self, obj: Incident) -> str | None:
        return not_assignable(obj)

    def apply_decision(self, decision, meeting, *, actor, now: datetime) -> None:
        partners = sorted(decision.cooperating.all(), key=lambda d: (d.sort, d.name))
        incident = assign_by_decision(
            decision.item.incident_id, actor=actor, department=decision.lead_department_id, deadline=decision.deadline,
            note=decision.note, meeting_title=str(meeting.title), now=now,
            event_data={
                "meeting": meeting.pk, "meeting_number": meeting.number, "meeting_title": str(meeting.title),
                "decision": decision.pk, "cooperating": [d.pk for d in partners], "cooperating_names": [d.name for d in partners],
            },
        )
        if not partners:
            return
        recipients = {pk for d in partners for pk in department_handlers(d.pk, incident.zone_id)}
        recipients.discard(actor.pk)
        notify(
            recipients, kind=EventKind.MEETING_DECISION,
            title=_("%(code)s: your department cooperates (%(meeting)s)") % {"code": incident.code, "meeting": meeting.title},
            body=_("Lead: %(lead)s. Deadline: %(deadline)s.") % {
                "lead": decision.lead_department.name, "deadline": timezone.localtime(decision.deadline).strftime("%Y-%m-%d %H:%M"),
            } + (f"\n{decision.note}" if decision.note else ""),
            url=reverse("meetings:decisions") + f"#decision-{decision.pk}", key=f"meeting-decision:{decision.pk}:cooperating",
        )


CASE = CaseSubject()
