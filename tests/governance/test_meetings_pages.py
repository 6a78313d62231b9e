"""The meeting pages: scoping, pinned query counts, the street office's whole run through the
pages, refusals shown as messages, the printed documents and the Excel ledger."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from governance.meetings import services as meetings
from governance.meetings.choices import MeetingStatus
from governance.models import Decision, Meeting
from incidents import services as cases
from incidents.choices import Action, EventKind, Status
from incidents.models import Incident
from tests.governance.conftest import in_days
from tests.governance.test_meetings_api import NOBODY, build
from tests.scoping import assert_page_scoping

pytestmark = pytest.mark.django_db


def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def local_input(moment) -> str:
    from django.utils import timezone

    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_meeting_pages_are_scoped(world, make_case, page_for):
    a, b, c, *_ = build(world, make_case)
    everything = {a.pk, b.pk, c.pk}
    personas = {name: world.persona(name) for name in vars(world.users)}
    expected = {
        "street": everything, "admin": everything, "urban": {a.pk, c.pk}, "safety": {a.pk}, "officer": {a.pk, b.pk},
        **{name: set() for name in NOBODY},
    }
    for route in ("meetings:detail", "meetings:print-agenda", "meetings:print-minutes"):
        assert_page_scoping(page_for, personas, detail_url=lambda pk, route=route: reverse(route, args=[pk]),
                            expected=expected, all_ids=everything)


@pytest.mark.parametrize(
    ("route", "persona", "queries"),
    [
        # urban: the nav reads its department (the contractors entry is the safety office's).
        ("meetings:list", "street", 4), ("meetings:list", "urban", 5),
        # A department user's page also reads their department's name.
        ("meetings:decisions", "street", 5), ("meetings:decisions", "urban", 6), ("meetings:decisions", "safety", 6),
    ],
)
def test_list_pages_run_a_fixed_number_of_queries(world, make_case, page_for, django_assert_num_queries, route, persona, queries):
    client = english(page_for(world.persona(persona)))
    build(world, make_case)
    with django_assert_num_queries(queries):
        small = page(client, reverse(route))
    Meeting.objects.all().delete()
    build(world, make_case, extra=3)
    with django_assert_num_queries(queries):
        large = page(client, reverse(route))
    rows = re.compile(r"<tr[^>]* data-(meeting|decision)=")
    assert len(rows.findall(large)) >= len(rows.findall(small)) > 0
    assert route == "meetings:list" or len(rows.findall(large)) > len(rows.findall(small))


def test_meeting_page_runs_a_fixed_number_of_queries(world, make_case, page_for, django_assert_num_queries):
    client = english(page_for(world.users.street))
    a, b, c, *_ = build(world, make_case)
    with django_assert_num_queries(10):
        page(client, reverse("meetings:detail", args=[c.pk]))
    Meeting.objects.all().delete()
    a, b, c, *_ = build(world, make_case, extra=3)
    with django_assert_num_queries(10):
        body = page(client, reverse("meetings:detail", args=[c.pk]))
    assert body.count('class="agenda-item') == 4


def test_the_street_office_runs_a_meeting_through_the_pages(world, disputed, page_for):
    case = disputed()
    client = english(page_for(world.users.street))
    # The Monday task has not run yet: this week's agenda is offered for preparation.
    response = client.get(reverse("meetings:this-week"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("meetings:create"))
    form = page(client, response["Location"])
    assert 'name="held_at"' in form and 'name="fill"' in form
    response = client.post(reverse("meetings:create"), {
        "kind": "weekly", "held_at": local_input(in_days(1)), "place": "Room 301", "chair": world.users.street.pk,
        "attending_departments": [world.urban.pk, world.safety.pk], "fill": "on",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    meeting = Meeting.objects.get()
    assert response["Location"] == reverse("meetings:detail", args=[meeting.pk])
    assert client.get(reverse("meetings:this-week"))["Location"] == reverse("meetings:detail", args=[meeting.pk])
    body = page(client, response["Location"])
    assert case.code in body and "Disputed ownership" in body and "returned by 安监办" in body

    response = client.post(reverse("meetings:start", args=[meeting.pk]))
    item = meeting.items.get()
    assert response["Location"] == reverse("meetings:run", args=[meeting.pk])
    assert client.get(response["Location"])["Location"] == reverse("meetings:run-item", args=[meeting.pk, item.pk])
    run = page(client, reverse("meetings:run-item", args=[meeting.pk, item.pk]))
    assert "Item 1 of 1" in run and case.description in run
    # A deadline in the past is a form message, not a 500.
    bad = client.post(reverse("meetings:run-item", args=[meeting.pk, item.pk]), {
        "lead_department": world.urban.pk, "deadline": "2001-01-01T09:00", "note": "",
    })
    assert bad.status_code == 200 and "The deadline must be in the future." in bad.content.decode()
    deadline = in_days(5).replace(second=0, microsecond=0)
    response = client.post(reverse("meetings:run-item", args=[meeting.pk, item.pk]), {
        "lead_department": world.urban.pk, "cooperating": [world.safety.pk], "deadline": local_input(deadline), "note": "Clear it",
    })
    assert response["Location"] == reverse("meetings:detail", args=[meeting.pk])
    assert Decision.objects.get().lead_department == world.urban

    response = client.post(reverse("meetings:publish", args=[meeting.pk]), follow=True)
    assert "The minutes are published" in response.content.decode()
    case.refresh_from_db()
    assert (case.status, case.department, case.due_at) == (Status.DISPATCHED, world.urban, deadline)
    assert case.events.filter(kind=EventKind.MEETING_DECISION).count() == 1
    # Read-only now: a late addition is refused with a message and changes nothing.
    response = client.post(reverse("meetings:item-add", args=[meeting.pk]), {"incident": case.code, "reason_note": "again"}, follow=True)
    assert "The minutes are published and can no longer be changed." in response.content.decode()
    assert meeting.items.count() == 1
    minutes = page(client, reverse("meetings:print-minutes", args=[meeting.pk]))
    assert 'class="document"' in minutes  # no longer a draft
    assert "城管中队 takes the lead, 安监办 cooperate" in minutes and "Clear it" in minutes


def test_a_failed_publication_names_the_item_on_the_page(world, disputed, page_for):
    first, second = disputed(), disputed(cell=world.cell_b1x)
    street = world.users.street
    meeting, _ = meetings.prepare_weekly_meeting()
    meetings.start_session(meeting.pk, actor=street)
    items = {i.incident_id: i for i in meeting.items.all()}
    for case in (first, second):
        meetings.record_decision(items[case.pk].pk, actor=street, lead_department=world.urban, deadline=in_days(3))
    cases.apply_action(second.pk, actor=street, action=Action.VOID, params={"reason": "duplicate"})
    client = english(page_for(street))
    response = client.post(reverse("meetings:publish", args=[meeting.pk]))
    assert response["Location"].endswith(f"?failed={items[second.pk].pk}")
    body = page(client, response["Location"])
    assert f"Item 2 (case {second.code}) could not be applied" in body
    assert f'agenda-item item-failed item-decided" id="item-{items[second.pk].pk}"' in body
    assert Incident.objects.get(pk=first.pk).status == Status.DISPUTED
    assert Meeting.objects.get().status == MeetingStatus.IN_SESSION


def test_the_chair_edits_the_agenda_through_the_pages(world, disputed, make_case, page_for):
    case = disputed()
    extra = make_case(Status.REGISTERED, cell=world.cell_a2x)
    meeting, _ = meetings.prepare_weekly_meeting()
    client = english(page_for(world.users.street))
    url = reverse("meetings:item-add", args=[meeting.pk])
    response = client.post(url, {"incident": extra.code, "reason_note": ""}, follow=True)
    assert "This field is required." in response.content.decode()
    client.post(url, {"incident": extra.code, "reason_note": "Residents petitioned"})
    added = meeting.items.get(incident=extra)
    client.post(reverse("meetings:item-move", args=[meeting.pk, added.pk]), {"direction": "up"})
    assert [i.incident_id for i in meeting.items.active()] == [extra.pk, case.pk]
    response = client.post(reverse("meetings:item-withdraw", args=[meeting.pk, added.pk]), {"reason": ""}, follow=True)
    assert "Say why the case is removed" in response.content.decode()
    client.post(reverse("meetings:item-withdraw", args=[meeting.pk, added.pk]), {"reason": "Settled by the zone"})
    body = page(client, reverse("meetings:detail", args=[meeting.pk]))
    assert "1 case removed from the agenda" in body and "Settled by the zone" in body
    response = client.post(reverse("meetings:edit", args=[meeting.pk]), {
        "held_at": local_input(in_days(2)), "place": "Zone 2 office", "attending_departments": [world.police.pk], "summary": "Next: gas",
    })
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.place == "Zone 2 office" and list(meeting.attending_departments.all()) == [world.police]


def test_departments_read_and_others_are_kept_out(world, disputed, page_for):
    case = disputed()
    meeting, _ = meetings.prepare_weekly_meeting()
    meeting.attending_departments.set([world.urban])
    urban = english(page_for(world.users.urban))
    body = page(urban, reverse("meetings:detail", args=[meeting.pk]))
    assert case.code in body and 'data-testid="start"' not in body and "Add a case by hand" not in body
    assert 'data-testid="nav-meetings"' in body
    item = meeting.items.get()
    street_only = (
        reverse("meetings:create"), reverse("meetings:run-item", args=[meeting.pk, item.pk]), reverse("meetings:edit", args=[meeting.pk]),
    )
    for url in street_only:
        assert urban.get(url).status_code == 403
    assert urban.post(reverse("meetings:start", args=[meeting.pk])).status_code == 403
    assert Meeting.objects.get().status == MeetingStatus.PREPARED
    worker = english(page_for(world.users.worker))
    assert worker.get(reverse("meetings:detail", args=[meeting.pk])).status_code == 404
    assert 'data-testid="nav-meetings"' not in page(worker, reverse("meetings:list"))
    assert worker.post(reverse("meetings:start", args=[meeting.pk])).status_code == 404


def test_printed_documents_have_the_official_shape(world, disputed, page_for):
    case = disputed()
    street = world.users.street
    meeting, _ = meetings.prepare_weekly_meeting()
    meetings.update_meeting(meeting.pk, actor=street, chair=street, attendees=[world.users.urban], guests="区检察院 王检察官")
    client = english(page_for(street))
    agenda = page(client, reverse("meetings:print-agenda", args=[meeting.pk]))
    assert "css/print.css" in agenda and f"Agenda of {meeting.title}" in agenda
    assert "辛河街道 Weekly work meeting" in agenda and f"No. 1 of {meeting.year}" in agenda
    assert f"1.On case {case.code}" in agenda and "returned by 城管中队" in agenda
    meetings.start_session(meeting.pk, actor=street)
    draft = page(client, reverse("meetings:print-minutes", args=[meeting.pk]))
    assert 'class="document draft"' in draft and 'data-draft-label="DRAFT"' in draft
    assert "Not decided at this meeting" in draft and "区检察院 王检察官" in draft and "辛河街道 Office" in draft
    assert "Minutes on assigning responsibility for disputed cases" in draft and f"Minutes of {meeting.title}</title>" in draft


def test_chinese_numbering_of_printed_items(world, disputed, page_for):
    disputed()
    meeting, _ = meetings.prepare_weekly_meeting()
    client = page_for(world.users.street)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    agenda = page(client, reverse("meetings:print-agenda", args=[meeting.pk]))
    assert "<h3>一、" in agenda


def test_the_ledger_exports_every_visible_decision_without_formulas(world, make_case, page_for):
    *_, a_items, _b, c_items = build(world, make_case)
    decision = Decision.objects.get(item=a_items[0])
    Decision.objects.filter(pk=decision.pk).update(note="=HYPERLINK(\"http://evil\",\"x\")")
    street = english(page_for(world.users.street))
    response = street.get(reverse("meetings:decisions-export"))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    stamp, *rows = sheet.iter_rows(values_only=True)
    assert stamp[0].startswith(f"Exported by {world.users.street.display_name}")
    assert rows[0][0] == "Meeting" and rows[0][-1] == "Outcome" and len(rows) == 1 + 3
    notes = {row[3]: row[11] for row in rows[1:]}
    assert notes[a_items[0].incident.code] == "'=HYPERLINK(\"http://evil\",\"x\")"
    note_cells = [row[11] for row in sheet.iter_rows(min_row=3)]
    assert all(cell.data_type == "s" for cell in note_cells if cell.value)
    assert {row[-1] for row in rows[1:]} == {"Open, deadline not reached", "Not yet published"}
    safety = load_workbook(io.BytesIO(english(page_for(world.users.safety)).get(reverse("meetings:decisions-export")).content)).active
    assert [row[3] for row in safety.iter_rows(min_row=3, values_only=True)] == [a_items[0].incident.code]


def test_the_department_decision_page_shows_what_concerns_it(world, make_case, page_for):
    *_, a_items, _b, c_items = build(world, make_case)
    safety = page(english(page_for(world.users.safety)), reverse("meetings:decisions"))
    assert a_items[0].incident.code in safety and a_items[1].incident.code not in safety
    assert "Meeting decisions concerning" in safety and "安监办" in safety
    # safety cooperates but the case is not in its queue: the code is shown, not linked.
    assert f'href="/incidents/{a_items[0].incident_id}/"' not in safety
    urban = page(english(page_for(world.users.urban)), reverse("meetings:decisions"))
    assert f'href="/incidents/{a_items[0].incident_id}/"' in urban and c_items[0].incident.code in urban


def test_the_add_item_form_sent_twice_puts_the_case_on_the_agenda_once(world, disputed, make_case, page_for):
    import uuid

    disputed()
    extra = make_case(Status.REGISTERED, cell=world.cell_a2x)
    meeting, _ = meetings.prepare_weekly_meeting()
    client = english(page_for(world.users.street))
    assert 'name="once_token"' in page(client, reverse("meetings:detail", args=[meeting.pk]))
    url = reverse("meetings:item-add", args=[meeting.pk])
    form = {"incident": extra.code, "reason_note": "Residents petitioned", "once_token": str(uuid.uuid4())}
    first = client.post(url, form)
    second = client.post(url, form, follow=True)
    assert first.status_code == 302 and second.redirect_chain[-1][0] == first["Location"]
    assert meeting.items.filter(incident=extra).count() == 1
    body = second.content.decode()
    assert "already on the agenda" not in body and 'role="alert"' not in body
