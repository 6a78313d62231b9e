from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from governance import views
from governance.operations import views as operations_views
from governance.security import views as security_views

urlpatterns = [
    path("incidents/", include("incidents.urls")),
    path("inspections/", include("inspections.urls")),
    path("contractors/", include("contractors.urls")),
    path("", views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password_change/", security_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password_change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("grids/", include("grids.urls")),
    path("dashboard/", include("governance.dashboard.urls")),
    path("meetings/", include("governance.meetings.urls")),
    path("audit/", include("governance.audit.urls")),
    path("assessment/", include("governance.assessment.urls")),
    path("api/v1/", include("governance.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("healthz", operations_views.healthz, name="healthz"),
    path("readyz", operations_views.readyz, name="readyz"),
    path("operations/heartbeats/", operations_views.heartbeats, name="heartbeats"),
]

# No media route, not even in DEBUG: uploaded files are private and each is sent by a view that
# checks who may see its owner (casework.files.private_file_response).

# The error pages in the site's layout and language (governance/errors.py).
handler403 = "governance.errors.permission_denied"
handler404 = "governance.errors.page_not_found"
handler500 = "governance.errors.server_error"

# Open311 GeoReport v2 for outside reporting clients (incidents/open311).
urlpatterns += [path("open311/v2/", include("incidents.open311.urls"))]

# The signed-in person's devices (API tokens), each revocable.
urlpatterns += [
    path("accounts/devices/", security_views.devices, name="account-devices"),
    path("accounts/devices/<int:pk>/revoke/", security_views.revoke_device, name="account-device-revoke"),
]
