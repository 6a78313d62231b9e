from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractorsConfig(AppConfig):
    default_auto_field = 'django.db.models.BigAutoField'
    name = 'contractors'
    verbose_name = _("Safety contractors")

    def ready(self) -> None:
        from contractors import scoping

        scoping.register()
