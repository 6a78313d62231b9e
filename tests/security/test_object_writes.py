"""Object-level writes (issue 18): every state-changing route on an object — a URL with a pk
(or other object) kwarg, pages and API — answers 404 to an actor outside the object's scope, and
changes nothing.

The test walks the URL resolver (every named route with an object kwarg, admin aside: superusers
only) and the API schema (every POST/PUT/PATCH/DELETE operation on an object path). Each route must
be in ROUTES below, which maps its name to the out-of-scope object to probe it with; a route that is
not there FAILS the build, so a new route cannot land without its scope probe.

Adding a route is one line in ROUTES: `"<namespace>:<name>": <kind>,` where <kind> is the name of
an attribute of `Probes` (the fixture `probes` below): an object of the world's zone A together with
an actor who may not see it (and its URL kwargs). If the route's object is a new kind, add one
attribute to `Probes` (the object, its kwargs and an outsider) and one line to `probes`.
`PUBLIC` marks reference data readable by every member of staff (categories, the criteria
library): there is no "out of scope", and a write must be refused (403/405) to a non-administrator.

On a page every write method must answer 404 (or 405 where the route takes no such method); on the
API every write operation the schema declares must answer exactly 404. A fingerprint of every table
of ours before and after each route shows that nothing changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from governance.meetings import services as meetings
from grids.notifications import notify
from incidents.choices import Status
from inspections.choices import RefusalGround
from inspections.interview_choices import Body
from inspections.models import SupervisionLetter
from inspections.services import interviews
from tests import factories as f
from tests.contractors.fixtures import ROUTE_KINDS, firm_objects
from tests.contractors.fixtures import build as build_contractors
from tests.governance.assessment.probes import assessment_probes
from tests.incidents import factories as cf
from tests.inspections.campaign_fixtures import campaign_data
from tests.inspections.conftest import checklist, enterprises, make_hazard, make_inspection  # noqa: F401  (fixtures)
from tests.inspections.interviews.helpers import commit_params, hold_params, schedule_params
from tests.inspections.rectification_fixtures import drive  # noqa: F401  (fixture)

PUBLIC = "public"

ROUTES: dict[str, str] = {
    # --- pages ---------------------------------------------------------------------------------
    "incidents:detail": "case",
    "incidents:act": "case",
    "incidents:link": "case",
    "incidents:photo": "case_photo",
    "inspections:enterprise-detail": "enterprise",
    "inspections:inspection-form": "enterprise",
    "inspections:checklist-detail": PUBLIC,
    "inspections:hazard-detail": "hazard",
    "inspections:hazard-act": "hazard",
    "inspections:hazard-photo": "hazard_photo",
    "inspections:inspection-detail": "inspection",
    "inspections:raise-hazard": "inspection_answer",
    "inspections:inspection-photo": "inspection_photo",
    "inspections:inspection-signature": "inspection",
    "inspections:inspection-edit": "inspection",
    "inspections:campaign-detail": "campaign",
    "inspections:campaign-edit": "campaign",
    "inspections:campaign-act": "campaign",
    "inspections:campaign-ledger": "campaign",
    "inspections:notice-create": "enterprise",
    "inspections:notice-detail": "notice",
    "inspections:notice-serve": "notice",
    "inspections:notice-print": "notice",
    "inspections:notice-proof": "notice",
    "inspections:letter-print": "letter",
    "inspections:evidence-photo": "evidence_photo",
    "inspections:interview-detail": "interview",
    "inspections:interview-act": "interview",
    "inspections:interview-participant-add": "interview",
    "inspections:interview-scan": "interview",
    "inspections:interview-print-notice": "interview",
    "inspections:interview-print-record": "interview",
    "inspections:interview-print-dossier": "interview",
    "grids:zone-detail": "zone",
    "grids:community-detail": "community",
    "grids:cell-detail": "cell",
    "grids:worker-detail": "worker",
    "grids:training-detail": "training",
    "grids:notification-open": "notification",
    "dashboard:zone": "dashboard_zone",
    "dashboard:zone-export": "dashboard_zone",
    "dashboard:hazard-stats-zone": "dashboard_zone",
    "dashboard:hazard-stats-zone-export": "dashboard_zone",
    "meetings:detail": "meeting",
    "meetings:edit": "meeting",
    "meetings:refresh": "meeting",
    "meetings:start": "meeting",
    "meetings:publish": "meeting",
    "meetings:item-add": "meeting",
    "meetings:item-withdraw": "meeting_item",
    "meetings:item-move": "meeting_item",
    "meetings:run": "meeting",
    "meetings:run-item": "meeting_item",
    "meetings:decision-clear": "meeting_item",
    "meetings:print-agenda": "meeting",
    "meetings:print-minutes": "meeting",
    "assessment:appeal": "appeal",
    "assessment:appeal-act": "appeal",
    "assessment:appeal-file": "appeal_file",
    "assessment:sheet": "sheet",
    "assessment:line": "sheet_line",
    "assessment:sheet-comment": "sheet",
    "assessment:sheet-appeal": "sheet",
    "assessment:period-publish": "assessment_period",
    "assessment:period-compute": "assessment_period",
    "assessment:reward-sheet": "assessment_period",
    "assessment:scheme": "scheme",
    # --- API -----------------------------------------------------------------------------------
    "api-dashboard-zone": "dashboard_zone",
    "zone-detail": "zone",
    "community-detail": "community",
    "gridcell-detail": "cell",
    "department-detail": PUBLIC,
    "user-detail": "worker",
    "notification-detail": "notification",
    "incident-detail": "case",
    "incident-actions": "case",
    "incident-photo": "case_photo",
    "category-detail": PUBLIC,
    "enterprise-detail": "enterprise",
    "criterion-detail": PUBLIC,
    "checklisttemplate-detail": PUBLIC,
    "inspection-detail": "inspection",
    "inspection-photos": "inspection",
    "inspection-signature": "inspection",
    "inspection-submit": "inspection",
    "hazard-detail": "hazard",
    "hazard-actions": "hazard",
    "campaign-detail": "campaign",
    "campaign-actions": "campaign",
    "campaign-progress": "campaign",
    "campaign-targets": "campaign",
    "rectification-detail": "rectified_hazard",
    "notice-detail": "notice",
    "notice-serve": "notice",
    "interview-detail": "interview",
    "interview-actions": "interview",
    "interview-participants": "interview",
    "meeting-detail": "meeting",
    "meeting-publish": "meeting",
    "meeting-refresh": "meeting",
    "meeting-reorder": "meeting",
    "meeting-start": "meeting",
    "agenda-item-detail": "item",
    "agenda-item-move": "item",
    "agenda-item-withdraw": "item",
    "meeting-decision-detail": "decision",
    "personal-data": "worker_phone",
    "api-token-device-detail": "api_token",
    "account-device-revoke": "api_token",
    # Open311: public reads (GET only), every write method refused with the spec's 405.
    "open311:service": "open311_service",
    "open311:service-format": "open311_service_json",
    "open311:request": "open311_request",
    "open311:request-format": "open311_request_json",
    "open311:token": "open311_token",
    "open311:token-format": "open311_token_json",
    "assessment-sheet-detail": "sheet",
    "assessment-sheet-appeal": "sheet",
    "assessment-appeal-detail": "appeal",
    "assessment-appeal-actions": "appeal",
    "assessment-period-detail": "assessment_period",
    "assessment-period-publish": "assessment_period",
    "assessment-scheme-detail": "scheme",
    # --- contractors (pages and API): the kinds are tests.contractors.fixtures.ROUTE_KINDS' ---
    **ROUTE_KINDS,
}

WRITES = ("post", "put", "patch", "delete")
NOT_OBJECT_KWARGS = {"format"}
OUR_APPS = {"casework", "grids", "incidents", "inspections", "contractors", "governance", "authtoken"}


@dataclass
class Probe:
    actor: object
    kwargs: dict


# --- the routes ------------------------------------------------------------------------------

def object_routes() -> dict[str, URLPattern]:
    """Named routes with an object kwarg, by their reverse() name (admin aside)."""
    found: dict[str, URLPattern] = {}

    def walk(resolver: URLResolver, namespace: str | None, prefix: str) -> None:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                ns = pattern.namespace
                walk(pattern, f"{namespace}:{ns}" if namespace and ns else ns or namespace, prefix + str(pattern.pattern))
            elif pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                if name.startswith("admin:"):
                    continue
                kwargs = set(re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", prefix + str(pattern.pattern)))
                if {a or b for a, b in kwargs} - NOT_OBJECT_KWARGS:
                    found.setdefault(name, pattern)

    walk(get_resolver(), None, "")
    return found


def schema_writes() -> dict[str, set[str]]:
    """The API schema's write operations on object paths, by route name."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    writes: dict[str, set[str]] = {}
    for path, operations in schema["paths"].items():
        if "{" not in path:
            continue
        name = resolve(re.sub(r"\{[^}]+\}", "1", path)).view_name
        methods = {m for m in operations if m in WRITES}
        if methods:
            writes.setdefault(name, set()).update(methods)
    return writes


