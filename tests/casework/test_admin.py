"""The read-only admin bases: rows only services write are shown, never added, changed or deleted."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory

from casework.admin import ReadOnlyInline, ReadOnlyModelAdmin
from grids.choices import Role
from incidents.models import Incident, IncidentEvent
from tests import factories as f


@pytest.mark.django_db
def test_read_only_bases_refuse_every_write():
    request = RequestFactory().get("/admin/")
    request.user = f.UserFactory(role=Role.ADMIN, is_superuser=True, is_staff=True)
    model_admin = ReadOnlyModelAdmin(IncidentEvent, admin.site)
    inline = type("EventInline", (ReadOnlyInline,), {"model": IncidentEvent})(Incident, admin.site)
    for base in (model_admin, inline):
        assert not base.has_add_permission(request)
        assert not base.has_change_permission(request)
        assert not base.has_delete_permission(request)
    assert model_admin.has_view_permission(request) and inline.has_view_permission(request)
    assert inline.extra == 0 and inline.can_delete is False
