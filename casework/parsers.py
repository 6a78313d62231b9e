"""Parsing what a form or a JSON body sent, once for every service.

Each parser takes the raw value (a string from a form, a JSON scalar, or an already-parsed
object from a Django form) and either returns the clean value or raises a ValidationError keyed
by the field's name, so the API answers 400 naming the field and a page puts the message under
it. Services parse their own input with these; pages and the API send what they received.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

MAX_TEXT = 2000
# How far ahead a deadline may be set (a meeting's or a zone leader's).
MAX_AHEAD = timedelta(days=366)
_TRUE = frozenset({"true", "1", "yes", "on"})
_FALSE = frozenset({"false", "0", "no", "off"})


def text(value, *, field: str, label: str, required: bool = False, max_length: int = MAX_TEXT) -> str:
    value = "" if value is None else str(value).strip()
    if "\x00" in value:  # PostgreSQL refuses NUL in text: a 400 naming the field, never a 500
        raise ValidationError({field: _("%(field)s contains a NUL character; remove it.") % {"field": label}})
    if required and not value:
        raise ValidationError({field: _("%(field)s is required.") % {"field": label}})
    if len(value) > max_length:
        raise ValidationError({field: _("At most %(limit)s characters.") % {"limit": max_length}})
    return value


def boolean(value, *, field: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in _TRUE:
        return True
    if isinstance(value, str) and value.lower() in _FALSE:
        return False
    raise ValidationError({field: _("Say true or false.")})


def whole_number(value, *, field: str, low: int, high: int, not_a_number: str, out_of_range: str) -> int:
    """An integer within [low, high]; the two messages say what is expected."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a JSON 3.0
    try:
        if isinstance(value, bool | float):
            raise ValueError(value)
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError({field: not_a_number}) from None
    if not low <= number <= high:
        raise ValidationError({field: out_of_range})
    return number


def decimal_number(value, *, field: str, low: float, high: float) -> float | None:
    """A float within [low, high], or None when empty (coordinates)."""
    if value in (None, ""):
        return None
    try:
        number = float(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Enter a number.")}) from None
    if not low <= number <= high:
        raise ValidationError({field: _("Out of range.")})
    return number


def future_datetime(value, *, field: str, now: datetime, within: timedelta = MAX_AHEAD) -> datetime | None:
    """An aware datetime after `now` and no later than `now + within`, or None when empty; naive
    input is read in local time. The bound keeps every stored time far from datetime's year 9999."""
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            parsed = parse_datetime(value.strip())
        except ValueError:  # well-formed but impossible, e.g. month 13
            parsed = None
        if parsed is not None and timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed)
        value = parsed
    if not isinstance(value, datetime):
        raise ValidationError({field: _("Enter a date and time, e.g. 2026-12-01T17:30.")})
    if value <= now:
        raise ValidationError({field: _("The deadline must be in the future.")})
    if value > now + within:
        raise ValidationError({field: _("The deadline must be within %(days)s days.") % {"days": within.days}})
    return value


def past_datetime(value, *, field: str, now: datetime, within: timedelta, skew: timedelta) -> datetime | None:
    """An aware datetime no later than `now` and no earlier than `now - within`, or None when empty;
    naive input is read in local time. A time up to `skew` ahead (a phone's clock a little fast) is
    taken as `now`; further ahead, or older than `within`, is refused with a clear message."""
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            parsed = parse_datetime(value.strip())
        except ValueError:
            parsed = None
        if parsed is not None and timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed)
        value = parsed
    if not isinstance(value, datetime):
        raise ValidationError({field: _("Enter a date and time, e.g. 2026-12-01T17:30.")})
    if value > now + skew:
        raise ValidationError({field: _("This time lies in the future: check the phone's date and time.")})
    if value < now - within:
        raise ValidationError({field: _("This time is more than %(days)s days ago: file the report anew.") % {
            "days": within.days}})
    return min(value, now)


def pk_of(value) -> int:
    """The primary key a form (an object) or a body (an id, or its decimal digits) refers to;
    ValueError for anything else (booleans, fractions, infinities, "²")."""
    value = getattr(value, "pk", value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and 0 < len(value.strip()) <= 18 and value.strip().isascii() and value.strip().isdecimal():
        return int(value.strip())
    raise ValueError(f"not an id: {value!r}")


def one_of(value, queryset: QuerySet, *, field: str, missing: str, unknown: str, required: bool = True) -> Model | None:
    """The object of `queryset` that `value` names; `missing`/`unknown` are the messages."""
    if value in (None, ""):
        if required:
            raise ValidationError({field: missing})
        return None
    try:
        return queryset.get(pk=pk_of(value))
    except (TypeError, ValueError, queryset.model.DoesNotExist):
        raise ValidationError({field: unknown}) from None


def money(value, *, field: str, high: Decimal = Decimal("9999999999.99")) -> Decimal:
    """A non-negative amount of yuan with at most two decimals (funds of a rectification)."""
    if isinstance(value, bool | float):
        value = str(value) if isinstance(value, float) else None
    try:
        amount = Decimal(str(value).strip().replace(",", "").lstrip("¥"))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({field: _("Enter an amount in yuan, e.g. 12000.50.")}) from None
    if not amount.is_finite() or amount < 0 or amount > high or amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({field: _("Enter an amount in yuan, e.g. 12000.50.")})
    return amount.quantize(Decimal("0.01"))
