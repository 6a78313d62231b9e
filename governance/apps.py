from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "governance"
    verbose_name = _("Street office")

    def ready(self):
        from casework import audit
        from governance.audit import receivers, services  # noqa: F401  (connect the audit trail's receivers)
        from governance.meetings import case_pages
        from governance.operations import celery_signals  # noqa: F401  (logs and heartbeat of tasks)
        from governance.rollups import hooks
        from governance.security import lockout, sessions  # noqa: F401  (connect their signal receivers)

        audit.register(services.record)  # the apps below the site record through casework.audit
        case_pages.register()  # the meeting's note on case pages; cooperating departments see their cases
        hooks.connect(self)  # the per-day rollups follow every case event
