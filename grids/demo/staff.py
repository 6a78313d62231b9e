"""The demo's people as plain data: who they are, their role, org unit and grid cells.

Org units are named by natural keys (zone number, community code, department slug, cell codes);
grids.demo.organisation turns them into rows.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from grids.choices import CommunityPost, DepartmentKind, Role
from grids.demo import data
from grids.demo.layout import ZonePlan

SURNAMES = "王张李刘孙于徐杨陈赵高薛丁姜宋郭周林马韩崔臧纪管逄修宫兰"
GIVEN_NAMES = (
    "建国 秀英 海燕 志强 丽娜 文静 洪涛 晓东 玉兰 春梅 立新 国庆 德胜 桂芳 红霞 俊杰 子涵 浩然 雨萱 明辉 "
    "振华 淑珍 凤英 永刚 金凤 海波 晓燕 宏伟 婷婷 鹏飞 慧敏 学军 秀兰 新民 卫东 丽华 建华 海军 美玲 家豪 "
    "思远 佳琪 欣怡 伟 静 磊 敏 勇 艳 杰 涛 斌 超 娟 琳 强 军 平 刚 霞 芳 燕 颖 鑫"
).split()
MOBILE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "153", "155", "156",
                   "158", "159", "177", "180", "181", "186", "187", "188", "189", "199")


@dataclass(frozen=True)
class UserSpec:
    username: str
    role: str
    last_name: str
    first_name: str
    phone: str
    zone: int | None = None  # zone number
    community: str | None = None  # community code
    department: str | None = None  # department slug
    worker_kind: str = ""
    community_post: str = ""
    cells: tuple[str, ...] = ()  # grid cell codes
    is_staff: bool = False
    is_superuser: bool = False


class _People:
    """Fictional names and unique 11-digit mobile numbers from a seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.phones: set[str] = set()

    def person(self) -> dict[str, str]:
        phone = ""
        while not phone or phone in self.phones:
            phone = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
        self.phones.add(phone)
        return {"last_name": self.rng.choice(SURNAMES), "first_name": self.rng.choice(GIVEN_NAMES), "phone": phone}


def _grid_workers(zones: list[ZonePlan], people: _People, rng: random.Random) -> list[UserSpec]:
    """128 grid workers: one per cell, the rest in the most populous communities; 1-2 cells each."""
    communities = [c for z in zones for c in z.communities]
    extra = data.GRID_WORKER_TOTAL - sum(len(c.cells) for c in communities)
    crowded = {c.code for c in sorted(communities, key=lambda c: (-c.population, c.code))[:extra]}
    kinds = [kind for kind, n in data.WORKER_KIND_SPLIT.items() for _ in range(n)]
    rng.shuffle(kinds)
    second_zone_first_community = zones[1].communities[0].code
    specs: list[UserSpec] = []
    number = 0
    for community in communities:
        cells = [c.code for c in community.cells]
        for k in range(len(cells) + (community.code in crowded)):
            own = [cells[k % len(cells)]]
            # Every third worker (the first one included) also covers the next cell.
            if k % 3 == 0 and len(cells) > 1:
                own.append(cells[(k + 1) % len(cells)])
            if community.code == "001" and k == 0:
                username = "worker1"
            elif community.code == second_zone_first_community and k == 0:
                username = "worker2"
            else:
                number += 1
                username = f"gw{number:03d}"
            specs.append(
                UserSpec(
                    username, Role.GRID_WORKER, **people.person(), community=community.code,
                    worker_kind=kinds[len(specs)], cells=tuple(own),
                )
            )
    return specs


def staff_plan(zones: list[ZonePlan]) -> list[UserSpec]:
    """Everyone in the demo, the eight demo logins included; the same every time it is called."""
    rng = random.Random(data.SEED + 1)
    people = _People(rng)
    specs = [
        UserSpec("admin", Role.ADMIN, **people.person(), is_staff=True, is_superuser=True),
        UserSpec("street", Role.STREET, **people.person()),
    ]
    for zone in zones:
        specs.append(UserSpec(f"zone{zone.number}", Role.ZONE_LEADER, **people.person(), zone=zone.number))
    for zone in zones:
        for community in zone.communities:
            head = "community1" if community.code == "001" else f"gh{community.code}"
            specs.append(
                UserSpec(head, Role.COMMUNITY, **people.person(), community=community.code, community_post=CommunityPost.GRID_HEAD)
            )
            specs.append(
                UserSpec(
                    f"sp{community.code}", Role.COMMUNITY, **people.person(), community=community.code,
                    community_post=CommunityPost.SPECIALIST,
                )
            )
    for department in data.DEPARTMENTS:
        # One handler per department for the whole sub-district ("safety", "urban" are demo logins);
        # police officers below belong to their zone's police room instead.
        if department.kind == DepartmentKind.POLICE:
            continue
        username = department.slug if department.slug in data.DEMO_DEPARTMENT_LOGINS else f"{department.slug}-hq"
        specs.append(UserSpec(username, Role.DEPARTMENT, **people.person(), department=department.slug))
    for zone in zones:
        for department in data.DEPARTMENTS:
            if department.zone_team and department.kind != DepartmentKind.POLICE:
                specs.append(
                    UserSpec(
                        f"{department.slug}-z{zone.number}", Role.DEPARTMENT, **people.person(),
                        department=department.slug, zone=zone.number,
                    )
                )
    for zone in zones:
        for n in range(1, officers_needed(len(zone.communities)) + 1):
            specs.append(
                UserSpec(f"police-z{zone.number}-{n:02d}", Role.DEPARTMENT, **people.person(), department="police", zone=zone.number)
            )
    specs.extend(_grid_workers(zones, people, rng))
    return specs


def officers_needed(communities: int) -> int:
    """Officers a police room needs so that no one works two shifts in a row."""
    return 2 * communities + 2
