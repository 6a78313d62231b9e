"""Issue 15 housekeeping: one log line per warning, the broker's control folder under var/,
the demo logins printed once by `make run`, and progress while the demo loads."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from governance.management.commands import seed_demo

ROOT = Path(settings.BASE_DIR)


def _embedded_env(tmp_path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update(VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="governance.settings", DEBUG="1")
    return env


def test_a_request_warning_is_printed_once(tmp_path):
    # The site's real logging set-up, in a fresh interpreter (pytest replaces the handlers).
    code = "import django, logging; django.setup(); logging.getLogger('django.request').warning('Not Found: /probe-15')"
    out = subprocess.run([sys.executable, "-c", code], env=_embedded_env(tmp_path), cwd=ROOT,
                         capture_output=True, text=True, check=True)
    assert out.stderr.count("Not Found: /probe-15") == 1


def test_the_file_system_broker_keeps_its_control_folder_under_var(tmp_path):
    # The embedded settings (no REDIS_URL), read in a fresh interpreter.
    env = _embedded_env(tmp_path)
    code = "from django.conf import settings; print(settings.CELERY_BROKER_TRANSPORT_OPTIONS['control_folder'])"
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    control = Path(out.stdout.strip())
    assert control.is_relative_to(tmp_path) and control.is_dir()


def test_no_control_folder_is_tracked_or_left_unignored():
    assert not (ROOT / "control" / "celery.exchange").exists()


def test_make_run_prints_the_demo_logins_once():
    makefile = (ROOT / "Makefile").read_text()
    seed_lines = [line for line in makefile.splitlines() if "manage.py seed_demo" in line]
    assert seed_lines and all("--no-logins" in line for line in seed_lines)
    assert "manage.py demo_logins" in makefile


@pytest.mark.django_db
def test_seed_demo_shows_a_line_per_step_with_counts_and_seconds(monkeypatch):
    def probe(*, stdout):
        stdout.write("  probing 1/1\n")
        return {"probes": 3}

    monkeypatch.setattr(seed_demo, "SEED_STEPS", [("probe", probe), ("again", probe)])
    out = io.StringIO()
    call_command("seed_demo", "--force", "--no-logins", stdout=out)
    text = out.getvalue()
    assert "(1/2) probe" in text and "(2/2) again" in text
    assert re.search(r"\[probe\] probes: 3 \(\d+\.\d s\)", text)
    assert "demo-2026" not in text
    out = io.StringIO()
    call_command("seed_demo", "--force", stdout=out)
    assert "demo logins" in out.getvalue()


def test_readme_says_most_skipped_tests_need_postgresql():
    readme = (ROOT / "README.md").read_text()
    assert "skips only the tests that need Redis or Chromium" not in readme
    assert "most of them need\nPostgreSQL" in readme


def test_every_map_is_made_by_the_one_shared_set_up():
    scripts = {path.name: path.read_text() for path in (ROOT / "static" / "js").glob("*.js")}
    makers = sorted(name for name, text in scripts.items() if "L.map(" in text)
    assert makers == ["map.js"]
    assert "setPrefix(" in scripts["map.js"] and "tileerror" in scripts["map.js"]
    readme = (ROOT / "README.md").read_text()
    assert "MAP_TILES=tianditu" in readme and "within China" in readme


def test_every_photo_input_is_the_shared_picker():
    """Raw photo inputs only in the picker itself (and the signature photo: one file, not photos;
    and document inputs that take a PDF as well, such as an appeal's evidence files)."""
    raw = []
    for path in (ROOT / "templates").glob("**/*.html"):
        for line in path.read_text().splitlines():
            if 'type="file"' in line and path.name != "photo_picker.html" and 'name="signature"' not in line and 'accept="image' in line \
                    and "application/pdf" not in line:
                raw.append(f"{path.relative_to(ROOT)}: {line.strip()[:80]}")
    assert raw == []
    assert "photo_picker" in (ROOT / "templates/inspections/inspection_form.html").read_text()
    assert "photo_picker" in (ROOT / "templates/incidents/_field.html").read_text()


def test_readme_gives_the_measured_demo_load_time():
    readme = (ROOT / "README.md").read_text()
    assert "one to two minutes" not in readme
    assert "182 s\nof CPU" in readme
