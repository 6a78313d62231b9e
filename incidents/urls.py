from django.urls import path
from django.views.generic import RedirectView

from incidents import offline, views

app_name = "incidents"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("new/", views.incident_new, name="new"),
    # The installable offline intake: the page's copy kept by the service worker, the worker, the manifest.
    path("new/offline/", views.incident_new, {"offline_copy": True}, name="new-offline"),
    path("sw.js", offline.service_worker, name="service-worker"),
    path("manifest.webmanifest", offline.manifest, name="manifest"),
    path("mine/", views.mine, name="mine"),
    path("department/", views.department_queue, name="department"),
    path("dispatch/", views.bulk_dispatch, name="bulk-dispatch"),
    path("export.xlsx", views.export, name="export"),
    path("locate/", views.locate, name="locate"),
    path("duplicates/", views.duplicates, name="duplicates"),
    path("<int:pk>/", views.incident_detail, name="detail"),
    path("<int:pk>/act/", views.act, name="act"),
    path("<int:pk>/link/", views.link, name="link"),
    path("<int:pk>/photos/<int:photo_pk>/", views.photo, name="photo"),
    # The inbox moved to grids (beside its model); old bookmarks still arrive.
    path("notifications/", RedirectView.as_view(pattern_name="grids:notifications", permanent=True)),
]
