from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GridsConfig(AppConfig):
    default_auto_field = 'django.db.models.BigAutoField'
    name = 'grids'
    verbose_name = _("Organisation and people")
