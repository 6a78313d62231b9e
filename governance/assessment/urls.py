"""Pages of the assessment, under /assessment/ (namespace `assessment`)."""

from django.urls import path

from governance.assessment import views

app_name = "assessment"
urlpatterns = [
    path("", views.ranking, name="ranking"),
    path("export/", views.ranking_export, name="ranking-export"),
    path("mine/", views.mine, name="mine"),
    path("appeals/", views.appeal_list, name="appeals"),
    path("appeals/<int:pk>/", views.appeal_detail, name="appeal"),
    path("appeals/<int:pk>/act/", views.appeal_act, name="appeal-act"),
    path("appeals/<int:pk>/files/<int:file_pk>/", views.appeal_file, name="appeal-file"),
    path("sheets/<int:pk>/", views.sheet_detail, name="sheet"),
    path("sheets/<int:pk>/lines/<slug:key>/", views.line_detail, name="line"),
    path("sheets/<int:pk>/comment/", views.sheet_comment, name="sheet-comment"),
    path("sheets/<int:pk>/appeal/", views.sheet_appeal, name="sheet-appeal"),
    path("periods/new/", views.period_create, name="period-create"),
    path("periods/<int:pk>/publish/", views.period_publish, name="period-publish"),
    path("periods/<int:pk>/compute/", views.period_compute, name="period-compute"),
    path("periods/<int:pk>/rewards/", views.reward_sheet, name="reward-sheet"),
    path("dismissal-review/", views.dismissal_list, name="dismissal"),
    path("schemes/", views.scheme_list, name="schemes"),
    path("schemes/<int:pk>/", views.scheme_detail, name="scheme"),
    path("exclusions/", views.exclusions, name="exclusions"),
]
