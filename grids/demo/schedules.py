"""Writes the demo's police duty roster for the current week and its training sessions."""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import datetime, timedelta

from grids.choices import WorkerKind
from grids.demo import data
from grids.models import Community, DutyShift, TrainingAttendance, TrainingSession, User, Zone

DAYS = 7


def seed_duty_roster(*, communities: list[Community], officers_by_zone: dict[int, list[User]], week: datetime) -> int:
    """Two 12-hour shifts a day for every community over [week, week + 7 days), minus ROSTER_GAPS.

    Officers of a zone's police room rotate so that nobody has two communities or two shifts in
    a row. Shifts are keyed by (community, start): a second run in the same week adds nothing.
    Returns the number of shifts created.
    """
    gaps = {(g.community_code, g.day, g.shift): g for g in data.ROSTER_GAPS}
    by_zone: dict[int, list[Community]] = {}
    for community in sorted(communities, key=lambda c: c.code):
        by_zone.setdefault(community.zone_id, []).append(community)
    wanted: list[DutyShift] = []
    for zone_id, members in by_zone.items():
        officers = officers_by_zone.get(zone_id, [])
        if not officers:
            continue
        for day in range(DAYS):
            for shift in range(24 // data.SHIFT_HOURS):
                slot = day * (24 // data.SHIFT_HOURS) + shift
                starts_at = week + timedelta(days=day, hours=shift * data.SHIFT_HOURS)
                ends_at = starts_at + timedelta(hours=data.SHIFT_HOURS)
                for k, community in enumerate(members):
                    gap = gaps.get((community.code, day, shift))
                    start, end = starts_at, ends_at
                    if gap:
                        start += timedelta(hours=gap.trim_start_hours)
                        end -= timedelta(hours=gap.trim_end_hours)
                    officer = officers[(slot * len(members) + k) % len(officers)]
                    wanted.append(DutyShift(community=community, officer=officer, starts_at=start, ends_at=end))
    have = set(
        DutyShift.objects.filter(
            community__in=communities, starts_at__gte=week, starts_at__lt=week + timedelta(days=DAYS)
        ).values_list("community_id", "starts_at")
    )
    # Aware datetimes compare (and hash) by instant, so UTC values from the database match.
    missing = [s for s in wanted if (s.community_id, s.starts_at) not in have]
    DutyShift.objects.bulk_create(missing, batch_size=500)
    return len(missing)


def _audience(name: str, workers: list[User], zone: Zone | None, zone_of: dict[int, int]) -> Iterable[User]:
    if name == "zone":
        return [w for w in workers if zone is not None and zone_of.get(w.community_id) == zone.pk]
    kinds = {
        "all": set(WorkerKind.values),
        "street_ft": {WorkerKind.STREET_FULL_TIME},
        "full_time": {WorkerKind.STREET_FULL_TIME, WorkerKind.COMMUNITY_FULL_TIME},
        "part_time": {WorkerKind.PART_TIME},
    }[name]
    return [w for w in workers if w.worker_kind in kinds]


def seed_trainings(*, zones: dict[int, Zone], workers: list[User], week: datetime) -> tuple[int, int]:
    """The sessions of data.TRAININGS with attendance rows; returns (sessions, rows) created.

    Past sessions record who attended and their test score; upcoming ones list who is enrolled.
    """
    rng = random.Random(data.SEED + 2)
    zone_of = dict(Community.objects.filter(zone__in=zones.values()).values_list("pk", "zone_id"))
    sessions_created = 0
    wanted: list[TrainingAttendance] = []
    sessions: list[TrainingSession] = []
    for spec in data.TRAININGS:
        zone = zones.get(spec.zone_number) if spec.zone_number else None
        session = TrainingSession.objects.filter(title=spec.title).first()
        if session is None:
            session = TrainingSession.objects.create(
                title=spec.title, kind=spec.kind, level=spec.level, zone=zone, trainer=spec.trainer,
                location=spec.location, starts_at=week + timedelta(days=spec.day_offset, hours=spec.hour),
                hours=spec.hours, summary=spec.summary,
            )
            sessions_created += 1
        sessions.append(session)
        past = spec.day_offset < 0
        for worker in _audience(spec.audience, workers, zone, zone_of):
            # The draws do not depend on what exists, so a re-run makes the same choices.
            attended = past and rng.random() < 0.9
            score = rng.randint(60, 100) if attended else None
            wanted.append(TrainingAttendance(session=session, user=worker, attended=attended, score=score))
    have = set(TrainingAttendance.objects.filter(session__in=sessions).values_list("session_id", "user_id"))
    missing = [a for a in wanted if (a.session_id, a.user_id) not in have]
    TrainingAttendance.objects.bulk_create(missing, batch_size=500)
    return sessions_created, len(missing)