def test_every_object_route_is_in_the_registry():
    routes = set(object_routes())
    unknown = sorted(routes - set(ROUTES))
    assert unknown == [], f"routes without a scope probe — add each to ROUTES in {__file__}: {unknown}"
    gone = sorted(set(ROUTES) - routes)
    assert gone == [], f"ROUTES names routes that no longer exist: {gone}"
    assert set(schema_writes()) <= routes


# --- the objects -----------------------------------------------------------------------------

@pytest.fixture
def probes(world, enterprises, checklist, make_inspection, make_hazard, drive, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.NOTIFICATION_CHANNELS = []
    from inspections import services as inspections

    u = world.users
    outsider_b = u.zone_leader_b  # zone B's leader: sees nothing of zone A
    cats = cf.category_tree(world)
    case = cf.case_in(Status.SELF_HANDLED, world, cats)  # zone A, with a photo
    enterprise = enterprises["a1x"]
    inspection = make_inspection(enterprise)
    answer = inspection.answers.get(item__code="G1")
    hazard = inspections.hazard_from_answer(answer, actor=u.safety)
    training = f.TrainingSessionFactory(zone=world.zone_a)
    notify([u.worker], kind="test", title="for the worker only", key="probe")
    notification = u.worker.notifications.get()
    week = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday())
    meeting, _ = meetings.prepare_meeting(kind="weekly", week_start=week, actor=u.street)
    disputed = cf.case_in(Status.DISPUTED, world, cats)
    item = meetings.add_item(meeting.pk, actor=u.street, incident=disputed, reason_note="probe")
    meetings.start_session(meeting.pk, actor=u.street)
    decision = meetings.record_decision(item.pk, actor=u.street, lead_department=world.urban.pk,
                                        deadline=timezone.now() + dt.timedelta(days=5), note="probe")
    # The meeting's outsider: a department user whose department neither attends nor is concerned.
    outsider_meeting = u.officer
    # A campaign of zone A only, started (its targets: zone A's enterprises): zone B's leader sees it
    # neither by target nor by the campaign's zones.
    campaign = inspections.create_campaign(actor=u.street, **campaign_data(world, zones=[world.zone_a.pk]))
    inspections.start_campaign(campaign.pk, actor=u.street)
    # A hazard of a1x through the rectification loop to "submitted": a served notice, an after-photo,
    # and the supervision letter the red card would have issued.
    rectified = drive.to("submitted")
    letter = SupervisionLetter.objects.create(hazard=rectified, missed=1, issued_at=timezone.now(), due_at=timezone.now())
    # A refused major hazard of a1x and the joint interview on it, committed (a scan).
    refused = make_hazard(enterprise, "confirmed")
    interviews.record_refusal(refused, reason=RefusalGround.MISSED_DEADLINES, evidence="probe", actor=u.safety)
    interview = interviews.propose_interview([refused.pk], organiser=world.safety.pk, actor=u.street)
    interviews.add_participant(interview.pk, actor=u.street, body=Body.POLICE, organisation="辛河派出所", name="民警")
    interviews.apply_interview_action(interview.pk, actor=u.street, action="schedule", params=schedule_params())
    interview.refresh_from_db()
    interviews.apply_interview_action(interview.pk, actor=u.street, action="hold", params=hold_params(interview))
    interviews.apply_interview_action(interview.pk, actor=u.street, action="commit", params=commit_params())
    # A device token of the worker (zone B's leader may not revoke it), and an Open311 report on the case.
    from governance.security.devices import issue_token
    from incidents.models import Open311Request
    from incidents.open311.keys import create_client

    api_token, _key = issue_token(user=u.worker, device_name="probe phone")
    cats.gas.open311_public = True
    cats.gas.save()
    open311 = Open311Request.objects.create(incident=case, client=create_client(name="probe client"), token="probe0311",
                                            submitted_at=timezone.now())
    assessed = assessment_probes(world)
    # A firm serving zone A's enterprises, with a visit, a finding and a spot check: zone B's leader sees none of it.
    firm_kwargs = firm_objects(build_contractors(world, enterprises), "a")
    return SimpleNamespace(
        **{kind: Probe(outsider_b, kwargs) for kind, kwargs in firm_kwargs.items() if not kind.startswith("_")},
        api_token=Probe(outsider_b, {"pk": api_token.pk}),
        open311_service=Probe(outsider_b, {"code": cats.gas.code}),
        open311_service_json=Probe(outsider_b, {"code": cats.gas.code, "format": "json"}),
        open311_request=Probe(outsider_b, {"request_id": case.code}),
        open311_request_json=Probe(outsider_b, {"request_id": case.code, "format": "json"}),
        open311_token=Probe(outsider_b, {"token": open311.token}),
        open311_token_json=Probe(outsider_b, {"token": open311.token, "format": "json"}),
        sheet=Probe(outsider_b, {"pk": assessed.sheet.pk}),
        sheet_line=Probe(outsider_b, {"pk": assessed.sheet.pk, "key": "valid_report_rate"}),
        appeal=Probe(outsider_b, {"pk": assessed.appeal.pk}),
        appeal_file=Probe(outsider_b, {"pk": assessed.appeal.pk, "file_pk": assessed.appeal_file.pk}),
        # Periods and schemes are readable by all staff; their writes are the street office's:
        # a zone leader gets 404 (pages) like everywhere else.
        assessment_period=Probe(outsider_b, {"pk": assessed.period.pk}),
        scheme=Probe(outsider_b, {"pk": assessed.scheme.pk}),
        case=Probe(outsider_b, {"pk": case.pk}),
        case_photo=Probe(outsider_b, {"pk": case.pk, "photo_pk": case.photos.first().pk}),
        enterprise=Probe(outsider_b, {"pk": enterprise.pk}),
        inspection=Probe(outsider_b, {"pk": inspection.pk}),
        inspection_answer=Probe(outsider_b, {"pk": inspection.pk, "answer_pk": answer.pk}),
        inspection_photo=Probe(outsider_b, {"pk": inspection.pk, "photo_pk": 1}),
        hazard=Probe(outsider_b, {"pk": hazard.pk}),
        hazard_photo=Probe(outsider_b, {"pk": hazard.pk, "photo_pk": 1}),
        zone=Probe(outsider_b, {"pk": world.zone_a.pk}),
        dashboard_zone=Probe(outsider_b, {"zone_id": world.zone_a.pk}),
        community=Probe(outsider_b, {"pk": world.community_a1.pk}),
        cell=Probe(outsider_b, {"pk": world.cell_a1x.pk}),
        worker=Probe(outsider_b, {"pk": u.worker.pk}),
        worker_phone=Probe(outsider_b, {"key": "user_phone", "pk": u.worker.pk}),
        training=Probe(outsider_b, {"pk": training.pk}),
        notification=Probe(u.worker_b, {"pk": notification.pk}),
        meeting=Probe(outsider_meeting, {"pk": meeting.pk}),
        meeting_item=Probe(outsider_meeting, {"pk": meeting.pk, "item_pk": item.pk}),
        item=Probe(outsider_meeting, {"pk": item.pk}),
        decision=Probe(outsider_meeting, {"pk": decision.pk}),
        campaign=Probe(outsider_b, {"pk": campaign.pk}),
        rectified_hazard=Probe(outsider_b, {"pk": rectified.pk}),
        notice=Probe(outsider_b, {"pk": rectified.notice_id}),
        letter=Probe(outsider_b, {"pk": rectified.pk, "letter_pk": letter.pk}),
        evidence_photo=Probe(outsider_b, {"pk": rectified.pk, "photo_pk": rectified.evidence.get().pk}),
        interview=Probe(outsider_b, {"pk": interview.pk}),
        public=SimpleNamespace(
            category=cats.gas.pk, department=world.safety.pk, criterion=checklist.major.pk,
            checklisttemplate=checklist.template.pk, actor=outsider_b,
        ),
    )


