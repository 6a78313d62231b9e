"""Django admin of the street office's app: each feature registers its own (autodiscovery imports this module)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from governance.audit import admin as audit_admin  # noqa: F401
from governance.meetings import admin as meetings_admin  # noqa: F401
from governance.operations import admin as operations_admin  # noqa: F401
from governance.security import admin as security_admin  # noqa: F401

# The admin's own words instead of "Django administration" (translated like the rest of the site).
admin.site.site_header = _("Grid governance administration")
admin.site.site_title = _("Grid governance admin")
admin.site.index_title = _("Data administration")
