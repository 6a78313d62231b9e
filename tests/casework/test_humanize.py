"""One humanised way to say a time or a distance (casework.humanize), used by every page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings

from casework import humanize

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(("seconds", "said"), [
    (20, "less than a minute"),
    (60, "1 minute"),
    (25 * 60, "25 minutes"),
    (3 * 3600 + 25 * 60, "3 hours 25 minutes"),
    (3 * 3600, "3 hours"),
    (11 * 3600 + 5 * 60, "11 hours"),
    (26 * 3600, "1 day 2 hours"),
    (5 * 86400 + 7 * 3600, "5 days"),
])
def test_span_reads_as_a_person_says_it(seconds, said):
    assert humanize.span(seconds) == said
    assert "," not in humanize.span(seconds)


def test_time_left_and_overdue():
    assert humanize.time_left(NOW + timedelta(hours=3, minutes=25), NOW) == "3 hours 25 minutes left"
    assert humanize.time_left(NOW - timedelta(days=2), NOW) == "overdue by 2 days"


def test_ago_is_one_unit_and_just_now_for_seconds():
    assert humanize.ago(NOW - timedelta(seconds=10), NOW) == "just now"
    assert humanize.ago(NOW - timedelta(days=1, hours=3), NOW) == "1 day ago"
    assert humanize.ago(NOW - timedelta(hours=3, minutes=40), NOW) == "3 hours ago"


@pytest.mark.parametrize(("metres", "said"), [
    (0, "at the same spot"), (3.9, "at the same spot"), (12, "12 m away"), (347, "350 m away"), (1234, "1.2 km away"),
])
def test_distance(metres, said):
    assert humanize.distance(metres) == said


def test_no_page_formats_times_with_djangos_timesince():
    root = Path(settings.BASE_DIR)
    offenders = []
    for path in [*root.glob("*/**/*.py"), *root.glob("templates/**/*.html")]:
        if ".venv" in path.parts or "tests" in path.parts or "bench" in path.parts or path.name == "humanize.py":
            continue
        text = path.read_text(errors="ignore")
        if "timesince" in text or "timeuntil" in text or "naturaltime" in text:
            offenders.append(str(path.relative_to(root)))
    assert offenders == []