def fingerprint() -> dict[str, str]:
    prints = {}
    for model in apps.get_models():
        # The audit trail is meant to grow on refusals (an out-of-scope 404 is recorded).
        if model._meta.app_label in OUR_APPS and not model._meta.proxy and model._meta.label != "governance.AuditEntry":
            rows = list(model._base_manager.order_by("pk").values_list())
            prints[model._meta.label] = hashlib.sha1(repr(rows).encode()).hexdigest()
    return prints


def public_kwargs(name: str, probes) -> dict:
    key = name.split(":")[-1].removesuffix("-detail").replace("checklist", "checklisttemplate").replace("templatetemplate", "template")
    return {"pk": getattr(probes.public, key)}


def test_out_of_scope_writes_answer_404_and_change_nothing(probes):
    api_writes = schema_writes()
    clients: dict[int, tuple] = {}
    failures: list[str] = []
    probed_404 = 0
    for name, _pattern in sorted(object_routes().items()):
        kind = ROUTES[name]
        if kind == PUBLIC:
            probe = Probe(probes.public.actor, public_kwargs(name, probes))
        else:
            probe = getattr(probes, kind)
        actor = probe.actor
        if actor.pk not in clients:
            page, api = APIClient(headers={"Accept-Language": "en"}), APIClient(headers={"Accept-Language": "en"})
            page.force_login(actor)
            api.force_authenticate(actor)
            clients[actor.pk] = (page, api)
        page, api = clients[actor.pk]
        url = reverse(name, kwargs=probe.kwargs)
        is_api = url.startswith("/api/")
        before = fingerprint()
        for method in WRITES:
            client = api if is_api else page
            response = getattr(client, method)(url, {}, format="json") if is_api else getattr(client, method)(url, {})
            if kind == PUBLIC:
                allowed = {403, 405}
            elif is_api and method in api_writes.get(name, set()):
                allowed = {404}
            else:
                allowed = {404, 405}
            if response.status_code not in allowed:
                failures.append(f"{method.upper()} {url} ({name}) as {actor.username}: {response.status_code}, want {sorted(allowed)}")
            probed_404 += response.status_code == 404
        after = fingerprint()
        changed = sorted(label for label in before if before[label] != after[label])
        if changed:
            failures.append(f"{name}: changed {changed}")
    assert failures == [], "\n".join(failures)
    # Every schema write was among them, and answered 404 (checked above); the walk is not empty.
    assert sum(len(m) for m in api_writes.values()) >= 15
    assert probed_404 >= 40


