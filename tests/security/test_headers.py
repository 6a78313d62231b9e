"""Response headers (issue 18): a strict Content-Security-Policy from django-csp, no framing,
no sniffing, a same-origin referrer, and a Permissions-Policy that lets only the field pages use
geolocation and the camera. Templates and our scripts carry no inline script the CSP would refuse."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

BASE_DIR = Path(settings.BASE_DIR)


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    parts = [p.strip().split() for p in policy.split(";") if p.strip()]
    return {p[0]: p[1:] for p in parts}


@pytest.fixture
def home(world, page_for):
    return page_for(world.users.street).get(reverse("home"))


def test_every_page_has_a_csp_without_inline_scripts(home):
    csp = directives(home)
    assert csp["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"]
    assert csp["default-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["base-uri"] == ["'none'"]  # ASVS 5.0 V3.4.3: object-src and base-uri 'none'


def test_images_only_from_us_data_blob_and_the_configured_tile_hosts(home):
    assert directives(home)["img-src"] == ["'self'", "data:", "blob:", *settings.MAP_TILE_HOSTS]
    assert settings.MAP_TILE_HOSTS == [f"https://{s}.tile.openstreetmap.org" for s in "abc"]


def test_the_login_page_and_the_api_carry_the_headers_too(client, world, api_for):
    for response in (client.get(reverse("login")), api_for(world.users.street).get("/api/v1/users/me/")):
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Frame-Options"] == "DENY"
        assert "geolocation=()" in response["Permissions-Policy"]


def test_geolocation_and_camera_only_on_the_field_pages(world, page_for):
    worker = page_for(world.users.worker)
    intake = worker.get(reverse("incidents:new"))
    assert intake.status_code == 200
    assert "geolocation=(self)" in intake["Permissions-Policy"]
    assert "camera=(self)" in intake["Permissions-Policy"]
    assert "microphone=()" in intake["Permissions-Policy"]
    queue = page_for(world.users.zone_leader).get(reverse("incidents:queue"))
    assert "geolocation=()" in queue["Permissions-Policy"] and "camera=()" in queue["Permissions-Policy"]
    assert settings.PERMISSIONS_POLICY_FIELDWORK_URLS == {
        "incidents:new", "incidents:new-offline", "inspections:inspection-form", "contractors:visit-detail"}


def test_the_api_docs_page_runs_its_script_from_a_url_not_inline(world, page_for):
    response = page_for(world.users.street).get(reverse("api-docs"))
    assert response.status_code == 200
    assert not INLINE_SCRIPT.search(response.content.decode())


# --- templates and scripts ---------------------------------------------------------------------

# A <script> without src that is not a JSON data block (json_script) would be refused by the CSP.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"""\son[a-z]+\s*=\s*["']""", re.I)
JS_URL = re.compile(r"javascript:", re.I)


def our_templates() -> list[Path]:
    roots = [BASE_DIR / "templates", *(BASE_DIR.glob("*/templates")), *(BASE_DIR.glob("*/*/templates"))]
    return sorted({p for root in roots for p in root.rglob("*.html") if ".venv" not in p.parts})


def test_no_template_has_an_inline_script_handler_or_javascript_url():
    templates = our_templates()
    assert len(templates) > 50
    offenders = [
        f"{path.relative_to(BASE_DIR)}: {pattern.pattern}"
        for path in templates
        for pattern in (INLINE_SCRIPT, INLINE_HANDLER, JS_URL)
        if pattern.search(path.read_text())
    ]
    assert offenders == []


def test_our_scripts_neither_eval_nor_set_inline_handlers():
    scripts = sorted((BASE_DIR / "static" / "js").glob("*.js"))
    assert scripts
    bad = re.compile(r"\beval\(|new Function\(|javascript:|setAttribute\(\s*[\"']on|\.innerHTML\s*=(?!\s*[\"']{2})")
    assert [p.name for p in scripts if bad.search(p.read_text())] == []
