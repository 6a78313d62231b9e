"""Writes the demo organisation: territory, departments and their zone teams, people.

Every row is looked up by its natural key (codes, numbers, slugs, usernames) and created only
when missing, so a second run adds nothing and never changes what an administrator edited.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import TextIO

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction

from grids.choices import CommunityPost
from grids.demo import data
from grids.demo.layout import ZonePlan, territory_plan
from grids.demo.schedules import seed_duty_roster, seed_trainings
from grids.demo.staff import UserSpec, staff_plan
from grids.models import Community, Department, GridCell, SubDistrict, User, Zone, ZoneTeam
from grids.selectors import week_start
from grids.services import grid_cell_save

DEMO_LOGINS = ("street", "zone1", "community1", "worker1", "worker2", "safety", "urban", "admin")
SUMMARY_KEYS = (
    "sub-districts", "zones", "communities", "grid cells", "departments", "zone teams", "users", "cell assignments",
    "duty shifts", "training sessions", "attendance rows",
)


@transaction.atomic
def seed_organisation(*, stdout: TextIO | None = None) -> dict[str, int]:
    """Load the demo sub-district; returns how many rows of each kind were created.

    Deterministic (fixed seeds, no dates in keys) and idempotent: run again, it creates nothing,
    except the duty roster of a new week when run in a later week.
    """
    created: Counter[str] = Counter(dict.fromkeys(SUMMARY_KEYS, 0))
    zones_plan = territory_plan()
    subdistrict, new = SubDistrict.objects.get_or_create(code=data.SUBDISTRICT["code"], defaults=data.SUBDISTRICT)
    created["sub-districts"] += new
    zones, communities = _seed_territory(subdistrict, zones_plan, created)
    _say(stdout, f"Territory: {len(zones)} zones, {len(communities)} communities, {created['grid cells']} new grid cells")
    departments = _seed_departments(zones, created)
    users = _seed_users(staff_plan(zones_plan), zones, communities, departments, created)
    _link_leaders(zones, communities, users)
    _say(stdout, f"People: {created['users']} new users, {created['cell assignments']} new cell assignments")
    officers: dict[int, list[User]] = {}
    for user in sorted(users.values(), key=lambda u: u.username):
        if user.department_id == departments["police"].pk and user.zone_id:
            officers.setdefault(user.zone_id, []).append(user)
    # This week and the next, so that the roster's "coming 7 days" check has data any day of the week.
    for week in (week_start(), week_start() + timedelta(days=7)):
        created["duty shifts"] += seed_duty_roster(communities=list(communities.values()), officers_by_zone=officers, week=week)
    workers = sorted((u for u in users.values() if u.worker_kind), key=lambda u: u.username)
    sessions, attendances = seed_trainings(zones=zones, workers=workers, week=week_start())
    created["training sessions"] += sessions
    created["attendance rows"] += attendances
    _say(stdout, f"Schedules: {created['duty shifts']} new duty shifts, {sessions} new training sessions")
    return dict(created)


def _say(stdout: TextIO | None, line: str) -> None:
    if stdout is not None:
        stdout.write(line + "\n")


def _seed_territory(
    subdistrict: SubDistrict, plan: list[ZonePlan], created: Counter[str]
) -> tuple[dict[int, Zone], dict[str, Community]]:
    zones: dict[int, Zone] = {}
    communities: dict[str, Community] = {
        c.code: c for c in Community.objects.filter(zone__subdistrict=subdistrict).select_related("zone__subdistrict")
    }
    existing_cells = set(GridCell.objects.filter(community__zone__subdistrict=subdistrict).values_list("code", flat=True))
    for zone_plan in plan:
        zone, new = Zone.objects.get_or_create(
            subdistrict=subdistrict, number=zone_plan.number,
            defaults={"name": zone_plan.name, "office_address": zone_plan.office_address},
        )
        created["zones"] += new
        zone.subdistrict = subdistrict  # full_code of its communities reads it without a query
        zones[zone.number] = zone
        for community_plan in zone_plan.communities:
            community = communities.get(community_plan.code)
            if community is None:
                community = Community.objects.create(
                    zone=zone, code=community_plan.code, name=community_plan.name, kind=community_plan.kind,
                    address=community_plan.address, households=community_plan.households, population=community_plan.population,
                )
                communities[community.code] = community
                created["communities"] += 1
            for cell_plan in community_plan.cells:
                if cell_plan.code in existing_cells:
                    continue
                # Through the service, so the demo's boundaries pass the same checks as an admin's.
                grid_cell_save(
                    GridCell(
                        community=community, code=cell_plan.code, name=cell_plan.name, boundary=cell_plan.boundary,
                        households=cell_plan.households, population=cell_plan.population,
                    )
                )
                created["grid cells"] += 1
    return zones, communities


def _seed_departments(zones: dict[int, Zone], created: Counter[str]) -> dict[str, Department]:
    departments: dict[str, Department] = {}
    for spec in data.DEPARTMENTS:
        department, new = Department.objects.get_or_create(
            slug=spec.slug,
            defaults={"name": spec.name, "name_en": spec.name_en, "kind": spec.kind, "phone": spec.phone, "sort": spec.sort},
        )
        if not new and spec.name_en and not department.name_en:  # a database seeded before English names
            department.name_en = spec.name_en
            department.save(update_fields=["name_en"])
        created["departments"] += new
        departments[spec.slug] = department
    existing = set(ZoneTeam.objects.values_list("department_id", "zone_id"))
    teams = []
    for spec in data.DEPARTMENTS:
        if not spec.zone_team:
            continue
        department = departments[spec.slug]
        for zone in zones.values():
            if (department.pk, zone.pk) not in existing:
                teams.append(
                    ZoneTeam(
                        department=department, zone=zone, name=f"{zone.name}{spec.zone_team}",
                        phone=f"{spec.phone[:-2]}{zone.number}{zone.number}", address=zone.office_address,
                    )
                )
    ZoneTeam.objects.bulk_create(teams)
    created["zone teams"] += len(teams)
    return departments


def _seed_users(
    specs: list[UserSpec],
    zones: dict[int, Zone],
    communities: dict[str, Community],
    departments: dict[str, Department],
    created: Counter[str],
) -> dict[str, User]:
    usernames = [s.username for s in specs]
    existing = User.objects.in_bulk(usernames, field_name="username")
    # One hash for everyone: hashing is deliberately slow, and the demo has some 300 users.
    password = make_password(settings.DEMO_PASSWORD)
    new_users = [
        User(
            username=s.username, password=password, role=s.role, first_name=s.first_name, last_name=s.last_name,
            phone=s.phone, zone=zones[s.zone] if s.zone else None,
            community=communities[s.community] if s.community else None,
            department=departments[s.department] if s.department else None,
            worker_kind=s.worker_kind, community_post=s.community_post, is_staff=s.is_staff, is_superuser=s.is_superuser,
        )
        for s in specs
        if s.username not in existing
    ]
    User.objects.bulk_create(new_users, batch_size=200)
    created["users"] += len(new_users)
    users = User.objects.in_bulk(usernames, field_name="username")

    cell_ids = dict(GridCell.objects.filter(community__in=communities.values()).values_list("code", "pk"))
    through = User.grid_cells.through
    wanted = {(users[s.username].pk, cell_ids[code]) for s in specs for code in s.cells}
    have = set(
        through.objects.filter(user_id__in=[users[s.username].pk for s in specs if s.cells]).values_list("user_id", "gridcell_id")
    )
    missing = sorted(wanted - have)
    through.objects.bulk_create([through(user_id=u, gridcell_id=c) for u, c in missing], batch_size=500)
    created["cell assignments"] += len(missing)
    return users


def _link_leaders(zones: dict[int, Zone], communities: dict[str, Community], users: dict[str, User]) -> None:
    """Point each zone at its leader and each community at its grid head and specialist."""
    for zone in zones.values():
        leader = users[f"zone{zone.number}"]
        if zone.leader_id is None:
            zone.leader = leader
            zone.save(update_fields=["leader"])
    posts: dict[tuple[int, str], User] = {}
    for user in users.values():
        if user.community_post in (CommunityPost.GRID_HEAD, CommunityPost.SPECIALIST) and user.community_id:
            posts[user.community_id, user.community_post] = user
    for community in communities.values():
        changed = []
        if community.grid_head_id is None and (head := posts.get((community.pk, CommunityPost.GRID_HEAD))):
            community.grid_head = head
            changed.append("grid_head")
        if community.specialist_id is None and (specialist := posts.get((community.pk, CommunityPost.SPECIALIST))):
            community.specialist = specialist
            changed.append("specialist")
        if changed:
            community.save(update_fields=changed)
