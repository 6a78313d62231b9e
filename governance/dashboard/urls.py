from django.urls import path

from governance.dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("", views.dashboard, name="subdistrict"),
    path("export.xlsx", views.export, name="export"),
    path("zones/<int:zone_id>/", views.dashboard, name="zone"),
    path("zones/<int:zone_id>/export.xlsx", views.export, name="zone-export"),
]

# the hazard statistics tables (issue 12)
from governance.dashboard import hazard_views  # noqa: E402

urlpatterns += [
    path("hazards/statistics/", hazard_views.statistics, name="hazard-stats"),
    path("hazards/statistics.xlsx", hazard_views.statistics_export, name="hazard-stats-export"),
    path("zones/<int:zone_id>/hazards/statistics/", hazard_views.statistics, name="hazard-stats-zone"),
    path("zones/<int:zone_id>/hazards/statistics.xlsx", hazard_views.statistics_export, name="hazard-stats-zone-export"),
]
