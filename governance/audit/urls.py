from django.urls import path

from governance.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.AuditListView.as_view(), name="list"),
    path("export.xlsx", views.export, name="export"),
]
