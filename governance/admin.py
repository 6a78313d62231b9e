"""Django admin of the street office's app: each feature registers its own (autodiscovery imports this module)."""

from governance.meetings import admin as meetings_admin  # noqa: F401
from governance.security import admin as security_admin  # noqa: F401
