"""Open311 clients and their api_keys: issued per client in the admin, stored hashed, revocable,
rate-limited. `issue_key` and `revoke_key` are the only code that creates or revokes a key."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from casework import audit
from casework.keys import key_hash, new_key, stamp_last_used
from grids.choices import Role
from incidents.models import Open311Client, Open311Key

RATE_WINDOW_SECONDS = 3600


@transaction.atomic
def create_client(*, name: str, contact: str = "", rate_limit_per_hour: int | None = None, actor=None) -> Open311Client:
    """A new client with its reporting account: the street office's reach (a report may fall in any
    cell), inactive and without a password, so that nobody can log in as it."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the client a name.")})
    if Open311Client.objects.filter(name=name).exists():
        raise ValidationError({"name": _("A client of this name exists already.")})
    account = get_user_model()(
        username=f"open311-{get_random_string(10).lower()}", first_name=name[:150], role=Role.STREET, is_active=False,
    )
    account.set_unusable_password()
    account.save()
    return Open311Client.objects.create(name=name, contact=contact, account=account, rate_limit_per_hour=rate_limit_per_hour)


@transaction.atomic
def issue_key(*, client: Open311Client, actor=None, now: datetime | None = None) -> tuple[Open311Key, str]:
    """A new api_key for `client`: the row, and the key itself (shown once, never stored)."""
    raw = new_key()
    key = Open311Key.objects.create(
        client=client, key_hash=key_hash(raw), prefix=raw[:8], created_at=now or timezone.now(), created_by=actor,
    )
    audit.record("api_key_issued", actor=actor, target=key, client=client.name, prefix=key.prefix)
    return key, raw


@transaction.atomic
def revoke_key(*, key: Open311Key, actor=None, now: datetime | None = None) -> Open311Key:
    """Revoke `key` from now on (a revoked key stays revoked: a second call changes nothing)."""
    locked = Open311Key.objects.select_for_update().get(pk=key.pk)
    if locked.revoked_at is None:
        locked.revoked_at = now or timezone.now()
        locked.save(update_fields=["revoked_at"])
        audit.record("api_key_revoked", actor=actor, target=locked, client=locked.client.name, prefix=locked.prefix)
    return locked


def authenticate_key(raw: str, *, now: datetime | None = None) -> Open311Key | None:
    """The live key with this value (its client active), or None: unknown, revoked and a disabled
    client read alike."""
    if not raw:
        return None
    key = (
        Open311Key.objects.select_related("client__account")
        .filter(key_hash=key_hash(raw), revoked_at__isnull=True, client__is_active=True)
        .first()
    )
    if key is not None:
        stamp_last_used(key, now or timezone.now())
    return key


def over_rate(client: Open311Client, *, now: datetime | None = None) -> int:
    """Count one report of `client` in the current hour; the seconds until the next hour when it is
    over its limit (0: within). A fixed window in the shared cache (Redis in production)."""
    stamp = int((now or timezone.now()).timestamp())
    window = stamp // RATE_WINDOW_SECONDS
    counter = f"open311:rate:{client.pk}:{window}"
    cache.add(counter, 0, timeout=RATE_WINDOW_SECONDS + 60)
    try:
        used = cache.incr(counter)
    except ValueError:  # expired between add and incr
        cache.set(counter, 1, timeout=RATE_WINDOW_SECONDS + 60)
        used = 1
    if used > client.hourly_limit:
        return (window + 1) * RATE_WINDOW_SECONDS - stamp
    return 0
