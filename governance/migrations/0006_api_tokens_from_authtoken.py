"""The tokens issued before devices existed keep working: each DRF authtoken row becomes a token of
an unnamed device (its key hashed, its issue time kept) and the plain-text row is deleted."""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.db import migrations


def forwards(apps, schema_editor):
    Token = apps.get_model("authtoken", "Token")
    ApiToken = apps.get_model("governance", "ApiToken")
    days = timedelta(days=settings.API_TOKEN_DAYS)
    for old in Token.objects.all().iterator():
        ApiToken.objects.get_or_create(
            user_id=old.user_id, device_name="",
            defaults={"key_hash": hashlib.sha256(old.key.encode()).hexdigest(), "created_at": old.created,
                      "expires_at": old.created + days},
        )
    Token.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0005_api_tokens"),
        ("authtoken", "0004_alter_tokenproxy_options"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
