"""The hazards' escalation ladder (SAFETY.md §8.3) on the shared sweep (casework.ladder).

1. one working day before the deadline: a reminder to the workers of the enterprise's cell;
2. overdue: yellow card, the zone leaders told (and the missed deadline counted);
3. overdue 5 working days, or a major hazard overdue at all: red card and a supervision letter
   (督办函), the street office told;
4. a major hazard's second missed deadline: 挂牌督办 by the sub-district (flag and event);
5. the same: the refusal to rectify is recorded (a REFUSED event, once per hazard, not while a
   refusal recorded through the `refuse` action is open), which the joint interview's agenda
   picks up.

Two more clocks of a hazard climb one rung each, on ladders of their own columns:

6. a recheck not decided by its due time (3 working days after the request to close): the
   recheck's reviewers, the zone leaders and the street office told, once per request to close;
7. a referred department's feedback not received by its due time (5 working days): the
   department's handlers, the sender and the street office told, once per referral.

Every rung reads stored columns (due_at, warn_at, red_at, missed_deadlines, the flags) against
`now` and writes what takes the hazard off its condition in the same UPDATE, so the sweep is
idempotent, SKIP LOCKED makes concurrent sweeps share the work, and a sweep after a day down
climbs every rung it missed in one run. Run by beat (inspections.tasks.sweep_hazard_deadlines).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.choices import Escalation
from casework.ladder import Ladder, Rung, sweep
from grids.notifications import Note, notify_many
from grids.people import cell_workers_by_cell, department_handlers_by_zone, street_office, zone_leaders_by_zone
from inspections.choices import RUNNING, HazardEventKind, HazardLevel, HazardStatus, RecheckResult, RefusalGround
from inspections.models import Hazard, HazardEvent, Recheck, Referral, SupervisionLetter
from inspections.services.refusals import hazards_awaiting_interview

_running = Q(status__in=RUNNING)
_major = Q(level=HazardLevel.MAJOR)


def _letters(rows: list, now: datetime) -> None:
    # missed_deadlines as the yellow rung raised it, returned by the red rung's UPDATE; the unique
    # (hazard, missed) keeps one letter per miss
    SupervisionLetter.objects.bulk_create(
        (SupervisionLetter(hazard_id=row.pk, missed=max(row.missed_deadlines, 1), issued_at=now, due_at=row.due_at)
         for row in rows),
        ignore_conflicts=True)


RUNGS = (
    Rung("reminder", Escalation.WARNING, HazardEventKind.REMINDER, _("%(code)s: the rectification deadline is tomorrow"),
         lambda now: _running & Q(escalation=Escalation.NONE, warn_at__lte=now, due_at__gt=now)),
    Rung("yellow", Escalation.YELLOW, HazardEventKind.YELLOW_CARD, _("Yellow card: %(code)s is overdue"),
         lambda now: _running & Q(escalation__lt=Escalation.YELLOW, due_at__lte=now),
         updates=lambda now: {"missed_deadlines": F("missed_deadlines") + 1}),
    Rung("red", Escalation.RED, HazardEventKind.RED_CARD, _("Red card: %(code)s, a supervision letter is issued"),
         lambda now: _running & Q(escalation=Escalation.YELLOW, red_at__lte=now), after=_letters),
    Rung("supervised", None, HazardEventKind.SUPERVISED, _("%(code)s is listed for supervision (挂牌督办)"),
         lambda now: _running & _major & Q(missed_deadlines__gte=2, supervised_at__isnull=True),
         updates=lambda now: {"supervised_at": now}),
    Rung("refused", None, HazardEventKind.REFUSED, _("%(code)s: refusal to rectify recorded"),
         # no second REFUSED event while one is open (recorded through the `refuse` action)
         lambda now: (_running & _major & Q(missed_deadlines__gte=2, auto_refused_at__isnull=True)
                      # correlated: checked for the few candidates only, not computed for every open hazard
                      & ~Exists(hazards_awaiting_interview().filter(pk=OuterRef("pk")))),
         updates=lambda now: {"auto_refused_at": now, "refusals": F("refusals") + 1},
         data={"ground": RefusalGround.MISSED_DEADLINES}),
)


RECHECK_RUNG = Rung(
    "recheck_overdue", None, HazardEventKind.RECHECK_OVERDUE, _("%(code)s: the recheck is overdue"),
    # flagged once per due time: a later request to close has a later recheck_due_at
    lambda now: (Q(status__in=[HazardStatus.SUBMITTED, HazardStatus.RECHECKING], recheck_due_at__lte=now)
                 & (Q(recheck_overdue_at__isnull=True) | Q(recheck_overdue_at__lt=F("recheck_due_at")))),
    updates=lambda now: {"recheck_overdue_at": now})
REFERRAL_RUNG = Rung(
    "referral_overdue", None, HazardEventKind.REFERRAL_OVERDUE, _("%(code)s: the department's feedback is overdue"),
    lambda now: (Q(referral_due_at__lte=now)
                 & (Q(referral_overdue_at__isnull=True) | Q(referral_overdue_at__lt=F("referral_due_at")))),
    updates=lambda now: {"referral_overdue_at": now})


def _recheck_recipients(rows: list) -> dict[int, list[int]]:
    street = street_office()
    leaders = zone_leaders_by_zone(row.zone_id for row in rows)
    reviewers: dict[int, list[int]] = {}
    through = Recheck.reviewers.through.objects.filter(recheck__hazard_id__in=[row.pk for row in rows],
                                                       recheck__result=RecheckResult.PENDING)
    for hazard_id, user_id in through.values_list("recheck__hazard_id", "user_id"):
        reviewers.setdefault(hazard_id, []).append(user_id)
    return {row.pk: street + leaders.get(row.zone_id, []) + reviewers.get(row.pk, []) for row in rows}


def _referral_recipients(rows: list) -> dict[int, list[int]]:
    street = street_office()
    zones = {row.pk: row.zone_id for row in rows}
    referrals = list(Referral.objects.filter(hazard_id__in=list(zones), feedback_at__isnull=True)
                     .values_list("hazard_id", "department_id", "sent_by_id"))
    handlers = department_handlers_by_zone((department, zones[hazard]) for hazard, department, _sender in referrals)
    out = {row.pk: list(street) for row in rows}
    for hazard, department, sender in referrals:
        out[hazard] += [*handlers.get((department, zones[hazard]), []), sender]
    return out


def _recipients(rung: Rung, rows: list) -> dict[int, list[int]]:
    if rung.name == RECHECK_RUNG.name:
        return _recheck_recipients(rows)
    if rung.name == REFERRAL_RUNG.name:
        return _referral_recipients(rows)
    if rung.name == "reminder":
        workers = cell_workers_by_cell(row.grid_cell_id for row in rows)
        return {row.pk: workers.get(row.grid_cell_id, []) for row in rows}
    if rung.name == "yellow":
        leaders = zone_leaders_by_zone(row.zone_id for row in rows)
        return {row.pk: leaders.get(row.zone_id, []) for row in rows}
    street = street_office()
    leaders = zone_leaders_by_zone(row.zone_id for row in rows)
    return {row.pk: street + leaders.get(row.zone_id, []) for row in rows}


def _url_of():
    # one reverse() per sweep, as the case ladder does
    return reverse("inspections:hazard-detail", args=[987654321]).replace("987654321", "{}").format


HAZARD_LADDER = Ladder(
    model=Hazard, event_model=HazardEvent, event_owner="hazard_id", columns=("zone_id", "grid_cell_id", "missed_deadlines"),
    recipients=_recipients, note=Note, notify=notify_many, url_of=_url_of, key_prefix="hazard-",
)


RECHECK_LADDER = replace(HAZARD_LADDER, due_field="recheck_due_at")
REFERRAL_LADDER = replace(HAZARD_LADDER, due_field="referral_due_at")


def escalate_overdue_hazards(*, now: datetime | None = None) -> dict[str, int]:
    """Raise every hazard whose deadline runs to the rung its clock calls for, and report overdue
    rechecks and department feedback; how many per rung."""
    now = now or timezone.now()
    return {**sweep(HAZARD_LADDER, RUNGS, now=now), **sweep(RECHECK_LADDER, (RECHECK_RUNG,), now=now),
            **sweep(REFERRAL_LADDER, (REFERRAL_RUNG,), now=now)}
