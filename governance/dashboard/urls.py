from django.urls import path

from governance.dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("", views.dashboard, name="subdistrict"),
    path("export.xlsx", views.export, name="export"),
    path("zones/<int:zone_id>/", views.dashboard, name="zone"),
    path("zones/<int:zone_id>/export.xlsx", views.export, name="zone-export"),
]
