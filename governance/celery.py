"""The Celery application. Tasks are thin: each calls one service (ARCHITECTURE.md)."""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.settings")

app = Celery("governance")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.setup_logging.connect
def _keep_django_logging(**kwargs) -> None:
    """Celery keeps the LOGGING of the settings (structlog, governance.operations.logs) instead of
    installing its own handlers: worker and beat lines have the web's shape."""
