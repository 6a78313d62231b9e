"""The admin speaks the site's language: its own title and header, and every app and model shown
there has a translatable name of its own (not Django's "GRIDS" / "Django administration")."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.utils.functional import Promise

OUR_APPS = ["casework", "grids", "incidents", "inspections", "contractors", "governance"]


def test_admin_site_has_its_own_title_and_header():
    site = admin.site
    assert site.site_header != "Django administration"
    assert site.site_title != "Django site admin"
    assert site.index_title != "Site administration"
    for text in (site.site_header, site.site_title, site.index_title):
        assert isinstance(text, Promise)  # translatable


@pytest.mark.parametrize("label", OUR_APPS)
def test_each_app_has_a_translatable_name(label):
    config = apps.get_app_config(label)
    assert isinstance(config.verbose_name, Promise), label
    assert str(config.verbose_name).lower() != label


def test_each_model_in_the_admin_has_a_translatable_name():
    missing = []
    for model in admin.site._registry:
        if model._meta.app_label not in OUR_APPS:
            continue
        attrs = model._meta.original_attrs
        if not isinstance(attrs.get("verbose_name"), Promise) or not isinstance(attrs.get("verbose_name_plural"), Promise):
            missing.append(model._meta.label)
    assert missing == []


@pytest.mark.django_db
def test_admin_index_shows_the_custom_header(client, world):
    client.force_login(world.users.admin)
    response = client.get("/admin/", headers={"Accept-Language": "en"})
    text = response.content.decode()
    assert "Django administration" not in text and "Django 管理" not in text
    assert str(admin.site.site_header) in text
