"""The contractors' rows in the admin: each list and change page opens; the audit-like rows are read-only."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from contractors.models import Contract, PensionProof, ServiceFirm, Visit, VisitEvent

pytestmark = pytest.mark.django_db


def test_every_contractors_model_lists_and_opens_in_the_admin(cw, world, client):
    client.force_login(world.users.admin)
    models = [m for m in admin.site._registry if m._meta.app_label == "contractors"]
    assert {ServiceFirm, Contract, Visit, VisitEvent, PensionProof} <= set(models)
    for model in models:
        info = (model._meta.app_label, model._meta.model_name)
        assert client.get(reverse(f"admin:{info[0]}_{info[1]}_changelist")).status_code == 200, model
        row = model.objects.order_by("pk").first()
        if row is not None:
            assert client.get(reverse(f"admin:{info[0]}_{info[1]}_change", args=[row.pk])).status_code == 200, model


@pytest.mark.parametrize("model", [Visit, VisitEvent, Contract, PensionProof])
def test_the_timeline_and_history_rows_are_read_only(model, rf, world):
    request = rf.get("/")
    request.user = world.users.admin
    model_admin = admin.site._registry[model]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request) and not model_admin.has_delete_permission(request)
