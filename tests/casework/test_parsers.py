"""The shared input parsers: clean values or a ValidationError naming the field, never a crash."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from casework import parsers
from grids.models import Department

NOW = timezone.make_aware(dt.datetime(2026, 12, 2, 9, 0))


@pytest.mark.parametrize("value", [True, False, 1.5, math.inf, -math.inf, math.nan, "1.9", "²", "9" * 40, "", " ", None, [], {}])
def test_pk_of_refuses_what_is_not_an_id(value):
    with pytest.raises((ValueError, TypeError)):
        parsers.pk_of(value)


@pytest.mark.parametrize(("value", "pk"), [(7, 7), ("7", 7), (" 12 ", 12)])
def test_pk_of_reads_ids_and_their_digits(value, pk):
    assert parsers.pk_of(value) == pk


@pytest.mark.django_db
@pytest.mark.parametrize("value", [1e400, True, "x", 10**30, "²"])
def test_one_of_answers_a_field_error_for_any_bad_reference(value):
    with pytest.raises(ValidationError) as error:
        parsers.one_of(value, Department.objects.all(), field="department", missing="choose", unknown="unknown")
    assert error.value.message_dict == {"department": ["unknown"]}


@pytest.mark.parametrize(("value", "ok"), [(3, 3), ("3", 3), (3.0, 3), (" 4 ", 4)])
def test_whole_number_accepts_whole_numbers(value, ok):
    assert parsers.whole_number(value, field="days", low=1, high=30, not_a_number="n", out_of_range="r") == ok


@pytest.mark.parametrize(("value", "message"), [(2.5, "n"), (True, "n"), ("abc", "n"), (None, "n"), (0, "r"), (31, "r"), ("9" * 5000, "n")])
def test_whole_number_refuses_the_rest(value, message):
    with pytest.raises(ValidationError) as error:
        parsers.whole_number(value, field="days", low=1, high=30, not_a_number="n", out_of_range="r")
    assert error.value.message_dict == {"days": [message]}


@pytest.mark.parametrize("value", ["9999-12-31T23:59:59-12:00", "2028-01-01T09:00", "2026-13-01T09:00", "soon", 12, "2026-12-01T09:00"])
def test_a_deadline_must_be_a_real_time_in_the_coming_year(value):
    with pytest.raises(ValidationError) as error:
        parsers.future_datetime(value, field="deadline", now=NOW)
    assert list(error.value.message_dict) == ["deadline"]


def test_a_deadline_in_the_coming_year_is_read_in_local_time():
    value = parsers.future_datetime("2026-12-09T17:30", field="deadline", now=NOW)
    assert timezone.localtime(value).hour == 17 and value > NOW
    assert parsers.future_datetime("", field="deadline", now=NOW) is None


@pytest.mark.parametrize("value", ["1e400", "nan", "abc", 91, -90.5])
def test_coordinates_out_of_range_or_not_numbers(value):
    with pytest.raises(ValidationError):
        parsers.decimal_number(value, field="latitude", low=-90, high=90)


def test_text_is_stripped_required_and_bounded():
    assert parsers.text("  gas  ", field="note", label="Note") == "gas"
    with pytest.raises(ValidationError):
        parsers.text(" ", field="note", label="Note", required=True)
    with pytest.raises(ValidationError):
        parsers.text("x" * 2001, field="note", label="Note")


def test_text_with_a_nul_character_is_a_field_error():
    with pytest.raises(ValidationError) as error:
        parsers.text("gas\x00smell", field="note", label="Note")
    assert list(error.value.message_dict) == ["note"]
