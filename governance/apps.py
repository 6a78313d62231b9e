from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "governance"
    verbose_name = _("Street office")

    def ready(self):
        from governance.security import lockout, sessions  # noqa: F401  (connect their signal receivers)