def test_the_probes_are_real_objects_their_owners_can_read(probes, world, api_for):
    # A probe on a missing object would pass vacuously: the street office reads each one.
    street = api_for(world.users.street)
    for name in ("incident-detail", "enterprise-detail", "inspection-detail", "hazard-detail", "meeting-detail",
                 "agenda-item-detail", "meeting-decision-detail", "zone-detail", "user-detail"):
        probe = getattr(probes, ROUTES[name])
        assert street.get(reverse(name, kwargs=probe.kwargs)).status_code == 200, name
    assert api_for(world.users.worker).get(reverse("notification-detail", kwargs=probes.notification.kwargs)).status_code == 200
    for name in ("campaign-detail", "rectification-detail", "notice-detail", "interview-detail"):
        probe = getattr(probes, ROUTES[name])
        assert street.get(reverse(name, kwargs=probe.kwargs)).status_code == 200, name
    # The files behind the kwargs exist: the street office downloads each one (and the letter prints).
    page = Client()
    page.force_login(world.users.street)
    for name in ("inspections:letter-print", "inspections:evidence-photo",
                 "inspections:interview-scan", "inspections:notice-detail", "inspections:campaign-detail"):
        probe = getattr(probes, ROUTES[name])
        assert page.get(reverse(name, kwargs=probe.kwargs)).status_code == 200, name

