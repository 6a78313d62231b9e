"""The admin keeps cited clauses and used versions read-only; the nav shows the registry to those who see it."""

import pytest

from inspections import services
from inspections.models import ChecklistItem, ChecklistTemplate

pytestmark = pytest.mark.django_db


def test_a_cited_clause_is_read_only_in_the_admin(world, library, page_for):
    admin = page_for(world.users.admin)
    cited = ChecklistItem.objects.filter(clause__isnull=False).first().clause
    page = admin.get(f"/admin/inspections/clause/{cited.pk}/change/")
    assert page.status_code == 200
    assert 'name="summary"' not in page.content.decode()
    admin.post(f"/admin/inspections/clause/{cited.pk}/change/", {"summary": "changed", "number": "x"})
    cited.refresh_from_db()
    assert cited.summary != "changed"
    assert admin.get(f"/admin/inspections/clause/{cited.pk}/delete/").status_code == 403


def test_a_used_version_shows_its_items_read_only(world, library, page_for):
    admin = page_for(world.users.admin)
    version = services.current_version(ChecklistTemplate.objects.get(code="school"))
    assert 'name="items-0-text"' in admin.get(f"/admin/inspections/checklistversion/{version.pk}/change/").content.decode()
    services.mark_version_used(version)
    assert 'name="items-0-text"' not in admin.get(f"/admin/inspections/checklistversion/{version.pk}/change/").content.decode()


def test_enterprise_admin_lists_and_changes(world, enterprises, page_for):
    admin = page_for(world.users.admin)
    assert admin.get("/admin/inspections/enterprise/").status_code == 200
    assert admin.get(f"/admin/inspections/enterprise/{enterprises['a1x'].pk}/change/").status_code == 200
    assert admin.get("/admin/inspections/enterprise/add/").status_code == 403


@pytest.mark.parametrize("persona, enterprises_link, library_link", [
    ("street", True, True), ("safety", True, True), ("urban", True, True), ("zone_leader", True, False),
    ("worker", True, False), ("community", True, False),
    ("contractor", True, False),  # contractor staff see the enterprises of their service plans
])
def test_nav_entries_follow_the_roles(world, page_for, persona, enterprises_link, library_link):
    html = page_for(world.persona(persona)).get("/").content.decode()
    assert ('data-testid="nav-enterprises"' in html) is enterprises_link
    assert ("/inspections/criteria/" in html) is library_link
