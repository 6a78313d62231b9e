"""The hazard ladder on the shared sweep: reminder → yellow → red and 督办函 → 挂牌督办 → refusal,
each once per rung, whether the sweep runs twice, late (after a day down) or concurrently."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from casework.calendar import load_calendar
from casework.choices import Escalation, LimitKind
from casework.errors import Refused
from grids.models import Notification
from grids.people import street_office
from inspections import services
from inspections.choices import HazardEventKind as K
from inspections.models import Hazard, HazardEvent, SupervisionLetter
from tests.incidents.test_concurrency import in_threads

MINUTE = dt.timedelta(minutes=1)
LADDER = (K.REMINDER, K.YELLOW_CARD, K.RED_CARD, K.SUPERVISED, K.REFUSED)
def red_told(world) -> set[int]:  # noqa: N802
    return {*street_office(), world.users.zone_leader.pk}


ZERO = {"reminder": 0, "yellow": 0, "red": 0, "supervised": 0, "refused": 0, "recheck_overdue": 0, "referral_overdue": 0}


def sweep(now) -> dict[str, int]:
    return services.escalate_overdue_hazards(now=now)


def moved(**counts) -> dict[str, int]:
    return {**ZERO, **counts}


def rungs(hazard) -> list[str]:
    return list(HazardEvent.objects.filter(hazard=hazard, kind__in=LADDER).order_by("pk").values_list("kind", flat=True))


def told(user, kind) -> int:
    return Notification.objects.filter(recipient=user, kind=kind).count()


@pytest.mark.django_db
def test_a_general_hazard_climbs_as_time_passes(world, drive):
    hazard, users = drive.to("rectifying", general=True), world.users
    cal = load_calendar()
    assert hazard.warn_at == cal.before(hazard.due_at, 1)  # one working day before the deadline
    assert hazard.red_at == cal.add(hazard.due_at, 5, LimitKind.WORKING_DAYS)
    assert sweep(hazard.warn_at - MINUTE) == ZERO
    assert sweep(hazard.warn_at) == moved(reminder=1)
    assert told(users.worker, K.REMINDER) == 1 and told(users.worker_b, K.REMINDER) == 0  # the enterprise's cell
    assert sweep(hazard.due_at - MINUTE) == ZERO
    assert sweep(hazard.due_at) == moved(yellow=1)
    assert told(users.zone_leader, K.YELLOW_CARD) == 1 and told(users.zone_leader_b, K.YELLOW_CARD) == 0
    hazard.refresh_from_db()
    assert (hazard.escalation, hazard.missed_deadlines) == (Escalation.YELLOW, 1)
    assert sweep(hazard.red_at - MINUTE) == ZERO
    assert sweep(hazard.red_at) == moved(red=1)
    assert told(users.street, K.RED_CARD) == 1
    letter = SupervisionLetter.objects.get(hazard=hazard)
    assert (letter.missed, letter.due_at) == (1, hazard.due_at)
    assert sweep(hazard.red_at + dt.timedelta(days=30)) == ZERO  # a general hazard is not listed
    assert rungs(hazard) == [K.REMINDER, K.YELLOW_CARD, K.RED_CARD]


@pytest.mark.django_db
def test_run_twice_gives_one_card_and_one_notification_per_rung(world, drive):
    hazard = drive.to("rectifying", general=True)
    for now in (hazard.warn_at, hazard.due_at, hazard.red_at):
        first, second = sweep(now), sweep(now)
        assert sum(first.values()) == 1 and second == ZERO
    assert Counter(rungs(hazard)) == {K.REMINDER: 1, K.YELLOW_CARD: 1, K.RED_CARD: 1}
    assert Notification.objects.filter(kind=K.YELLOW_CARD).count() == 1
    assert SupervisionLetter.objects.filter(hazard=hazard).count() == 1


@pytest.mark.django_db
def test_after_a_day_down_the_sweep_catches_up_in_one_run(world, drive):
    hazard = drive.to("rectifying", general=True)
    assert sweep(hazard.red_at + dt.timedelta(days=1)) == moved(yellow=1, red=1)  # the reminder's moment has passed
    assert sweep(hazard.red_at + dt.timedelta(days=2)) == ZERO
    # one red-card note per person told: the street office and the zone's leader
    assert Notification.objects.filter(kind=K.RED_CARD).count() == len(red_told(world))
    assert SupervisionLetter.objects.count() == 1


@pytest.mark.django_db
def test_a_major_hazard_goes_red_at_once_and_its_second_miss_is_listed_and_a_refusal(world, drive):
    hazard, users = drive.to("rectifying"), world.users
    assert hazard.red_at == hazard.due_at
    assert sweep(hazard.due_at) == moved(yellow=1, red=1)
    # an approved extension gives a new deadline; missing it is the second miss
    later = hazard.due_at + dt.timedelta(hours=1)
    services.apply_hazard_action(hazard.pk, actor=users.worker, action="request_extension",
                                 params={"working_days": 3, "reason": "设备到货延迟"}, now=later)
    services.apply_hazard_action(hazard.pk, actor=users.safety, action="decide_extension", params={"approve": True}, now=later)
    hazard.refresh_from_db()
    assert (hazard.escalation, hazard.extensions, hazard.supervised_at) == (Escalation.NONE, 1, None)
    assert sweep(hazard.due_at) == moved(yellow=1, red=1, supervised=1, refused=1)
    for _ in range(2):
        assert sweep(hazard.due_at + dt.timedelta(days=40)) == ZERO
    hazard.refresh_from_db()
    assert hazard.missed_deadlines == 2 and hazard.supervised_at is not None and hazard.refusals == 1
    refusal = HazardEvent.objects.get(hazard=hazard, kind=K.REFUSED)
    assert refusal.data["ground"] == "missed_deadlines"
    assert SupervisionLetter.objects.filter(hazard=hazard).count() == 2
    assert told(users.street, K.SUPERVISED) == 1 and told(users.street, K.REFUSED) == 1
    # while the ladder's refusal is open (no meeting decided on it), the `refuse` action adds none
    with pytest.raises(Refused):
        services.apply_hazard_action(hazard.pk, actor=users.safety, action="refuse",
                                     params={"ground": "refused_halt", "evidence": "拒不停产，现场照片"})
    assert HazardEvent.objects.filter(hazard=hazard, kind=K.REFUSED).count() == 1
    assert sweep(hazard.due_at + dt.timedelta(days=41)) == ZERO


@pytest.mark.django_db
def test_the_ladder_waits_while_the_office_rechecks(world, drive):
    hazard = drive.to("submitted", general=True)
    # The enterprise has asked to close: its own rungs wait; only the office's recheck, now overdue, climbs.
    assert sweep(hazard.red_at + dt.timedelta(days=1)) == moved(recheck_overdue=1)
    assert Hazard.objects.get(pk=hazard.pk).escalation == Escalation.NONE


@pytest.mark.django_db(transaction=True)
def test_concurrent_sweeps_escalate_each_hazard_once(postgres, world, drive):
    hazards = [drive.to("rectifying", general=True) for _ in range(4)]
    late = max(h.red_at for h in hazards) + dt.timedelta(days=1)
    results = in_threads(4, lambda i: sweep(late))
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(r["yellow"] for r in results) == 4 and sum(r["red"] for r in results) == 4
    for hazard in hazards:
        assert Counter(rungs(hazard)) == {K.YELLOW_CARD: 1, K.RED_CARD: 1}
    assert Notification.objects.filter(kind=K.RED_CARD).count() == 4 * len(red_told(world))
    assert SupervisionLetter.objects.count() == 4
