"""What the joint meeting adds to the case loop's pages without the case app importing it (the
arrows): a note on the case page — the meeting that will take the case, and once its minutes
are published, the decision — and the cases a department may open because a published decision
names it as cooperating. Registered by GovernanceConfig.ready()."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.meetings.choices import MeetingStatus
from governance.meetings.models import AgendaItem, Decision, Meeting
from incidents import selectors as case_selectors
from incidents.choices import Status
from incidents.models import cases as case_models


def cooperating_cases(user) -> Q:
    """Cases of published decisions in which the user's department cooperates."""
    applied = Decision.objects.applied().filter(cooperating=user.department_id)
    return Q(pk__in=applied.values("item__incident_id"))


def _when(meeting: Meeting) -> str:
    return timezone.localtime(meeting.held_at).strftime("%Y-%m-%d %H:%M")


def meeting_notes(user, incident) -> list[case_selectors.CaseNote]:
    """The case's latest agenda item (one query, with its meeting and decision)."""
    item = (
        AgendaItem.objects.filter(incident=incident, withdrawn_at__isnull=True)
        .select_related("meeting", "decision__lead_department").order_by("-meeting__held_at", "-pk").first()
    )
    meeting_url = ""
    if item is not None and Meeting.objects.visible_to(user).filter(pk=item.meeting_id).exists():
        meeting_url = reverse("meetings:detail", args=[item.meeting_id])
    decision = getattr(item, "decision", None) if item is not None else None
    if decision is not None and decision.applied_at is not None:
        partners = ", ".join(d.name for d in decision.cooperating.all()) or "—"
        lines = [
            _("Lead department: %(lead)s. Cooperating: %(partners)s.") % {"lead": decision.lead_department.name, "partners": partners},
            _("Deadline: %(deadline)s.") % {"deadline": timezone.localtime(decision.deadline).strftime("%Y-%m-%d %H:%M")},
        ]
        if decision.note:
            lines.append(decision.note)
        return [case_selectors.CaseNote(
            title=_("Decided by %(meeting)s (%(when)s)") % {"meeting": item.meeting.title, "when": _when(item.meeting)},
            lines=tuple(lines), url=meeting_url, link_text=_("Open the meeting"), testid="meeting-decision",
        )]
    if item is not None and item.meeting.status != MeetingStatus.PUBLISHED:
        return [case_selectors.CaseNote(
            title=_("On the agenda of %(meeting)s (%(when)s)") % {"meeting": item.meeting.title, "when": _when(item.meeting)},
            lines=((_("The joint meeting decides which department takes this case; it is dispatched once the minutes "
                      "are published. Until then no department works on it and no deadline runs.")
                    if incident.status == Status.DISPUTED else
                    _("The joint meeting reviews it (%(reason)s) and may assign it anew.") % {"reason": item.get_reason_display()}),),
            url=meeting_url, link_text=_("Open the meeting"), testid="meeting-agenda",
        )]
    if incident.status == Status.DISPUTED:
        return [case_selectors.CaseNote(
            title=_("Waiting for the joint meeting"),
            lines=(_("Ownership is disputed, so the weekly joint meeting (street office) assigns the case. It joins "
                     "the coming meeting's agenda on its own."),),
            url="", link_text="", testid="meeting-waiting",
        )]
    return []


def register() -> None:
    if cooperating_cases not in case_models.DEPARTMENT_VISIBILITY:
        case_models.DEPARTMENT_VISIBILITY.append(cooperating_cases)
    if meeting_notes not in case_selectors.CASE_NOTES:
        case_selectors.CASE_NOTES.append(meeting_notes)
