"""API tokens, one per device: `issue_token` and `revoke_token` are the only code that creates or
revokes one (every other path — a new login from the same device, logout, a password change, the
administrator ending a user's sessions — goes through them); `authenticate_token` checks a key.

A token expires at its expires_at, and at the latest settings.API_TOKEN_DAYS after it was issued,
so that shortening that setting takes effect at once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework import parsers
from casework.keys import key_hash, new_key, stamp_last_used
from governance.security.models import ApiToken

DEVICE_NAME_LENGTH = 80


def clean_device_name(value) -> str:
    name = parsers.text(value, field="device_name", label=_("Device"), max_length=DEVICE_NAME_LENGTH)
    if any(ord(ch) < 32 for ch in name):
        raise ValidationError({"device_name": _("The device name may not contain control characters.")})
    return name


def is_expired(token: ApiToken, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return now >= token.expires_at or token.created_at <= now - timedelta(days=settings.API_TOKEN_DAYS)


@transaction.atomic
def issue_token(*, user, device_name: str = "", now: datetime | None = None) -> tuple[ApiToken, str]:
    """A new token for `user` on `device_name` (its old token there revoked): the row and the key,
    which is shown once and never stored."""
    device_name = clean_device_name(device_name)
    now = now or timezone.now()
    # Two logins from one device at once (a phone retrying on a weak link) queue on the user's row:
    # locking the old token alone would not stop both from inserting the device's new token.
    type(user).objects.select_for_update().filter(pk=user.pk).first()
    old = ApiToken.objects.filter(user=user, device_name=device_name).first()
    if old is not None:
        revoke_token(token=old, actor=user, reason="replaced")
    raw = new_key()
    token = ApiToken.objects.create(
        user=user, device_name=device_name, key_hash=key_hash(raw), created_at=now,
        expires_at=now + timedelta(days=settings.API_TOKEN_DAYS),
    )
    return token, raw


@transaction.atomic
def revoke_token(*, token: ApiToken, actor=None, reason: str = "") -> None:
    """Revoke `token` (deleted: it works nowhere from now on). `reason`: logout, replaced, revoked,
    password_changed, sessions_ended."""
    ApiToken.objects.filter(pk=token.pk).delete()


def revoke_user_tokens(*, user, actor=None, reason: str) -> int:
    """Every token of `user`, each through revoke_token; how many."""
    tokens = list(ApiToken.objects.filter(user=user))
    for token in tokens:
        revoke_token(token=token, actor=actor, reason=reason)
    return len(tokens)


def authenticate_token(raw: str, *, now: datetime | None = None) -> ApiToken | None:
    """The token with this key, its user joined in, or None. Expiry is the caller's to check (it
    answers a different message); last_used_at is stamped at most once a minute."""
    token = ApiToken.objects.select_related("user").filter(key_hash=key_hash(raw)).first()
    if token is None:
        return None
    now = now or timezone.now()
    if not is_expired(token, now):
        stamp_last_used(token, now)
    return token


def tokens_of(user):
    """The user's live tokens for their list, newest first (the system reads: the owner only)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")
