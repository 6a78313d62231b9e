"""Run by the deployment test inside `manage.py shell` against the throwaway database: the smallest
organisation that can file a case (a zone, a community, a cell, a category tree, a zone leader and
a grid worker) and the worker's API token, issued by the token service. Prints one JSON line."""

import json
from types import SimpleNamespace

from governance.security.devices import issue_token
from grids.choices import DepartmentKind, Role, WorkerKind
from tests import factories as f
from tests.incidents import factories as cf

subdistrict = f.SubDistrictFactory()
zone = f.ZoneFactory(subdistrict=subdistrict, number=1, name="第一管区")
community = f.CommunityFactory(zone=zone, code="001", name="东岭社区")
cell = f.GridCellFactory(community=community, code=f"{community.full_code}001", boundary=f.square(120.00, 36.00))
safety = f.DepartmentFactory(slug="safety", name="安监办", kind=DepartmentKind.SAFETY)
urban = f.DepartmentFactory(slug="urban", name="城管中队", kind=DepartmentKind.URBAN_MANAGEMENT)
categories = cf.category_tree(SimpleNamespace(safety=safety, urban=urban))
f.UserFactory(username="zone1", role=Role.ZONE_LEADER, zone=zone)
worker = f.GridWorkerFactory(username="worker1", community=community, worker_kind=WorkerKind.COMMUNITY_FULL_TIME, cells=[cell])
_token, key = issue_token(user=worker, device_name="deployment test")
latitude, longitude = cf.centre(cell)
print("SITE=" + json.dumps({"token": key, "category": categories.gas.pk, "cell": cell.pk,
                            "latitude": latitude, "longitude": longitude}))
