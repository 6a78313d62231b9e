from django.urls import path

from inspections import views

app_name = "inspections"
urlpatterns = [
    path("enterprises/", views.EnterpriseListView.as_view(), name="enterprise-list"),
    path("enterprises/export.xlsx", views.enterprise_export, name="enterprise-export"),
    path("enterprises/import/", views.enterprise_import, name="enterprise-import"),
    path("enterprises/import/template.xlsx", views.import_template, name="import-template"),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="enterprise-detail"),
    path("criteria/", views.ClauseListView.as_view(), name="clause-list"),
    path("checklists/", views.ChecklistListView.as_view(), name="checklist-list"),
    path("checklists/<int:pk>/", views.checklist_detail, name="checklist-detail"),
]
